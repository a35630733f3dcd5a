"""The forms a backend writes (docs/cases.md): calendar dates for store days, condition
flags named as §1 reads, an exchange naming its piece; and the forms they replace, read
for one release with a DeprecationWarning, to the same decisions."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import re
import warnings
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, reject
from hypothesis import strategies as st

from atlier_policy import codec, default_policy
from atlier_policy.advice import get_path
from atlier_policy.cases import (
    CustomOrderCancellation,
    DefectClaim,
    ExchangeRequest,
    Inspection,
    Item,
    ItemKind,
    ProductionStatus,
    ReturnRequest,
    StoreDay,
)
from atlier_policy.cli import main
from atlier_policy.codec import CONDITION_FLAGS, case_from_dict, case_to_dict, decision_to_dict
from atlier_policy.decision import Role
from atlier_policy.errors import DeprecatedFormWarning, InputError
from atlier_policy.frames import iter_records
from atlier_policy.qualify import how_to_qualify
from atlier_policy.schema import case_schema
from strategies import any_complete_case, complete_defect_claims, complete_return_requests

jsonschema = pytest.importorskip("jsonschema")
VALIDATOR = jsonschema.Draft202012Validator(case_schema())
POLICY = default_policy()
NY = ZoneInfo("America/New_York")
INTERPRETATION = (Path(__file__).resolve().parents[1] / "docs" / "interpretation.md").read_text(
    encoding="utf-8"
)
OLD_NAME = dict(CONDITION_FLAGS)
NEW = {new: True for new, _ in CONDITION_FLAGS}
ITEM: dict[str, Any] = {
    "sku": "RING-7",
    "kind": "ready_made",
    "channel": "website",
    "sale_event": "none",
    "personalized": False,
    "engraved": False,
    "resized": False,
    "altered": False,
    "purchased_at": "2025-02-27T12:00:00-05:00",
    "delivered_at": "2025-03-03",
}
RETURN: dict[str, Any] = {
    "stage": "return_request",
    "order_id": "A-1",
    "requested_at": "2025-03-05",
    "proof_of_purchase": "invoice",
    "items": [{"item": ITEM, "condition": NEW}],
}
EXCHANGE: dict[str, Any] = {
    "stage": "exchange",
    "order_id": "X-1",
    "requested_at": "2025-03-05T09:00:00-05:00",
    "item": ITEM,
    "condition": NEW,
    "wanted_sku": "RING-8",
}


def _old(doc: Any) -> Any:
    """The document in the previous release's forms: old flag names, nested exchange."""
    if isinstance(doc, list):
        return [_old(v) for v in doc]
    if not isinstance(doc, dict):
        return doc
    out = {
        k: {OLD_NAME[f]: v for f, v in val.items()} if k == "condition" else _old(val)
        for k, val in doc.items()
    }
    if out.get("stage") == "exchange":
        line = {"item": out.pop("item")}
        line |= {k: out.pop(k) for k in ("condition", "reason", "defect_confirmed") if k in out}
        out["item"] = line
    return out


def _decision(doc: dict[str, Any]) -> Any:
    return decision_to_dict(POLICY.evaluate(case_from_dict(doc)))


def _quiet(doc: dict[str, Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return case_from_dict(doc)


# --- old and new forms: the same decisions --------------------------------------------


@given(any_complete_case)
def test_old_and_new_forms_give_equal_decisions(case: Any) -> None:
    """Every generated case, written in the new forms and in the deprecated ones, decodes
    to the same case and gets the same decision; only the old form warns, and both forms
    match the schema."""
    new = json.loads(json.dumps(case_to_dict(case)))
    old = _old(new)
    VALIDATOR.validate(new)
    VALIDATOR.validate(old)
    assert _quiet(new) == case
    if old == new:  # a stage without a condition or an exchange
        assert _quiet(old) == case
    else:
        with pytest.warns(DeprecationWarning, match="deprecated|renamed"):
            assert case_from_dict(old) == case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert _decision(old) == _decision(new)


def test_the_new_forms_are_what_case_to_dict_writes() -> None:
    """An exchange is written with its piece as `item` and its facts beside it, in the
    order of the document; condition flags by their new names."""
    doc = case_to_dict(_quiet(EXCHANGE))
    assert list(doc)[:8] == [
        "schema_version",
        "stage",
        "order_id",
        "requested_at",
        "item",
        "condition",
        "reason",
        "defect_confirmed",
    ]
    assert doc["condition"] == NEW
    assert doc["item"]["delivered_at"] == "2025-03-03"


def test_the_nested_exchange_warns_and_names_the_new_form() -> None:
    with pytest.warns(DeprecationWarning, match='give the piece as "item"'):
        old = case_from_dict(_old(EXCHANGE))
    assert old == _quiet(EXCHANGE)


def test_an_old_flag_name_warns_naming_the_new_one_once() -> None:
    doc = json.loads(json.dumps(RETURN))
    doc["items"][0]["condition"] = {"unused": True, "tags_included": False}
    with pytest.warns(DeprecationWarning, match="tags_included -> with_all_tags"):
        case = case_from_dict(doc)
    assert case.items[0].condition.tags_included is False
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("default")  # as `python -W default`: once a process
        for _ in range(3):
            assert case_from_dict(doc) == case
    assert [str(w.message) for w in shown] == [
        "condition flags renamed (tags_included -> with_all_tags): the old names go next release"
    ]


@pytest.mark.parametrize("old", [_old(RETURN), _old(EXCHANGE)], ids=["flags", "nested exchange"])
def test_under_w_error_every_old_document_raises_alike(old: dict[str, Any]) -> None:
    """`-W error` (PYTHONWARNINGS=error) raises from every old-form document, the second
    as the first, and what was ignored before is still shown after."""
    raised = []
    for _ in range(2):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(DeprecationWarning) as info:
                case_from_dict(old)
        raised.append(str(info.value))
    assert raised[0] == raised[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        case_from_dict(old)
    with pytest.warns(DeprecationWarning, match=re.escape(raised[0])):
        case_from_dict(old)


@pytest.mark.parametrize("old", [_old(RETURN), _old(EXCHANGE)], ids=["flags", "nested exchange"])
def test_under_w_error_the_command_line_calls_an_old_form_the_documents_error(
    old: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Raised by `-W error`, an old form is the document's problem, as any bad input: a
    batch or diff line's error record with its problems (counted as an error, status 0),
    a record row's error, `evaluate`'s one line and status 2; never "internal error"."""
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(old) + "\n", encoding="utf-8")
    terms = str(Path(__file__).parent.parent / "examples" / "terms" / "fourteen-day-window.toml")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["batch", str(path)]) == 0
        out, err = capsys.readouterr()
        record = json.loads(out)
        (problem,) = record["problems"]
        assert problem["field"] == "(document)"
        assert problem["given"] == "an old form (warnings are errors here)"
        # The warning's advice, whole: what to write instead.
        assert problem["expected"].endswith(("next release", "beside it"))
        assert "1 error" in err
        assert main(["batch", str(path), "--format", "records"]) == 0
        assert "must be its current form" in json.loads(capsys.readouterr().out)["error"]
        assert main(["diff", "--candidate", terms, str(path), "--format", "jsonl"]) == 0
        out, _ = capsys.readouterr()
        assert "must be its current form" in json.loads(out)["error"]
        assert main(["evaluate", str(path)]) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err.startswith("atlier-policy: error: case: `(document)` must be its current form: ")
        assert "internal" not in err
        with pytest.raises(DeprecatedFormWarning):  # a DeprecationWarning of its own kind
            case_from_dict(old)


@pytest.mark.parametrize("old", [_old(RETURN), _old(EXCHANGE)], ids=["flags", "nested exchange"])
def test_under_w_error_an_old_form_is_a_records_error_row(old: dict[str, Any]) -> None:
    """`decide_batch`/`iter_records` under `-W error`: the old form is the case's error
    row, in the words of bad input (not "internal error"), and the batch goes on."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bad, good = iter_records([old, RETURN])
    assert bad["error"].startswith("case: `(document)` must be its current form: ")
    assert bad["outcome"] is None
    assert good["error"] is None


def test_the_same_flag_under_both_names_is_refused() -> None:
    doc = json.loads(json.dumps(RETURN))
    doc["items"][0]["condition"] = {"with_all_tags": True, "tags_included": True}
    with pytest.warns(DeprecationWarning, match="renamed"), pytest.raises(InputError) as info:
        case_from_dict(doc)
    assert info.value.problems == (
        ("items[0].condition.tags_included", "absent: the same flag as with_all_tags", "true"),
    )


@pytest.mark.parametrize(("new", "old"), [p for p in CONDITION_FLAGS if p[0] != p[1]])
@pytest.mark.parametrize("stage", ["return_request", "exchange", "inspection"])
def test_the_schema_refuses_a_flag_under_both_names_as_the_decoder_does(
    new: str, old: str, stage: str
) -> None:
    """For each renamed flag, at each stage with a condition: either name alone is valid,
    both together are refused by the schema and by the decoder."""

    def with_condition(condition: dict[str, Any]) -> dict[str, Any]:
        doc = json.loads(json.dumps(RETURN if stage != "exchange" else EXCHANGE))
        if stage == "exchange":
            doc["condition"] = condition
        else:
            doc["items"][0]["condition"] = condition
        if stage == "inspection":
            return {
                "stage": "inspection",
                "order_id": "A-1",
                "inspected_at": "2025-03-14T16:00:00-04:00",
                "condition": condition,
                "request": RETURN,
            }
        return doc

    for alone in ({new: True}, {old: True}):
        VALIDATOR.validate(with_condition(alone))
    both = with_condition({new: True, old: True})
    assert not VALIDATOR.is_valid(both)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(InputError, match=f"absent: the same flag as {new}"):
            case_from_dict(both)


@pytest.mark.parametrize(
    ("condition", "problem"),
    [
        ("as new", ("items[0].condition", "an object", '"as new"')),
        ({"new": True}, ("items[0].condition.new", "absent (unknown key)", "true")),
        ({"unused": "yes"}, ("items[0].condition.unused", "true, false or null", '"yes"')),
    ],
)
def test_a_bad_condition_names_the_key_as_written(condition: Any, problem: Any) -> None:
    doc = json.loads(json.dumps(RETURN))
    doc["items"][0]["condition"] = condition
    with pytest.raises(InputError) as info:
        case_from_dict(doc)
    assert info.value.problems == (problem,)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"item": None}, ("item", "an object", "null")),
        ({"item": {**ITEM, "sku": 7}}, ("item.sku", "a string of at most 1000 characters", "7")),
        ({"reason": "bored"}, ("reason", "one of 'change_of_mind', 'store_error'", '"bored"')),
        ({"condition": {"unworn": 1}}, ("condition.unworn", "true, false or null", "1")),
    ],
)
def test_a_bad_exchange_names_the_field_as_written(change: Any, problem: Any) -> None:
    with pytest.raises(InputError) as info:
        case_from_dict(EXCHANGE | change)
    assert problem in info.value.problems, info.value.problems


def test_an_exchange_without_its_piece_or_not_an_object_is_refused() -> None:
    body = {k: v for k, v in EXCHANGE.items() if k not in ("item", "condition")}
    with pytest.raises(InputError) as info:
        case_from_dict(body)
    assert [p[0] for p in info.value.problems] == ["item"]
    with pytest.raises(InputError) as info:
        case_from_dict(
            {"stage": "inspection", "order_id": "X-1", "inspected_at": "x", "request": 7}
        )
    assert ("request", "an object", "7") in info.value.problems


def test_an_exchange_without_its_piece_reports_its_facts_problems_too() -> None:
    """Every problem at once: a bad condition, reason or defect record beside a missing
    piece is reported with it, not dropped."""
    body = {k: v for k, v in EXCHANGE.items() if k != "item"} | {
        "condition": {"unworn": 1},
        "reason": "bored",
        "defect_confirmed": "no",
    }
    with pytest.raises(InputError) as info:
        case_from_dict(body)
    assert [p[0] for p in info.value.problems] == [
        "condition.unworn",
        "defect_confirmed",
        "item",
        "reason",
    ]


def test_the_nested_exchange_with_facts_beside_it_is_refused() -> None:
    """The two forms are not mixed: beside a nested piece, its facts are unknown keys."""
    mixed = _old(EXCHANGE) | {"condition": NEW}
    with pytest.warns(DeprecationWarning, match="nested"), pytest.raises(InputError) as info:
        case_from_dict(mixed)
    assert [p[:2] for p in info.value.problems] == [("condition", "absent (unknown key)")]


# --- calendar dates ------------------------------------------------------------------------


def test_the_smallest_return_request_is_eligible_with_dates() -> None:
    (d,) = POLICY.evaluate(_quiet(RETURN)).items
    assert d.outcome.value == "eligible_pending_inspection"
    assert d.obligations.last_day_to_request_return == date(2025, 3, 10)


@pytest.mark.parametrize(
    "value", ["2025-03-05T10:00", "2025-03-05T10:00:00", "2025-3-5", "2025-02-30", 20250305]
)
def test_a_date_time_without_offset_is_still_refused(value: object) -> None:
    """A calendar date is its own form; a date-time without an offset stays refused."""
    with pytest.raises(InputError) as info:
        case_from_dict(RETURN | {"requested_at": value})
    ((name, expected, _),) = info.value.problems
    assert name == "requested_at"
    assert "or a calendar date (the day in the store's time zone)" in expected


@pytest.mark.parametrize(
    ("requested", "ok"),
    [
        ("2025-03-02", False),
        ("2025-03-03", True),
        ("2025-03-02T23:00:00-05:00", False),
        ("2025-03-03T00:00:00-05:00", True),
    ],
)
def test_a_request_before_the_delivery_day_is_refused(requested: str, ok: bool) -> None:
    """Against a day, an instant is compared by its own date; the same day is in order."""
    doc = RETURN | {"requested_at": requested}
    if ok:
        assert case_from_dict(doc).requested_at.isoformat().startswith("2025-03-03")
        return
    with pytest.raises(InputError) as info:
        case_from_dict(doc)
    assert info.value.problems[0][:2] == (
        "requested_at",
        "on or after items[0].item.delivered_at 2025-03-03",
    )


def test_a_delivery_day_before_the_purchase_day_is_refused() -> None:
    item = ITEM | {"purchased_at": "2025-03-04T08:00:00-05:00"}
    with pytest.raises(InputError) as info:
        case_from_dict(RETURN | {"items": [{"item": item}], "requested_at": "2025-03-05"})
    assert ("items[0].item.delivered_at", "on or after purchased_at 2025-03-04T08:00:00-05:00") in [
        p[:2] for p in info.value.problems
    ]
    assert case_from_dict(
        RETURN | {"items": [{"item": ITEM | {"purchased_at": "2025-03-03T20:00:00-05:00"}}]}
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("inspected_at", "2025-03-14"), ("cancelled_at", "2025-03-01")],
)
def test_a_date_is_refused_where_the_moment_counts(field: str, value: str) -> None:
    docs = {
        "inspected_at": {
            "stage": "inspection",
            "order_id": "A-1",
            "inspected_at": value,
            "request": RETURN,
        },
        "cancelled_at": {
            "stage": "cancellation",
            "order_id": "C-1",
            "cancelled_at": value,
            "item": {"sku": "C"},
        },
    }
    with pytest.raises(InputError) as info:
        case_from_dict(docs[field])
    assert [p[0] for p in info.value.problems] == [field]


def test_a_store_day_is_refused_in_python_where_the_moment_counts() -> None:
    day = StoreDay.of(date(2025, 3, 14))
    request = _quiet(RETURN)
    with pytest.raises(InputError, match="a calendar day only for a delivery"):
        Inspection(order_id="A-1", request=request, inspected_at=day)
    with pytest.raises(InputError, match="`requested_at` must be a timezone-aware datetime or a"):
        ReturnRequest(order_id="A-1", requested_at=date(2025, 3, 5), items=request.items)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="a date \\(not a datetime\\)"):
        StoreDay.of(datetime(2025, 3, 5, tzinfo=NY))


def test_a_store_day_is_that_date_in_any_zone_and_writes_itself_as_the_date() -> None:
    day = StoreDay.of(date(2025, 3, 3))
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "America/New_York", "UTC"):
        assert day.astimezone(ZoneInfo(zone)).date() == date(2025, 3, 3)
    assert day.astimezone().date() == date(2025, 3, 3)
    assert (day.isoformat(), str(day)) == ("2025-03-03", "2025-03-03")


@pytest.mark.parametrize("zone", ["America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
@pytest.mark.parametrize(
    ("days", "outcome"), [(7, "eligible_pending_inspection"), (8, "not_eligible")]
)
def test_a_date_is_that_day_in_any_store_zone(zone: str, days: int, outcome: str) -> None:
    """Day 7 after a delivery day is in time and day 8 late, in the store's zone
    whatever it is (+14 or -11 hours from UTC): a date has no instant to shift."""
    policy = default_policy(store_timezone=zone)
    asked = (date(2025, 3, 3) + timedelta(days)).isoformat()
    (d,) = policy.evaluate(_quiet(RETURN | {"requested_at": asked})).items
    assert d.outcome.value == outcome


def test_a_cancellation_after_a_delivery_day_cannot_be_not_started() -> None:
    """The one refusal of facts on the same day (docs/interpretation.md 31 states it)."""
    item = Item(sku="C", kind=ItemKind.CUSTOM_MADE, delivered_at=StoreDay.of(date(2025, 3, 3)))
    for hour in (9, 20):
        with pytest.raises(InputError, match="`production` must be 'started' or None"):
            CustomOrderCancellation(
                order_id="C-1",
                item=item,
                cancelled_at=datetime(2025, 3, 3, hour, tzinfo=NY),
                production=ProductionStatus.NOT_STARTED,
            )
    entry = INTERPRETATION.split("## 31. ")[1].split("\n## ")[0]
    assert "never refused" not in entry.replace("never refused as out of order, with one", "")
    assert "cancelled on the day its piece was delivered" in entry
    assert "test_a_cancellation_after_a_delivery_day_cannot_be_not_started" in entry
    assert CustomOrderCancellation(
        order_id="C-1",
        item=item,
        cancelled_at=datetime(2025, 3, 2, 20, tzinfo=NY),
        production=ProductionStatus.NOT_STARTED,
    )


def _store_dates(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with its store days written as calendar dates in New York."""

    def day(text: str) -> str:
        return datetime.fromisoformat(text).astimezone(NY).date().isoformat()

    out = json.loads(json.dumps(doc))
    for name in ("requested_at", "reported_at"):
        if name in out:
            out[name] = day(out[name])
    pieces = [line["item"] for line in out.get("items", [])] + (
        [out["item"]] if "item" in out else []
    )
    for piece in pieces:
        if piece.get("delivered_at"):
            piece["delivered_at"] = day(piece["delivered_at"])
    return out


@given(st.one_of(complete_return_requests(), complete_defect_claims()))
def test_a_date_is_judged_as_the_instants_of_that_store_day(
    case: ReturnRequest | DefectClaim,
) -> None:
    """A delivery, a request or a report written as its store date (New York, the default
    store zone) gets the decision its instant gets."""
    instants = case_to_dict(case)
    dated = _store_dates(instants)
    try:
        by_day = case_from_dict(dated)
    except InputError as exc:
        problems = exc.problems
        by_day = None
    if by_day is None:
        # Only the order of facts near midnight, read in another offset, can refuse it.
        assert all(p[1].startswith("on or after") for p in problems), problems
        reject()
    assert decision_to_dict(POLICY.evaluate(by_day)) == _decision(instants)
    assert case_to_dict(by_day) == dated | {"schema_version": "1.0"}


def test_an_exchange_item_is_its_piece_in_python_too() -> None:
    exchange = _quiet(EXCHANGE)
    assert isinstance(exchange, ExchangeRequest)
    assert exchange.item.item.sku == "RING-7"
    assert exchange.item.condition.original_packaging is True


def test_an_exchange_that_is_not_an_object_is_refused() -> None:
    """Where an exchange is read as a value of another document (a stage from outside)."""
    problems = codec._Problems()
    assert codec._decoder(ExchangeRequest)([], "exchange", problems) is codec._MISSING
    assert problems.items == [("exchange", "an object", "an array")]


# --- how to qualify, with store days (review of issue 15) ---------------------------------

ZONES = ("Europe/Paris", "Asia/Kathmandu", "Pacific/Auckland", "Pacific/Kiritimati", NY.key)
CLAIM: dict[str, Any] = {
    "stage": "defect_claim",
    "order_id": "A-1",
    "reported_at": "2025-03-06",
    "kind": "manufacturing_defect",
    "channel": "email",
    "photos_sent_at": "not_yet",
    "item": ITEM,
}
TO_QUALIFY = {
    "photos not yet": CLAIM,
    "photos late": CLAIM | {"photos_sent_at": "2025-03-09T12:00:00Z"},
    "reported late": CLAIM | {"reported_at": "2025-03-09"},
    "reported late, no photos": CLAIM | {"reported_at": "2025-03-09", "photos_sent_at": None},
    "asked late": RETURN | {"requested_at": "2025-03-12"},
}


def _store_day_field(case: Any, path: str) -> bool:
    """Whether the field at ``path`` may hold a StoreDay (a calendar date)."""
    parent, _, name = path.rpartition(".")
    owner = get_path(case, parent) if parent else case
    (f,) = [f for f in dataclasses.fields(owner) if f.name == name]
    return bool(f.metadata.get("store_day"))


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("name", list(TO_QUALIFY))
def test_qualify_suggests_instants_for_instant_fields_in_any_zone(zone: str, name: str) -> None:
    """A store day on the case (a delivery, a report, a request) never comes back as the
    suggested value of a field that needs an instant (the photos), east of UTC or west:
    each suggestion is a plain aware datetime there, and doing them grants the item."""
    policy = default_policy(store_timezone=zone)
    case = _quiet(TO_QUALIFY[name])
    (q,) = how_to_qualify(case, policy=policy)
    changes = [ch for s in q.suggestions for ch in s.changes]
    assert changes, q
    for ch in changes:
        if isinstance(ch.new, datetime) and not _store_day_field(case, ch.path):
            assert type(ch.new) is datetime, (ch.path, ch.new)
            assert ch.new.utcoffset() is not None
    assert q.case is not None
    assert q.outcome_if_changed is not None
    assert q.outcome_if_changed.role is Role.GRANTED
    again = case_from_dict(case_to_dict(q.case))  # the changed case is a valid document
    assert policy.evaluate(again) == policy.evaluate(q.case)


def test_qualify_suggests_noon_in_paris_for_photos_after_a_report_day() -> None:
    """The review's case: reported on 6 March, no photos, the store in Paris."""
    (q,) = how_to_qualify(_quiet(CLAIM), policy=default_policy(store_timezone="Europe/Paris"))
    (ch,) = [ch for s in q.suggestions for ch in s.changes]
    assert ch.path == "photos_sent_at"
    assert ch.new == datetime.fromisoformat("2025-03-06T12:00:00+01:00")
    assert type(ch.new) is datetime
    assert q.outcome_if_changed is not None
    assert q.outcome_if_changed.value == "accepted_pending_inspection"


# --- a store day is a day, not an instant (review of issue 15) ----------------------------

days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
plain_instants = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
) | st.builds(lambda d: datetime.combine(d, time(12), UTC), days)


@given(days, days)
def test_store_days_are_equal_iff_their_dates_are(a: date, b: date) -> None:
    x, y = StoreDay.of(a), StoreDay.of(b)
    assert (x == y) is (a == b)
    assert (x != y) is (a != b)
    if x == y:
        assert hash(x) == hash(y)
    assert (x < y, x <= y, x > y, x >= y) == (a < b, a <= b, a > b, a >= b)


@given(days, plain_instants)
def test_a_store_day_never_equals_an_instant(day: date, instant: datetime) -> None:
    """Not even noon UTC of its own date: the two decide differently in some store zones."""
    sd = StoreDay.of(day)
    assert sd != instant
    assert instant != sd
    assert not sd == instant  # noqa: SIM201 (``==`` itself, not ``!=``)
    assert not instant == sd  # noqa: SIM201
    assert len({sd, instant}) == 2
    assert sd != day  # nor a plain date
    assert day != sd
    for compare in (
        lambda: sd < instant,
        lambda: instant < sd,
        lambda: sd >= instant,
        lambda: instant >= sd,
        lambda: sd < day,
    ):
        with pytest.raises(TypeError, match="not ordered without the store's zone"):
            compare()


def test_a_store_day_and_noon_utc_of_its_date_are_different_cases() -> None:
    """The review's case: equal before, though Kiritimati (+14) decides them apart."""
    noon = datetime(2025, 3, 6, 12, tzinfo=UTC)
    assert StoreDay.of(date(2025, 3, 6)) != noon
    assert hash(StoreDay.of(date(2025, 3, 6))) != hash(noon)
    by_day = _quiet(RETURN | {"requested_at": "2025-03-10"})
    by_instant = _quiet(RETURN | {"requested_at": "2025-03-10T12:00:00Z"})
    assert by_day != by_instant
    kiritimati = default_policy(store_timezone="Pacific/Kiritimati")
    (day_decision,) = kiritimati.evaluate(by_day).items
    (instant_decision,) = kiritimati.evaluate(by_instant).items
    assert day_decision.outcome != instant_decision.outcome


def test_a_store_day_against_what_is_not_a_date_is_python_s_usual_answer() -> None:
    """Neither equal nor ordered: the other operand has its say, as with a datetime."""
    day = StoreDay.of(date(2025, 3, 3))
    assert day != "2025-03-03"
    assert not day == "2025-03-03"  # noqa: SIM201
    with pytest.raises(TypeError, match="not supported"):
        day < 5  # type: ignore[operator]  # noqa: B015
    assert day.__reduce__() == (StoreDay, (2025, 3, 3))


@pytest.mark.parametrize(
    "build",
    [
        lambda: StoreDay(2025, 3, 3),
        lambda: StoreDay(2025, 3, 3, 23, 59, tzinfo=NY),
        lambda: StoreDay.fromisoformat("2025-03-03"),
        lambda: StoreDay.fromisoformat("2025-03-03T01:00:00+14:00"),
        lambda: StoreDay.of(date(2025, 3, 4)).replace(day=3),
        lambda: StoreDay.of(date(2025, 3, 3)).replace(hour=3, tzinfo=None),
        lambda: StoreDay.of(date(2025, 3, 2)) + timedelta(days=1),
        lambda: StoreDay.of(date(2025, 3, 3)) + timedelta(hours=11),
        lambda: StoreDay.of(date(2025, 3, 4)) - timedelta(hours=13),
        lambda: copy.deepcopy(StoreDay.of(date(2025, 3, 3))),
        lambda: pickle.loads(pickle.dumps(StoreDay.of(date(2025, 3, 3)))),
    ],
)
def test_every_way_to_build_a_store_day_gives_noon_utc_of_its_written_date(build: Any) -> None:
    """The datetime constructors, ``replace`` and arithmetic keep the written date and
    drop any time or zone (none is refused): a store day is always noon UTC of it."""
    day = build()
    assert type(day) is StoreDay
    assert day == StoreDay.of(date(2025, 3, 3))
    assert (day.hour, day.minute, day.second, day.microsecond, day.tzinfo) == (12, 0, 0, 0, UTC)
    assert repr(day) == "StoreDay(2025, 3, 3)"
    assert day.astimezone(ZoneInfo("Pacific/Kiritimati")) is day
    assert StoreDay.of(date(2025, 3, 6)) - day == timedelta(days=3)


@given(st.one_of(complete_return_requests(), complete_defect_claims()))
def test_a_case_holding_store_days_survives_its_document(case: ReturnRequest | DefectClaim) -> None:
    """``case_from_dict(case_to_dict(c)) == c`` (and hashes equal) with store days in it."""
    try:
        dated = case_from_dict(_store_dates(case_to_dict(case)))
    except InputError:
        reject()
    again = case_from_dict(case_to_dict(dated))
    assert again == dated
    assert hash(again) == hash(dated)
    assert pickle.loads(pickle.dumps(dated)) == dated
