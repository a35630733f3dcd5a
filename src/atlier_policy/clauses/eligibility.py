"""§1 Eligibility for Returns.

References: policy §1 "Eligibility for Returns", and the introduction's scope
sentence ("purchases made through our website").
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from atlier_policy.advice import Blocker, FixContext, FixKind, Suggestion
from atlier_policy.cases import Inspection, ProofOfPurchase, ReturnLine, SalesChannel
from atlier_policy.clauses._kit import flag_clause, tabulate
from atlier_policy.deadlines import last_day_to_request_return, store_date
from atlier_policy.rules import AllOf, Check, Clause, Context, Deadline, Finding

__all__ = [
    "ACCESSORIES",
    "CERTIFICATES",
    "INSPECTED",
    "ORIGINAL_PACKAGING",
    "PROOF_OF_PURCHASE",
    "RETURN_WINDOW",
    "RULE",
    "TAGS",
    "UNUSED",
    "UNWORN",
    "WEBSITE_PURCHASE",
]

SCOPE = "We accept returns for ready-made jewelry purchased directly from our website under the following conditions:"
WINDOW = "The item must be returned within 7 days of delivery."
CONDITION = "The jewelry must be unused, unworn, and in its original packaging, with all certificates, tags, and accessories included."
PROOF = "Proof of purchase (order confirmation or invoice) is required."
APPROVAL = "If your return meets the above conditions, we will issue a refund or exchange after the returned item has been inspected and approved by our quality team."


def _website_check(channel: SalesChannel | None, allowed: bool) -> Check:
    if channel is None:
        return Check.unknown("not known where the piece was bought", "item.channel", channel=None)
    if allowed:
        return Check.passed(f"bought on the {channel.value.replace('_', ' ')}", channel=channel)
    return Check.failed(
        f"bought on the {channel.value.replace('_', ' ')}, not directly from our website",
        channel=channel,
    )


def _website(ctx: Context[ReturnLine]) -> Check:
    channel = ctx.case.item.channel
    return _WEBSITE[channel, channel in ctx.terms.eligible_channels]


# The policy as a whole covers website purchases only; "ready-made" is the
# complement of §2's custom-made exclusion, which judges it (no duplicate reason).
def _website_fix(c: FixContext) -> Suggestion | Blocker:
    if c.failed:
        return c.block(
            "only pieces bought directly on our website are covered: "
            "nothing the customer can do changes where this one was bought"
        )
    return c.fix(
        FixKind.RECORD,
        "record where the piece was bought: a piece bought on our website is covered",
        (f"{c.view.item}.channel", SalesChannel.WEBSITE),
    )


WEBSITE_PURCHASE = Clause(
    "s1.website_purchase",
    "1",
    SCOPE,
    "website_purchase",
    _website,
    final=True,
    fix=_website_fix,
)
# The clause's results, each with its reason, computed once (the check reads them).
_WEBSITE = tabulate(_website_check, (*SalesChannel, None), (True, False), clause=WEBSITE_PURCHASE)


def _window(ctx: Context[ReturnLine]) -> Check:
    delivered, requested = ctx.case.item.delivered_at, ctx.case.requested_at
    if delivered is None or requested is None:
        missing = [
            n
            for n, v in (("item.delivered_at", delivered), ("requested_at", requested))
            if v is None
        ]
        return Check.unknown("the delivery or request date is not known", *missing)
    day0 = store_date(delivered, ctx.tz)
    last, asked = last_day_to_request_return(day0, ctx.terms), store_date(requested, ctx.tz)
    # Each date is written out once, for the message and the facts alike.
    dates = (
        ("delivered", day0.isoformat()),
        ("last_day_to_request", last.isoformat()),
        ("requested", asked.isoformat()),
    )
    text = f"delivered {dates[0][1]}, last day to request {dates[1][1]}, requested {dates[2][1]}"
    if asked <= last:
        return Check(Finding.PASSED, f"requested in time: {text}", dates)
    return Check(
        Finding.FAILED,
        f"requested {(asked - last).days} day(s) late: {text}",
        dates,
        code="return_window_expired",
    )


def _window_fix(c: FixContext) -> Suggestion:
    v = c.view
    if c.failed:
        delivered = c.at(f"{v.item}.delivered_at")
        last = last_day_to_request_return(delivered, c.terms)
        return c.fix(
            FixKind.WOULD_HAVE,
            f"a return requested by {last} would have been in time",
            (v.requested_at, c.in_time(last, delivered)),
            deadline=last,
        )
    # The delivery date is unknown (the request date never is).
    asked = c.at(v.requested_at)
    first = c.day(asked) - timedelta(days=c.terms.return_window_days)
    return c.fix(
        FixKind.RECORD,
        f"record the delivery date: a request made on {c.day(asked)} "
        f"is in time for a delivery on or after {first}",
        (f"{v.item}.delivered_at", asked),
    )


RETURN_WINDOW = Clause(
    "s1.return_window",
    "1",
    WINDOW,
    "return_window",
    _window,
    fix=_window_fix,
    # On a timeline: the last day to request a return, for a piece §1/§2 do not exclude.
    deadline=Deadline(
        "last_day_to_request_return",
        "last day to request a return",
        last_day_to_request_return,
        gated_by="return_rule",
    ),
)


def _condition_fix(name: str, words: str, c: FixContext) -> Suggestion | Blocker:
    """A condition the customer declares, the quality team verifies; wear is final."""
    path = f"{c.view.condition}.{name}"
    if c.failed and name in ("unused", "unworn"):
        worn = "used" if name == "unused" else "worn"
        return c.block(f"a {worn} piece cannot be returned: nothing undoes wear")
    if c.failed and c.view.inspected:
        return c.fix(
            FixKind.WOULD_HAVE, f"a piece returned {words} would have qualified", (path, True)
        )
    if c.failed:
        return c.fix(FixKind.ACT, f"send the piece back {words}", (path, True))
    if c.view.inspected:
        return c.fix(
            FixKind.RECORD,
            f"the quality team must record whether the piece is {words}",
            (path, True),
        )
    return c.fix(FixKind.ACT, f"confirm that the piece is {words}", (path, True))


UNUSED = flag_clause(
    "s1.unused",
    "1",
    CONDITION,
    path="condition.unused",
    required=True,
    when_true="the piece is unused",
    when_false="the piece has been used",
    customer_supplies=True,
    final=True,  # nothing undoes use or wear
    fix=partial(_condition_fix, "unused", "unused"),
)
UNWORN = flag_clause(
    "s1.unworn",
    "1",
    CONDITION,
    path="condition.unworn",
    required=True,
    when_true="the piece is unworn",
    when_false="the piece has been worn",
    customer_supplies=True,
    final=True,  # nothing undoes use or wear
    fix=partial(_condition_fix, "unworn", "unworn"),
)
ORIGINAL_PACKAGING = flag_clause(
    "s1.original_packaging",
    "1",
    CONDITION,
    path="condition.original_packaging",
    required=True,
    when_true="the piece is in its original packaging",
    when_false="the original packaging is missing",
    customer_supplies=True,
    fix=partial(_condition_fix, "original_packaging", "in its original packaging"),
)
CERTIFICATES = flag_clause(
    "s1.certificates",
    "1",
    CONDITION,
    path="condition.certificates_included",
    required=True,
    when_true="all certificates are included",
    when_false="certificates are missing",
    customer_supplies=True,
    fix=partial(_condition_fix, "certificates_included", "complete with all its certificates"),
)
TAGS = flag_clause(
    "s1.tags",
    "1",
    CONDITION,
    path="condition.tags_included",
    required=True,
    when_true="all tags are included",
    when_false="tags are missing",
    customer_supplies=True,
    fix=partial(_condition_fix, "tags_included", "complete with all its tags"),
)
ACCESSORIES = flag_clause(
    "s1.accessories",
    "1",
    CONDITION,
    path="condition.accessories_included",
    required=True,
    when_true="all accessories are included",
    when_false="accessories are missing",
    customer_supplies=True,
    fix=partial(_condition_fix, "accessories_included", "complete with all its accessories"),
)


def _proof_check(proof: ProofOfPurchase | None) -> Check:
    if proof is None:
        return Check.incomplete(
            "proof of purchase (order confirmation or invoice) not yet provided",
            "proof_of_purchase",
            proof_of_purchase=None,
        )
    if proof is ProofOfPurchase.NONE:
        return Check.failed("no order confirmation or invoice", proof_of_purchase=proof)
    return Check.passed(
        f"proof of purchase: {proof.value.replace('_', ' ')}", proof_of_purchase=proof
    )


def _proof(ctx: Context[ReturnLine]) -> Check:
    return _PROOF[ctx.case.proof_of_purchase]


def _proof_fix(c: FixContext) -> Suggestion:
    return c.fix(
        FixKind.ACT,
        "provide a proof of purchase (the order confirmation or the invoice) "
        f"to {c.terms.support_email}",
        (c.view.proof, ProofOfPurchase.ORDER_CONFIRMATION),
    )


PROOF_OF_PURCHASE = Clause(
    "s1.proof_of_purchase", "1", PROOF, "proof_of_purchase", _proof, fix=_proof_fix
)
# The clause's results, each with its reason, computed once (the check reads them).
_PROOF = tabulate(_proof_check, (*ProofOfPurchase, None), clause=PROOF_OF_PURCHASE)


def _inspected(ctx: Context[Inspection]) -> Check:
    on = store_date(ctx.case.inspected_at, ctx.tz)
    return Check.passed(f"inspected by the quality team on {on}", inspected=on)


# At request time this sentence makes the best outcome "eligible, pending
# inspection"; at inspection it is the approval itself.
INSPECTED = Clause("s1.inspected_and_approved", "1", APPROVAL, "inspection", _inspected)

RULE = AllOf.of(
    WEBSITE_PURCHASE,
    RETURN_WINDOW,
    UNUSED,
    UNWORN,
    ORIGINAL_PACKAGING,
    CERTIFICATES,
    TAGS,
    ACCESSORIES,
    PROOF_OF_PURCHASE,
)
"""Every condition of §1 on one item."""
