"""§5 Exchanges.

References: policy §5. An exchange is for an *eligible* item, so the §1 and §2
rules apply to it as to a return; these clauses add what §5 asks on top.
"""

from __future__ import annotations

from typing import Any

from atlier_policy.advice import FixContext, FixKind, Suggestion
from atlier_policy.cases import NOT_YET, ExchangeRequest, Money, NotYet, before
from atlier_policy.deadlines import store_date
from atlier_policy.rules import AllOf, Check, Clause, Context, Provision

__all__ = ["AVAILABILITY", "CONTACT_FIRST", "PRICES_KNOWN", "PRICE_DIFFERENCE", "RULE"]

CONTACT = "If you wish to exchange an eligible item for another product, please contact us before returning it."
TERMS = (
    "Exchange requests are accepted based on product availability and price differences (if any)."
)


def _contact(ctx: Context[ExchangeRequest]) -> Check:
    case = ctx.case
    asked = store_date(case.requested_at, ctx.tz)
    if case.returned_at is NotYet.NOT_YET:
        return Check.passed(f"contacted us on {asked}, before returning the piece", contacted=asked)
    if case.returned_at is None:
        return Check.unknown(
            f"contacted us on {asked}; not known whether the piece was already sent back",
            "returned_at",
            contacted=asked,
        )
    sent = store_date(case.returned_at, ctx.tz)
    if not before(case.returned_at, case.requested_at):
        return Check.passed(
            f"contacted us on {asked}, before returning it on {sent}",
            contacted=asked,
            returned=sent,
        )
    return Check.failed(
        f"returned the piece on {sent} before contacting us on {asked}",
        code="exchange_without_prior_contact",
        contacted=asked,
        returned=sent,
    )


def _contact_fix(c: FixContext) -> Suggestion:
    req: ExchangeRequest = c.case
    if not c.failed:
        return c.fix(
            FixKind.RECORD,
            "record whether the piece was already sent back: contact before returning qualifies",
            ("returned_at", NOT_YET),
        )
    return c.fix(
        FixKind.WOULD_HAVE,
        f"a piece sent back after contacting us (on {c.day(req.requested_at)}) would have "
        "qualified: contact us before returning a piece to exchange",
        ("returned_at", req.requested_at),
    )


CONTACT_FIRST = Clause(
    "s5.contact_first", "5", CONTACT, "exchange_contact", _contact, fix=_contact_fix
)


def _available(ctx: Context[ExchangeRequest]) -> Check:
    case = ctx.case
    if case.wanted_available is None:
        return Check.unknown(f"availability of {case.wanted_sku} not known", "wanted_available")
    if case.wanted_available:
        return Check.passed(f"{case.wanted_sku} is available", wanted_sku=case.wanted_sku)
    return Check.failed(
        f"{case.wanted_sku} is not available",
        code="exchange_unavailable",
        wanted_sku=case.wanted_sku,
    )


def _available_fix(c: FixContext) -> Suggestion:
    wanted = c.case.wanted_sku
    if c.failed:
        # No change of facts names an available product: the customer chooses one.
        return c.fix(
            FixKind.ACT,
            f"{wanted} is not available: choose an available product to exchange for",
        )
    return c.fix(
        FixKind.RECORD,
        f"record whether {wanted} is available: an available product qualifies",
        ("wanted_available", True),
    )


AVAILABILITY = Clause(
    "s5.availability", "5", TERMS, "exchange_availability", _available, fix=_available_fix
)


def _prices(ctx: Context[ExchangeRequest]) -> Check:
    have, want = ctx.case.item.item.price, ctx.case.wanted_price
    if have is None or want is None:
        missing = [n for n, v in (("item.item.price", have), ("wanted_price", want)) if v is None]
        return Check.unknown("both prices are needed to settle the difference", *missing)
    if have.currency != want.currency:
        return Check.unknown(
            f"prices in different currencies ({have.currency}, {want.currency})", "wanted_price"
        )
    return Check.passed(f"price {have}, wanted {want}", price=have, wanted_price=want)


def _prices_fix(c: FixContext) -> Suggestion:
    have, want = c.case.item.item.price, c.case.wanted_price
    changes: tuple[tuple[str, object], ...] = ()
    if have is not None:
        amount = want.amount if want is not None else have.amount
        changes = (("wanted_price", Money(amount, have.currency)),)
    elif want is not None:
        changes = (("item.item.price", want),)
    return c.fix(
        FixKind.RECORD,
        "record both prices, in one currency, to settle the price difference",
        *changes,
    )


PRICES_KNOWN = Clause("s5.prices_known", "5", TERMS, "exchange_prices", _prices, fix=_prices_fix)


def _difference(notice: Any, decision: Any) -> tuple[str, ...]:
    """Who pays the price difference, if anyone."""
    s = decision.settlement
    variant = (
        "customer_pays"
        if s.customer_pays.amount > 0
        else "store_refunds"
        if s.store_refunds.amount > 0
        else "none"
    )
    return (f"notice.price_difference.{variant}",)


PRICE_DIFFERENCE = Provision("s5.price_difference", "5", TERMS, wording=_difference)

RULE = AllOf.of(CONTACT_FIRST, AVAILABILITY, PRICES_KNOWN)
"""What §5 adds to the §1/§2 eligibility of the item."""
