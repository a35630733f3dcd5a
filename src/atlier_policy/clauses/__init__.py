"""The policy, clause by clause: one module per section of the text.

- :mod:`.eligibility` -- §1 Eligibility for Returns
- :mod:`.non_returnable` -- §2 Non-Returnable & Non-Refundable Items
- :mod:`.defects` -- §3 Manufacturing Defects & Repairs
- :mod:`.shipping` -- §4 Return Shipping Instructions (and the header)
- :mod:`.exchanges` -- §5 Exchanges
- §6 Contact Us: :data:`CONTACT` (the address and phone used in messages)
"""

from atlier_policy.advice import Blocker, FixContext, FixKind, Suggestion
from atlier_policy.rules import Provision
from atlier_policy.terms import SUPPORT_EMAIL, SUPPORT_PHONE

__all__ = ["CONTACT", "LAST_UPDATED", "SUPPORT_EMAIL", "SUPPORT_PHONE"]


def _closes(notice: object, decision: object) -> tuple[str, ...]:
    """The contact closes the message (its ``contact`` template): no notice of its own."""
    return ()


CONTACT = Provision(
    "s6.contact",
    "6",
    "For return or refund inquiries, please reach out to our support team:",
    wording=_closes,
)


def _version_fix(c: FixContext) -> Suggestion | Blocker:
    """Which version of the policy applies follows from the purchase date."""
    if c.reason.code == "no_policy_version_in_force":
        return c.block(
            "the piece was bought before the first known version of the policy: the terms "
            "then in force are not known, and the support team decides"
        )
    if c.reason.missing and "purchased_at" not in c.reason.missing:
        # The joined names outside the f-string: quotes nested in an f-string parse
        # differently before and after Python 3.12 (the mutation record fingerprints it).
        dates = " and ".join(c.reason.missing)
        return c.fix(
            FixKind.RECORD,
            f"record {dates}: it dates the case, and with it the version of the policy "
            "that applies",
        )
    return c.fix(
        FixKind.RECORD,
        "record the purchase date (the order confirmation shows it): it names the "
        "version of the policy that applies",
    )


# The version registry cites it when no version of the policy can be chosen.
LAST_UPDATED = Provision("h.last_updated", "header", "Last Updated: 01/12/2025", fix=_version_fix)
