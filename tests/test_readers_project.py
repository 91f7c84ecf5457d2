"""The project-form text reader on every real form: read without a crash, counts pinned, values compared
with the hand transcriptions, and every error finding reviewed by hand (none comes from extraction)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from formaudit import Auditor
from formaudit.plugins.readers import _text
from formaudit.plugins.readers.projecttext import ProjectTextReader

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "examples" / "documents"
FORMS = ROOT / "examples" / "forms"
FIXTURES = ROOT / "tests" / "fixtures" / "readers"


def _doc(name: str) -> Path:
    path = DOCS / f"{name}.txt"
    return path if path.exists() else FIXTURES / f"{name}.txt"


# name → (indicators, with target, with achieved, with weight, with score, unparsed pieces)
COUNTS = {
    "yongde-minglang-school-2022-project": (10, 9, 9, 9, 9, 4),
    "lijiang-guchengqu-2020-project": (5, 5, 5, 5, 4, 2),
    "anhui-jinzhai-chagu-2023-department": (8, 8, 8, 8, 8, 3),
    "chizhou-tangxi-2022-project": (10, 9, 9, 9, 9, 2),
    "sichuan-zhongjiang-water-2022-project": (10, 9, 9, 9, 9, 3),
    "sichuan-dyrmt-railway-environment-2020-project-tail": (8, 8, 8, 8, 0, 0),
    "ningxia-yuanzhou-potato-2022-project": (11, 5, 5, 10, 10, 10),
    # digits lost in extraction (".32.06.5"), cells interleaved: nothing can be placed with confidence
    "chongqing-liangping-forestry-2023-department": (0, 0, 0, 0, 0, 10),
}

# Every error finding on the real forms, reviewed by hand: each is a defect of the printed form.
ERRORS = {
    "yongde-minglang-school-2022-project": {
        ("indicators.missing-reason", "/indicators/2/deviation_reason"):
            "资金到位及时率 met (100%) but scored 7/10; the row prints no 偏差原因",
        ("indicators.missing-reason", "/indicators/5/deviation_reason"):
            "政策知晓率 98% of 100% scored 9/10; no 偏差原因 printed",
        ("indicators.partial-score", "/indicators/5/score"): "proportional score is 9.8, the form prints 9",
    },
    "lijiang-guchengqu-2020-project": {
        ("indicators.missing-reason", f"/indicators/{i}/deviation_reason"):
            "met exactly yet points deducted; the 偏差原因 cell is printed empty ('| ||')" for i in range(4)
    },
    "anhui-jinzhai-chagu-2023-department": {
        ("funds.score-missing", "/funds/0/score"):
            "年度资金总额 prints 分值 10 and an empty 得分 cell right after 102.59% (line 6; the next row prints —)",
    },
    "chizhou-tangxi-2022-project": {
        ("funds.total-budget-initial", "/funds/0/budget_initial"): "年度资金总额 printed 0 while 本年财政拨款 is 90",
        ("funds.total-budget-full-year", "/funds/0/budget_full_year"): "total printed 0, part 89.974",
        ("funds.total-executed", "/funds/0/executed"): "total printed 0, part 89.974",
    },
    "sichuan-zhongjiang-water-2022-project": {
        ("total.score-sum", "/total/score"): "总分 printed 100; 10 + Σ indicator scores 100 = 110",
        ("total.weight-sum", "/total/weight"): "weights 70/20/10 + 10 = 110 against the form's own note",
    },
    "sichuan-dyrmt-railway-environment-2020-project-tail": {},
    "ningxia-yuanzhou-potato-2022-project": {
        ("indicators.qualitative-band", "/indicators/10/score"): "基本达到 scored 7/8 = 87.5%, above the 80% band",
    },
    "chongqing-liangping-forestry-2023-department": {},
}

# Where the reader and the transcription differ on purpose (pointer in the transcription → reason).
KNOWN_DIFFERENCES = {
    "yongde-minglang-school-2022-project": {
        "/funds/1/weight": "a lone '—' whose column is not certain is reported unparsed, not placed",
        "/funds/3/budget_full_year": "five '—' in a six-column row: columns not certain, reported unparsed",
        "/funds/3/executed": "as above", "/funds/3/weight": "as above", "/funds/3/execution_rate": "as above",
        "/funds/3/score": "as above",
    },
}


@pytest.fixture(scope="module")
def auditor():
    return Auditor()


@pytest.fixture(scope="module")
def reads(auditor):
    return {name: auditor.read(_doc(name)) for name in COUNTS}


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_real_form_counts(reads, name):
    read = reads[name]
    assert read.reader == "project-text"
    indicators = read.form.get("indicators", [])
    counts = (len(indicators),) + tuple(sum(1 for i in indicators if f in i) for f in
                                        ("target", "achieved", "weight", "score")) + (len(read.unparsed),)
    assert counts == COUNTS[name]


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_real_form_errors_reviewed(auditor, name):
    result = auditor.check_file(_doc(name))
    assert result.errors == []
    errors = {(f.rule, f.pointer) for f in result.findings if f.severity == "error"}
    assert errors == set(ERRORS[name])
    for f in result.findings:
        if f.severity == "error":
            assert f.source and f.source.get("line"), f  # each with its place in the document


@pytest.mark.parametrize("name", sorted(n for n in COUNTS if (FORMS / f"{n}.yaml").exists()))
def test_real_form_matches_transcription(reads, name):
    """Every figure, target and result of the transcription is read the same (traditional characters compared
    after conversion; funds rows matched by source)."""
    got = reads[name].form
    want = yaml.safe_load((FORMS / f"{name}.yaml").read_text(encoding="utf-8"))
    known = KNOWN_DIFFERENCES.get(name, {})
    fields = ("nature", "target", "unit", "achieved", "weight", "score", "deviation_reason", "name", "level1", "level2")
    assert len(got.get("indicators", [])) == len(want.get("indicators", []))
    for i, (g, w) in enumerate(zip(got.get("indicators", []), want.get("indicators", []))):
        for f in fields:
            if f in w and f"/indicators/{i}/{f}" not in known:
                assert _text.simplify(str(g.get(f))) == _text.simplify(str(w[f])), (i, f)
    by_source = {row["source"]: (j, row) for j, row in enumerate(got.get("funds", []))}
    for j, w in enumerate(want.get("funds", [])):
        k, g = by_source[_text.simplify(w["source"])]
        for f, v in w.items():
            if f"/funds/{j}/{f}" not in known:
                assert str(g.get(f)) == str(v), (w["source"], f)
    for f in ("weight", "score", "grade"):
        if f in want.get("total", {}):
            assert str(got["total"][f]) == str(want["total"][f])
    # provenance: the line of every figure the transcription places (funds rows matched by source)
    prov = got["provenance"]
    for pointer, where in want.get("provenance", {}).items():
        if pointer in known:
            continue
        parts = pointer.split("/")
        if parts[1] == "funds":
            parts[2] = str(by_source[_text.simplify(want["funds"][int(parts[2])]["source"])][0])
        mine = prov["/".join(parts)]
        assert mine["line"] == where["line"], pointer
        if "column" in where:
            assert mine["column"] == where["column"], pointer


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_every_value_has_provenance(reads, name):
    form = reads[name].form

    def leaves(v, p=""):
        if isinstance(v, dict):
            for k, x in v.items():
                if k != "provenance":
                    yield from leaves(x, f"{p}/{k}")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                yield from leaves(x, f"{p}/{i}")
        else:
            yield p

    prov = form.get("provenance", {})
    for pointer in leaves(form):
        if pointer == "/form_type":
            continue
        assert pointer in prov, pointer
        assert prov[pointer]["file"] == _doc(name).name


def test_traditional_characters_converted(reads):
    form = reads["lijiang-guchengqu-2020-project"].form
    assert form["implementer"] == "丽江市古城区自然资源局"
    assert form["indicators"][0]["name"] == "卫片执法补助经费"
    # provenance keeps the printed text where it differs
    assert form["provenance"]["/implementer"]["text"] == "麗江市古城區(qū)自然資源局"


def test_unparsed_never_dropped(reads):
    text = [u.text for u in reads["ningxia-yuanzhou-potato-2022-project"].unparsed]
    assert "采购的原原种合格率290$290%" in text or any("290$290%" in t for t in text)
    assert all(u.line for u in reads["ningxia-yuanzhou-potato-2022-project"].unparsed)


def test_accepts_by_content():
    reader = ProjectTextReader()
    for name in COUNTS:
        path = _doc(name)
        assert reader.accepts(path, path.read_bytes()[:65536]), name
    assert not reader.accepts(Path("x.txt"), b"hello world")
    assert not reader.accepts(Path("x.bin"), b"\x00\x01\x02")
    # a text about forms is not a form
    doc = ROOT / "docs" / "readers.md"
    assert ProjectTextReader.accepts_text(doc.read_text(encoding="utf-8"))
    assert not reader.accepts(doc, doc.read_bytes()[:65536])
