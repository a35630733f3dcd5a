"""The timeline: every date that matters for a case, in order, as data and as text."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given

from atlier_policy import Decision, InputError, default_policy, evaluate
from atlier_policy.cases import ProductionStatus, SaleEvent
from atlier_policy.codec import case_from_dict
from atlier_policy.terms import PolicyTerms
from atlier_policy.timelines import (
    TimelineEntry,
    TimelineKind,
    format_timeline,
    timeline,
    timeline_of_dates,
)
from atlier_policy.versions import default_versions
from builders import (
    at,
    cancellation,
    custom_item,
    defect_claim,
    defect_inspection,
    exchange,
    inspection,
    item,
    parcel,
    return_item,
    return_request,
)
from strategies import any_complete_case

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.json"))


def keys(entries: tuple[TimelineEntry, ...]) -> list[str]:
    return [e.key for e in entries]


def test_dates_only_delivery_and_approval() -> None:
    """§1, §3 and §4 from two dates: day 0 is delivery, the refund is the 7th-10th business day."""
    entries = timeline_of_dates(
        PolicyTerms(), delivered=date(2025, 11, 14), approved=date(2025, 11, 21)
    )
    assert [(e.key, e.date.isoformat(), e.kind.value) for e in entries] == [
        ("delivered", "2025-11-14", "event"),
        ("last_day_to_report_defect", "2025-11-17", "deadline"),
        ("last_day_to_request_return", "2025-11-21", "deadline"),
        ("approved", "2025-11-21", "event"),
        ("refund_earliest", "2025-12-03", "refund"),  # Thanksgiving is skipped
        ("refund_latest", "2025-12-08", "refund"),
    ]
    assert {e.section for e in entries} == {None, "1", "3", "4"}


def test_dates_approval_only() -> None:
    entries = timeline_of_dates(PolicyTerms(), approved=date(2025, 12, 19))
    assert keys(entries) == ["approved", "refund_earliest", "refund_latest"]


def test_dates_needs_a_date() -> None:
    with pytest.raises(InputError, match="`delivered`"):
        timeline_of_dates(PolicyTerms())


def test_return_request_in_order() -> None:
    """A return request: purchase, delivery, the defect deadline, the request, the return deadline."""
    entries = timeline(return_request(at("2025-03-05")))
    assert keys(entries) == [
        "purchased",
        "delivered",
        "requested",
        "last_day_to_report_defect",
        "last_day_to_request_return",
    ]
    assert [e.date for e in entries] == sorted(e.date for e in entries)
    assert entries[-1].date == date(2025, 3, 10)


def test_multi_item_with_own_dates_names_each_item() -> None:
    """Items delivered on different days each get their own deadlines, labelled with the SKU."""
    late = return_item(item=item(sku="NECK-2", delivered_at=at("2025-03-04")))
    entries = timeline(return_request(items=(return_item(), late)))
    labels = [e.label for e in entries]
    assert "last day to request a return (§1) (RING-7)" in labels
    assert "last day to request a return (§1) (NECK-2)" in labels
    same = timeline(return_request(items=(return_item(), return_item())))
    assert "delivered" in [e.label for e in same]


def test_defect_claim_dates() -> None:
    entries = timeline(defect_claim())
    assert keys(entries)[:4] == ["purchased", "delivered", "reported", "photos_sent"]


def test_inspection_approved_shows_refund_window() -> None:
    """An approved refund: the inspection date is the approval, then the 7th and 10th business day."""
    entries = timeline(inspection(inspected_at=at("2025-11-21")))
    assert keys(entries)[-3:] == ["approved", "refund_earliest", "refund_latest"]
    assert "inspected" not in keys(entries)
    assert [e.date for e in entries[-2:]] == [date(2025, 12, 3), date(2025, 12, 8)]


def test_inspection_rejected_has_no_refund() -> None:
    from builders import condition

    entries = timeline(inspection(condition=condition(unworn=False)))
    assert "inspected" in keys(entries)
    assert not {"approved", "refund_earliest", "refund_latest"} & set(keys(entries))


def test_partial_refund_has_its_window_only_if_chosen() -> None:
    """§3 partial refund or store credit: the window is drawn for the partial refund, said
    to apply only if it is chosen; no refund is "approved" before the store chooses."""
    entries = timeline(defect_inspection(repair_possible=False, replacement_possible=False))
    assert keys(entries)[-3:] == ["inspected", "refund_earliest", "refund_latest"]
    assert entries[-1].label.endswith(", if the partial refund is chosen")


def test_cancellation_refund_from_the_cancellation_day() -> None:
    entries = timeline(cancellation(production_started_at=None))
    assert "cancelled" in keys(entries)
    assert keys(entries)[-2:] == ["refund_earliest", "refund_latest"]
    started = timeline(cancellation(production=None, production_started_at=at("2025-03-01")))
    assert "production_started" in keys(started)


def test_exchange_and_parcel() -> None:
    assert "returned" in keys(timeline(exchange(returned_at=at("2025-03-06"))))
    assert keys(timeline(parcel())) == ["shipped"]
    assert timeline(parcel(shipped_at=None)) == ()


def test_given_decision_and_policy() -> None:
    """A decision passed in is used as is; the policy's terms set the deadlines."""
    case = inspection(inspected_at=at("2025-11-21"))
    fourteen = default_policy(return_window_days=14)
    entries = timeline(case, fourteen.evaluate(case), policy=fourteen)
    last = next(e for e in entries if e.key == "last_day_to_request_return")
    assert last.date == date(2025, 3, 17)


def test_not_a_case() -> None:
    with pytest.raises(InputError, match="`case`"):
        timeline("a case", evaluate(parcel()))  # type: ignore[arg-type]


def test_text() -> None:
    """Text: one aligned line per date with its weekday."""
    text = format_timeline(timeline_of_dates(PolicyTerms(), delivered=date(2025, 3, 3)))
    assert text.splitlines() == [
        "delivered:                         2025-03-03 (Monday)",
        "last day to report a defect (§3):  2025-03-06 (Thursday)",
        "last day to request a return (§1): 2025-03-10 (Monday)",
    ]
    assert format_timeline(()) == ""


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_have_a_timeline(path: Path) -> None:
    """Every example has dates, in order, and the kinds are the three known ones."""
    entries = timeline(case_from_dict(json.loads(path.read_text(encoding="utf-8"))))
    assert entries
    assert list(entries) == sorted(entries, key=lambda e: e.date)
    assert {e.kind for e in entries} <= set(TimelineKind)


@given(any_complete_case)
def test_timeline_laws(case: object) -> None:
    """Sorted; the deadlines are the terms' day counts after delivery; a refund window only
    when the decision has one, with earliest <= latest."""
    entries = timeline(case)  # type: ignore[arg-type]
    assert [e.date for e in entries] == sorted(e.date for e in entries)
    terms = PolicyTerms()
    delivered = [e for e in entries if e.key == "delivered"]
    for d in delivered[:1]:
        last = next((e for e in entries if e.key == "last_day_to_request_return"), None)
        report = next((e for e in entries if e.key == "last_day_to_report_defect"), None)
        if report is None:  # judged under no known version: no deadline is known
            assert last is None
            continue
        if len(delivered) == 1:
            if last is not None:  # §2's exclusions leave it out
                assert last.date - d.date == timedelta(days=terms.return_window_days)
            assert report.date - d.date == timedelta(days=terms.defect_notice_days)
    refund = [e.date for e in entries if e.kind is TimelineKind.REFUND]
    decision = evaluate(case)  # type: ignore[arg-type]  # the one default of every tool
    ob = decision.obligations if isinstance(decision, Decision) else None
    has_window = ob is not None and any(
        w is not None for w in (ob.refund_earliest, *(o.refund_earliest for o in ob.options))
    )
    assert bool(refund) == has_window
    assert refund == sorted(refund)


def test_entry_is_frozen() -> None:
    entry = timeline(parcel())[0]
    with pytest.raises(AttributeError):
        entry.label = "x"  # type: ignore[misc]
    assert replace(entry, label="x").label == "x"


def test_no_return_deadline_where_section_2_excludes_the_piece() -> None:
    """§2: for a custom order's cancellation and a sale piece (no confirmed defect) the
    "last day to request a return" does not apply (marked, and said in its label); a sale
    piece with a confirmed defect keeps it."""
    made = custom_item(delivered_at=at("2025-03-03"))
    for case in (
        cancellation(item=made, production=ProductionStatus.STARTED),
        return_request(items=(return_item(item=item(sale_event=SaleEvent.CLEARANCE)),)),
        exchange(item=return_item(item=item(engraved=True))),
        defect_claim(item=item(sale_event=SaleEvent.SALE)),
    ):
        entries = timeline(case)
        assert all(e.applies for e in entries if e.key != "last_day_to_request_return")
        (last,) = [e for e in entries if e.key == "last_day_to_request_return"]
        assert not last.applies
        assert "does not apply: §2 excludes this piece" in last.label
    confirmed = return_item(item=item(sale_event=SaleEvent.SALE), defect_confirmed=True)
    entries = timeline(return_request(items=(confirmed,)))
    assert all(e.applies for e in entries)


LATER = default_policy(version="2026-01-01", effective_date=date(2026, 1, 1), return_window_days=14)
VERSIONS = default_versions().with_version(LATER)


def test_deadlines_of_the_version_the_decision_names() -> None:
    """A 14-day version from 2026-01-01: the last day to request is delivery + 14 for an
    order bought under it, delivery + 7 for one bought before."""
    new = item(purchased_at=at("2026-01-02"), delivered_at=at("2026-01-05"))
    entries = timeline(
        return_request(at("2026-01-08"), items=(return_item(item=new),)), policy=VERSIONS
    )
    last = next(e for e in entries if e.key == "last_day_to_request_return")
    assert last.date == date(2026, 1, 19)
    entries = timeline(return_request(), policy=VERSIONS)
    last = next(e for e in entries if e.key == "last_day_to_request_return")
    assert last.date == date(2025, 3, 10)
    doc = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    with pytest.warns(DeprecationWarning, match="codec"):  # a JSON document, for one release
        assert timeline(doc) == timeline(case_from_dict(doc))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"delivered": date(9999, 12, 30)}, "`delivered`"),
        ({"approved": date(9999, 12, 28)}, "`approved`"),
        ({"delivered": "2025-03-03"}, "`delivered`"),
        ({"approved": at("2025-03-03")}, "`approved`"),
    ],
)
def test_dates_out_of_range_or_of_the_wrong_type(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError, match=field):
        timeline_of_dates(PolicyTerms(), **kwargs)  # type: ignore[arg-type]


def test_bad_terms_policy_and_decision() -> None:
    with pytest.raises(InputError, match="`terms`"):
        timeline_of_dates(None, delivered=date(2025, 3, 3))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="`policy`"):
        timeline(return_request(), policy="x")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="`decision`"):
        timeline(return_request(), 42)  # type: ignore[arg-type]


def test_an_undated_purchase_draws_no_purchase_day() -> None:
    """No purchase date: the timeline starts at the delivery; the deadlines still follow it."""
    undated = return_request(items=(return_item(item=item(purchased_at=None)),))
    entries = timeline(undated, policy=default_policy())
    assert "purchased" not in [e.key for e in entries]
    assert entries[0].key == "delivered"
    assert "last_day_to_request_return" in [e.key for e in entries]
