"""§2 Non-Returnable & Non-Refundable Items: the section's tables, properties and
mutation-killing tests.

The clauses of ``atlier_policy.clauses.non_returnable`` (``s2.*``): custom-made or
personalized pieces; engraved, resized or altered pieces; sale, promotion and clearance
pieces "(unless defective)", and a piece sent in error; custom orders non-refundable
once production has begun (the cancellation stage). Each row of a table names the
sentence it exercises (tests/tables.py); the fix rows say how ``how_to_qualify`` lifts
each reason (tests/qualify_laws.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atlier_policy import ReturnRequest, default_policy
from atlier_policy.cases import DefectCause, ItemKind, ProductionStatus, ReturnReason, SaleEvent
from atlier_policy.decision import (
    CancellationOutcome,
    DefectClaimOutcome,
    ExchangeOutcome,
    InspectionOutcome,
    ReturnOutcome,
    ShippingPayer,
)
from atlier_policy.qualify import FixKind, how_to_qualify
from atlier_policy.rules import Finding
from builders import (
    at,
    cancellation,
    defect_claim,
    exchange,
    inspection,
    item,
    return_item,
    return_request,
)
from qualify_laws import FIX_ROW, check_fix, one, only_suggestion
from strategies import complete_return_requests, set_path
from tables import (
    ELIG,
    NOT,
    REV,
    S2_CUSTOM,
    S2_MODIFIED,
    S2_PRODUCTION,
    S2_SALE,
    check_row,
    decided,
    decisions,
    table,
)

POLICY = default_policy()

# --- the decisions, stage by stage -----------------------------------------------------

RETURN_ROWS = [
    # §2 exclusions
    (
        "custom-made",
        S2_CUSTOM,
        return_request(items=(return_item(item=item(kind=ItemKind.CUSTOM_MADE)),)),
        NOT,
        ("s2.custom_or_personalized",),
    ),
    (
        "personalized",
        S2_CUSTOM,
        return_request(items=(return_item(item=item(personalized=True)),)),
        NOT,
        ("s2.custom_or_personalized",),
    ),
    (
        "kind unknown",
        S2_CUSTOM,
        return_request(items=(return_item(item=item(kind=None)),)),
        REV,
        ("s2.custom_or_personalized",),
    ),
    (
        "engraved",
        S2_MODIFIED,
        return_request(items=(return_item(item=item(engraved=True)),)),
        NOT,
        ("s2.engraved",),
    ),
    (
        "resized",
        S2_MODIFIED,
        return_request(items=(return_item(item=item(resized=True)),)),
        NOT,
        ("s2.resized",),
    ),
    (
        "altered",
        S2_MODIFIED,
        return_request(items=(return_item(item=item(altered=True)),)),
        NOT,
        ("s2.altered",),
    ),
    (
        "engraving unknown",
        S2_MODIFIED,
        return_request(items=(return_item(item=item(engraved=None)),)),
        REV,
        ("s2.engraved",),
    ),
    *[
        (
            f"{event.value} item",
            S2_SALE,
            return_request(items=(return_item(item=item(sale_event=event)),)),
            NOT,
            ("s2.sale_item",),
        )
        for event in (SaleEvent.SALE, SaleEvent.PROMOTION, SaleEvent.CLEARANCE)
    ],
    (
        "sale item with a confirmed defect",
        S2_SALE,
        return_request(
            items=(return_item(item=item(sale_event=SaleEvent.SALE), defect_confirmed=True),)
        ),
        ELIG,
        ("s2.sale_defect_exception",),
    ),
    (
        "sale item, defect record unknown",
        S2_SALE,
        return_request(
            items=(return_item(item=item(sale_event=SaleEvent.SALE), defect_confirmed=None),)
        ),
        REV,
        ("s2.sale_defect_exception",),
    ),
    (
        "sale status unknown",
        S2_SALE,
        return_request(items=(return_item(item=item(sale_event=None)),)),
        REV,
        ("s2.sale_item",),
    ),
    # A confirmed defect lifts the exclusion whatever the sale status: nothing is left to know.
    (
        "sale status unknown, defect confirmed",
        S2_SALE,
        return_request(items=(return_item(item=item(sale_event=None), defect_confirmed=True),)),
        ELIG,
        ("s2.sale_defect_exception",),
    ),
]


@table(RETURN_ROWS)
def test_return_request(sentence: str, case: Any, outcome: Any, clauses: tuple[str, ...]) -> None:
    """Stage 1: each §2 sentence decides a return request as the text says."""
    check_row(decided(POLICY.return_request(case)), outcome, clauses, sentence)


DEFECT_ROWS = [
    (
        "sale item with a defect",
        S2_SALE,
        defect_claim(item=item(sale_event=SaleEvent.CLEARANCE)),
        DefectClaimOutcome.ACCEPTED_PENDING_INSPECTION,
        (),
    ),
]


@table(DEFECT_ROWS)
def test_defect_claim(sentence: str, case: Any, outcome: Any, clauses: tuple[str, ...]) -> None:
    """Stage 2: §2's sale exclusion does not stand in the way of a defect claim."""
    check_row(POLICY.defect_claim(case), outcome, clauses, sentence)


def test_defect_found_on_a_sale_return_lifts_the_sale_exclusion() -> None:
    """§2 (S2_SALE) "(unless defective)": a defect the quality team finds in a returned sale piece lifts the exclusion, and the store pays shipping."""
    req = return_request(items=(return_item(item=item(sale_event=SaleEvent.SALE)),))
    d = POLICY.inspection(inspection(req, cause=DefectCause.MANUFACTURING_DEFECT))
    assert d.outcome is InspectionOutcome.REFUND_APPROVED
    assert d.obligations.return_shipping_paid_by is ShippingPayer.STORE
    assert "s2.sale_defect_exception" in [r.clause_id for r in d.reasons]


def test_inspection_of_a_return_with_an_unknown_record_needs_review() -> None:
    """§2 at inspection: a returned piece whose engraving is not on record cannot be approved."""
    request = return_request(items=(return_item(item=item(engraved=None)),))
    decision = POLICY.inspection(inspection(request))
    assert decision.outcome is InspectionOutcome.NEEDS_REVIEW
    assert decision.missing == ("item.engraved",)


EXCHANGE_ROWS = [
    (
        "ineligible item (engraved)",
        S2_MODIFIED,
        exchange(item=return_item(item=item(engraved=True))),
        ExchangeOutcome.REFUSED,
        ("s2.engraved",),
    ),
]


@table(EXCHANGE_ROWS)
def test_exchange(sentence: str, case: Any, outcome: Any, clauses: tuple[str, ...]) -> None:
    """Stage 6: a piece §2 excludes is not exchanged either."""
    check_row(POLICY.exchange(case), outcome, clauses, sentence)


# --- custom orders: "non-refundable once production has begun" -----------------------


CANCEL_ROWS = [
    ("not started", cancellation(), CancellationOutcome.REFUNDABLE),
    (
        "started before cancelling",
        cancellation(production=ProductionStatus.STARTED, production_started_at=at("2025-03-02")),
        CancellationOutcome.NOT_REFUNDABLE,
    ),
    (
        "began after cancelling",
        cancellation(production=None, production_started_at=at("2025-03-04")),
        CancellationOutcome.REFUNDABLE,
    ),
    (
        "started, date unknown",
        cancellation(production=ProductionStatus.STARTED),
        CancellationOutcome.NOT_REFUNDABLE,
    ),
    ("status unknown", cancellation(production=None), CancellationOutcome.NEEDS_REVIEW),
    (
        "ready-made order",
        cancellation(item=item(delivered_at=None)),
        CancellationOutcome.NEEDS_REVIEW,
    ),
]


@table(CANCEL_ROWS, ("case", "outcome"))
def test_cancellation(case: Any, outcome: CancellationOutcome) -> None:
    """Stage 5 (S2_PRODUCTION): custom orders are non-refundable once production has begun."""
    check_row(POLICY.cancellation(case), outcome, ("s2.production_not_begun",), S2_PRODUCTION)


def _cancel(**changes: Any) -> Any:
    return POLICY.cancellation(cancellation(**changes))


def test_a_custom_order_is_any_custom_made_or_personalized_piece() -> None:
    """§2: custom-made (even not personalized) and personalized (even ready-made) pieces are custom orders."""
    started = {"production": ProductionStatus.STARTED}
    for piece in (
        item(kind=ItemKind.CUSTOM_MADE, personalized=False, delivered_at=None),
        item(kind=ItemKind.CUSTOM_MADE, personalized=None, delivered_at=None),
        item(kind=ItemKind.READY_MADE, personalized=True, delivered_at=None),
    ):
        assert _cancel(item=piece, **started).outcome is CancellationOutcome.NOT_REFUNDABLE
        assert _cancel(item=piece).outcome is CancellationOutcome.REFUNDABLE
    ready = _cancel(item=item(kind=ItemKind.READY_MADE, personalized=False, delivered_at=None))
    assert ready.outcome is CancellationOutcome.NEEDS_REVIEW  # not a custom order at all
    assert [r.finding for r in ready.reasons] == [Finding.NOT_APPLICABLE]


def test_not_knowing_whether_an_order_is_custom_needs_review() -> None:
    """§2: a ready-made piece of unknown personalization, or an unknown kind, cannot be judged."""
    for piece in (
        item(kind=ItemKind.READY_MADE, personalized=None),
        item(kind=None, personalized=True),
    ):
        decision = _cancel(item=piece, production=ProductionStatus.STARTED)
        assert decision.outcome is CancellationOutcome.NEEDS_REVIEW
        (reason,) = decision.reasons
        assert reason.message == "not known whether this is a custom order"
        assert reason.missing == ("item.kind", "item.personalized")
        assert decision.missing == ("item.kind", "item.personalized")


def test_cancellation_after_production_began_names_the_dates_in_new_york() -> None:
    """§2: the cancellation and production dates are New York dates, also late in the evening."""
    evening = datetime(2025, 3, 7, 3, 0, tzinfo=UTC)  # 22:00 on 6 March in New York
    decision = _cancel(cancelled_at=evening, production=ProductionStatus.STARTED)
    assert decision.outcome is CancellationOutcome.NOT_REFUNDABLE
    (reason,) = decision.reasons
    assert reason.message == "cancelled 2025-03-06, once production had begun"
    assert reason.facts == (("cancelled", "2025-03-06"), ("production", "started"))
    decision = _cancel(
        cancelled_at=at("2025-03-10"), production=None, production_started_at=evening
    )
    (reason,) = decision.reasons
    assert reason.message == "cancelled 2025-03-10, once production had begun on 2025-03-06"
    assert reason.facts == (("cancelled", "2025-03-10"), ("production_started", "2025-03-06"))


def test_a_cancellation_at_the_instant_production_begins_is_not_refundable() -> None:
    """Class 10 of tests/test_seams.py (S2_PRODUCTION): "once production has begun" includes its first instant."""
    start = at("2025-03-03", 9)
    at_start = cancellation(production=None, production_started_at=start, cancelled_at=start)
    d = POLICY.cancellation(at_start)
    assert d.outcome is CancellationOutcome.NOT_REFUNDABLE
    assert d.reasons[0].sentence == S2_PRODUCTION
    a_second_before = replace(at_start, cancelled_at=start - timedelta(seconds=1))
    assert POLICY.cancellation(a_second_before).outcome is CancellationOutcome.REFUNDABLE
    started = cancellation(
        production=ProductionStatus.STARTED, production_started_at=start, cancelled_at=start
    )
    assert POLICY.cancellation(started).outcome is CancellationOutcome.NOT_REFUNDABLE


# --- properties -------------------------------------------------------------------------


@given(
    complete_return_requests(),
    st.sampled_from([SaleEvent.SALE, SaleEvent.PROMOTION, SaleEvent.CLEARANCE]),
    st.sampled_from([False, None]),
)
def test_sale_items_never_eligible_for_change_of_mind(
    case: ReturnRequest, event: SaleEvent, confirmed: bool | None
) -> None:
    """Sale, promotion and clearance items are never eligible without a confirmed defect."""
    item = set_path(case.items[0], "item.sale_event", event)
    item = set_path(
        set_path(item, "reason", ReturnReason.CHANGE_OF_MIND), "defect_confirmed", confirmed
    )
    (d, *_) = decisions(POLICY.evaluate(set_path(case, "items[0]", item)))
    assert not d.granted


# --- how to qualify: each clause's fix ------------------------------------------------


def test_clearance_item_only_a_defect_qualifies() -> None:
    """§2 "(unless defective)": the one change that helps is a confirmed defect, reported in 3 days."""
    line = return_item(item=item(sale_event=SaleEvent.CLEARANCE))
    q = one(return_request(items=(line,)))
    message, kind, changes = only_suggestion(q)
    assert message == (
        "this item was bought in a clearance event: only a defect reported within 3 days "
        "of delivery (by 2025-03-06) qualifies"
    )
    assert kind is FixKind.DEFECT
    assert changes == {"items[0].defect_confirmed": True}


def test_sale_item_after_the_defect_window_cannot_qualify() -> None:
    """Interpretation 9: a sale item asked back after delivery + 3 days (2025-03-06): the
    defect route is closed by lateness, so nothing qualifies it -- a blocker, no changed case."""
    line = return_item(item=item(sale_event=SaleEvent.CLEARANCE))
    for case in (
        return_request(at("2025-03-08"), items=(line,)),
        exchange(requested_at=at("2025-03-07"), item=line),
    ):
        q = one(case)
        assert q.suggestions == ()
        (b,) = q.blockers
        assert b.code == "sale_item"
        assert "the period to report a defect ended on 2025-03-06" in b.message
        assert (q.case, q.outcome_if_changed) == (None, None)
    # On the last day itself the route is still open.
    q = one(return_request(at("2025-03-06", 23), items=(line,)))
    assert q.suggestions[0].kind is FixKind.DEFECT
    assert q.suggestions[0].deadline == date(2025, 3, 6)


def test_custom_made_cannot_qualify() -> None:
    """§2: nothing the customer can do makes a custom-made piece returnable."""
    q = one(return_request(items=(return_item(item=item(kind=ItemKind.CUSTOM_MADE)),)))
    assert q.cannot_qualify
    assert q.suggestions == ()
    assert q.case is None
    assert q.outcome_if_changed is None
    (b,) = q.blockers
    assert (b.code, b.clause_id) == ("custom_or_personalized", "s2.custom_or_personalized")


def test_unknown_kind_alone_records_only_the_kind() -> None:
    """§2 custom or personalized: only the unknown fact is to be recorded; a known one stays."""
    (q,) = how_to_qualify(
        return_request(items=(return_item(item=item(kind=None, personalized=False)),))
    )
    (s,) = q.suggestions
    assert (s.code, s.kind) == ("custom_or_personalized", FixKind.RECORD)
    assert [(c.path, c.new) for c in s.changes] == [("items[0].item.kind", ItemKind.READY_MADE)]
    assert q.outcome_if_changed is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION


def test_cancellation_suggested_no_earlier_than_the_purchase() -> None:
    """§2: production began the minute the order was placed: no cancellation before it
    is possible (a blocker); began later the same hour: cancel at the purchase, not before."""
    bought = at("2025-03-01", 10)
    same = cancellation(
        item=item(kind=ItemKind.CUSTOM_MADE, purchased_at=bought),
        production=None,
        production_started_at=bought,
        cancelled_at=at("2025-03-02"),
    )
    q = one(same)
    assert q.suggestions == ()
    assert "production began when the order was placed" in q.blockers[0].message
    soon = replace(same, production_started_at=bought + timedelta(seconds=30))
    q = one(soon)
    (s,) = q.suggestions
    assert s.changes[0].new == bought
    assert q.outcome_if_changed is not None
    assert q.outcome_if_changed.value == "refundable"


FIX_ROWS: list[tuple[str, Any, str, FixKind | None, str]] = [
    # (id, case, reason code, kind or None for a blocker, a fragment of the message)
    # (id, case, reason code, kind or None for a blocker, a fragment of the message)
    (
        "kind unknown",
        return_request(items=(return_item(item=item(kind=None, personalized=None)),)),
        "custom_or_personalized",
        FixKind.RECORD,
        "ready-made",
    ),
    (
        "personalized unknown",
        return_request(items=(return_item(item=item(personalized=None)),)),
        "custom_or_personalized",
        FixKind.RECORD,
        "ready-made",
    ),
    (
        "resized",
        return_request(items=(return_item(item=item(resized=True)),)),
        "resized",
        None,
        "was resized",
    ),
    (
        "altered unknown",
        return_request(items=(return_item(item=item(altered=None)),)),
        "altered",
        FixKind.RECORD,
        "was altered",
    ),
    (
        "sale unknown",
        return_request(items=(return_item(item=item(sale_event=None)),)),
        "sale_item",
        FixKind.RECORD,
        "full-price",
    ),
    (
        "sale, defect record unknown",
        return_request(
            items=(return_item(item=item(sale_event=SaleEvent.SALE), defect_confirmed=None),)
        ),
        "sale_defect_exception",
        FixKind.DEFECT,
        "confirmed",
    ),
    (
        "sale, delivery unknown",
        return_request(
            items=(
                return_item(
                    item=item(sale_event=SaleEvent.PROMOTION, delivered_at=None, purchased_at=None)
                ),
            )
        ),
        "sale_item",
        FixKind.DEFECT,
        "within 3 days of delivery qualifies",
    ),
    (
        "inspected sale",
        inspection(return_request(items=(return_item(item=item(sale_event=SaleEvent.SALE)),))),
        "sale_item",
        None,
        "the quality team's finding stands",
    ),
    (
        "inspected sale, cause unknown",
        inspection(
            return_request(items=(return_item(item=item(sale_event=SaleEvent.SALE)),)),
            cause=None,
        ),
        "sale_defect_exception",
        FixKind.RECORD,
        "the quality team must record what it found",
    ),
    (
        "sale piece, reason unknown",
        return_request(items=(return_item(item=item(sale_event=SaleEvent.SALE), reason=None),)),
        "sale_sent_in_error",
        FixKind.RECORD,
        "record why the piece is sent back",
    ),
    (
        "inspected sale sent in error, unconfirmed",
        inspection(
            return_request(
                items=(
                    return_item(
                        item=item(sale_event=SaleEvent.SALE), reason=ReturnReason.STORE_ERROR
                    ),
                )
            )
        ),
        "sale_sent_in_error",
        FixKind.RECORD,
        "confirm or rule out the error on our part",
    ),
    (
        "production began",
        cancellation(production=ProductionStatus.STARTED),
        "production_begun",
        None,
        "non-refundable once production",
    ),
    (
        "production began on a day",
        cancellation(production=None, production_started_at=at("2025-03-01")),
        "production_begun",
        FixKind.WOULD_HAVE,
        "before production began on 2025-03-01",
    ),
    (
        "production began on a day, status started",
        cancellation(production=ProductionStatus.STARTED, production_started_at=at("2025-03-01")),
        "production_begun",
        FixKind.WOULD_HAVE,
        "a cancellation before production began on 2025-03-01 would have been refundable",
    ),
    (
        "production began when the order was placed",
        cancellation(production_started_at=at("2025-02-27"), production=None),
        "production_begun",
        None,
        "production began when the order was placed",
    ),
    (
        "custom piece returned",
        return_request(items=(return_item(item=item(kind=ItemKind.CUSTOM_MADE)),)),
        "custom_or_personalized",
        None,
        "a custom-made or personalized piece cannot be returned",
    ),
    (
        "production unknown",
        cancellation(production=None),
        "production_begun",
        FixKind.RECORD,
        "had begun",
    ),
    (
        "custom order unknown",
        cancellation(item=item(kind=None, delivered_at=None), production=None),
        "production_begun",
        FixKind.RECORD,
        "custom order",
    ),
    (
        "personalization unknown",
        cancellation(item=item(personalized=None, delivered_at=None)),
        "production_begun",
        FixKind.RECORD,
        "custom order",
    ),
    (
        "ready-made cancellation",
        cancellation(item=item(delivered_at=None)),
        "production_begun",
        None,
        "not a custom order",
    ),
]


@table(FIX_ROWS, FIX_ROW)
def test_each_reason(
    case: Any, code: str, kind: FixKind | None, fragment: str, request: pytest.FixtureRequest
) -> None:
    """Each §2 reason code gets its suggestion (with its kind) or its blocker, in plain words."""
    check_fix(case, code, kind, fragment, ("s2", request.node.callspec.id))
