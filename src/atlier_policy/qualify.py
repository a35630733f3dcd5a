"""How to qualify: the smallest change of facts that would change a decision.

For each item decision that grants nothing, :func:`how_to_qualify` states, per
failing or unknown reason, the change of facts that fixes that reason, with its
date, as a :class:`Suggestion` (the reason code, the clause, the message and the
changed facts as data), or says that nothing helps (a :class:`Blocker`: a
custom-made or engraved piece, a worn piece, a lost parcel...).

A decision reports *every* failing reason, so the smallest change that qualifies
fixes each of them. A refusal does not report the facts that are merely unknown
(a failure decides first); once the failures are fixed those show, so the fixes
are applied round by round until the item is granted. ``Qualification.case`` is
the case with every suggested change applied (``None`` when a blocker stands) and
``outcome_if_changed`` its outcome, evaluated, never assumed.

>>> from datetime import datetime, timezone
>>> from atlier_policy.cases import DefectClaim, Item, DefectKind, NoticeChannel, SalesChannel
>>> from atlier_policy.cases import ItemKind
>>> utc = timezone.utc
>>> ring = Item(sku="RING-7", channel=SalesChannel.WEBSITE, kind=ItemKind.READY_MADE,
...             personalized=False, engraved=False, resized=False, altered=False,
...             purchased_at=datetime(2025, 2, 27, 15, tzinfo=utc),
...             delivered_at=datetime(2025, 3, 3, 15, tzinfo=utc))
>>> claim = DefectClaim(order_id="A-1", item=ring, reported_at=datetime(2025, 3, 5, 15, tzinfo=utc),
...                     kind=DefectKind.MANUFACTURING_DEFECT, channel=NoticeChannel.EMAIL)
>>> (q,) = how_to_qualify(claim)
>>> print(q.suggestions[0].message)  # doctest: +NORMALIZE_WHITESPACE
send clear photos of the issue to support@atlierjewelry.com by 2025-03-06
to complete the defect claim
>>> q.outcome.value, q.outcome_if_changed.value
('incomplete', 'accepted_pending_inspection')
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from atlier_policy.cases import (
    NOT_YET,
    CustomOrderCancellation,
    DefectCause,
    DefectClaim,
    DefectKind,
    ExchangeRequest,
    Inspection,
    ItemKind,
    LostParcelReport,
    Money,
    NoticeChannel,
    ParcelStatus,
    ProductionStatus,
    ProofOfPurchase,
    ReturnReason,
    ReturnRequest,
    SaleEvent,
    SalesChannel,
    before,
)
from atlier_policy.deadlines import (
    last_day_to_report_defect,
    last_day_to_request_return,
    store_date,
)
from atlier_policy.decision import Decision, OrderDecision, Outcome, Role, Stage
from atlier_policy.errors import InputError
from atlier_policy.policy import Policy
from atlier_policy.rules import Finding, Reason
from atlier_policy.terms import PolicyTerms
from atlier_policy.versions import PolicyVersions, _typed, default_evaluator, policy_named

if TYPE_CHECKING:
    from atlier_policy.policy import Case

__all__ = [
    "Blocker",
    "Change",
    "FixKind",
    "Qualification",
    "Suggestion",
    "format_qualification",
    "how_to_qualify",
]

_ROUNDS = 4  # failures, then the unknowns they hid, then what those hid: enough for every stage


class FixKind(enum.StrEnum):
    """Who can make the change, and when."""

    ACT = "act"  # the customer can still do it: send photos, a proof of purchase, the tags...
    WOULD_HAVE = "would_have"  # a past fact: what would have qualified (a request by a date)
    RECORD = "record"  # a fact the store must record or establish (availability, a finding)
    DEFECT = "defect"  # a sale item: only a confirmed defect qualifies


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One fact changed: ``path`` is dotted from the case (``items[0].item.engraved``)."""

    path: str
    old: object
    new: object


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion:
    """The change of facts that fixes one reason.

    ``changes`` is empty when the library cannot name the new value (e.g. a price
    nobody recorded); ``deadline`` is the date the message is about, if any.
    """

    code: str
    clause_id: str
    section: str
    kind: FixKind
    message: str
    changes: tuple[Change, ...]
    deadline: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Blocker:
    """A reason no change the customer can make will lift."""

    code: str
    clause_id: str
    section: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Qualification:
    """How one item decision could qualify: suggestions, blockers, the changed case."""

    stage: str
    order_id: str
    sku: str | None
    outcome: Outcome
    suggestions: tuple[Suggestion, ...] = ()
    blockers: tuple[Blocker, ...] = ()
    case: Case | None = None
    outcome_if_changed: Outcome | None = None

    @property
    def granted_already(self) -> bool:
        """Whether the decision already grants something (nothing to change)."""
        return self.outcome.role is Role.GRANTED

    @property
    def cannot_qualify(self) -> bool:
        """Whether a reason stands that no change of facts by the customer lifts."""
        return bool(self.blockers)


# --- paths in a case ------------------------------------------------------------------


def _get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        name, _, index = part.partition("[")
        obj = getattr(obj, name)
        if index:
            obj = obj[int(index[:-1])]
    return obj


def _set(obj: Any, path: str, value: Any) -> Any:
    head, _, rest = path.partition(".")
    name, _, index = head.partition("[")
    if index:
        seq = list(getattr(obj, name))
        i = int(index[:-1])
        seq[i] = _set(seq[i], rest, value)
        return replace(obj, **{name: tuple(seq)})
    if not rest:
        return replace(obj, **{name: value})
    return replace(obj, **{name: _set(getattr(obj, name), rest, value)})


@dataclass(frozen=True, slots=True)
class _View:
    """Where the facts of one item live in a case of some stage."""

    item: str
    condition: str = ""
    defect_confirmed: str = ""
    requested_at: str = ""
    proof: str = ""
    claim: str = ""  # prefix of the defect claim's own facts
    reason: str = ""  # why the piece is sent back (a return line's reason)


def _view(case: Case, index: int) -> _View:
    if isinstance(case, ReturnRequest):
        line = f"items[{index}]"
        return _View(
            f"{line}.item",
            f"{line}.condition",
            f"{line}.defect_confirmed",
            "requested_at",
            "proof_of_purchase",
            reason=f"{line}.reason",
        )
    if isinstance(case, ExchangeRequest):
        return _View(
            "item.item",
            "item.condition",
            "item.defect_confirmed",
            "requested_at",
            "proof_of_purchase",
            reason="item.reason",
        )
    if isinstance(case, Inspection):
        if isinstance(case.request, ReturnRequest):
            return _View(
                "request.items[0].item",
                "condition",
                "request.items[0].defect_confirmed",
                "request.requested_at",
                "request.proof_of_purchase",
                reason="request.items[0].reason",
            )
        return _View("request.item", claim="request.")
    if isinstance(case, LostParcelReport):
        return _View("")  # a parcel report names no item
    return _View("item")  # a defect claim, a cancellation


# --- the fixes, reason by reason ------------------------------------------------------

_CONDITION = {
    "unused": ("unused", "unused"),
    "unworn": ("unworn", "unworn"),
    "original_packaging": ("original_packaging", "in its original packaging"),
    "certificates": ("certificates_included", "complete with all its certificates"),
    "tags": ("tags_included", "complete with all its tags"),
    "accessories": ("accessories_included", "complete with all its accessories"),
}
_MODIFIED = {"engraved": "engraved", "resized": "resized", "altered": "altered"}


@dataclass(frozen=True, slots=True)
class _Ctx:
    case: Any
    reason: Reason
    view: _View
    terms: PolicyTerms
    stage: str
    given: Any  # the case as given: what the customer can still do is judged on it

    def at(self, path: str) -> Any:
        return _get(self.case, path)

    def asked(self, path: str) -> date:
        """The store date of a request or report, as given (not as a fix moved it)."""
        return store_date(_get(self.given, path), self.terms.tz)

    def fix(
        self,
        kind: FixKind,
        message: str,
        *changes: tuple[str, object],
        deadline: date | None = None,
    ) -> Suggestion:
        r = self.reason
        return Suggestion(
            code=r.code,
            clause_id=r.clause_id,
            section=r.section,
            kind=kind,
            message=message,
            changes=tuple(Change(path=p, old=self.at(p), new=v) for p, v in changes),
            deadline=deadline,
        )

    def block(self, message: str) -> Blocker:
        r = self.reason
        return Blocker(code=r.code, clause_id=r.clause_id, section=r.section, message=message)


def _in_time(last: date, tz: tzinfo, floor: datetime | None) -> datetime:
    """An instant on the store date ``last`` (noon), not before ``floor`` on that day."""
    at = datetime.combine(last, time(12), tzinfo=tz)
    if floor is not None and before(at, floor) and store_date(floor, tz) == last:
        return floor
    return at


def _fix_item(c: _Ctx) -> Suggestion | Blocker | None:
    """§1 and §2 reasons on one item (return, exchange, inspected return, claim scope)."""
    r, v, code = c.reason, c.view, c.reason.code
    if not v.item:
        return None
    failed = r.finding is Finding.FAILED
    item = c.at(v.item)
    if code == "website_purchase":
        if failed:
            return c.block(
                "only pieces bought directly on our website are covered: "
                "nothing the customer can do changes where this one was bought"
            )
        return c.fix(
            FixKind.RECORD,
            "record where the piece was bought: a piece bought on our website is covered",
            (f"{v.item}.channel", SalesChannel.WEBSITE),
        )
    if code == "return_window_expired":
        last = last_day_to_request_return(item.delivered_at, c.terms)
        when = _in_time(last, c.terms.tz, item.delivered_at)
        return c.fix(
            FixKind.WOULD_HAVE,
            f"a return requested by {last} would have been in time",
            (v.requested_at, when),
            deadline=last,
        )
    if code == "return_window":  # the delivery date is unknown (the request date never is)
        asked = c.at(v.requested_at)
        first = store_date(asked, c.terms.tz) - timedelta(days=c.terms.return_window_days)
        return c.fix(
            FixKind.RECORD,
            f"record the delivery date: a request made on {store_date(asked, c.terms.tz)} "
            f"is in time for a delivery on or after {first}",
            (f"{v.item}.delivered_at", asked),
        )
    if code in _CONDITION:
        name, words = _CONDITION[code]
        path = f"{v.condition}.{name}"
        inspected = c.stage is Stage.INSPECTION
        if failed and code in ("unused", "unworn"):
            worn = "used" if code == "unused" else "worn"
            return c.block(f"a {worn} piece cannot be returned: nothing undoes wear")
        if failed:
            if inspected:
                return c.fix(
                    FixKind.WOULD_HAVE,
                    f"a piece returned {words} would have qualified",
                    (path, True),
                )
            return c.fix(FixKind.ACT, f"send the piece back {words}", (path, True))
        if inspected:
            return c.fix(
                FixKind.RECORD,
                f"the quality team must record whether the piece is {words}",
                (path, True),
            )
        return c.fix(FixKind.ACT, f"confirm that the piece is {words}", (path, True))
    if code == "proof_of_purchase":
        return c.fix(
            FixKind.ACT,
            "provide a proof of purchase (the order confirmation or the invoice) "
            f"to {c.terms.support_email}",
            (v.proof, ProofOfPurchase.ORDER_CONFIRMATION),
        )
    if code == "custom_or_personalized":
        if failed:
            return c.block("a custom-made or personalized piece cannot be returned")
        changes: list[tuple[str, object]] = []
        if item.kind is None:
            changes.append((f"{v.item}.kind", ItemKind.READY_MADE))
        if item.personalized is None:
            changes.append((f"{v.item}.personalized", False))
        return c.fix(
            FixKind.RECORD,
            "record whether the piece is ready-made and not personalized: only such pieces qualify",
            *changes,
        )
    if code in _MODIFIED:
        if failed:
            return c.block(f"a piece that was {_MODIFIED[code]} cannot be returned")
        return c.fix(
            FixKind.RECORD,
            f"record whether the piece was {_MODIFIED[code]}: only an unmodified piece qualifies",
            (f"{v.item}.{code}", False),
        )
    inspected = c.stage is Stage.INSPECTION
    if code == "sale_item":
        if failed and inspected:
            return c.block(
                "the quality team's finding stands: a piece bought in a "
                f"{item.sale_event.value} event is returned only if defective or sent in error"
            )
        if failed:
            report_by = (
                last_day_to_report_defect(item.delivered_at, c.terms)
                if item.delivered_at is not None
                else None
            )
            if report_by is not None and c.asked(v.requested_at) > report_by:
                # Interpretation 9: the defect route is closed by lateness.
                return c.block(
                    f"this item was bought in a {item.sale_event.value} event: only a "
                    f"defect reported within {c.terms.defect_notice_days} days of delivery "
                    f"qualifies, and the period to report a defect ended on {report_by}"
                )
            by = f" (by {report_by})" if report_by is not None else ""
            return c.fix(
                FixKind.DEFECT,
                f"this item was bought in a {item.sale_event.value} event: only a defect "
                f"reported within {c.terms.defect_notice_days} days of delivery{by} qualifies",
                (v.defect_confirmed, True),
                deadline=report_by,
            )
        return c.fix(
            FixKind.RECORD,
            "record whether the piece was bought in a sale, promotion or clearance event: "
            "a full-price piece qualifies",
            (f"{v.item}.sale_event", SaleEvent.NONE),
        )
    if code == "sale_defect_exception":
        if inspected:
            return _record_cause(c)
        return c.fix(
            FixKind.DEFECT,
            "record whether a defect was confirmed: a sale piece qualifies only with one",
            (v.defect_confirmed, True),
        )
    if code == "sale_sent_in_error":
        if "reason" in r.missing:
            return c.fix(
                FixKind.RECORD,
                "record why the piece is sent back: a sale piece qualifies only if defective "
                "or sent in error",
                (v.reason, ReturnReason.STORE_ERROR),
            )
        return _record_error(c)
    return None


def _record_cause(c: _Ctx) -> Suggestion:
    return c.fix(
        FixKind.RECORD,
        "the quality team must record what it found: no defect, a manufacturing defect, "
        "damage on arrival, or damage by misuse, an accident or wear",
        ("cause", DefectCause.NONE_FOUND),
    )


def _record_error(c: _Ctx) -> Suggestion:
    return c.fix(
        FixKind.RECORD,
        "the quality team must confirm or rule out the error on our part",
        ("store_error_confirmed", True),
    )


def _fix_claim(c: _Ctx) -> Suggestion | Blocker | None:
    """§3 reasons: a defect claim as received, and as judged at inspection."""
    r, code, p = c.reason, c.reason.code, c.view.claim
    claim = c.at(p[:-1]) if p else c.case
    if not isinstance(claim, DefectClaim):
        return None
    delivered = claim.item.delivered_at
    email = c.terms.support_email
    if r.finding is Finding.UNKNOWN and "item.delivered_at" in r.missing:
        return c.fix(
            FixKind.RECORD,
            f"record the delivery date: a report on {store_date(claim.reported_at, c.terms.tz)} "
            f"is in time for a delivery within the {c.terms.defect_notice_days} days before it",
            (f"{c.view.item}.delivered_at", claim.reported_at),
        )
    last = last_day_to_report_defect(delivered, c.terms) if delivered is not None else None
    by = f" by {last}" if last is not None else ""
    # The customer can act only while the days to report run, as the clause says, judged
    # on the case as given: as of its `as_of`, or of the inspection (claim_at_inspection).
    given = c.given
    judged = _get(given, "inspected_at") if p else given.as_of or given.reported_at
    open_ = last is None or store_date(judged, c.terms.tz) <= last
    if code in ("defect_kind", "defect_kind_unknown"):
        if open_:
            return c.fix(
                FixKind.ACT,
                f"say whether the piece arrived damaged or has a manufacturing defect{by}",
                (f"{p}kind", DefectKind.MANUFACTURING_DEFECT),
                deadline=last,
            )
        return c.fix(
            FixKind.RECORD,
            "the support team must read the notice: record whether it reports damage on "
            "arrival or a manufacturing defect",
            (f"{p}kind", DefectKind.MANUFACTURING_DEFECT),
        )
    late = last is not None and c.asked(f"{p}reported_at") > last
    if code == "defect_notice_channel_unknown":
        return c.fix(
            FixKind.RECORD,
            f"record how the customer notified us: a notice by e-mail to {email}{by} is in time",
            (f"{p}channel", NoticeChannel.EMAIL),
            deadline=last,
        )
    if code in ("defect_notice_email", "defect_notice_not_by_email"):
        if late or not open_:  # the customer can no longer act by a past date
            return c.fix(
                FixKind.WOULD_HAVE,
                f"a notice by e-mail to {email}{by} would have been in time",
                (f"{p}channel", NoticeChannel.EMAIL),
                deadline=last,
            )
        return c.fix(
            FixKind.ACT,
            f"send the notice by e-mail to {email}{by}",
            (f"{p}channel", NoticeChannel.EMAIL),
            deadline=last,
        )
    if last is None:
        return None
    reported = _in_time(last, c.terms.tz, delivered) if late else claim.reported_at
    # Photos are never suggested before the report (as given, or as moved in time).
    photos = _in_time(last, c.terms.tz, reported)
    if code == "defect_notice_late":
        return c.fix(
            FixKind.WOULD_HAVE,
            f"a defect reported by {last} would have been in time",
            (f"{p}reported_at", reported),
            deadline=last,
        )
    if code == "defect_photos_unknown":
        return c.fix(
            FixKind.RECORD,
            f"record whether clear photos reached us by {last}",
            (f"{p}photos_sent_at", photos),
            deadline=last,
        )
    if code == "defect_photos" and open_:
        return c.fix(
            FixKind.ACT,
            f"send clear photos of the issue to {email} by {last} to complete the defect claim",
            (f"{p}photos_sent_at", photos),
            deadline=last,
        )
    if code in ("defect_photos", "defect_photos_late", "defect_photos_missing"):
        return c.fix(
            FixKind.WOULD_HAVE,
            f"clear photos sent by {last} would have completed the defect claim",
            (f"{p}photos_sent_at", photos),
            deadline=last,
        )
    return None


def _fix_other(c: _Ctx) -> Suggestion | Blocker | None:
    """§3 covered piece and inspection findings, §4 parcel, §2 cancellation, §5 exchange."""
    r, code, case = c.reason, c.reason.code, c.case
    failed = r.finding is Finding.FAILED
    if code == "defect_covered_piece":
        if failed:
            return c.block("custom-made or modified pieces are not covered by the defect remedy")
        item = c.at(c.view.item)
        changes: list[tuple[str, object]] = []
        if item.kind is None:
            changes.append((f"{c.view.item}.kind", ItemKind.READY_MADE))
        changes += [
            (f"{c.view.item}.{name}", False)
            for name in ("personalized", "engraved", "resized", "altered")
            if getattr(item, name) is None
        ]
        return c.fix(
            FixKind.RECORD,
            "record whether the piece is custom-made or modified: a ready-made, unmodified "
            "piece is covered",
            *changes,
        )
    if code == "inspection_cause":
        return _record_cause(c)
    if code == "store_error_confirmed":
        if r.missing == ("store_error_confirmed",):
            return _record_error(c)
        return c.fix(
            FixKind.RECORD,
            "record why the piece was sent back: a change of mind, or an error on our part",
            (c.view.reason, ReturnReason.CHANGE_OF_MIND),
        )
    if code in ("no_defect_found", "damage_not_covered"):
        return c.block(
            "the quality team's finding stands: only a manufacturing defect or damage on "
            "arrival is covered, not misuse, accidents or normal wear and tear"
        )
    if code == "defect_cause":
        kind = case.request.kind
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
    if code == "repair_or_replace":
        return c.fix(
            FixKind.RECORD,
            "the quality team must record whether repair or replacement is possible "
            "(if neither is, a partial refund or store credit is offered)",
            *((name, False) for name in r.missing),
        )
    if code == "return_parcel_lost":
        return c.block(
            "the store cannot be held responsible for lost packages"
            + (": the parcel's insurance is a matter with the carrier" if case.insured else "")
        )
    if code == "return_parcel":
        waiting = case.status is ParcelStatus.IN_TRANSIT
        return c.fix(
            FixKind.RECORD,
            "once the parcel reaches the store it goes to inspection"
            if waiting
            else "record the parcel's tracking status: a parcel delivered to the store goes "
            "to inspection",
            ("status", ParcelStatus.DELIVERED_TO_STORE),
        )
    if code == "production_begun":
        return _fix_cancellation(c, case)
    if code == "policy_version_unknown":
        return c.fix(
            FixKind.RECORD,
            "record the purchase date (the order confirmation shows it): it names the "
            "version of the policy that applies",
        )
    if code == "no_policy_version_in_force":
        return c.block(
            "the piece was bought before the first known version of the policy: the terms "
            "then in force are not known, and the support team decides"
        )
    return _fix_exchange(c, case)


def _fix_cancellation(c: _Ctx, case: CustomOrderCancellation) -> Suggestion | Blocker:
    finding = c.reason.finding
    if finding is Finding.NOT_APPLICABLE:
        return c.block(
            "a ready-made piece is not a custom order: it follows the return policy (§1), "
            "not the cancellation of a custom order"
        )
    if finding is Finding.FAILED:
        started = case.production_started_at
        if started is None:
            return c.block("custom jewelry orders are non-refundable once production has begun")
        day = store_date(started, c.terms.tz)
        bought = case.item.purchased_at
        cancel = started - timedelta(minutes=1)
        if bought is not None and before(cancel, bought):
            if not before(bought, started):
                return c.block(
                    "production began when the order was placed: custom jewelry orders "
                    "are non-refundable once production has begun"
                )
            cancel = bought  # a cancellation cannot precede the purchase
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
    on = store_date(case.cancelled_at, c.terms.tz)
    return c.fix(
        FixKind.RECORD,
        f"record whether production had begun when the order was cancelled on {on}: "
        "before production begins, a cancellation is refundable",
        ("production", ProductionStatus.NOT_STARTED),
    )


def _fix_exchange(c: _Ctx, case: ExchangeRequest) -> Suggestion | Blocker | None:
    code = c.reason.code
    if code == "exchange_contact":
        return c.fix(
            FixKind.RECORD,
            "record whether the piece was already sent back: contact before returning qualifies",
            ("returned_at", NOT_YET),
        )
    if code == "exchange_without_prior_contact":
        asked = store_date(case.requested_at, c.terms.tz)
        return c.fix(
            FixKind.WOULD_HAVE,
            f"a piece sent back after contacting us (on {asked}) would have qualified: "
            "contact us before returning a piece to exchange",
            ("returned_at", case.requested_at),
        )
    if code == "exchange_unavailable":
        # No change of facts names an available product: the customer chooses one.
        return c.fix(
            FixKind.ACT,
            f"{case.wanted_sku} is not available: choose an available product to exchange for",
        )
    if code == "exchange_availability":
        return c.fix(
            FixKind.RECORD,
            f"record whether {case.wanted_sku} is available: an available product qualifies",
            ("wanted_available", True),
        )
    if code == "exchange_prices":
        have, want = case.item.item.price, case.wanted_price
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
    return None


def _fix(c: _Ctx) -> Suggestion | Blocker:
    found = _fix_item(c) or _fix_claim(c) or _fix_other(c)
    if found is None:
        return c.block(
            f"no known change of facts lifts {c.reason.code}: a clause of the store's own "
            "or a fact only the support team can establish"
        )
    return found


# --- the search -----------------------------------------------------------------------


def _item(result: Decision | OrderDecision, index: int) -> Decision:
    return result.items[index] if isinstance(result, OrderDecision) else result


def _qualify(
    case: Case,
    index: int,
    decision: Decision,
    policy: Policy | PolicyVersions,
    rounds: int = _ROUNDS,
) -> Qualification:
    base = Qualification(
        stage=decision.stage,
        order_id=decision.order_id,
        sku=decision.sku,
        outcome=decision.outcome,
    )
    if decision.granted:
        return base
    view = _view(case, index)
    suggestions: list[Suggestion] = []
    blockers: list[Blocker] = []
    handled: set[tuple[str, str, Finding, tuple[str, ...]]] = set()
    current, d, fits = case, decision, True
    # The terms of the version the decision was made under (its deadlines, its contact).
    terms = policy_named(policy, decision.policy_version, "how to qualify").terms
    for _ in range(rounds):
        new = [
            r
            for r in d.reasons
            if r.finding is not Finding.PASSED
            and (r.clause_id, r.code, r.finding, r.missing) not in handled
        ]
        for r in new:
            handled.add((r.clause_id, r.code, r.finding, r.missing))
            found = _fix(_Ctx(current, r, view, terms, decision.stage, case))
            if isinstance(found, Blocker):
                blockers.append(found)
            else:
                suggestions.append(found)
        if blockers or any(not s.changes for s in suggestions):
            break
        candidate = current
        try:
            for s in suggestions:
                for ch in s.changes:
                    candidate = _set(candidate, ch.path, ch.new)
        except InputError:
            fits = False  # the changes do not fit the other facts of the case: no case
            break
        current = candidate
        d = _item(policy.evaluate(current), index)
        if d.granted:
            break
    # Changes are reported against the case as given.
    suggestions = [
        replace(s, changes=tuple(replace(ch, old=_get(case, ch.path)) for ch in s.changes))
        for s in suggestions
    ]
    done = fits and current is not case and not blockers and d is not decision
    return replace(
        base,
        suggestions=tuple(suggestions),
        blockers=tuple(blockers),
        case=current if done else None,
        outcome_if_changed=d.outcome if done else None,
    )


def how_to_qualify(
    case: Case | Mapping[str, Any], *, policy: Policy | PolicyVersions | None = None
) -> tuple[Qualification, ...]:
    """One :class:`Qualification` per item decision of ``case`` (one per item of a return
    request, one otherwise), under ``policy`` (by default the one every entry point
    uses, ``default_evaluator()``: the version in force at the purchase date).

    ``case`` is a typed case or a JSON document (a ``dict``); ``policy`` a
    :class:`Policy` or a :class:`PolicyVersions` registry (the case is then judged
    under the version in force at its purchase date, and the suggestions use that
    version's terms)."""
    policy = default_evaluator(policy, "how to qualify")
    typed = _typed(case, policy if isinstance(policy, Policy) else None)
    result = policy.evaluate(typed)
    items = result.items if isinstance(result, OrderDecision) else (result,)
    return tuple(_qualify(typed, i, d, policy) for i, d in enumerate(items))


def format_qualification(q: Qualification) -> str:
    """The suggestions and blockers as plain-English lines.

    >>> from atlier_policy.decision import ParcelOutcome
    >>> done = ParcelOutcome.PROCEED_TO_INSPECTION
    >>> q = Qualification(stage=Stage.LOST_PARCEL, order_id="P-1", sku=None, outcome=done)
    >>> format_qualification(q)
    'order P-1: proceed to inspection: nothing to change'
    """
    subject = f"order {q.order_id}" + (f", item {q.sku}" if q.sku else "")
    head = f"{subject}: {q.outcome.value.replace('_', ' ')}"
    lines = list(dict.fromkeys(f"- {s.message}" for s in q.suggestions))
    lines += [f"- cannot qualify: {b.message}" for b in q.blockers]
    if not lines:
        return f"{head}: nothing to change"
    if q.outcome_if_changed is not None:
        lines.append(f"with these changes: {q.outcome_if_changed.value.replace('_', ' ')}")
    return "\n".join([f"{head}:", *lines])
