"""§4 Return Shipping Instructions: the section's tables, properties and mutation-killing
tests.

The clauses and provisions of ``atlier_policy.clauses.shipping`` (``s4.*``): who pays
the return shipping (the customer, except for a confirmed defect or error on our
part), lost parcels, the e-mail after the inspection, and approved refunds in 7-10
business days to the original payment method. (The header's "Free shipping on all
orders!" lives in the same module; it is pinned by tests/test_interpretation.py.) Each
row of a table names the sentence it exercises (tests/tables.py); the fix rows say how
``how_to_qualify`` lifts each reason (tests/qualify_laws.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given

from atlier_policy import default_policy
from atlier_policy.cases import DefectCause, ParcelStatus, ReturnReason
from atlier_policy.deadlines import store_date
from atlier_policy.decision import (
    CancellationOutcome,
    DefectClaimOutcome,
    ExchangeOutcome,
    InspectionOutcome,
    ParcelOutcome,
    ShippingPayer,
)
from atlier_policy.messages import customer_message
from atlier_policy.qualify import FixKind
from builders import (
    at,
    cancellation,
    condition,
    defect_claim,
    defect_inspection,
    exchange,
    inspection,
    parcel,
    return_item,
    return_request,
    usd,
)
from qualify_laws import FIX_ROW, check_fix
from strategies import complete_inspections
from tables import ELIG, S4_LOST, check_row, decided, table

POLICY = default_policy()

# --- who pays the return shipping ------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "payer"),
    [
        (ReturnReason.CHANGE_OF_MIND, ShippingPayer.CUSTOMER),
        (ReturnReason.STORE_ERROR, ShippingPayer.CUSTOMER_UNTIL_CONFIRMED),
    ],
)
def test_return_shipping_payer(reason: ReturnReason, payer: ShippingPayer) -> None:
    """§4 (S4_COST): the customer pays return shipping; a stated store error is reimbursed once confirmed."""
    d = decided(POLICY.return_request(return_request(items=(return_item(reason=reason),))))
    assert d.outcome is ELIG
    assert d.obligations.return_shipping_paid_by is payer
    assert d.obligations.notices[0].clause_id == "s4.return_shipping"


def test_accepted_claim_shipping_provisional() -> None:
    """§4: before the defect is confirmed the customer pays return shipping provisionally."""
    d = POLICY.defect_claim(defect_claim())
    assert d.outcome is DefectClaimOutcome.ACCEPTED_PENDING_INSPECTION
    assert d.obligations.return_shipping_paid_by is ShippingPayer.CUSTOMER_UNTIL_CONFIRMED
    assert d.obligations.last_day_to_report_defect == date(2025, 3, 6)


@pytest.mark.parametrize(
    ("reason", "cause", "error_confirmed", "payer"),
    [
        (ReturnReason.CHANGE_OF_MIND, DefectCause.NONE_FOUND, None, ShippingPayer.CUSTOMER),
        (ReturnReason.STORE_ERROR, DefectCause.NONE_FOUND, True, ShippingPayer.STORE),
        (ReturnReason.STORE_ERROR, DefectCause.NONE_FOUND, False, ShippingPayer.CUSTOMER),
        (ReturnReason.CHANGE_OF_MIND, DefectCause.MANUFACTURING_DEFECT, None, ShippingPayer.STORE),
    ],
)
def test_inspection_confirms_store_error_or_defect(
    reason: ReturnReason,
    cause: DefectCause,
    error_confirmed: bool | None,
    payer: ShippingPayer,
) -> None:
    """§4 (S4_COST): the store bears shipping only for a defect or store error the quality team confirms."""
    req = return_request(items=(return_item(reason=reason),))
    insp = inspection(
        req, cause=cause, store_error_confirmed=error_confirmed, return_shipping_cost=usd("9.00")
    )
    d = POLICY.inspection(insp)
    assert d.outcome is InspectionOutcome.REFUND_APPROVED
    assert d.obligations.return_shipping_paid_by is payer
    assert d.obligations.return_shipping_reimbursed == (
        usd("9.00") if payer is ShippingPayer.STORE else None
    )


def test_confirmed_defect_store_pays_shipping() -> None:
    """§4: a confirmed defect moves the return shipping cost to the store, reimbursed."""
    d = POLICY.inspection(defect_inspection(return_shipping_cost=usd("12.50")))
    assert d.obligations.return_shipping_paid_by is ShippingPayer.STORE
    assert d.obligations.return_shipping_reimbursed == usd("12.50")
    rejected = POLICY.inspection(
        defect_inspection(cause=DefectCause.MISUSE, return_shipping_cost=usd("12.50"))
    )
    assert rejected.obligations.return_shipping_paid_by is ShippingPayer.CUSTOMER
    assert rejected.obligations.return_shipping_reimbursed is None


def test_exchange_return_shipping_follows_section_4() -> None:
    """§4 for an exchange: the customer pays; provisionally for a store error or a recorded
    defect, both only claims until the inspection confirms them."""
    for reason, confirmed, payer in [
        (ReturnReason.CHANGE_OF_MIND, False, ShippingPayer.CUSTOMER),
        (ReturnReason.STORE_ERROR, False, ShippingPayer.CUSTOMER_UNTIL_CONFIRMED),
        (ReturnReason.CHANGE_OF_MIND, True, ShippingPayer.CUSTOMER_UNTIL_CONFIRMED),
    ]:
        case = exchange(item=return_item(reason=reason, defect_confirmed=confirmed))
        decision = POLICY.exchange(case)
        assert decision.outcome is ExchangeOutcome.APPROVED_PENDING_INSPECTION
        assert decision.obligations.return_shipping_paid_by is payer


# --- lost parcels (stage 3) -------------------------------------------------------------


PARCEL_ROWS = [
    ("lost", parcel(), ParcelOutcome.NO_REFUND_PARCEL_LOST),
    ("in transit", parcel(status=ParcelStatus.IN_TRANSIT), ParcelOutcome.AWAITING_PARCEL),
    (
        "delivered",
        parcel(status=ParcelStatus.DELIVERED_TO_STORE),
        ParcelOutcome.PROCEED_TO_INSPECTION,
    ),
    ("status unknown", parcel(status=None), ParcelOutcome.NEEDS_REVIEW),
]


@table(PARCEL_ROWS, ("case", "outcome"))
def test_lost_parcel(case: Any, outcome: ParcelOutcome) -> None:
    """Stage 3 (S4_LOST): the store cannot be held responsible for lost packages."""
    d = POLICY.lost_parcel(case)
    check_row(d, outcome, ("s4.parcel_received",), S4_LOST)


def test_lost_insured_parcel_advice() -> None:
    """A lost insured parcel gets no refund, with advice to claim from the carrier."""
    d = POLICY.lost_parcel(parcel(insured=True))
    assert d.outcome is ParcelOutcome.NO_REFUND_PARCEL_LOST
    assert "carrier" in d.obligations.notices[0].message
    assert d.reasons[0].code == "return_parcel_lost"


def test_lost_parcel_advice_depends_on_insurance() -> None:
    """§4: a lost uninsured parcel gets the insured-shipping advice; an insured one, a note on its insurance."""
    uninsured = POLICY.lost_parcel(parcel(insured=False))
    insured = POLICY.lost_parcel(parcel(insured=True))
    for decision in (uninsured, insured):
        assert decision.outcome is ParcelOutcome.NO_REFUND_PARCEL_LOST
    (advice,) = uninsured.obligations.notices
    assert (advice.code, advice.clause_id, advice.section) == (
        "insured_shipping",
        "s4.insured_shipping",
        "4",
    )
    assert advice.message == "insured, trackable shipping is recommended for returns"
    (claim,) = insured.obligations.notices
    # The text promises nothing about the insurance: the store only points to it.
    assert claim.message == (
        "the parcel was insured: its insurance is a matter between the customer and the carrier"
    )


def test_customer_message_says_whether_the_lost_parcel_was_insured() -> None:
    """§4 in the customer's words: after a lost parcel, the advice to insure the next one,
    or, if it was insured, that its insurance is between the customer and the carrier."""
    uninsured = customer_message(POLICY.lost_parcel(parcel(insured=False)))
    insured = customer_message(POLICY.lost_parcel(parcel(insured=True)))
    advice = "For future returns, we recommend an insured, trackable shipping service."
    note = "Your parcel was insured: its insurance is a matter between you and the carrier."
    assert advice in uninsured
    assert note not in uninsured
    assert note in insured
    assert advice not in insured
    for status in (ParcelStatus.IN_TRANSIT, None):  # not lost (yet): neither
        text = customer_message(POLICY.lost_parcel(parcel(status=status, insured=True)))
        assert advice not in text
        assert note not in text


def test_parcel_of_unknown_status_needs_review() -> None:
    """§4: with no tracking status the store cannot say the parcel arrived or was lost: review."""
    decision = POLICY.lost_parcel(parcel(status=None))
    assert decision.outcome is ParcelOutcome.NEEDS_REVIEW
    assert decision.missing == ("status",)
    assert decision.obligations.notices == ()


# --- the refund window, the e-mail after the inspection ---------------------------------


@pytest.mark.parametrize(
    ("inspected", "earliest", "latest"),
    [
        ("2025-11-21", date(2025, 12, 3), date(2025, 12, 8)),  # Friday before Thanksgiving week
        ("2025-03-14", date(2025, 3, 25), date(2025, 3, 28)),  # plain Friday
        ("2025-12-24", date(2026, 1, 6), date(2026, 1, 9)),  # Christmas and New Year skipped
    ],
)
def test_refund_window(inspected: str, earliest: date, latest: date) -> None:
    """§4 (S4_WINDOW): approved refunds go to the original payment method in 7–10 business days."""
    req = return_request(at("2025-03-05"))
    d = POLICY.inspection(inspection(req, inspected_at=at(inspected, 15)))
    ob = d.obligations
    assert (ob.refund_earliest, ob.refund_latest) == (earliest, latest)
    assert ob.refund_to == "original payment method"
    assert ob.refund_amount == usd("240.00")
    assert "s4.refund_window" in {n.clause_id for n in ob.notices}


def test_refundable_cancellation_refund() -> None:
    """A refundable cancellation refunds the price in the 7–10 business-day window."""
    d = POLICY.cancellation(cancellation())
    assert d.obligations.refund_amount == usd("900.00")
    assert (d.obligations.refund_earliest, d.obligations.refund_latest) == (
        date(2025, 3, 12),
        date(2025, 3, 17),
    )


def test_decision_email_for_every_inspection() -> None:
    """§4: after inspection the customer gets an e-mail of approval or rejection."""
    for case in (inspection(), inspection(condition=condition(unused=False)), defect_inspection()):
        assert "s4.decision_email" in {
            n.clause_id for n in POLICY.inspection(case).obligations.notices
        }


def test_refund_window_message_names_the_business_days_in_words() -> None:
    """§4: the refund notice names the first and last business day of the window as ordinals."""
    for lo, hi, words in [
        (1, 2, "1st to 2nd"),
        (3, 11, "3rd to 11th"),
        (12, 13, "12th to 13th"),
        (21, 22, "21st to 22nd"),
        (23, 101, "23rd to 101st"),
        (111, 121, "111th to 121st"),
    ]:
        policy = default_policy(refund_min_business_days=lo, refund_max_business_days=hi)
        decision = policy.inspection(inspection())
        (notice,) = [n for n in decision.obligations.notices if n.code == "refund_window"]
        assert f"({words} business day after 2025-03-14)" in notice.message, notice.message


def test_refund_of_a_cancelled_order_counts_from_the_new_york_date() -> None:
    """§4 window: a cancellation at 22:00 on Thursday in New York is refunded from Thursday."""
    evening = datetime(2025, 3, 7, 3, 0, tzinfo=UTC)  # Thursday 6 March, 22:00 in New York
    decision = POLICY.cancellation(cancellation(cancelled_at=evening))
    assert decision.outcome is CancellationOutcome.REFUNDABLE
    assert (decision.obligations.refund_earliest, decision.obligations.refund_latest) == (
        date(2025, 3, 17),
        date(2025, 3, 20),
    )


# --- properties -------------------------------------------------------------------------


@given(complete_inspections())
def test_refund_window_is_7th_to_10th_business_day(case: Any) -> None:
    """Every refund window starts on the 7th and ends on the 10th business day after approval."""
    d = POLICY.evaluate(case)
    ob = d.obligations
    if ob.refund_earliest is None:
        return
    approved = store_date(case.inspected_at, POLICY.terms.tz)
    cal = POLICY.terms.calendar
    assert cal.is_business_day(ob.refund_earliest)
    assert cal.is_business_day(ob.refund_latest)
    assert cal.business_days_between(approved, ob.refund_earliest) == 7
    assert cal.business_days_between(approved, ob.refund_latest) == 10


# --- how to qualify: each clause's fix ------------------------------------------------


FIX_ROWS: list[tuple[str, Any, str, FixKind | None, str]] = [
    # (id, case, reason code, kind or None for a blocker, a fragment of the message)
    (
        "inspected store error, unconfirmed",
        inspection(return_request(items=(return_item(reason=ReturnReason.STORE_ERROR),))),
        "store_error_confirmed",
        FixKind.RECORD,
        "confirm or rule out the error on our part",
    ),
    (
        "inspected, reason unknown",
        inspection(return_request(items=(return_item(reason=None),))),
        "store_error_confirmed",
        FixKind.RECORD,
        "record why the piece was sent back",
    ),
    ("parcel lost", parcel(), "return_parcel_lost", None, "lost packages"),
    (
        "parcel lost, insured",
        parcel(insured=True),
        "return_parcel_lost",
        None,
        "insurance is a matter with the carrier",
    ),
    (
        "parcel in transit",
        parcel(status=ParcelStatus.IN_TRANSIT),
        "return_parcel",
        FixKind.RECORD,
        "once the parcel reaches",
    ),
    ("parcel unknown", parcel(status=None), "return_parcel", FixKind.RECORD, "tracking status"),
]


@table(FIX_ROWS, FIX_ROW)
def test_each_reason(
    case: Any, code: str, kind: FixKind | None, fragment: str, request: pytest.FixtureRequest
) -> None:
    """Each §4 reason code gets its suggestion (with its kind) or its blocker, in plain words."""
    check_fix(case, code, kind, fragment, ("s4", request.node.callspec.id))
