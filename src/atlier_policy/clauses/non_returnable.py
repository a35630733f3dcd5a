"""§2 Non-Returnable & Non-Refundable Items.

References: policy §2. "Sale status, personalization and modifications are facts
recorded at purchase"; the sale exclusion is lifted by a defect ("unless
defective"), and, by our reading, for a piece we sent in error: §2 concerns what
the customer bought, not a piece sent by mistake (docs/interpretation.md). Before
the inspection both are claims; at the inspection the quality team's findings
confirm or overturn them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from functools import partial
from typing import Any

from atlier_policy.advice import Blocker, FixContext, FixKind, Suggestion
from atlier_policy.cases import (
    CustomOrderCancellation,
    ItemKind,
    ProductionStatus,
    ReturnLine,
    ReturnReason,
    SaleEvent,
    before,
)
from atlier_policy.clauses._kit import flag_clause, ready_made_changes, tabulate
from atlier_policy.clauses.defects import cause_words, confirms_defect, record_cause
from atlier_policy.clauses.shipping import ERROR_UNCONFIRMED, record_error
from atlier_policy.deadlines import last_day_to_report_defect, store_date
from atlier_policy.rules import AllOf, Check, Clause, Context, Finding

__all__ = [
    "ALTERED",
    "CUSTOM_OR_PERSONALIZED",
    "DEFECT_EXCEPTION",
    "ENGRAVED",
    "PRODUCTION_NOT_BEGUN",
    "RESIZED",
    "RULE",
    "SALE_ITEM",
    "SENT_IN_ERROR",
]

INTRO = "Because of the nature of our craftsmanship, the following items cannot be returned or refunded:"
CUSTOM = "Custom-made or personalized jewelry, including any item made to your specifications or modified from its original design."
MODIFIED = "Engraved, resized, or altered items."
SALE = "Items purchased during special sales, promotions, or clearance events (unless defective)."
PRODUCTION = "Custom jewelry orders are non-refundable once production has begun."


def _custom_check(kind: ItemKind | None, personalized: bool | None) -> Check:
    if kind is ItemKind.CUSTOM_MADE:
        return Check.failed(
            "a custom-made piece (made to the customer's specifications)", kind=kind
        )
    if personalized:
        return Check.failed("a personalized piece", kind=kind, personalized=True)
    if kind is None or personalized is None:
        missing = [
            n for n, v in (("item.kind", kind), ("item.personalized", personalized)) if v is None
        ]
        return Check.unknown(
            "not known whether the piece is ready-made and not personalized", *missing
        )
    return Check.passed("a ready-made piece, not personalized", kind=kind, personalized=False)


def _custom(ctx: Context[ReturnLine]) -> Check:
    item = ctx.case.item
    return _CUSTOM[item.kind, item.personalized]


def _custom_fix(c: FixContext) -> Suggestion | Blocker:
    if c.failed:
        return c.block("a custom-made or personalized piece cannot be returned")
    changes = ready_made_changes(c.view.item, c.at(c.view.item), "personalized")
    return c.fix(
        FixKind.RECORD,
        "record whether the piece is ready-made and not personalized: only such pieces qualify",
        *changes,
    )


CUSTOM_OR_PERSONALIZED = Clause(
    "s2.custom_or_personalized",
    "2",
    CUSTOM,
    "custom_or_personalized",
    _custom,
    final=True,
    fix=_custom_fix,
)
# The clause's results, each with its reason, computed once (the check reads them).
_CUSTOM = tabulate(
    _custom_check, (*ItemKind, None), (True, False, None), clause=CUSTOM_OR_PERSONALIZED
)


def _modified_fix(name: str, c: FixContext) -> Suggestion | Blocker:
    """``name``: the fact (engraved, resized, altered), which is also its word."""
    if c.failed:
        return c.block(f"a piece that was {name} cannot be returned")
    return c.fix(
        FixKind.RECORD,
        f"record whether the piece was {name}: only an unmodified piece qualifies",
        (f"{c.view.item}.{name}", False),
    )


ENGRAVED = flag_clause(
    "s2.engraved",
    "2",
    MODIFIED,
    path="item.engraved",
    required=False,
    when_true="the piece is engraved",
    final=True,
    when_false="the piece is not engraved",
    fix=partial(_modified_fix, "engraved"),
)
RESIZED = flag_clause(
    "s2.resized",
    "2",
    MODIFIED,
    path="item.resized",
    required=False,
    when_true="the piece was resized",
    final=True,
    when_false="the piece was not resized",
    fix=partial(_modified_fix, "resized"),
)
ALTERED = flag_clause(
    "s2.altered",
    "2",
    MODIFIED,
    path="item.altered",
    required=False,
    when_true="the piece was altered from its original design",
    final=True,
    when_false="the piece was not altered",
    fix=partial(_modified_fix, "altered"),
)


def _sale_check(event: SaleEvent | None) -> Check:
    if event is None:
        return Check.unknown(
            "not known whether the piece was bought in a sale", "item.sale_event", sale_event=None
        )
    if event is SaleEvent.NONE:
        return Check.passed("bought at full price, not in a sale", sale_event=event)
    return Check.failed(f"bought in a {event.value} event: final sale", sale_event=event)


def _sale(ctx: Context[ReturnLine]) -> Check:
    line = ctx.case
    result = _SALE[line.item.sale_event]
    if line.inspected and line.defect_confirmed is True and confirms_defect(line.cause) is False:
        # The finding wins over the record, and the reason says so.
        assert line.cause is not None  # confirms_defect gives False only for a finding
        return replace(
            result,
            message=f"{result.message}; the defect recorded earlier is not confirmed: "
            f"the quality team found {cause_words(line.cause)}",
        )
    return result


def _sale_wording(reason: Any, decision: Any, asked: date | None) -> str | None:
    """``past`` / ``open`` for the sale exclusion: is the defect route still open on the
    day the customer asked (interpretation 9)? Without that day, the neutral wording."""
    last = decision.obligations.last_day_to_report_defect
    if reason.finding is not Finding.FAILED or asked is None or last is None:
        return None
    return "past" if asked > last else "open"


def _sale_fix(c: FixContext) -> Suggestion | Blocker:
    v = c.view
    item = c.at(v.item)
    if not c.failed:
        return c.fix(
            FixKind.RECORD,
            "record whether the piece was bought in a sale, promotion or clearance event: "
            "a full-price piece qualifies",
            (f"{v.item}.sale_event", SaleEvent.NONE),
        )
    event = item.sale_event.value
    if v.inspected:
        return c.block(
            "the quality team's finding stands: a piece bought in a "
            f"{event} event is returned only if defective or sent in error"
        )
    delivered = item.delivered_at
    report_by = last_day_to_report_defect(delivered, c.terms) if delivered is not None else None
    days = c.terms.defect_notice_days
    if report_by is not None and c.asked(v.requested_at) > report_by:
        # Interpretation 9: the defect route is closed by lateness.
        return c.block(
            f"this item was bought in a {event} event: only a defect reported within "
            f"{days} days of delivery qualifies, and the period to report a defect "
            f"ended on {report_by}"
        )
    by = f" (by {report_by})" if report_by is not None else ""
    return c.fix(
        FixKind.DEFECT,
        f"this item was bought in a {event} event: only a defect "
        f"reported within {days} days of delivery{by} qualifies",
        (v.defect_confirmed, True),
        deadline=report_by,
    )


SALE_ITEM = Clause(
    "s2.sale_item",
    "2",
    SALE,
    "sale_item",
    _sale,
    final=True,
    wording=_sale_wording,
    fix=_sale_fix,
)
# The clause's results, each with its reason, computed once (the check reads them).
_SALE = tabulate(_sale_check, (*SaleEvent, None), clause=SALE_ITEM)


_RECORDED = flag_clause(
    "s2.sale_defect_exception",
    "2",
    SALE,
    path="defect_confirmed",
    required=True,
    when_true="a defect was recorded, which lifts the sale exclusion until the inspection",
    when_false="no defect recorded",
).check


def _defective(ctx: Context[ReturnLine]) -> Check:
    line = ctx.case
    if not line.inspected:
        return _RECORDED(ctx)
    cause = line.cause
    if cause is None:
        return Check.unknown(
            "the quality team has not recorded whether the piece is defective", "cause", cause=None
        )
    if confirms_defect(cause):
        return Check.passed(
            f"the quality team confirmed {cause_words(cause)}, which lifts the sale exclusion",
            cause=cause,
        )
    return Check.failed(f"the quality team found {cause_words(cause)}: not defective", cause=cause)


def _defective_fix(c: FixContext) -> Suggestion:
    if c.view.inspected:
        return record_cause(c)
    return c.fix(
        FixKind.DEFECT,
        "record whether a defect was confirmed: a sale piece qualifies only with one",
        (c.view.defect_confirmed, True),
    )


DEFECT_EXCEPTION = Clause(
    "s2.sale_defect_exception", "2", SALE, "sale_defect_exception", _defective, fix=_defective_fix
)


def _sent_in_error(ctx: Context[ReturnLine]) -> Check:
    line = ctx.case
    what = "§2's sale exclusion concerns what the customer bought, not a piece sent by mistake"
    confirmed = line.store_error_confirmed if line.inspected else None
    # At the inspection the quality team's finding decides, whatever was claimed.
    if confirmed:
        return Check.passed(
            f"the quality team confirmed an error on our part: {what}", store_error_confirmed=True
        )
    if confirmed is False:
        return Check.failed(
            "the quality team found no error on our part", store_error_confirmed=False
        )
    if line.reason is None:
        return Check.unknown("not known why the piece is sent back", "reason", reason=None)
    if line.reason is not ReturnReason.STORE_ERROR:
        return Check.failed("not a piece sent in error", reason=line.reason)
    if line.inspected:
        return ERROR_UNCONFIRMED
    return Check.passed(
        f"sent back as an error on our part, to be confirmed at the inspection: {what}",
        reason=line.reason,
    )


# Our reading (docs/interpretation.md): a piece sent in error is not what was bought.
def _sent_in_error_fix(c: FixContext) -> Suggestion:
    if "reason" in c.reason.missing:
        return c.fix(
            FixKind.RECORD,
            "record why the piece is sent back: a sale piece qualifies only if defective "
            "or sent in error",
            (c.view.reason, ReturnReason.STORE_ERROR),
        )
    return record_error(c)


SENT_IN_ERROR = Clause(
    "s2.sale_sent_in_error",
    "2",
    SALE,
    "sale_sent_in_error",
    _sent_in_error,
    fix=_sent_in_error_fix,
)


def _production(ctx: Context[CustomOrderCancellation]) -> Check:
    case = ctx.case
    cancelled = store_date(case.cancelled_at, ctx.tz)
    kind, personalized = case.item.kind, case.item.personalized
    if kind is ItemKind.READY_MADE and personalized is False:
        return Check.not_applicable("a ready-made piece: not a custom order", kind=kind)
    if kind is None or (kind is ItemKind.READY_MADE and personalized is None):
        return Check.unknown(
            "not known whether this is a custom order", "item.kind", "item.personalized"
        )
    if case.production is ProductionStatus.NOT_STARTED:
        return Check.passed(
            f"cancelled {cancelled}, before production began",
            cancelled=cancelled,
            production=case.production,
        )
    started_at = case.production_started_at
    if case.production is None and started_at is None:
        return Check.unknown(
            "not known whether production has begun", "production", cancelled=cancelled
        )
    if started_at is None:
        return Check.failed(
            f"cancelled {cancelled}, once production had begun",
            cancelled=cancelled,
            production=case.production,
        )
    started = store_date(started_at, ctx.tz)
    if before(case.cancelled_at, started_at):
        return Check.passed(
            f"cancelled {cancelled}, before production began on {started}",
            cancelled=cancelled,
            production_started=started,
        )
    return Check.failed(
        f"cancelled {cancelled}, once production had begun on {started}",
        cancelled=cancelled,
        production_started=started,
    )


def _production_fix(c: FixContext) -> Suggestion | Blocker:
    case: CustomOrderCancellation = c.case
    finding = c.reason.finding
    if finding is Finding.NOT_APPLICABLE:
        return c.block(
            "a ready-made piece is not a custom order: it follows the return policy (§1), "
            "not the cancellation of a custom order"
        )
    if finding is Finding.FAILED:
        return _would_have_cancelled(c, case)
    if "item.kind" in c.reason.missing:
        path, value = (
            ("item.kind", ItemKind.CUSTOM_MADE)
            if case.item.kind is None
            else ("item.personalized", True)
        )
        return c.fix(
            FixKind.RECORD,
            "record whether this is a custom order: only a custom order is cancelled this way",
            (path, value),
        )
    return c.fix(
        FixKind.RECORD,
        f"record whether production had begun when the order was cancelled on "
        f"{c.day(case.cancelled_at)}: before production begins, a cancellation is refundable",
        ("production", ProductionStatus.NOT_STARTED),
    )


def _would_have_cancelled(c: FixContext, case: CustomOrderCancellation) -> Suggestion | Blocker:
    started = case.production_started_at
    if started is None:
        return c.block("custom jewelry orders are non-refundable once production has begun")
    bought = case.item.purchased_at
    cancel = started - timedelta(minutes=1)
    if bought is not None and before(cancel, bought):
        if not before(bought, started):
            return c.block(
                "production began when the order was placed: custom jewelry orders "
                "are non-refundable once production has begun"
            )
        cancel = bought  # a cancellation cannot precede the purchase
    day = c.day(started)
    return c.fix(
        FixKind.WOULD_HAVE,
        f"a cancellation before production began on {day} would have been refundable",
        # "started" is the status when cancelling: before the start it was not, and the
        # start's instant says so (not_started would contradict that instant). Changes
        # apply in order, each to a valid case: the status goes first.
        *((("production", None),) if case.production is ProductionStatus.STARTED else ()),
        ("cancelled_at", cancel),
        deadline=day,
    )


PRODUCTION_NOT_BEGUN = Clause(
    "s2.production_not_begun",
    "2",
    PRODUCTION,
    "production_begun",
    _production,
    fix=_production_fix,
)

RULE = AllOf.of(
    CUSTOM_OR_PERSONALIZED,
    ENGRAVED,
    RESIZED,
    ALTERED,
    SALE_ITEM.unless(DEFECT_EXCEPTION | SENT_IN_ERROR),
)
"""Every exclusion of §2 on one item of a return (the cancellation rule is separate)."""
