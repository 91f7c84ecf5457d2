"""Waivers: accepted findings stay in the report, marked; they do not count for the exit status; expired
and unmatched waivers are reported; a bad waiver file is refused with file:line:col and the field."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from formaudit import Auditor
from formaudit.testing import run_cli
from formaudit.waivers import WaiverError, Waivers

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "forms" / "liwan-duobao-2021.yaml"
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(scope="module")
def seed_findings():
    result = Auditor().check_file(SEED)
    assert result.findings
    return result.findings


def waiver_file(tmp_path: Path, entries: list[dict]) -> Path:
    lines = ["waivers:"]
    for e in entries:
        lines.append(f"  - fingerprint: {e['fingerprint']}")
        for key in ("rule", "reason", "who", "until"):
            if key in e:
                lines.append(f"    {key}: {e[key]}")
    path = tmp_path / "waivers.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def entry(fp: str, until: str = "2999-12-31", **extra) -> dict:
    return {"fingerprint": fp, "reason": "复核确认", "who": "张三", "until": until, **extra}


# -- the file --------------------------------------------------------------------------------------

BAD = [
    ("waivers:\n  - fingerprint: abcdef12\n    reason: r\n    who: w\n", "2:5", "waivers[0].until: missing"),
    ("waivers:\n  - fingerprint: abcdef12\n    reason: r\n    who: w\n    until: 2026-02-30\n", "5:12",
     "waivers[0].until: '2026-02-30' is not a date"),
    ("waivers:\n  - fingerprint: abcdef12\n    reason: r\n    who: w\n    until: soon\n", "5:12",
     "waivers[0].until: 'soon' is not a date"),
    ("waivers:\n  - fingerprint: ABC\n    reason: r\n    who: w\n    until: 2026-01-01\n", "2:18",
     "waivers[0].fingerprint: 'ABC' is not a fingerprint"),
    ("waivers:\n  - fingerprint: abcdef12\n    reason: ''\n    who: w\n    until: 2026-01-01\n", "3:13",
     "waivers[0].reason: must be non-empty text"),
    ("waivers:\n  - fingerprint: abcdef12\n    reason: r\n    who: [a]\n    until: 2026-01-01\n", "4:10",
     "waivers[0].who: must be non-empty text"),
    ("waivers:\n  - fingerprint: abcdef12\n    reason: r\n    who: w\n    until: 2026-01-01\n    untill: x\n", "6:5",
     "waivers[0].untill: unknown field"),
    ("waivers:\n  - {fingerprint: abcdef12, reason: r, who: w, until: 2026-01-01}\n"
     "  - {fingerprint: abcdef12, reason: s, who: w, until: 2026-01-01}\n", "3:19",
     "waivers[1].fingerprint: abcdef12 is waived twice (first on line 2)"),
    ("waivers:\n  - just text\n", "2:5", "waivers[0]: must be a mapping"),
    ("waivers: {a: 1}\n", "1:10", "waivers: must be a list"),
    ("accepted: []\n", "1:1", "accepted: unknown key"),
    ("", "1", "the waiver file is empty"),
    ("waivers: [\n", "2:1", "not valid YAML"),
    ("waivers: !!python/object:os.system []\n", "1:10", "tag"),
]


@pytest.mark.parametrize("text,where,message", BAD, ids=[b[2][:40] for b in BAD])
def test_bad_waiver_files_name_file_line_and_field(tmp_path, text, where, message):
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WaiverError) as err:
        Waivers.load(path)
    assert str(err.value).startswith(f"{path}:{where}: "), str(err.value)
    assert message in str(err.value)
    code, out, stderr = run_cli("check", str(SEED), "--waivers", str(path))
    assert code == 2 and out == ""
    assert stderr.startswith(f"formaudit: {path}:{where}: ") and message in stderr


def test_missing_waiver_file_is_a_usage_error(tmp_path):
    code, _, err = run_cli("check", str(SEED), "--waivers", str(tmp_path / "none.yaml"))
    assert code == 2 and "none.yaml: waiver-error: cannot read waiver file" in err


def test_fingerprints_that_look_like_numbers_stay_text():
    w = Waivers.parse("waivers:\n  - {fingerprint: 1234567890123456, reason: r, who: w, until: 2026-01-01}\n")
    assert w.waivers[0].fingerprint == "1234567890123456"
    assert w.waivers[0].until == datetime.date(2026, 1, 1) and w.waivers[0].line == 2


# -- applying --------------------------------------------------------------------------------------

def test_waived_findings_stay_marked_and_do_not_count(seed_findings, tmp_path):
    errors = [f for f in seed_findings if f.severity == "error"]
    path = waiver_file(tmp_path, [entry(f.fingerprint) for f in errors])
    waivers = Waivers.load(path, today=TODAY)
    auditor = Auditor()
    report = waivers.apply_report(auditor.check_paths([SEED]))
    result = report.results[0]
    assert len(result.findings) == len(seed_findings), "nothing disappears"
    waived = [f for f in result.findings if f.waived]
    assert {f.fingerprint for f in waived} == {f.fingerprint for f in errors}
    assert waived[0].to_dict()["waiver"] == {"fingerprint": waived[0].fingerprint, "reason": "复核确认", "who": "张三",
                                             "until": "2999-12-31", "file": str(path),
                                             "line": 2 + 4 * [f.fingerprint for f in errors].index(waived[0].fingerprint)}
    assert result.counts()["error"] == 0 and report.summary()["waived"] == len(errors)
    assert report.worst() == 1  # the warnings are still there
    assert [n.code for n in waivers.notes()] == []
    assert all(e["status"] == "applied" and e["matched"] == 1 for e in report.to_dict()["waivers"]["entries"])


def test_applying_twice_counts_once(seed_findings):
    fp = seed_findings[0].fingerprint
    waivers = Waivers.parse(f"waivers:\n  - {{fingerprint: {fp}, reason: r, who: w, until: 2999-01-01}}\n")
    result = Auditor().check_file(SEED)
    waivers.apply(result)
    waivers.apply(result)
    assert waivers.matched(waivers.waivers[0]) == 1


def test_expired_unmatched_and_wrong_rule_waivers_are_reported(seed_findings, tmp_path):
    f0, f1 = seed_findings[0], seed_findings[1]
    path = waiver_file(tmp_path, [entry(f0.fingerprint, until="2026-05-31"),           # expired yesterday
                                  entry(f1.fingerprint, until="2026-06-01"),           # holds through today
                                  entry("0123456789abcdef"),                           # matches nothing
                                  entry(seed_findings[2].fingerprint, rule="some.other-rule")])
    waivers = Waivers.load(path, today=TODAY)
    result = waivers.apply(Auditor().check_file(SEED))
    by_fp = {f.fingerprint: f for f in result.findings}
    assert not by_fp[f0.fingerprint].waived and by_fp[f1.fingerprint].waived
    assert not by_fp[seed_findings[2].fingerprint].waived
    notes = {n.waiver.fingerprint: n for n in waivers.notes()}
    assert notes[f0.fingerprint].code == "waiver-expired" and "count again" in notes[f0.fingerprint].message
    assert str(notes[f0.fingerprint]).startswith(f"{path}:2: waiver-expired: ")
    assert notes["0123456789abcdef"].code == "waiver-unmatched"
    assert notes[seed_findings[2].fingerprint].code == "waiver-unmatched"
    assert f1.fingerprint not in notes
    assert [waivers.status(w) for w in waivers.waivers] == ["expired", "applied", "unmatched", "unmatched"]


# -- the command line ------------------------------------------------------------------------------

def test_cli_exit_status_ignores_waived_findings(seed_findings, tmp_path):
    errors = [f for f in seed_findings if f.severity == "error"]
    path = waiver_file(tmp_path, [entry(f.fingerprint) for f in errors])
    assert run_cli("check", str(SEED))[0] == 1
    code, out, err = run_cli("check", str(SEED), "--waivers", str(path), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["summary"]["error"] == 0 and doc["summary"]["waived"] == len(errors)
    assert sum(1 for f in doc["results"][0]["findings"] if "waiver" in f) == len(errors)
    assert doc["waivers"]["sha256"] and doc["waivers"]["file"] == str(path)
    assert run_cli("check", str(SEED), "--waivers", str(path), "--fail-on", "warning")[0] == 1


def test_cli_reports_expired_and_unmatched_waivers_on_stderr_and_in_the_report(seed_findings, tmp_path):
    errors = [f for f in seed_findings if f.severity == "error"]
    path = waiver_file(tmp_path, [entry(errors[0].fingerprint, until="2000-01-01"), entry("0123456789abcdef")])
    code, out, err = run_cli("check", str(SEED), "--waivers", str(path), "--format", "json")
    assert code == 1, "the expired waiver's finding counts again"
    assert f"{path}:2: waiver-expired: " in err and f"{path}:6: waiver-unmatched: " in err
    notes = json.loads(out)["waivers"]["notes"]
    assert [(n["code"], n["line"]) for n in notes] == [("waiver-expired", 2), ("waiver-unmatched", 6)]
    # notes alone never fail a run
    clean = [f for f in seed_findings if f.severity != "error"]
    assert clean
    path2 = waiver_file(tmp_path, [entry(f.fingerprint) for f in errors] + [entry("0123456789abcdef")])
    assert run_cli("check", str(SEED), "--waivers", str(path2))[0] == 0


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "sarif", "junit", "markdown", "html", "xlsx"])
def test_every_format_marks_waived_findings(seed_findings, tmp_path, fmt):
    fp = next(f.fingerprint for f in seed_findings if f.severity == "error")
    path = tmp_path / "w.yaml"
    path.write_text(f"waivers:\n  - {{fingerprint: {fp}, reason: 口径差异已说明ZQX, who: 审计员, until: 2999-01-01}}\n",
                    encoding="utf-8")
    out = tmp_path / f"report.{fmt}"
    code, _, err = run_cli("check", str(SEED), "--waivers", str(path), "--format", fmt, "-o", str(out))
    assert code == 1, err
    if fmt == "xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(out)
        text = json.dumps([[c for c in row] for ws in wb for row in ws.iter_rows(values_only=True)],
                          ensure_ascii=False, default=str)
    else:
        text = out.read_text(encoding="utf-8")
    if fmt != "table":  # the terminal table marks the row; the reason is in every other format
        assert "口径差异已说明ZQX" in text
    assert "waived" in text.lower() or "已豁免" in text or "suppressions" in text


def test_without_waivers_the_json_shape_is_unchanged():
    code, out, _ = run_cli("check", str(SEED), "--format", "json")
    doc = json.loads(out)
    assert set(doc) == {"tool", "packs", "results", "summary"} and "waived" not in doc["summary"]
    assert not any("waiver" in f for f in doc["results"][0]["findings"])
