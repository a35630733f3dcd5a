"""§4 Return Shipping Instructions (and the header's free outbound shipping).

References: policy §4; header "Free shipping on all orders!".
"""

from __future__ import annotations

from atlier_policy.cases import LostParcelReport, ParcelStatus
from atlier_policy.rules import Check, Clause, Context, Provision

__all__ = [
    "DECISION_EMAIL",
    "FREE_SHIPPING",
    "INSURED_SHIPPING",
    "PARCEL_RECEIVED",
    "REFUND_WINDOW",
    "RETURN_SHIPPING",
]

RETURN_COST = "Customers are responsible for the return shipping cost, except in cases of a confirmed defect or error on our part."
LOST = "We recommend using insured, trackable shipping when returning items, as Atlier Jewelry cannot be held responsible for lost packages."
EMAIL = "Once we receive and inspect the returned item, you will receive an email confirmation regarding the approval or rejection of your refund."
WINDOW = (
    "Approved refunds will be processed within 7–10 business days to your original payment method."
)

FREE_SHIPPING = Provision("h.free_shipping", "header", "Free shipping on all orders!")
RETURN_SHIPPING = Provision("s4.return_shipping", "4", RETURN_COST)
INSURED_SHIPPING = Provision("s4.insured_shipping", "4", LOST)
DECISION_EMAIL = Provision("s4.decision_email", "4", EMAIL)
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
    if case.status is ParcelStatus.IN_TRANSIT:
        return Check.unknown("the return parcel is still in transit", "status", **facts)
    return Check.unknown("the return parcel's status is not known", "status", **facts)


PARCEL_RECEIVED = Clause("s4.parcel_received", "4", LOST, "return_parcel", _received)
