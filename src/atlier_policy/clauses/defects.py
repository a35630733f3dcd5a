"""§3 Manufacturing Defects & Repairs.

References: policy §3. Remedies form a ladder: repair or replacement first,
partial refund or store credit only if neither is possible.

The notice is due "within 3 days of delivery": what the customer can still send
(an e-mail, photos, what is wrong) makes a claim *incomplete* only while those
days run; afterwards a notice that is known to be missing is not covered, and
one that is merely unknown needs review.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from atlier_policy._values import value_class
from atlier_policy.advice import Blocker, FixContext, FixKind, Suggestion, get_path
from atlier_policy.cases import (
    DefectCause,
    DefectClaim,
    DefectKind,
    Inspection,
    ItemKind,
    NoticeChannel,
    NotYet,
    ReturnRequest,
)
from atlier_policy.clauses._kit import ready_made_changes
from atlier_policy.deadlines import last_day_to_report_defect, store_date
from atlier_policy.decision import RemedyOption
from atlier_policy.rules import AllOf, AnyOf, Check, Clause, Context, Deadline

__all__ = [
    "CAUSE_COVERED",
    "COVERED_PIECE",
    "DEFECT_KIND",
    "NOTICE_BY_EMAIL",
    "NOTICE_WINDOW",
    "PARTIAL_REFUND_OR_CREDIT",
    "PHOTOS",
    "REMEDY",
    "REPAIR_OR_REPLACE",
    "RETURN_CAUSE",
    "RULE",
    "cause_words",
    "confirms_defect",
    "partial_options",
    "record_cause",
    "repair_options",
]

NOTICE = "If your jewelry arrives damaged or contains a manufacturing defect, please notify us within 3 days of delivery at support@atlierjewelry.com with clear photos of the issue."
LADDER = "Depending on the situation, we will offer one of the following resolutions:"
REPAIR = "Free repair or replacement of the defective item."
PARTIAL = "Partial refund or store credit, if repair or replacement is not possible."
EXCLUSIONS = (
    "Damage caused by misuse, accidents, or normal wear and tear is not covered under this policy."
)

_COVERED_CAUSES = frozenset({DefectCause.MANUFACTURING_DEFECT, DefectCause.ARRIVED_DAMAGED})


def confirms_defect(cause: DefectCause | None) -> bool | None:
    """Whether the quality team's finding confirms a covered defect (``None``: no finding).

    >>> confirms_defect(DefectCause.ARRIVED_DAMAGED), confirms_defect(DefectCause.MISUSE)
    (True, False)
    """
    return None if cause is None else cause in _COVERED_CAUSES


def cause_words(cause: DefectCause) -> str:
    """The finding in words: ``NONE_FOUND`` is "no defect"."""
    return "no defect" if cause is DefectCause.NONE_FOUND else cause.value.replace("_", " ")


def _deadline(ctx: Context[DefectClaim]) -> tuple[date, date] | None:
    delivered = ctx.case.item.delivered_at
    if delivered is None:
        return None
    day0 = store_date(delivered, ctx.tz)  # a store date: the deadline need not convert again
    return day0, last_day_to_report_defect(day0, ctx.terms)


def _as_of(ctx: Context[DefectClaim]) -> date:
    """The day the claim is judged on: ``as_of``, or the day of the report."""
    return store_date(ctx.case.as_of or ctx.case.reported_at, ctx.tz)


def _still_open(ctx: Context[DefectClaim]) -> date | None:
    """The last day to report, while the customer can still act by it; else ``None``."""
    span = _deadline(ctx)
    if span is None or _as_of(ctx) > span[1]:
        return None
    return span[1]


def _notice(ctx: Context[DefectClaim]) -> Check:
    span = _deadline(ctx)
    if span is None:
        return Check.unknown("the delivery date is not known", "item.delivered_at")
    day0, last = span
    reported = store_date(ctx.case.reported_at, ctx.tz)
    facts = {"delivered": day0, "last_day_to_report": last, "reported": reported}
    text = f"delivered {day0}, last day to report {last}, reported {reported}"
    if reported <= last:
        return Check.passed(f"reported in time: {text}", **facts)
    return Check.failed(f"reported too late: {text}", code="defect_notice_late", **facts)


# --- how a notice's reason is lifted (for "how to qualify") ----------------------------


@value_class()
class _Days:
    """The claim's days to report as a fix sees them: ``at`` prefixes the claim's facts
    in the case, ``open`` says whether the customer can still act by ``last`` (judged on
    the case as given: as of its ``as_of``, or of the inspection)."""

    at: str
    claim: DefectClaim
    last: date | None
    open: bool

    @property
    def by(self) -> str:
        return f" by {self.last}" if self.last is not None else ""


def _days(c: FixContext) -> _Days:
    at = c.view.claim
    claim: DefectClaim = c.at(at[:-1]) if at else c.case
    delivered = claim.item.delivered_at
    last = last_day_to_report_defect(delivered, c.terms) if delivered is not None else None
    given = c.given
    judged = get_path(given, "inspected_at") if at else given.as_of or given.reported_at
    return _Days(at, claim, last, last is None or c.day(judged) <= last)


def _late(c: FixContext, days: _Days) -> bool:
    return days.last is not None and c.asked(f"{days.at}reported_at") > days.last


def _delivery_unknown(c: FixContext, days: _Days) -> Suggestion:
    reported = days.claim.reported_at
    return c.fix(
        FixKind.RECORD,
        f"record the delivery date: a report on {c.day(reported)} is in time for a "
        f"delivery within the {c.terms.defect_notice_days} days before it",
        (f"{c.view.item}.delivered_at", reported),
    )


def _notice_fix(c: FixContext) -> Suggestion:
    days = _days(c)
    if days.last is None:
        return _delivery_unknown(c, days)
    reported = c.in_time(days.last, days.claim.item.delivered_at)
    return c.fix(
        FixKind.WOULD_HAVE,
        f"a defect reported by {days.last} would have been in time",
        (f"{days.at}reported_at", reported),
        deadline=days.last,
    )


NOTICE_WINDOW = Clause(
    "s3.notice_window",
    "3",
    NOTICE,
    "defect_notice",
    _notice,
    fix=_notice_fix,
    deadline=Deadline(
        "last_day_to_report_defect", "last day to report a defect", last_day_to_report_defect
    ),
)


def _email(ctx: Context[DefectClaim]) -> Check:
    channel = ctx.case.channel
    email = ctx.terms.support_email
    if channel is NoticeChannel.EMAIL:
        return Check.passed(f"notified by e-mail to {email}", channel=channel)
    span, as_of = _deadline(ctx), _as_of(ctx)
    if span is None or as_of <= span[1]:
        # While the days run (or while the delivery date, and so the window, is
        # unknown: the notice window clause reports that) the customer can still e-mail.
        by = "" if span is None else f" by {span[1]}"
        return Check.incomplete(
            f"the notice must be sent by e-mail to {email}{by}", "channel", channel=channel
        )
    if channel is None:
        return Check.unknown(
            f"not known whether the customer notified us by e-mail to {email} in time",
            "channel",
            code="defect_notice_channel_unknown",
            channel=channel,
            as_of=as_of,
        )
    return Check.failed(
        f"not notified by e-mail to {email} by the last day to report {span[1]}",
        code="defect_notice_not_by_email",
        channel=channel,
        last_day_to_report=span[1],
        as_of=as_of,
    )


def _email_fix(c: FixContext) -> Suggestion:
    days, email = _days(c), c.terms.support_email
    change = (f"{days.at}channel", NoticeChannel.EMAIL)
    if c.reason.code == "defect_notice_channel_unknown":
        return c.fix(
            FixKind.RECORD,
            f"record how the customer notified us: a notice by e-mail to {email}{days.by} "
            "is in time",
            change,
            deadline=days.last,
        )
    if _late(c, days) or not days.open:  # the customer can no longer act by a past date
        return c.fix(
            FixKind.WOULD_HAVE,
            f"a notice by e-mail to {email}{days.by} would have been in time",
            change,
            deadline=days.last,
        )
    return c.fix(
        FixKind.ACT,
        f"send the notice by e-mail to {email}{days.by}",
        change,
        deadline=days.last,
    )


NOTICE_BY_EMAIL = Clause(
    "s3.notice_by_email", "3", NOTICE, "defect_notice_email", _email, fix=_email_fix
)


def _photos(ctx: Context[DefectClaim]) -> Check:
    span = _deadline(ctx)
    if span is None:
        return Check.unknown("the delivery date is not known", "item.delivered_at")
    last = span[1]
    sent = ctx.case.photos_sent_at
    if isinstance(sent, NotYet | None):
        as_of = _as_of(ctx)
        if as_of <= last:
            # Incomplete, not refused, while the 3 days run.
            return Check.incomplete(
                f"clear photos of the issue are needed by {last}",
                "photos_sent_at",
                last_day_to_report=last,
                as_of=as_of,
            )
        if sent is None:
            return Check.unknown(
                f"not known whether clear photos reached us by the last day to report {last}",
                "photos_sent_at",
                code="defect_photos_unknown",
                last_day_to_report=last,
                as_of=as_of,
            )
        return Check.failed(
            f"no photos received by the last day to report {last}",
            code="defect_photos_missing",
            last_day_to_report=last,
            as_of=as_of,
        )
    on = store_date(sent, ctx.tz)
    if on <= last:
        return Check.passed(
            f"clear photos received on {on}", photos_sent=on, last_day_to_report=last
        )
    return Check.failed(
        f"photos received on {on}, after the last day to report {last}",
        code="defect_photos_late",
        photos_sent=on,
        last_day_to_report=last,
    )


def _photos_fix(c: FixContext) -> Suggestion:
    days = _days(c)
    last = days.last
    if last is None:
        return _delivery_unknown(c, days)
    delivered = days.claim.item.delivered_at
    reported = c.in_time(last, delivered) if _late(c, days) else days.claim.reported_at
    # Photos are never suggested before the report (as given, or as moved in time).
    change = (f"{days.at}photos_sent_at", c.in_time(last, reported))
    email = c.terms.support_email
    if c.reason.code == "defect_photos_unknown":
        return c.fix(
            FixKind.RECORD,
            f"record whether clear photos reached us by {last}",
            change,
            deadline=last,
        )
    if days.open and not c.failed:
        return c.fix(
            FixKind.ACT,
            f"send clear photos of the issue to {email} by {last} to complete the defect claim",
            change,
            deadline=last,
        )
    return c.fix(
        FixKind.WOULD_HAVE,
        f"clear photos sent by {last} would have completed the defect claim",
        change,
        deadline=last,
    )


PHOTOS = Clause("s3.photos", "3", NOTICE, "defect_photos", _photos, fix=_photos_fix)


def _kind(ctx: Context[DefectClaim]) -> Check:
    kind = ctx.case.kind
    if kind is not None:
        return Check.passed(f"reported: {kind.value.replace('_', ' ')}", kind=kind)
    what = "the claim does not say whether the piece arrived damaged or is defective"
    last = _still_open(ctx)
    if last is not None:
        return Check.incomplete(f"{what}: tell us by {last}", "kind", last_day_to_report=last)
    # Past the last day the customer can no longer add to the notice; what it said
    # is for the support team to read.
    return Check.unknown(what, "kind", code="defect_kind_unknown", as_of=_as_of(ctx))


def _kind_fix(c: FixContext) -> Suggestion:
    days = _days(c)
    change = (f"{days.at}kind", DefectKind.MANUFACTURING_DEFECT)
    if days.open:
        return c.fix(
            FixKind.ACT,
            f"say whether the piece arrived damaged or has a manufacturing defect{days.by}",
            change,
            deadline=days.last,
        )
    return c.fix(
        FixKind.RECORD,
        "the support team must read the notice: record whether it reports damage on "
        "arrival or a manufacturing defect",
        change,
    )


DEFECT_KIND = Clause("s3.defect_kind", "3", NOTICE, "defect_kind", _kind, fix=_kind_fix)


def _covered_piece(ctx: Context[DefectClaim]) -> Check:
    if ctx.terms.defect_remedy_covers_custom:
        return Check.passed(
            "the defect remedy covers every piece, custom or modified ones included"
        )
    item = ctx.case.item
    modifications = {
        "personalized": item.personalized,
        "engraved": item.engraved,
        "resized": item.resized,
        "altered": item.altered,
    }
    if item.kind is ItemKind.CUSTOM_MADE or any(modifications.values()):
        return Check.failed(
            "custom or modified pieces are excluded from the defect remedy", custom=True
        )
    missing = [
        f"item.{name}"
        for name, value in {"kind": item.kind, **modifications}.items()
        if value is None
    ]
    if missing:
        return Check.unknown("not known whether the piece is custom or modified", *missing)
    return Check.passed(
        "a ready-made, unmodified piece: covered by the defect remedy", custom=False
    )


# Decide-and-document: §3 says "your jewelry"; PolicyTerms.defect_remedy_covers_custom.
def _covered_fix(c: FixContext) -> Suggestion | Blocker:
    if c.failed:
        return c.block("custom-made or modified pieces are not covered by the defect remedy")
    flags = ("personalized", "engraved", "resized", "altered")
    changes = ready_made_changes(c.view.item, c.at(c.view.item), *flags)
    return c.fix(
        FixKind.RECORD,
        "record whether the piece is custom-made or modified: a ready-made, unmodified "
        "piece is covered",
        *changes,
    )


COVERED_PIECE = Clause(
    "s3.covered_piece", "3", NOTICE, "defect_covered_piece", _covered_piece, fix=_covered_fix
)


def record_cause(c: FixContext) -> Suggestion:
    """The fix of a finding the quality team has not recorded (the cause, at inspection)."""
    return c.fix(
        FixKind.RECORD,
        "the quality team must record what it found: no defect, a manufacturing defect, "
        "damage on arrival, or damage by misuse, an accident or wear",
        ("cause", DefectCause.NONE_FOUND),
    )


def _finding_stands(c: FixContext) -> Blocker:
    return c.block(
        "the quality team's finding stands: only a manufacturing defect or damage on "
        "arrival is covered, not misuse, accidents or normal wear and tear"
    )


def _return_cause(ctx: Context[Inspection]) -> Check:
    """§3's exclusion at the inspection of a *return*: the finding is the quality team's."""
    cause = ctx.case.cause
    request = ctx.case.request
    claimed = isinstance(request, ReturnRequest) and request.items[0].defect_confirmed is True
    if cause is None:
        return Check.unknown(
            "the quality team has not recorded what it found (no defect, a defect, or damage "
            "by misuse, an accident or wear)",
            "cause",
            cause=None,
        )
    if cause in _COVERED_CAUSES:
        return Check.passed(f"the quality team confirmed {cause_words(cause)}", cause=cause)
    # The finding decides: a defect recorded at an earlier stage was only a claim.
    overturned = "; the defect recorded earlier is not confirmed" if claimed else ""
    if cause is DefectCause.NONE_FOUND:
        return Check.passed(
            f"the quality team found no defect{overturned}", cause=cause, defect_recorded=claimed
        )
    return Check.failed(
        f"damage caused by {cause_words(cause)} is not covered{overturned}",
        code="damage_not_covered",
        cause=cause,
        defect_recorded=claimed,
    )


def _return_cause_fix(c: FixContext) -> Suggestion | Blocker:
    return _finding_stands(c) if c.failed else record_cause(c)


RETURN_CAUSE = Clause(
    "s3.return_cause",
    "3",
    EXCLUSIONS,
    "inspection_cause",
    _return_cause,
    fix=_return_cause_fix,
)


def _cause(ctx: Context[Inspection]) -> Check:
    cause = ctx.case.cause
    if cause is None:
        return Check.unknown("the quality team has not recorded a cause", "cause", cause=None)
    if cause in _COVERED_CAUSES:
        return Check.passed(
            f"the quality team confirmed {cause.value.replace('_', ' ')}", cause=cause
        )
    if cause is DefectCause.NONE_FOUND:
        return Check.failed("the quality team found no defect", code="no_defect_found", cause=cause)
    return Check.failed(
        f"damage caused by {cause.value.replace('_', ' ')} is not covered",
        code="damage_not_covered",
        cause=cause,
    )


def _cause_fix(c: FixContext) -> Suggestion | Blocker:
    if c.failed:
        return _finding_stands(c)
    kind = c.case.request.kind
    cause = (
        DefectCause.ARRIVED_DAMAGED
        if kind is DefectKind.ARRIVED_DAMAGED
        else DefectCause.MANUFACTURING_DEFECT
    )
    return c.fix(
        FixKind.RECORD,
        "the quality team must record the cause: a manufacturing defect or damage on "
        "arrival is covered",
        ("cause", cause),
    )


CAUSE_COVERED = Clause("s3.cause_covered", "3", EXCLUSIONS, "defect_cause", _cause, fix=_cause_fix)


def _repair(ctx: Context[Inspection]) -> Check:
    repair, replace = ctx.case.repair_possible, ctx.case.replacement_possible
    if repair or replace:
        what = "repair" if repair else "replacement"
        return Check.passed(
            f"free {what} is possible", repair_possible=repair, replacement_possible=replace
        )
    if repair is None or replace is None:
        missing = [
            n
            for n, v in (("repair_possible", repair), ("replacement_possible", replace))
            if v is None
        ]
        return Check.unknown("not known whether repair or replacement is possible", *missing)
    return Check.failed(
        "neither repair nor replacement is possible",
        repair_possible=False,
        replacement_possible=False,
    )


def _repair_fix(c: FixContext) -> Suggestion:
    return c.fix(
        FixKind.RECORD,
        "the quality team must record whether repair or replacement is possible "
        "(if neither is, a partial refund or store credit is offered)",
        *((name, False) for name in c.reason.missing),
    )


REPAIR_OR_REPLACE = Clause(
    "s3.repair_or_replace",
    "3",
    REPAIR,
    "repair_or_replace",
    _repair,
    outcome="repair_or_replace",
    fix=_repair_fix,
)


def _partial(ctx: Context[Inspection]) -> Check:
    if ctx.case.repair_possible is False and ctx.case.replacement_possible is False:
        return Check.passed(
            "repair and replacement are not possible: partial refund or store credit"
        )
    return Check.failed("repair or replacement comes first")


PARTIAL_REFUND_OR_CREDIT = Clause(
    "s3.partial_refund_or_credit",
    "3",
    PARTIAL,
    "partial_refund_or_credit",
    _partial,
    outcome="partial_refund_or_store_credit",
)

RULE = AllOf.of(DEFECT_KIND, NOTICE_WINDOW, NOTICE_BY_EMAIL, PHOTOS, COVERED_PIECE)
"""A defect claim as received (stage 2)."""

REMEDY = AnyOf.of(REPAIR_OR_REPLACE, PARTIAL_REFUND_OR_CREDIT)
"""The remedy ladder, for a confirmed defect: the first part that passes decides."""


def repair_options(insp: Inspection) -> tuple[RemedyOption, ...]:
    """§3's first resolution: a free repair, a free replacement, or either, as the quality
    team found them possible."""
    return tuple(
        _option(REPAIR_OR_REPLACE, name, f"free {name} of the defective item")
        for name, possible in (
            ("repair", insp.repair_possible),
            ("replacement", insp.replacement_possible),
        )
        if possible
    )


def partial_options(refund_to: str, window: tuple[date, date]) -> tuple[RemedyOption, ...]:
    """§3's second resolution, one or the other: a partial refund goes to ``refund_to``
    within §4's refund ``window``; store credit is credit with the store (no payment, no
    window)."""
    earliest, latest = window
    refund = _option(
        PARTIAL_REFUND_OR_CREDIT,
        "partial_refund",
        f"a partial refund to the {refund_to}, processed between {earliest} and {latest}",
    )
    credit = _option(
        PARTIAL_REFUND_OR_CREDIT,
        "store_credit",
        "store credit: credit with the store, nothing paid to the payment method",
    )
    return (
        replace(refund, refund_to=refund_to, refund_earliest=earliest, refund_latest=latest),
        credit,
    )


def _option(clause: Clause, name: str, message: str) -> RemedyOption:
    return RemedyOption(code=name, clause_id=clause.id, section=clause.section, message=message)
