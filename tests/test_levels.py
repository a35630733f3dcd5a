"""Output levels: ``full`` (today's document), ``reasons`` and ``outcome``; their schemas,
records, the refusal to decode a lighter document, and what producing each one reads."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given

import atlier_policy
from atlier_policy import Decision, InputError, OrderDecision, evaluate
from atlier_policy.codec import (
    Level,
    decision_from_dict,
    decision_to_dict,
    dumps,
    to_json,
)
from atlier_policy.records import to_record, to_records
from atlier_policy.rules import Explanation, Finding, Reason
from atlier_policy.schema import decision_schema
from strategies import any_complete_case

ROOT = Path(__file__).parent.parent
SCHEMAS = ROOT / "src" / "atlier_policy" / "schemas"
SNAPSHOTS = sorted((Path(__file__).parent / "snapshots").glob("*.json"))
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER
VALIDATORS = {
    level: jsonschema.Draft202012Validator(decision_schema(level), format_checker=FORMATS)
    for level in Level
}
LIGHTER = (Level.REASONS, Level.OUTCOME)


def _example(name: str) -> Decision | OrderDecision:
    return evaluate(json.loads((ROOT / "examples" / f"{name}.json").read_text()))


def _item(name: str) -> Decision:
    result = _example(name)
    return result.items[0] if isinstance(result, OrderDecision) else result


def _keys(value: Any) -> set[str]:
    """Every key of every object in a JSON value, at any depth."""
    if isinstance(value, dict):
        return set(value).union(*(_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_keys(v) for v in value))
    return set()


def _is_projection(light: Any, full: Any, path: str = "") -> None:
    """Every value ``light`` holds is the full document's at the same path (objects may
    leave keys out; arrays keep their entries), but ``level`` and ``reason_codes``."""
    if isinstance(light, dict):
        assert isinstance(full, dict), path
        for key, value in light.items():
            if key not in ("level", "reason_codes"):
                assert key in full, f"{path}.{key}"
                _is_projection(value, full[key], f"{path}.{key}")
    elif isinstance(light, list):
        assert isinstance(full, list), path
        assert len(light) == len(full), path
        for i, (a, b) in enumerate(zip(light, full, strict=True)):
            _is_projection(a, b, f"{path}[{i}]")
    else:
        assert light == full, path


def _bodies(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return doc["items"] if doc["kind"] == "order_decision" else [doc]


# --- full: today's document -------------------------------------------------------------


@pytest.mark.parametrize("path", SNAPSHOTS, ids=[p.stem for p in SNAPSHOTS])
def test_full_is_the_golden_document_byte_for_byte(path: Path) -> None:
    """``full`` (the default, by name or by member) writes the golden document's bytes:
    the same keys in the same order, and no ``level`` key."""
    stored = json.loads(path.read_text(encoding="utf-8"))
    decision = evaluate(stored["case"])
    golden = dumps(stored["decision"])
    assert to_json(decision) == golden
    assert to_json(decision, level="full") == golden
    assert dumps(decision_to_dict(decision, level=Level.FULL)) == golden
    assert "level" not in decision_to_dict(decision)


# --- lighter levels ---------------------------------------------------------------------


@given(any_complete_case)
def test_every_level_validates_against_its_schema(case: Any) -> None:
    """The document of each level, as JSON text, validates against that level's schema
    and no other level's; a lighter one is a projection of the full one, says its level,
    and holds no sentence, message, fact or trace."""
    decision = atlier_policy.default_policy().evaluate(case)
    full = decision_to_dict(decision)
    for level in Level:
        doc = json.loads(to_json(decision, level=level))
        VALIDATORS[level].validate(doc)
        for other in Level:
            assert VALIDATORS[other].is_valid(doc) == (other is level)
        if level is not Level.FULL:
            assert doc["level"] == level.value
            _is_projection(doc, full)
            assert not _keys(doc) & {"sentence", "message", "facts", "trace"}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_lighter_documents_of_the_examples(path: Path) -> None:
    """For every example: the reasons level keeps each reason's code, finding, clause and
    section, notices by code and clause, options by code; the outcome level keeps the
    codes of the reasons that did not pass and the four key dates."""
    result = evaluate(json.loads(path.read_text()))
    full = decision_to_dict(result)
    reasons = decision_to_dict(result, level="reasons")
    outcome = decision_to_dict(result, level=Level.OUTCOME)
    for f, r, o in zip(_bodies(full), _bodies(reasons), _bodies(outcome), strict=True):
        assert r["reasons"] == [
            {k: x[k] for k in ("code", "finding", "clause_id", "section")} for x in f["reasons"]
        ]
        ob = f["obligations"]
        assert r["obligations"]["notices"] == [
            {"code": n["code"], "clause_id": n["clause_id"]} for n in ob["notices"]
        ]
        assert r["obligations"]["options"] == [{"code": x["code"]} for x in ob["options"]]
        assert (r["missing"], r["settlement"]) == (f["missing"], f["settlement"])
        assert o["reason_codes"] == [x["code"] for x in f["reasons"] if x["finding"] != "passed"]
        dates = ("refund_earliest", "refund_latest", "last_day_to_request_return")
        dates += ("last_day_to_report_defect",)
        assert o["obligations"] == {k: ob[k] for k in dates}
        identity = ("stage", "outcome", "order_id", "sku", "policy_version", "granted")
        assert {k: o[k] for k in identity} == {k: f[k] for k in identity}
        assert [k for k in o if k not in ("schema_version", "kind", "level")] == [
            "stage",
            "outcome",
            "order_id",
            "sku",
            "reason_codes",
            "obligations",
            "policy_version",
            "granted",
        ]


def test_an_order_decision_at_each_level() -> None:
    """An order decision keeps its summary at every level; only a lighter one says its
    level, right after its kind."""
    order = _example("return_request_multi_item")
    assert isinstance(order, OrderDecision)
    for level in LIGHTER:
        doc = decision_to_dict(order, level=level)
        assert list(doc)[:3] == ["schema_version", "kind", "level"]
        assert doc["counts"] == order.counts
        assert doc["all_granted"] == order.all_granted
        assert len(doc["items"]) == len(order.items)
        assert all("level" not in item for item in doc["items"])


def test_an_outcome_code_is_a_reason_that_did_not_pass() -> None:
    """A granted decision whose reasons all passed has no codes at the outcome level; a
    refused one lists each failing reason's code, in order."""
    granted = _item("inspection_refund_approved")
    assert granted.granted
    assert all(r.finding is Finding.PASSED for r in granted.reasons)
    assert decision_to_dict(granted, level="outcome")["reason_codes"] == []
    refused = _item("return_request_late")
    assert decision_to_dict(refused, level="outcome")["reason_codes"] == [
        "return_window_expired",
        "engraved",
    ]


class _NoTrace:
    """An explanation whose trace must not be read (reasons and missing facts are)."""

    def __init__(self, reasons: tuple[Reason, ...], missing: tuple[str, ...]) -> None:
        self.reasons, self.missing = reasons, missing

    @property
    def trace(self) -> tuple[Any, ...]:
        raise AssertionError("the trace was read")


@pytest.mark.parametrize("level", LIGHTER)
def test_a_lighter_level_never_reads_the_trace(level: Level) -> None:
    """Producing a reasons or outcome document or an outcome record reads no trace (the
    full document does: the stub proves it is consulted)."""
    d = _item("return_request_late")
    stub = _NoTrace(d.reasons, d.missing)
    light = dataclasses.replace(d, explanation=stub)  # type: ignore[arg-type]
    order = OrderDecision(order_id=d.order_id, stage=d.stage, items=(light,), policy_version="x")
    same = dataclasses.replace(order, items=(d,))
    assert decision_to_dict(light, level=level) == decision_to_dict(d, level=level)
    assert decision_to_dict(order, level=level) == decision_to_dict(same, level=level)
    assert to_record(light, level=level) == to_record(d, level=level)
    with pytest.raises(AssertionError, match="the trace was read"):
        decision_to_dict(light)


def test_the_outcome_level_does_not_read_the_missing_facts() -> None:
    """The outcome level reads the reasons only: an explanation whose missing facts are
    wrong does not change it (the reasons level shows them)."""
    d = _item("defect_claim_incomplete")
    odd = dataclasses.replace(d, explanation=Explanation.given(d.reasons, (), ("made_up",)))
    assert decision_to_dict(odd, level="outcome") == decision_to_dict(d, level="outcome")
    assert decision_to_dict(odd, level="reasons")["missing"] == ["made_up"]


# --- records ----------------------------------------------------------------------------


def test_records_at_each_level() -> None:
    """``full`` and ``reasons`` give today's record; ``outcome`` keeps the identifying
    columns, the outcome, the codes and the key dates, in the full record's order."""
    decisions = [_example(p.stem) for p in EXAMPLES]
    full = to_records(decisions)
    assert to_records(decisions, level="full") == full
    assert to_records(decisions, level=Level.REASONS) == full
    outcome = to_records(decisions, level="outcome")
    kept = [
        "stage",
        "order_id",
        "sku",
        "outcome",
        "granted",
        "reason_codes",
        "refund_earliest",
        "refund_latest",
        "last_day_to_request_return",
        "last_day_to_report_defect",
        "policy_version",
    ]
    assert len(outcome) == len(full) > len(decisions)  # an order gives a row per item
    for light, row in zip(outcome, full, strict=True):
        assert light == {k: row[k] for k in kept}
        assert list(light) == kept
    assert any(row["refund_amount"] is not None for row in full)


# --- bad levels, decoding ---------------------------------------------------------------


def _calls(decision: Decision) -> list[Any]:
    return [
        lambda level: decision_to_dict(decision, level=level),
        lambda level: to_json(decision, level=level),
        lambda level: to_record(decision, level=level),
        lambda level: to_records([decision], level=level),
        lambda level: to_records([], level=level),
        lambda level: decision_schema(level),
        lambda level: Level.of(level),
    ]


@pytest.mark.parametrize("bad", ["FULL", "summary", "", None, 1, ["full"], {"level": "full"}])
def test_an_unknown_level_is_an_input_error(bad: Any) -> None:
    """Every entry point refuses an unknown level with an InputError naming ``level``,
    the three names expected and what was given."""
    d = _item("return_request_late")
    for call in _calls(d):
        with pytest.raises(InputError) as info:
            call(bad)
        ((field, expected, given_),) = info.value.problems
        assert field == "level"
        assert expected == "one of 'full', 'reasons', 'outcome'"
        assert given_ == repr(bad)


@pytest.mark.parametrize("level", LIGHTER)
def test_a_lighter_document_is_not_decoded(level: Level) -> None:
    """decision_from_dict reads a full document back and refuses a lighter one, item or
    order, naming ``level`` (a lighter document lacks what a Decision holds)."""
    for name in ("inspection_refund_approved", "return_request_multi_item"):
        result = _example(name)
        assert decision_from_dict(json.loads(to_json(result))) == result
        doc = json.loads(to_json(result, level=level))
        with pytest.raises(InputError) as info:
            decision_from_dict(doc)
        assert info.value.problems == (
            (
                "level",
                "absent: only a full document (which has no level) decodes to a decision",
                f'"{level.value}"',
            ),
        )


def test_a_full_document_with_a_level_key_is_refused_too() -> None:
    """A ``level`` key is refused whatever it says: a full document never has one."""
    doc = decision_to_dict(_item("inspection_refund_approved"))
    with pytest.raises(InputError, match="`level` must be absent"):
        decision_from_dict({**doc, "level": "full"})


# --- the methods, the schemas, the export -----------------------------------------------


def test_the_deprecated_methods_take_a_level() -> None:
    """Decision.to_dict/to_json/to_record and OrderDecision's pass ``level`` on."""
    d = _item("inspection_refund_approved")
    order = _example("return_request_multi_item")
    assert isinstance(order, OrderDecision)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for level in Level:
            assert d.to_dict(level=level) == decision_to_dict(d, level=level)
            assert d.to_json(level=level.value) == to_json(d, level=level)
            assert d.to_record(level=level) == to_record(d, level=level)
            assert order.to_dict(level=level) == decision_to_dict(order, level=level)
            assert order.to_json(level=level) == to_json(order, level=level)
        assert d.to_dict() == decision_to_dict(d)
        with pytest.raises(InputError, match="`level`"):
            order.to_json(level="brief")


@pytest.mark.parametrize("level", list(Level))
def test_shipped_level_schemas_are_current(level: Level) -> None:
    """Each level's schema is shipped, current and a valid draft 2020-12 schema; the full
    one is the decision schema of old."""
    name = "decision" if level is Level.FULL else f"decision-{level.value}"
    shipped = (SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8")
    assert shipped == dumps(decision_schema(level), indent=2) + "\n"
    jsonschema.Draft202012Validator.check_schema(decision_schema(level))
    assert decision_schema(level.value) == decision_schema(level)
    assert decision_schema() == decision_schema(Level.FULL)


def test_level_is_part_of_the_curated_api() -> None:
    """``atlier_policy.Level`` is the codec's, listed in ``__all__``, with no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert atlier_policy.Level is Level
    assert "Level" in atlier_policy.__all__
    assert [m.value for m in Level] == ["full", "reasons", "outcome"]


# --- the command line -------------------------------------------------------------------


def _cases(tmp_path: Path) -> Path:
    """Every example as a line, a hostile order id (escapes in the output), a bad line."""
    lines = [json.dumps(json.loads(p.read_text())) for p in EXAMPLES]
    hostile = json.loads((ROOT / "examples" / "lost_parcel_lost.json").read_text())
    hostile["order_id"] = "A\u2028é\x85\x7f😀-1"
    lines += [json.dumps(hostile, ensure_ascii=False), "not json"]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("level", list(Level))
def test_batch_writes_each_level(tmp_path: Path, level: Level) -> None:
    """``batch --level``: one record per line, each decision (less its ``line``) valid
    against its level's schema and equal to the codec's document; ``full`` is the default."""
    from atlier_policy.cli import main

    src = _cases(tmp_path)
    out = tmp_path / f"{level.value}.jsonl"
    assert main(["batch", str(src), "--level", level.value, "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_bytes().splitlines()]
    assert len(records) == len(EXAMPLES) + 2
    assert "error" in records[-1]
    for record, path in zip(records, EXAMPLES, strict=False):
        expected = decision_to_dict(evaluate(json.loads(path.read_text())), level=level)
        doc = {k: v for k, v in record.items() if k != "line"}
        assert doc == json.loads(json.dumps(expected))
        VALIDATORS[level].validate(doc)
    if level is Level.FULL:
        default = tmp_path / "default.jsonl"
        assert main(["batch", str(src), "-o", str(default)]) == 0
        assert default.read_bytes() == out.read_bytes()


def test_batch_output_is_the_same_with_or_without_orjson(tmp_path: Path) -> None:
    """The file a batch writes is the same bytes whether orjson is installed or not, and
    with workers (``--jobs``) as without."""
    from atlier_policy.cli import main

    src = _cases(tmp_path)
    fast = tmp_path / "fast.jsonl"
    assert main(["batch", str(src), "--level", "reasons", "-o", str(fast)]) == 0
    assert b"\\u2028" in fast.read_bytes()
    plain = tmp_path / "plain.jsonl"
    code = (
        "import sys\n"
        "sys.modules['orjson'] = None\n"
        "from atlier_policy.cli import main\n"
        "from atlier_policy.codec import _encoder\n"
        "assert _encoder() is None\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    args = ["batch", str(src), "--level", "reasons", "-o", str(plain)]
    subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True)
    assert plain.read_bytes() == fast.read_bytes()
    jobs = tmp_path / "jobs.jsonl"
    assert main(["batch", str(src), "--level", "reasons", "--jobs", "2", "-o", str(jobs)]) == 0
    assert jobs.read_bytes() == fast.read_bytes()


def test_batch_refuses_an_unknown_level(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown ``--level`` is a usage error (exit 2) naming the choices."""
    from atlier_policy.cli import main

    assert main(["batch", str(_cases(tmp_path)), "--level", "brief"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "atlier-policy: error: batch: argument --level: invalid choice: 'brief' "
        "(choose from 'full', 'reasons', 'outcome')\n"
    )


def test_evaluate_level(capsys: pytest.CaptureFixture[str]) -> None:
    """``evaluate --level`` prints that level's JSON (``--level`` implies JSON, even on a
    terminal); with ``--format text`` it is a usage error."""
    from atlier_policy.cli import _decision_text, main

    path = ROOT / "examples" / "return_request_late.json"
    decision = evaluate(json.loads(path.read_text()))
    for level in Level:
        assert main(["evaluate", str(path), "--level", level.value]) == 0
        assert capsys.readouterr().out == to_json(decision, level=level) + "\n"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys.stdout, "isatty", lambda: True)
        assert main(["evaluate", str(path), "--level", "outcome"]) == 0
        assert json.loads(capsys.readouterr().out)["level"] == "outcome"
        assert main(["evaluate", str(path)]) == 0
        assert capsys.readouterr().out == _decision_text(decision) + "\n"
    assert main(["evaluate", str(path), "--format", "text", "--level", "reasons"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "atlier-policy: error: evaluate: --level is for JSON output, not --format text\n"
    )


@pytest.mark.parametrize("level", LIGHTER)
def test_the_schema_command_prints_each_level(
    level: Level, capsys: pytest.CaptureFixture[str]
) -> None:
    """``atlier-policy schema decision-reasons`` (and ``-outcome``) prints that schema."""
    from atlier_policy.cli import main

    assert main(["schema", f"decision-{level.value}"]) == 0
    assert json.loads(capsys.readouterr().out) == decision_schema(level)
