"""Hostile inputs: packs and forms written to break in, blow up or hang.

Every case ends in a clear one-line message (exit 2 where the input could not be checked) or in
findings — never a traceback, never a hang: each command runs in a subprocess with a timeout and
``resource`` limits on memory and CPU. In a batch, every other form is still checked and reported.
The fixtures are generated at test time (the 50 MB ones are never committed).

Sandbox escapes already refused at load are in tests/test_expressions.py (46 of them, not repeated
here); the expression cases here come through other doors: message placeholders, lets, whens, params,
YAML escapes and full-width characters, and whole pack files.
"""

from __future__ import annotations

import json
import os
import resource
from concurrent.futures import ThreadPoolExecutor
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "forms" / "liwan-duobao-2021.yaml"
TIMEOUT = 60          # seconds of wall time per command
MEMORY = 2 << 30      # bytes of address space per command
FT = "cn.dept-overall-self-eval"


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (TIMEOUT, TIMEOUT + 5))


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``formaudit ARGS`` in a subprocess, bounded in time and memory; no traceback may come out."""
    code = "import sys; from formaudit.cli import main; sys.exit(main(sys.argv[1:]))"
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, timeout=TIMEOUT,
                          preexec_fn=_limits, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    proc.seconds = time.perf_counter() - start
    proc.out = proc.stdout.decode("utf-8", "replace")
    proc.err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in proc.err and "Traceback" not in proc.out, proc.err[-3000:]
    return proc


def form(**fields) -> dict:
    return {"form_type": FT, **fields}


def js(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


RANDOM = bytes((i * 7919 + 13) % 256 for i in range(200_000))  # deterministic noise
ROW = {"source": "合计", "budget_initial": "100.00", "budget_adjustment": "0.00", "actual": "95.00",
       "completion_rate": "95.00%", "adjustment_rate": "0.00%"}

# name → (file content or a function making it, exit status, what stderr or stdout must say)
FORMS: dict[str, tuple] = {
    "nan.json": (b'{"form_type": "%s", "funds": [{"source": "x", "actual": NaN}]}' % FT.encode(), 2,
                 "NaN is not a number"),
    "infinity.json": (b'{"form_type": "%s", "funds": [{"source": "x", "actual": Infinity}]}' % FT.encode(), 2,
                      "Infinity is not a number"),
    "minus-infinity.json": (b'{"form_type": "%s", "funds": [{"source": "x", "actual": -Infinity}]}' % FT.encode(),
                            2, "-Infinity is not a number"),
    "1e400.json": (b'{"form_type": "%s", "funds": [{"source": "x", "actual": 1e400}]}' % FT.encode(), 2,
                   "number out of range"),
    "1e400.yaml": (f"form_type: {FT}\nfunds: [{{source: x, actual: 1.0e+400}}]\n".encode(), 2, "yaml-number"),
    "nan.yaml": (f"form_type: {FT}\nfunds: [{{source: x, actual: .nan, budget_initial: -.inf}}]\n".encode(), 2,
                 "yaml-number"),
    "1e400-as-text.json": (js(form(funds=[{**ROW, "actual": "1e400", "completion_rate": "NaN"}])), 1, "schema"),
    "5000-digits.json": (b'{"form_type": "%s", "year": %s}' % (FT.encode(), b"9" * 5000), 2, "number too long"),
    "40-digit-string.json": (js(form(funds=[{**ROW, "budget_initial": "9" * 40}])), 0, "too long to check"),
    "deep.json": (lambda: b'{"form_type": "%s", "x": %s1%s}' % (FT.encode(), b"[" * 10000, b"]" * 10000), 2,
                  "json-too-deep"),
    "deep.yaml": (lambda: f"form_type: {FT}\nx: {'[' * 10000}{']' * 10000}\n".encode(), 2, "yaml-too-deep"),
    "deep-block.yaml": (lambda: (f"form_type: {FT}\nx:\n" + "".join(" " * i + "- \n" for i in range(1, 3000))).encode(),
                        2, "yaml-too-deep"),
    "wrong-types.json": (js(form(funds="abc", tasks={"a": 1}, year=[], goals=[1], title={"a": 1}, amount_unit=5)),
                         1, "schema.type"),
    "wrong-rows.json": (js(form(funds=[1, "x", None, [], {"source": {"a": 1}, "actual": [1], "budget_initial": {},
                                                          "completion_rate": True}],
                                tasks=[None, {"indicators": "x"}, {"indicators": [1, None, {"target": [], "achieved": {}}]}],
                                provenance=[1, 2])), 1, "schema"),
    "form-type-number.json": (js({"form_type": 5}), 2, "no form_type"),
    "form-type-list.json": (js({"form_type": [FT]}), 2, "no form_type"),
    "unknown-form-type.json": (js({"form_type": "cn.no-such-form"}), 2, "unknown form type"),
    "top-level-list.json": (js([form()]), 2, "input-not-a-form"),
    "top-level-text.yaml": (b"form_type\n", 2, "no-reader"),
    "50mb-string.json": (lambda: js(form(title="")).replace(b'""', b'"' + b"a" * (50 << 20) + b'"'), 2,
                         "input-too-large"),
    "19mb-string.json": (lambda: js(form(title="", funds=[ROW])).replace(b'""', b'"' + b"a" * (19 << 20) + b'"', 1),
                         0, ""),
    "invalid-utf8.json": (b'{"form_type": "%s", "title": "\xff\xfe"}' % FT.encode(), 2, "input-encoding"),
    "lone-surrogate.json": (b'{"form_type": "%s", "funds": [{"source": "\\ud800", "completion_rate": "10%%"}]}'
                            % FT.encode(), 2, "input-encoding"),
    "lone-surrogate.yaml": (f'form_type: {FT}\ntitle: "\\ud800"\n'.encode(), 2, "yaml-encoding"),
    "binary.json": (b"\x00\x01\x02form_type" * 100, 2, "no-reader"),
    "binary-with-form-type.json": (b'{"form_type": "%s", "x": "\x00\x01"}' % FT.encode(), 2, "input-binary"),
    "empty.json": (b"", 2, "input-empty"),
    "blank.yaml": (b"  \n\n ", 2, "input-empty"),
    "billion-laughs.yaml": (lambda: (f"form_type: {FT}\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))).encode(), 2, "yaml-too-large"),
    "many-values.yaml": (lambda: (f"form_type: {FT}\nx:\n" + "- 0\n" * 210_000).encode(), 2, "yaml-too-large"),
    "python-tag.yaml": (f"form_type: {FT}\nx: !!python/object/apply:os.system ['touch PWNED']\n".encode(), 2,
                        "yaml-tag"),
    "binary-tag.yaml": (f"form_type: {FT}\nx: !!binary aGVsbG8=\n".encode(), 2, "yaml-tag"),
    "custom-tag.yaml": (f"form_type: {FT}\nx: !shell 'touch PWNED'\n".encode(), 2, "yaml-tag"),
    "duplicate-key.json": (b'{"form_type": "%s", "title": "a", "title": "b"}' % FT.encode(), 2, "json-duplicate-key"),
    "duplicate-key.yaml": (f"form_type: {FT}\ntitle: a\ntitle: b\n".encode(), 2, "yaml-duplicate-key"),
    "two-documents.yaml": (f"form_type: {FT}\n---\nform_type: {FT}\n".encode(), 2, "yaml-syntax"),
    "sexagesimal.yaml": (f"form_type: {FT}\nfunds: [{{source: 合计, completion_rate: 1:30, actual: 0x1F}}]\n".encode(),
                         1, "schema"),
    # documents: other readers must refuse what they cannot read as cleanly
    "random.pdf": (lambda: RANDOM, 2, ""),
    "random.xlsx": (lambda: RANDOM, 2, ""),
    "random.txt": (lambda: RANDOM, 2, ""),
    "pdf-header-only.pdf": (lambda: b"%PDF-1.7\n" + RANDOM, 2, ""),
    "zip-header-only.xlsx": (lambda: b"PK\x03\x04" + RANDOM, 2, ""),
    "utf16.txt": ("部门整体支出绩效自评表\n".encode("utf-16") * 50, 2, ""),
    "control-characters.json": (js(form(title="\u0000\u0007\u202e", funds=[{**ROW, "source": "合\u0000计"}])), 0, ""),
}


@pytest.fixture(scope="module")
def hostile_forms(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-forms")
    for name, (content, *_rest) in FORMS.items():
        (folder / name).write_bytes(content() if callable(content) else content)
    return folder


def run_all(jobs: dict[str, tuple]) -> dict[str, object]:
    """Run the commands side by side (each in its own bounded subprocess); a traceback fails them all."""
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {name: pool.submit(cli, *args, cwd=cwd) for name, (args, cwd) in jobs.items()}
        return {name: f.result() for name, f in futures.items()}


@pytest.fixture(scope="module")
def form_runs(hostile_forms):
    return run_all({name: (("check", "--format", "json", name), hostile_forms) for name in FORMS})


@pytest.mark.parametrize("name", list(FORMS))
def test_hostile_form(hostile_forms, form_runs, name):
    _, status, says = FORMS[name]
    proc = form_runs[name]
    assert proc.returncode == status, (proc.returncode, proc.err[-2000:])
    if status == 2:
        lines = [ln for ln in proc.err.splitlines() if ln.startswith("formaudit: ")]
        assert lines and name in lines[0] and says in lines[0], proc.err[-2000:]
        assert len(lines[0]) < 400  # one clear line, not a dump of the input
    else:
        report = json.loads(proc.out)
        assert report["results"][0]["errors"] == []
        assert says in proc.out
    assert proc.seconds < 45, f"{name} took {proc.seconds:.1f} s"  # run side by side with the others
    assert not (hostile_forms / "PWNED").exists()


def test_batch_of_hostile_forms_checks_every_other_form(hostile_forms, tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    for f in hostile_forms.iterdir():
        (batch / f.name).symlink_to(f)
    (batch / "seed.yaml").write_bytes(SEED.read_bytes())
    proc = cli("check", "--format", "json", "-o", str(tmp_path / "out.json"), str(batch), cwd=tmp_path)
    assert proc.returncode == 2
    report = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    results = {Path(r["input"]).name: r for r in report["results"]}
    seed = results["seed.yaml"]
    assert not seed["errors"]
    assert {f["rule"] for f in seed["findings"] if f["severity"] == "error"} >= {"funds.completion-rate"}
    skipped = 0
    for name, (_, status, says) in FORMS.items():
        if f"{name}: skipped: no reader accepts this file" in proc.err:  # a folder walk says what it skips
            assert status == 2 and says in ("no-reader", ""), name
            skipped += 1
            continue
        assert name in results, f"{name} missing from the batch report"
        assert bool(results[name]["errors"]) == (status == 2), (name, results[name]["errors"])
        if status == 2:
            assert any(name in line for line in proc.err.splitlines()), name
    assert report["summary"]["input_errors"] == sum(1 for _, s, _ in FORMS.values() if s == 2) - skipped


# -- packs ---------------------------------------------------------------------------------------------

HEAD = f"pack: test.hostile\nversion: 1.0.0\nform_type: {FT}\n"


def rule(check: str = "True", *, message: str = "m", extra: str = "") -> str:
    return (f"rules:\n  - id: x.y\n    title: t\n    severity: error\n{extra}"
            f"    check: {json.dumps(check, ensure_ascii=False)}\n    message: {json.dumps(message, ensure_ascii=False)}\n")


# name → (pack file content, what the one-line error must say)
PACKS: dict[str, tuple] = {
    "placeholder-dunder": (HEAD + rule(message="{().__class__}"), "message-placeholder"),
    "placeholder-attribute-chain": (HEAD + rule(message="{item.__class__.__mro__}"), "names starting with '_'"),
    "placeholder-conversion": (HEAD + rule(message="{source!r}"), "message-placeholder"),
    "placeholder-lambda": (HEAD + rule(message="{(lambda: 1)()}"), "message-placeholder"),
    "let-dunder": (HEAD + rule("x", extra="    let:\n      x: item.__dict__\n"), "names starting with '_'"),
    "let-named-dunder": (HEAD + rule("__class__ == 1", extra="    let:\n      __class__: '1'\n"), "pack-schema"),
    "let-shadows-function": (HEAD + rule(extra="    let:\n      sum: '1'\n"), "let-shadows"),
    "when-lambda": (HEAD + rule(extra="    when: '(lambda: 1)()'\n"), "only registered functions"),
    "params-attribute": (HEAD + rule("params.__class__"), "names starting with '_'"),
    "params-subscript": (HEAD + rule("params['__init__']"), "keys starting with '_'"),
    "escaped-dunder-key": (HEAD + rule("item['\\x5f_class__']"), "keys starting with '_'"),
    "fullwidth-dunder": (HEAD + rule("ｉｔｅｍ.＿＿ｃｌａｓｓ＿＿"), "expression-syntax"),
    "bound-method": (HEAD + rule("min.__self__"), "names starting with '_'"),
    "bytes-literal": (HEAD + rule("b'abc' == 1"), "bytes literals"),
    "ellipsis": (HEAD + rule("..."), "ellipsis literals"),
    "await": (HEAD + rule("await x"), "await"),
    "yield": (HEAD + rule("(yield)"), "yield"),
    "line-continuation": (HEAD + rule("True \\\n and ().__class__"), "expression-syntax"),
    "5000-digit-literal": (HEAD + rule("9" * 5000 + " > 1"), "expression-too-long"),
    "300000-character-expression": (lambda: HEAD + rule("a" + " + a" * 75_000), "expression-too-long"),
    "10000-deep-parentheses": (lambda: HEAD + rule("(" * 10_000 + "1" + ")" * 10_000), "expression-too-long"),
    "yaml-bomb-in-params": (lambda: HEAD + "params:\n  a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
        f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 7)) + rule(), "yaml-too-large"),
    "python-tag": (HEAD + "params: {x: !!python/object/apply:os.system ['touch PWNED']}\n" + rule(), "yaml-tag"),
    "python-new": (HEAD + "params: {x: !!python/object/new:subprocess.Popen [['touch', 'PWNED']]}\n" + rule(),
                   "yaml-tag"),
    "python-name": (HEAD + "params: {x: !!python/name:os.system }\n" + rule(), "yaml-tag"),
    "custom-tag": (HEAD + "params: {x: !shell 'touch PWNED'}\n" + rule(), "yaml-tag"),
    "nan-param": (HEAD + "params: {x: .nan}\n" + rule(), "yaml-number"),
    "lone-surrogate-message": (HEAD + rule().replace('message: "m"', 'message: "\\ud800"'), "yaml-encoding"),
    "extends-passwd": (HEAD + "extends: [/etc/passwd]\n" + rule(), "pack-schema"),
    "extends-itself": (HEAD + "extends: [./extends-itself.yaml]\n" + rule(), "pack-extends-cycle"),
    "invalid-utf8": (HEAD.encode() + b"title: \xff\xfe\n" + rule().encode(), "pack-encoding"),
    "binary": (bytes(range(256)) * 100, "pack-encoding"),
    "empty": (b"", "pack-schema"),
    "a-list": (b"- 1\n- 2\n", "pack-schema"),
    "50mb-string": (lambda: HEAD.encode() + b"description: '" + b"a" * (50 << 20) + b"'\n" + rule().encode(),
                    "yaml-too-large"),
}


@pytest.fixture(scope="module")
def hostile_packs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-packs")
    for name, (content, _says) in PACKS.items():
        data = content() if callable(content) else content
        (folder / f"{name}.yaml").write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    (folder / "seed.yaml").write_bytes(SEED.read_bytes())
    return folder


@pytest.fixture(scope="module")
def pack_runs(hostile_packs):
    return run_all({name: (("check", "--pack", f"{name}.yaml", "seed.yaml"), hostile_packs) for name in PACKS})


@pytest.mark.parametrize("name", list(PACKS))
def test_hostile_pack_is_refused_with_one_line(hostile_packs, pack_runs, name):
    says = PACKS[name][1]
    proc = pack_runs[name]
    assert proc.returncode == 2, (proc.returncode, proc.out[-500:], proc.err[-2000:])
    lines = proc.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("formaudit: ") and says in lines[0], proc.err[-2000:]
    assert proc.seconds < 45, f"{name} took {proc.seconds:.1f} s"
    assert not (hostile_packs / "PWNED").exists()


@pytest.mark.parametrize("name", ["placeholder-dunder", "300000-character-expression", "python-tag", "binary",
                                  "yaml-bomb-in-params", "extends-itself"])
def test_pack_lint_reports_a_hostile_pack(hostile_packs, name):
    proc = cli("pack", "lint", f"{name}.yaml", cwd=hostile_packs)
    assert proc.returncode == 2
    assert proc.seconds < 30


def test_5000_placeholders_are_linted_in_time(tmp_path):
    # char_at recomputed every character's line and column for every placeholder: 5 000 placeholders hung
    (tmp_path / "p.yaml").write_text(HEAD + rule(message="{source}" * 5000), encoding="utf-8")
    proc = cli("pack", "lint", "p.yaml", cwd=tmp_path)
    assert proc.returncode == 2 and proc.seconds < 20


@pytest.mark.parametrize("check, extra", [
    ("present(source)", "    for_each: __class__\n"),          # a path that leads nowhere: no items
    ("funds[99999999999999999999999] == 1", ""),                # an index beyond any list: blank
    ("present(source)", "    for_each: funds\n    key: __class__\n"),
    ("ｆｏｒｍ == 1", ""),                                       # NFKC: the name form, compared with 1
])
def test_odd_but_harmless_packs_check_the_seed(tmp_path, check, extra):
    (tmp_path / "p.yaml").write_text(HEAD + rule(check, extra=extra), encoding="utf-8")
    (tmp_path / "seed.yaml").write_bytes(SEED.read_bytes())
    proc = cli("check", "--pack", "p.yaml", "--format", "json", "seed.yaml", cwd=tmp_path)
    assert proc.returncode in (0, 1)
    result = json.loads(proc.out)["results"][0]
    assert result["errors"] == []
    assert all(f["outcome"] in ("failed", "not-evaluable", "schema") for f in result["findings"])
