"""JSON in, JSON out: round trips, schemas, the malformed corpus, arbitrary input."""

from __future__ import annotations

import contextlib
import json
import pickle
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from atlier_policy import Decision, InputError, OrderDecision, default_policy, evaluate
from atlier_policy.cli import main
from atlier_policy.codec import (
    case_from_dict,
    case_from_json,
    case_to_dict,
    decision_from_dict,
    decision_to_dict,
    to_json,
)
from atlier_policy.records import to_record, to_records
from atlier_policy.schema import case_schema, decision_schema
from atlier_policy.termsfile import load_policy
from atlier_policy.versions import PolicyVersions
from strategies import any_complete_case

ROOT = Path(__file__).parent.parent
CORPUS = Path(__file__).parent / "malformed"
EXPECTED: dict[str, str] = json.loads((CORPUS / "expected.json").read_text())
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
SCHEMAS = ROOT / "src" / "atlier_policy" / "schemas"
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER
CASE_VALIDATOR = jsonschema.Draft202012Validator(case_schema(), format_checker=FORMATS)
DECISION_VALIDATOR = jsonschema.Draft202012Validator(decision_schema(), format_checker=FORMATS)
POLICY = default_policy()


def _wire(doc: dict[str, Any]) -> Any:
    return json.loads(json.dumps(doc))


@given(any_complete_case)
def test_case_round_trip(case: Any) -> None:
    """case -> JSON text -> case gives an equal value, and the document matches the schema."""
    doc = _wire(case_to_dict(case))
    CASE_VALIDATOR.validate(doc)
    assert case_from_dict(doc) == case


@given(any_complete_case)
def test_decision_round_trip(case: Any) -> None:
    """decision -> JSON text -> decision gives an equal value, and validates against the schema."""
    decision = POLICY.evaluate(case)
    doc = _wire(decision_to_dict(decision))
    DECISION_VALIDATOR.validate(doc)
    assert decision_from_dict(doc) == decision
    assert doc["schema_version"] == "1.0"
    assert doc["policy_version"] == "2025-01-12"


def test_shipped_schemas_are_current() -> None:
    """The schemas shipped in the package equal the ones generated from the types."""
    assert json.loads((SCHEMAS / "case.schema.json").read_text()) == case_schema()
    assert json.loads((SCHEMAS / "decision.schema.json").read_text()) == decision_schema()
    jsonschema.Draft202012Validator.check_schema(case_schema())
    jsonschema.Draft202012Validator.check_schema(decision_schema())


def test_examples_cover_every_stage_and_outcome() -> None:
    """examples/ has a case for every stage and every outcome kind of it."""
    from atlier_policy.stages import STAGES

    seen: set[tuple[str, str]] = set()
    for path in EXAMPLES:
        result = evaluate(json.loads(path.read_text()))
        for d in result.items if isinstance(result, OrderDecision) else (result,):
            seen.add((d.stage, d.outcome.value))
    wanted = {(spec.name, o.value) for spec in STAGES for o in spec.outcomes}
    assert wanted <= seen, sorted(wanted - seen)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_validates_and_evaluates(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each example validates against the case schema; the CLI evaluates it with exit 0."""
    doc = json.loads(path.read_text())
    CASE_VALIDATOR.validate(doc)
    assert main(["evaluate", str(path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    DECISION_VALIDATOR.validate(out)
    assert main(["evaluate", str(path), "--format", "text"]) == 0
    text = capsys.readouterr().out
    assert "policy version 2025-01-12" in text
    assert doc["order_id"] in text


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=sorted(EXPECTED))
def test_malformed_document_python(name: str) -> None:
    """Each malformed document raises our InputError naming the right field path."""
    data = (CORPUS / name).read_bytes()
    with pytest.raises(InputError) as info:
        case_from_json(data)
    fields = [p[0] for p in info.value.problems]
    assert EXPECTED[name] in fields, (fields, str(info.value))
    assert not UNSAFE.search(str(info.value)), repr(str(info.value))


def assert_one_clean_line(err: str) -> None:
    """``err`` is exactly one line of our error, with no control or separator character."""
    assert err.startswith("atlier-policy: error: ")
    assert err.endswith("\n")
    assert not UNSAFE.search(err[:-1]), repr(err)
    assert len(err[:-1].splitlines()) == 1  # str.splitlines also splits at U+2028, NEL...


UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=sorted(EXPECTED))
def test_malformed_document_cli(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI answers each malformed document with exit 2 and exactly one clean line on stderr,
    naming the field path."""
    assert main(["evaluate", str(CORPUS / name)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_one_clean_line(captured.err)
    assert f"`{CLI_FIELD.get(name, EXPECTED[name])}`" in captured.err


# The command refuses an empty file before parsing it: the argument is named (CASE, as the
# usage line names it), not the document.
CLI_FIELD = {"001-empty-file.json": "CASE", "002-whitespace-only.json": "CASE"}
TERMS_CORPUS = CORPUS / "terms"
TERMS_EXPECTED: dict[str, str] = json.loads((TERMS_CORPUS / "expected.json").read_text())


@pytest.mark.parametrize("name", sorted(TERMS_EXPECTED), ids=sorted(TERMS_EXPECTED))
def test_malformed_terms_file(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Each malformed terms file raises our InputError naming its key, and the CLI answers it
    with exit 2 and one clean line."""
    with pytest.raises(InputError) as info:
        load_policy(TERMS_CORPUS / name)
    assert TERMS_EXPECTED[name] in [p[0] for p in info.value.problems], str(info.value)
    case = str(ROOT / "examples" / "lost_parcel_lost.json")
    assert main(["evaluate", case, "--versions", str(TERMS_CORPUS / name)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_one_clean_line(captured.err)
    assert f"`{TERMS_EXPECTED[name]}`" in captured.err


def test_terms_corpus_is_complete() -> None:
    """Every terms file of the corpus has its expected key."""
    assert {p.name for p in TERMS_CORPUS.glob("*.toml")} == set(TERMS_EXPECTED)


def test_corpus_is_large_enough() -> None:
    """The malformed corpus holds at least 60 documents."""
    assert len(EXPECTED) >= 60
    assert {p.name for p in CORPUS.glob("*.json")} - {"expected.json"} == set(EXPECTED)


def test_all_problems_reported_at_once() -> None:
    """A document with several mistakes reports every one of them."""
    doc = json.loads((ROOT / "examples" / "return_request_eligible.json").read_text())
    doc["order_id"] = 5
    doc["items"][0]["item"]["kind"] = "vintage"
    doc["items"][0]["condition"]["unused"] = "yes"
    doc["extra"] = 1
    with pytest.raises(InputError) as info:
        case_from_dict(doc)
    assert [p[0] for p in info.value.problems] == [
        "extra",
        "items[0].condition.unused",
        "items[0].item.kind",
        "order_id",
    ]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)
STAGES = st.sampled_from(
    ["return_request", "defect_claim", "lost_parcel", "inspection", "cancellation", "exchange"]
)


@given(JSON_VALUES)
def test_arbitrary_json_only_raises_input_error(value: Any) -> None:
    """Arbitrary JSON values never raise anything but our input error."""
    with contextlib.suppress(InputError):
        evaluate(value) if isinstance(value, dict) else case_from_dict(value)


@given(
    STAGES,
    st.dictionaries(
        st.sampled_from(
            [
                "order_id",
                "items",
                "item",
                "status",
                "requested_at",
                "reported_at",
                "request",
                "inspected_at",
                "cancelled_at",
                "wanted_sku",
                "proof_of_purchase",
                "kind",
            ]
        ),
        JSON_VALUES,
        max_size=6,
    ),
)
def test_arbitrary_stage_documents_only_raise_input_error(stage: str, body: dict[str, Any]) -> None:
    """Documents with a valid stage and arbitrary field values never crash the adapter or the evaluators."""
    with contextlib.suppress(InputError):
        evaluate({"stage": stage, **body})


@given(any_complete_case)
def test_values_pickle(case: Any) -> None:
    """Cases and decisions pickle and unpickle to equal values."""
    decision = POLICY.evaluate(case)
    assert pickle.loads(pickle.dumps(case)) == case
    assert pickle.loads(pickle.dumps(decision)) == decision


def test_policy_and_calendar_pickle() -> None:
    """Policies (with their terms and calendar) pickle to equal, equally deciding values."""
    variant = default_policy(return_window_days=14, calendar_country="GB", calendar_subdiv="ENG")
    clone = pickle.loads(pickle.dumps(variant))
    assert clone == variant
    assert clone.terms.calendar == variant.terms.calendar
    case = case_from_dict(json.loads((ROOT / "examples" / "return_request_late.json").read_text()))
    assert clone.evaluate(case) == variant.evaluate(case)


def test_records_are_flat() -> None:
    """to_records gives one flat row per item decision, ready for a DataFrame."""
    results = [evaluate(json.loads(p.read_text())) for p in EXAMPLES]
    rows = to_records(results)
    assert len(rows) == sum(len(r.items) if isinstance(r, OrderDecision) else 1 for r in results)
    for row in rows:
        assert all(not isinstance(v, dict | list | tuple) for v in row.values())
    assert {r["outcome"] for r in rows} >= {"not_eligible", "refund_approved", "repair_or_replace"}


def test_html_display() -> None:
    """Decisions render as an HTML table with outcome, clause ids and dates (escaped)."""
    d = evaluate(json.loads((ROOT / "examples" / "inspection_refund_approved.json").read_text()))
    assert isinstance(d, Decision)
    html = d._repr_html_()
    assert "refund approved" in html
    assert "<code>s1.return_window</code>" in html
    assert "2025-12-03 – 2025-12-08" in html
    order = evaluate(json.loads((ROOT / "examples" / "return_request_multi_item.json").read_text()))
    assert isinstance(order, OrderDecision)
    assert order._repr_html_().count("atlier-decision") == 4
    weird = case_from_dict({"stage": "lost_parcel", "order_id": "<script>", "status": "lost"})
    assert "<script>" not in POLICY.evaluate(weird)._repr_html_()


def test_decision_documents_refuse_bad_shapes() -> None:
    """Decoding a stored decision reports bad kinds, stages, outcomes, facts and depths."""
    good = decision_to_dict(
        evaluate(json.loads((ROOT / "examples" / "lost_parcel_lost.json").read_text()))
    )
    order = decision_to_dict(
        evaluate(json.loads((ROOT / "examples" / "return_request_late.json").read_text()))
    )
    with pytest.raises(InputError, match="kind"):
        decision_from_dict({"kind": "verdict"})
    with pytest.raises(InputError, match="kind"):
        decision_from_dict([good])
    with (
        pytest.warns(DeprecationWarning, match="codec"),
        pytest.raises(InputError, match="'decision'"),
    ):
        Decision.from_dict(order)
    with (
        pytest.warns(DeprecationWarning, match="codec"),
        pytest.raises(InputError, match="'order_decision'"),
    ):
        OrderDecision.from_dict(good)
    assert decision_to_dict(decision_from_dict(order)) == order
    bad_items = {**order, "items": {"0": order["items"][0]}}
    with pytest.raises(InputError, match="items"):
        decision_from_dict(bad_items)
    with pytest.raises(InputError, match=r"items\[0\]"):
        decision_from_dict({**order, "items": [5]})
    for field, value, where in [
        ("stage", "refund", "stage"),
        ("outcome", "approved!", "outcome"),
        ("reasons", [{**good["reasons"][0], "facts": {"status": 1}}], "reasons[0].facts"),
        ("trace", [{**good["trace"][0], "depth": "0"}], "trace[0].depth"),
    ]:
        with pytest.raises(InputError) as info:
            decision_from_dict({**good, field: value})
        assert where in [p[0] for p in info.value.problems]


def test_null_request_and_programming_errors() -> None:
    """A null inspection request is input error; an unsupported type is a programming error."""
    doc = json.loads((ROOT / "examples" / "inspection_refund_approved.json").read_text())
    with pytest.raises(InputError, match="`request` must be"):
        case_from_dict({**doc, "request": None})
    with pytest.raises(InputError, match="`request` must be an object"):
        case_from_dict({**doc, "request": "AJ-100231"})
    with pytest.raises(InputError, match="encode"):
        case_to_dict("a case")
    from atlier_policy import codec, schema

    with pytest.raises(TypeError, match="no JSON decoder"):
        codec._decode(complex, 1, "x", codec._Problems())
    with pytest.raises(TypeError, match="no schema"):
        schema._type_schema(complex, {})


def test_exchange_html_shows_settlement() -> None:
    """An approved exchange's HTML shows who pays the price difference."""
    d = evaluate(
        json.loads((ROOT / "examples" / "exchange_approved_customer_pays.json").read_text())
    )
    assert isinstance(d, Decision)
    assert "customer pays 75.00 USD, store refunds 0.00 USD" in d._repr_html_()


def test_the_deprecated_methods_still_work_for_one_release() -> None:
    """Decision.to_dict/to_json/from_dict/to_record and OrderDecision's warn, and delegate
    to the codec and records adapters (the values import no adapter)."""
    d = evaluate(json.loads((ROOT / "examples" / "inspection_refund_approved.json").read_text()))
    od = evaluate(json.loads((ROOT / "examples" / "return_request_late.json").read_text()))
    assert isinstance(d, Decision)
    assert isinstance(od, OrderDecision)
    with pytest.warns(DeprecationWarning, match="atlier_policy.codec.decision_to_dict"):
        doc = d.to_dict()
    with pytest.warns(DeprecationWarning, match="atlier_policy.codec"):
        assert Decision.from_dict(doc) == d
    with pytest.warns(DeprecationWarning, match="atlier_policy.codec"):
        assert json.loads(d.to_json()) == _wire(doc)
    with pytest.warns(DeprecationWarning, match="atlier_policy.records.to_record"):
        assert d.to_record() == to_record(d)
    with pytest.warns(DeprecationWarning, match="atlier_policy.codec"):
        assert OrderDecision.from_dict(od.to_dict()) == od
    with pytest.warns(DeprecationWarning, match="atlier_policy.codec"):
        assert json.loads(od.to_json()) == decision_to_dict(od)
    assert json.loads(to_json(d)) == _wire(decision_to_dict(d))


@pytest.mark.parametrize("bad", ["2025-13-01", "2025-12-1", 20251201])
def test_decision_dates_are_checked(bad: object) -> None:
    """Dates in a stored decision must be ISO 8601 dates."""
    d = evaluate(json.loads((ROOT / "examples" / "inspection_refund_approved.json").read_text()))
    doc = decision_to_dict(d)
    doc["obligations"]["refund_earliest"] = bad
    with pytest.raises(InputError, match=r"obligations\.refund_earliest"):
        decision_from_dict(doc)


def test_typing_constructs_are_programming_errors() -> None:
    """A field type the decoder does not know (not even a class) is a programming error."""
    from typing import Literal

    from atlier_policy import codec

    with pytest.raises(TypeError, match="no JSON decoder"):
        codec._decode(Literal["x"], "x", "x", codec._Problems())


@pytest.mark.parametrize("given", [5, True, ["lost"], {"value": "lost"}])
def test_enum_field_that_is_not_a_string(given: Any) -> None:
    """An enum fact must be one of its strings: a number, a boolean or a structure is named."""
    with pytest.raises(InputError) as info:
        case_from_dict({"stage": "lost_parcel", "order_id": "A-1", "status": given})
    ((field, expected, _),) = info.value.problems
    assert field == "status"
    assert expected == "one of 'in_transit', 'delivered_to_store', 'lost'"


LOOSE_INSTANTS = [
    "2025-03-06T12:00:00-05:00\x00",  # a trailing NUL
    "20250306T120000-0500",  # the basic format
    "2025-W10-4T12:00:00-05:00",  # a week date
    "2025-03-06 12:00:00-05:00",  # a space for the T
    "2025-03-06X12:00:00-05:00",  # any other separator
    "2025-03-06t12:00:00-05:00",
    "2025-03-06T12-05:00",  # the hour alone
    "2025-03-06T12:00-05:00",  # no seconds
    "2025-03-06T12:00:00,5-05:00",  # a decimal comma
    "2025-03-06T12:00:00.1234567-05:00",  # seven digits of fraction
    "2025-03-06T12:00:00-0500",  # an offset without its colon
    "2025-03-06T12:00:00z",
    "２０２５-03-06T12:00:00-05:00",
]


@pytest.mark.parametrize("instant", LOOSE_INSTANTS, ids=[repr(t) for t in LOOSE_INSTANTS])
def test_only_the_documented_instant_form(instant: str) -> None:
    """An instant is YYYY-MM-DDTHH:MM:SS[.f], then Z or +HH:MM: the other forms Python's
    fromisoformat reads (a NUL after it, a week date, a space, no seconds...) are refused,
    naming the field (they were accepted)."""
    doc = {"stage": "lost_parcel", "order_id": "P-1", "shipped_at": instant}
    with pytest.raises(InputError) as info:
        case_from_dict(doc)
    assert [p[0] for p in info.value.problems] == ["shipped_at"]
    assert not CASE_VALIDATOR.is_valid(doc)  # the schema publishes the decoder's pattern


def test_an_instant_of_the_right_form_that_does_not_exist() -> None:
    """The documented form with an hour, a day or an offset that does not exist is refused."""
    for instant in (
        "2025-03-06T24:00:00-05:00",
        "2025-02-30T12:00:00Z",
        "2025-03-06T12:00:00+24:00",
    ):
        with pytest.raises(InputError, match="`shipped_at` must be an ISO 8601 date-time"):
            case_from_dict({"stage": "lost_parcel", "order_id": "P-1", "shipped_at": instant})


@pytest.mark.parametrize(
    "instant",
    [
        "2025-03-06T12:00:00-05:00",
        "2025-03-06T12:00:00Z",
        "2025-03-06T12:00:00.5+05:30",
        "2025-03-06T12:00:00.123456+00:00",
        "1900-01-01T00:00:00+05:53:28",  # a local mean time offset, as isoformat writes it
    ],
)
def test_the_documented_instant_forms(instant: str) -> None:
    """The documented forms, and every form datetime.isoformat writes, are read."""
    doc = {"stage": "lost_parcel", "order_id": "P-1", "shipped_at": instant}
    shipped = case_from_dict(doc).shipped_at
    assert shipped == datetime.fromisoformat(instant)
    CASE_VALIDATOR.validate(doc)


@pytest.mark.parametrize(
    "day", ["20251201", "2025-W49-1", "2025-335", "2025-12-01\x00", "2025-12-01 "]
)
def test_only_the_documented_date_form(day: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A date is YYYY-MM-DD: in a decision document, and on the command line."""
    decision = decision_to_dict(
        evaluate(json.loads((ROOT / "examples" / "return_request_late.json").read_text()))
    )
    item = decision["items"][0]
    item["obligations"]["last_day_to_request_return"] = day
    with pytest.raises(InputError, match="an ISO 8601 date"):
        decision_from_dict(decision)
    assert main(["deadlines", "--approved", day]) == 2
    assert "must be an ISO 8601 date YYYY-MM-DD" in capsys.readouterr().err


def test_every_decision_written_is_read_back() -> None:
    """A label naming 20 versions of 64 characters (an undated purchase under which they all
    decide alike: 1,356 characters), and a trace of more than MAX_ITEMS entries, encode and
    decode to equal values and validate against the schema (the label was refused on
    decoding: strings of a decision were held to 1,000 characters)."""
    names = [f"{i:02d}-" + "v" * 61 for i in range(20)]
    registry = PolicyVersions.of(
        *(
            default_policy(version=n, effective_date=date(1900 + i, 1, 1))
            for i, n in enumerate(names)
        )
    )
    parcel = case_from_dict(
        {
            "stage": "lost_parcel",
            "order_id": "P-1",
            "status": "lost",
            "shipped_at": "2025-03-06T12:00:00-05:00",
        }
    )
    decision = registry.evaluate(parcel)
    assert isinstance(decision, Decision)
    assert decision.policy_version == " or ".join(names)
    assert len(decision.policy_version) > 1_000
    doc = _wire(decision_to_dict(decision))
    DECISION_VALIDATOR.validate(doc)
    assert decision_from_dict(doc) == decision
    entry = {"depth": 0, "rule": "r", "finding": "passed", "message": "m" * 5_000}
    doc["trace"] = [entry] * 1_500
    DECISION_VALIDATOR.validate(doc)
    assert len(decision_from_dict(doc).trace) == 1_500


@pytest.mark.parametrize("version", ["2.0", 1.0, None, "1.0 "])
def test_a_decision_of_another_schema_version_is_refused(version: Any) -> None:
    """A decision document's schema_version is "1.0", the string: "2.0", 1.0 or null is
    refused, and so is a missing one (they were all accepted, by decision_from_dict and
    the deprecated Decision.from_dict alike); so is a case's request of another version."""
    doc = decision_to_dict(
        evaluate(json.loads((ROOT / "examples" / "lost_parcel_lost.json").read_text()))
    )
    with pytest.raises(InputError) as info:
        decision_from_dict({**doc, "schema_version": version})
    assert [p[:2] for p in info.value.problems] == [("schema_version", "'1.0'")]
    with pytest.raises(InputError), pytest.warns(DeprecationWarning, match="from_dict"):
        Decision.from_dict({**doc, "schema_version": version})
    del doc["schema_version"]
    with pytest.raises(InputError, match="`schema_version` must be present"):
        decision_from_dict(doc)
    inspection = json.loads((ROOT / "examples" / "inspection_refund_approved.json").read_text())
    inspection["request"]["schema_version"] = version
    with pytest.raises(InputError) as info:
        case_from_dict(inspection)
    assert [p[0] for p in info.value.problems] == ["request.schema_version"]
    inspection["request"]["schema_version"] = "1.0"
    assert case_from_dict(inspection).request.order_id == inspection["order_id"]


def test_a_negative_trace_depth_is_refused() -> None:
    """A trace entry's depth is 0 or more, in the decoder and the schema (-3 was read)."""
    doc = _wire(
        decision_to_dict(
            evaluate(json.loads((ROOT / "examples" / "lost_parcel_lost.json").read_text()))
        )
    )
    doc["trace"][0]["depth"] = -3
    with pytest.raises(InputError) as info:
        decision_from_dict(doc)
    assert [p[0] for p in info.value.problems] == ["trace[0].depth"]
    assert not DECISION_VALIDATOR.is_valid(doc)
    doc["trace"][0]["depth"] = 0
    assert decision_from_dict(doc).trace[0].depth == 0


def test_a_byte_order_mark_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A byte order mark before a case, a batch line or a terms file is refused as what it is
    (it was "valid JSON ... Unexpected UTF-8 BOM", or "valid TOML ... Invalid statement")."""
    expected = "`(document)` must be UTF-8 text without a byte order mark"
    case = tmp_path / "case.json"
    case.write_bytes(b"\xef\xbb\xbf" + (ROOT / "examples" / "lost_parcel_lost.json").read_bytes())
    assert main(["evaluate", str(case)]) == 2
    assert expected in capsys.readouterr().err
    with pytest.raises(InputError, match=re.escape(expected)):
        case_from_json("\ufeff{}")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(case), "-o", str(out)]) == 0
    assert expected in json.loads(out.read_text().splitlines()[0])["error"]
    assert (
        main(["evaluate", str(case), "--versions", str(TERMS_CORPUS / "120-byte-order-mark.toml")])
        == 2
    )
    assert expected in capsys.readouterr().err
