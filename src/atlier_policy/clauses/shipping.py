"""§4 Return Shipping Instructions (and the header's free outbound shipping).

References: policy §4; header "Free shipping on all orders!".
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from atlier_policy.advice import Blocker, FixContext, FixKind, Suggestion
from atlier_policy.cases import (
    Inspection,
    LostParcelReport,
    ParcelStatus,
    ReturnReason,
    ReturnRequest,
)
from atlier_policy.clauses.defects import confirms_defect
from atlier_policy.decision import Role, ShippingPayer
from atlier_policy.rules import Check, Clause, Context, Provision

__all__ = [
    "DECISION_EMAIL",
    "ERROR_CONFIRMED",
    "ERROR_UNCONFIRMED",
    "FREE_SHIPPING",
    "INSURED_SHIPPING",
    "PARCEL_RECEIVED",
    "REFUND_WINDOW",
    "RETURN_SHIPPING",
    "payer_at_inspection",
    "payer_at_request",
    "record_error",
]

RETURN_COST = "Customers are responsible for the return shipping cost, except in cases of a confirmed defect or error on our part."
LOST = "We recommend using insured, trackable shipping when returning items, as Atlier Jewelry cannot be held responsible for lost packages."
EMAIL = "Once we receive and inspect the returned item, you will receive an email confirmation regarding the approval or rejection of your refund."
WINDOW = (
    "Approved refunds will be processed within 7–10 business days to your original payment method."
)


def _who_pays(notice: Any, decision: Any) -> tuple[str, ...]:
    """Who pays the return shipping, and what the store reimburses if it does."""
    ob = decision.obligations
    payer = ob.return_shipping_paid_by
    keys: tuple[str, ...] = (f"notice.return_shipping.{payer.value}",)
    if payer is ShippingPayer.STORE and ob.return_shipping_reimbursed is not None:
        keys += ("notice.shipping_reimbursed",)
    return keys


def _insured(notice: Any, decision: Any) -> tuple[str, ...]:
    """After a lost parcel, whether it was insured; before it, the advice to insure."""
    if decision.outcome.role is not Role.REFUSED or not decision.reasons:
        return (f"notice.{notice.code}",)
    insured = dict(decision.reasons[0].facts).get("insured") == "yes"
    return ("notice.parcel_insured" if insured else "notice.parcel_not_insured",)


def _decision_email(notice: Any, decision: Any) -> tuple[str, ...]:
    """After an inspection the message itself is this e-mail: nothing to announce."""
    return () if decision.stage == "inspection" else (f"notice.{notice.code}",)


FREE_SHIPPING = Provision("h.free_shipping", "header", "Free shipping on all orders!")
RETURN_SHIPPING = Provision("s4.return_shipping", "4", RETURN_COST, wording=_who_pays)
INSURED_SHIPPING = Provision("s4.insured_shipping", "4", LOST, wording=_insured)
DECISION_EMAIL = Provision("s4.decision_email", "4", EMAIL, wording=_decision_email)
REFUND_WINDOW = Provision("s4.refund_window", "4", WINDOW)


def _received(ctx: Context[LostParcelReport]) -> Check:
    case = ctx.case
    facts = {"status": case.status, "tracked": case.tracked, "insured": case.insured}
    if case.status is ParcelStatus.DELIVERED_TO_STORE:
        return Check.passed("the return parcel reached the store", **facts)
    if case.status is ParcelStatus.LOST:
        return Check.failed(
            "the return parcel was lost in transit; the store cannot be held responsible",
            code="return_parcel_lost",
            **facts,
        )
    waiting = case.status is ParcelStatus.IN_TRANSIT
    unknown = Check.unknown(
        "the return parcel is still in transit"
        if waiting
        else "the return parcel's status is not known",
        "status",
        status=case.status,
        tracked=case.tracked,
        insured=case.insured,
    )
    # A parcel on its way is awaited, not reviewed: this result selects that outcome.
    return replace(unknown, outcome="awaiting_parcel") if waiting else unknown


def _received_fix(c: FixContext) -> Suggestion | Blocker:
    report: LostParcelReport = c.case
    if c.failed:
        return c.block(
            "the store cannot be held responsible for lost packages"
            + (": the parcel's insurance is a matter with the carrier" if report.insured else "")
        )
    return c.fix(
        FixKind.RECORD,
        "once the parcel reaches the store it goes to inspection"
        if report.status is ParcelStatus.IN_TRANSIT
        else "record the parcel's tracking status: a parcel delivered to the store goes "
        "to inspection",
        ("status", ParcelStatus.DELIVERED_TO_STORE),
    )


PARCEL_RECEIVED = Clause(
    "s4.parcel_received", "4", LOST, "return_parcel", _received, fix=_received_fix
)


def payer_at_request(reason: ReturnReason | None, defect_recorded: bool | None) -> ShippingPayer:
    """§4 before the inspection: a defect or an error on our part is only claimed, so the
    customer pays, and is reimbursed if the inspection confirms it."""
    if defect_recorded is True or reason is ReturnReason.STORE_ERROR:
        return ShippingPayer.CUSTOMER_UNTIL_CONFIRMED
    return ShippingPayer.CUSTOMER


def payer_at_inspection(insp: Inspection) -> ShippingPayer:
    """§4 "except in cases of a confirmed defect or error on our part": the quality
    team's findings (``cause``, ``store_error_confirmed``) confirm, whatever was
    claimed; a record or a claim from an earlier stage does not. The same whether the
    refund is approved or rejected."""
    if confirms_defect(insp.cause) or insp.store_error_confirmed is True:
        return ShippingPayer.STORE
    return ShippingPayer.CUSTOMER


ERROR_UNCONFIRMED = Check.unknown(
    "the quality team has not confirmed or ruled out the error on our part",
    "store_error_confirmed",
    store_error_confirmed=None,
)
"""What every clause that needs the confirmation of an error on our part finds without it."""


def _error_confirmed(ctx: Context[Inspection]) -> Check:
    insp = ctx.case
    request = insp.request
    assert isinstance(request, ReturnRequest)  # the inspection rule judges returns only
    confirmed = insp.store_error_confirmed
    if confirmed:
        return Check.passed(
            "the quality team confirmed an error on our part: the store bears the return shipping",
            store_error_confirmed=True,
        )
    if confirms_defect(insp.cause):
        return Check.not_applicable(
            "a confirmed defect: the store bears the return shipping whatever the error"
        )
    if confirmed is False:
        return Check.passed(
            "the quality team found no error on our part: the customer bears the return shipping",
            store_error_confirmed=False,
        )
    reason = request.items[0].reason
    if reason is None:
        return Check.unknown(
            "not known whether the piece was sent back as an error on our part",
            "request.items[0].reason",
            reason=None,
        )
    if reason is not ReturnReason.STORE_ERROR:
        return Check.not_applicable("not sent back as an error on our part", reason=reason)
    # Unknown never bills the store: a person establishes the error first.
    return ERROR_UNCONFIRMED


def record_error(c: FixContext) -> Suggestion:
    """The fix of an error on our part the quality team has not confirmed or ruled out."""
    return c.fix(
        FixKind.RECORD,
        "the quality team must confirm or rule out the error on our part",
        ("store_error_confirmed", True),
    )


def _error_fix(c: FixContext) -> Suggestion:
    if c.reason.missing == ("store_error_confirmed",):
        return record_error(c)
    return c.fix(
        FixKind.RECORD,
        "record why the piece was sent back: a change of mind, or an error on our part",
        (c.view.reason, ReturnReason.CHANGE_OF_MIND),
    )


ERROR_CONFIRMED = Clause(
    "s4.error_on_our_part",
    "4",
    RETURN_COST,
    "store_error_confirmed",
    _error_confirmed,
    fix=_error_fix,
)
