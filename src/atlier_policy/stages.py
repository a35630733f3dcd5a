"""The stages at which the policy applies: one table, one entry per stage.

A :class:`StageSpec` holds everything the evaluator and the tools need to know of a
stage: its case class and outcome enum (each outcome declares its role: granted,
refused, incomplete, review), the rule set that judges it and how its items are
reached, what follows from each outcome (obligations), and its dated facts (the
pieces bought and the events of the case). :data:`STAGES` lists the text's six;
everything that loops over stages reads it, and a stage defined outside the library
joins a policy with ``Policy.with_stage`` (tests/test_stages.py adds a toy one).

The obligations of the text's stages are written here, next to their stage: §4's
return shipping, refund window and decision e-mail, §5's price difference, §3's
remedies, §6's contact.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import field, fields, replace
from datetime import date, datetime
from functools import cache
from typing import Any, NamedTuple

from atlier_policy import clauses as _sec
from atlier_policy._values import value_class
from atlier_policy.advice import View
from atlier_policy.cases import (
    CustomOrderCancellation,
    DefectClaim,
    ExchangeRequest,
    Inspection,
    Item,
    LostParcelReport,
    ReturnItem,
    ReturnLine,
    ReturnRequest,
)
from atlier_policy.clauses import defects, exchanges, shipping
from atlier_policy.deadlines import (
    last_day_to_report_defect,
    last_day_to_request_return,
    ordinal,
    refund_window,
    store_date,
)
from atlier_policy.decision import (
    CancellationOutcome,
    DefectClaimOutcome,
    ExchangeOutcome,
    InspectionOutcome,
    Notice,
    Obligations,
    Outcome,
    ParcelOutcome,
    RemedyOption,
    ReturnOutcome,
    Role,
    Settlement,
    ShippingPayer,
    Stage,
)
from atlier_policy.errors import DateOutOfRangeError, InputError, PolicyDefinitionError
from atlier_policy.money import Money
from atlier_policy.rules import Provision, Rule
from atlier_policy.terms import PolicyTerms

__all__ = [
    "PROVISIONS",
    "REFUND_TO",
    "STAGES",
    "Consequence",
    "Event",
    "StageSpec",
    "claim_at_inspection",
    "exchange_line",
    "find_stage",
    "inspected_line",
    "no_item",
    "spec_by_type",
]

REFUND_TO = "original payment method"  # §4


class Consequence(NamedTuple):
    """What follows from one item's outcome: obligations, a settlement, and the facts a
    granted payment lacks (named in the decision's ``missing``)."""

    obligations: Obligations
    settlement: Settlement | None = None
    missing: tuple[str, ...] = ()


class Event(NamedTuple):
    """A dated fact of a case: ``key`` is stable, ``label`` the English text, ``field``
    the fact's path in the case where it dates a case that names no piece."""

    key: str
    label: str
    at: object  # an aware datetime, NOT_YET or None (only instants are drawn)
    field: str = ""


def no_item(case: Any, index: int) -> View:
    """The view of a case that names no piece (a lost parcel report, a toy stage)."""
    return View()


@value_class()
class StageSpec:
    """One stage of the policy.

    - ``name``, ``case``: the stage's name (``stage`` in documents and decisions) and
      its case class; ``outcomes``: its outcome enum, each member with its role;
    - ``rule_set``: the name of the policy's rule set that judges an item (a function
      of the case where the route depends on it), or ``rule``: the stage's own rule
      set, for a stage defined outside the library;
    - ``items``: the values the rule set judges, one decision each (``per_item``: an
      order decision with one decision per item); ``subject``: the order id and sku of
      an item's decision;
    - ``grant``: the granted outcome when the rule set passes and no clause selects
      one (``None``: a clause must select it, else a person reviews);
    - ``consequence``: what follows from an outcome (obligations);
    - ``pieces``: the pieces bought, as return lines (purchase and delivery dates,
      deadlines); ``events``: the other dated facts, in the order the policy meets
      them; ``asked``: when the customer asked (a request, a report), if they did;
      ``customer_acts``: granted outcomes after which the customer still acts (ships
      the piece, chooses a remedy); ``view``: where the facts of the item of index ``i``
      live in a case (for the clauses' fixes, "how to qualify").
    """

    name: str
    case: type
    outcomes: type[Outcome]
    items: Callable[[Any], tuple[Any, ...]]
    subject: Callable[[Any, Any], tuple[str, str | None]]
    consequence: Callable[[PolicyTerms, Any, Any, Any], Consequence]
    pieces: Callable[[Any], tuple[ReturnItem, ...]]
    events: Callable[[Any], tuple[Event, ...]]
    rule_set: str | Callable[[Any], str] = ""
    grant: Callable[[Any], Outcome | None] | None = None
    asked: Callable[[Any], datetime | None] | None = None
    per_item: bool = False
    customer_acts: frozenset[Outcome] = frozenset()
    rule: Rule | None = None
    view: Callable[[Any, int], View] = no_item
    # Derived from ``outcomes`` once: each outcome by value, the first of each role.
    _by_value: dict[str, Outcome] = field(init=False, repr=False, compare=False)
    _by_role: dict[Role, Outcome] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        outcomes = self.outcomes
        if not isinstance(self.name, str) or not self.name:
            raise PolicyDefinitionError(
                f"stage: `name` must be a non-empty str (got {self.name!r})"
            )
        if not isinstance(self.case, type):
            raise PolicyDefinitionError(f"stage {self.name}: `case` must be a class")
        if not (isinstance(outcomes, type) and issubclass(outcomes, Outcome)) or not any(
            o.role is Role.REVIEW for o in outcomes
        ):
            # Fail closed needs somewhere to go: every stage can send a case to a person.
            raise PolicyDefinitionError(
                f"stage {self.name}: `outcomes` must be an Outcome enum with a review outcome"
            )
        object.__setattr__(self, "_by_value", {o.value: o for o in outcomes})
        by_role: dict[Role, Outcome] = {}
        for o in outcomes:
            by_role.setdefault(o.role, o)
        object.__setattr__(self, "_by_role", by_role)

    def member(self, value: str | None) -> Outcome | None:
        """The stage's outcome of that value, if it has one."""
        return None if value is None else self._by_value.get(value)

    def first(self, role: Role) -> Outcome:
        """The stage's first outcome of ``role``; a stage without one (an "incomplete"
        outcome, say) reviews instead."""
        found = self._by_role.get(role)
        return found if found is not None else self._by_role[Role.REVIEW]

    def rule_set_of(self, case: Any) -> str:
        return self.rule_set if isinstance(self.rule_set, str) else self.rule_set(case)

    def granted(self, case: Any) -> Outcome | None:
        """The outcome a passing rule set gives when no clause selects one."""
        if self.grant is not None:
            return self.grant(case)
        return self._by_role.get(Role.GRANTED)


# --- views: the §1/§2 and §3 rules judged again at later stages ---------------------


def inspected_line(insp: Inspection) -> ReturnLine:
    """The returned item as the quality team found it: their findings decide.

    The team's condition replaces the customer's declaration; its ``cause`` and
    ``store_error_confirmed`` confirm or overturn the defect record and the store
    error claimed with the request (§2 "(unless defective)", §4 "confirmed defect
    or error on our part").
    """
    assert isinstance(insp.request, ReturnRequest)  # the return route only
    return replace(
        insp.request.lines()[0],
        condition=insp.condition,
        inspected=True,
        cause=insp.cause,
        store_error_confirmed=insp.store_error_confirmed,
    )


def claim_at_inspection(insp: Inspection) -> DefectClaim:
    """The defect claim, judged as of the inspection."""
    claim = insp.request
    assert isinstance(claim, DefectClaim)  # the claim route only
    if type(claim) is not DefectClaim:  # a store's subclass: its own fields too
        return replace(claim, as_of=insp.inspected_at)
    # A copy with ``as_of`` set, not validated again: the claim was validated when built,
    # and the inspection that it is inspected no earlier than it was reported, which is
    # all ``as_of`` asks (``replace`` would validate it all again: a third of the time).
    view = object.__new__(type(claim))
    for name in _CLAIM_FIELDS:
        object.__setattr__(view, name, getattr(claim, name))
    object.__setattr__(view, "as_of", insp.inspected_at)
    return view


_CLAIM_FIELDS = tuple(f.name for f in fields(DefectClaim))


def exchange_line(req: ExchangeRequest) -> ReturnLine:
    """An exchange is for an eligible item: the §1/§2 view of it."""
    return req.line()


# --- where an item's facts live, for the clauses' fixes ---------------------------------


def _line_view(line: str, request: str = "") -> View:
    return View(
        item=f"{line}.item",
        condition=f"{line}.condition",
        defect_confirmed=f"{line}.defect_confirmed",
        requested_at=f"{request}requested_at",
        proof=f"{request}proof_of_purchase",
        reason=f"{line}.reason",
    )


def _request_view(req: ReturnRequest, index: int) -> View:
    return _line_view(f"items[{index}]")


def _exchange_view(req: ExchangeRequest, index: int) -> View:
    return _line_view("item")


def _inspection_view(insp: Inspection, index: int) -> View:
    if isinstance(insp.request, ReturnRequest):
        # The team's condition replaces the customer's (inspected_line).
        line = _line_view("request.items[0]", "request.")
        return replace(line, condition="condition", inspected=True)
    return View(item="request.item", claim="request.", inspected=True)


def _item_view(case: DefectClaim | CustomOrderCancellation, index: int) -> View:
    return View(item="item")


# --- obligations: what follows from each stage's outcomes --------------------------------


def _notice(provision: Provision, code: str, message: str) -> Notice:
    return Notice(code=code, clause_id=provision.id, section=provision.section, message=message)


# The notices that do not depend on the case are built once.
_SHIPPING_NOTICES = {
    payer: _notice(shipping.RETURN_SHIPPING, "return_shipping", message)
    for payer, message in {
        ShippingPayer.CUSTOMER: "the customer pays the return shipping",
        ShippingPayer.STORE: (
            "the store bears the return shipping (confirmed defect or store error)"
        ),
        ShippingPayer.CUSTOMER_UNTIL_CONFIRMED: (
            "the customer pays the return shipping now and is reimbursed "
            "if the defect or error is confirmed"
        ),
    }.items()
}
_DECISION_EMAIL = _notice(
    shipping.DECISION_EMAIL,
    "decision_email",
    "e-mail the customer the approval or rejection of the refund",
)
_DECISION_EMAIL_ONLY = Obligations(notices=(_DECISION_EMAIL,))
_AMOUNT_UNKNOWN = _notice(
    shipping.REFUND_WINDOW,
    "refund_amount_unknown",
    "refund the price paid for the item, which the case does not state (see missing)",
)
_CARRIER_CLAIM = _notice(
    shipping.INSURED_SHIPPING,
    "insured_shipping",
    "the parcel was insured: its insurance is a matter between the customer and the carrier",
)
_INSURE_NEXT_TIME = _notice(
    shipping.INSURED_SHIPPING,
    "insured_shipping",
    "insured, trackable shipping is recommended for returns",
)
_SHIPPING_ADVICE = (
    _notice(
        shipping.INSURED_SHIPPING,
        "insured_shipping",
        "use insured, trackable shipping: the store cannot be held responsible for lost packages",
    ),
    _notice(
        shipping.DECISION_EMAIL,
        "decision_email",
        "an e-mail will confirm approval or rejection once the item is received and inspected",
    ),
)


@cache
def _contact(email: str) -> tuple[Notice, ...]:
    """§6: whom to ask (built once per support address)."""
    return (_notice(_sec.CONTACT, "contact", f"questions: {email}, {_sec.SUPPORT_PHONE}"),)


def _after_request(terms: PolicyTerms, granted: bool) -> tuple[Notice, ...]:
    """What to tell the customer after a request: how to ship, or whom to ask."""
    return _SHIPPING_ADVICE if granted else _contact(terms.support_email)


def _obligations(
    terms: PolicyTerms,
    payer: ShippingPayer | None,
    notices: tuple[Notice, ...],
    delivered_at: datetime | None = None,
    **more: Any,
) -> Obligations:
    """Obligations with §4's shipping notice first and the last days to act, if delivered."""
    if payer is not None:
        # Every obligation cites its provision: §4 for who pays return shipping.
        notices = (_SHIPPING_NOTICES[payer], *notices)
    if delivered_at is not None:
        day0 = store_date(delivered_at, terms.tz)
        more["last_day_to_request_return"] = last_day_to_request_return(day0, terms)
        more["last_day_to_report_defect"] = last_day_to_report_defect(day0, terms)
    return Obligations(return_shipping_paid_by=payer, notices=notices, **more)


def _window(terms: PolicyTerms, approved_on: date, field: str) -> tuple[date, date]:
    """§4's refund window after ``approved_on``; ``field`` names that date in errors."""
    try:
        return refund_window(approved_on, terms)
    except DateOutOfRangeError as exc:
        # Report the case's own field and date: the calendar's argument (a
        # business-day count) means nothing to whoever sent the case.
        first, last = terms.calendar.supported_years
        hi = terms.refund_max_business_days
        raise DateOutOfRangeError.single(
            field,
            f"a day whose refund window (up to the {ordinal(hi)} business day after it) "
            f"ends within the years {first}-{last} of the calendar's holiday data",
            approved_on.isoformat(),
            exc.context,
        ) from None


def _refund(
    terms: PolicyTerms,
    approved_on: date,
    amount: Money | None,
    payer: ShippingPayer | None,
    shipping_cost: Money | None,
    field: str,
    then: tuple[Notice, ...] = (),
) -> Obligations:
    """An approved refund of ``amount`` within §4's window after ``approved_on``."""
    lo, hi = terms.refund_min_business_days, terms.refund_max_business_days
    earliest, latest = _window(terms, approved_on, field)
    notices = [
        _notice(
            shipping.REFUND_WINDOW,
            "refund_window",
            f"refund to the {REFUND_TO} between {earliest} and {latest} "
            f"({ordinal(lo)} to {ordinal(hi)} business day after {approved_on})",
        )
    ]
    if amount is not None:
        notices.append(
            _notice(
                shipping.FREE_SHIPPING,
                "no_shipping_deducted",
                f"{amount} refunded in full: delivery was free, so nothing is deducted",
            )
        )
    else:
        notices.append(_AMOUNT_UNKNOWN)
    return _obligations(
        terms,
        payer,
        (*notices, *then),
        return_shipping_reimbursed=shipping_cost if payer is ShippingPayer.STORE else None,
        refund_amount=amount,
        refund_to=REFUND_TO,
        refund_earliest=earliest,
        refund_latest=latest,
    )


def _unpaid(obligations: Obligations, price: str, cost: str | None = None) -> tuple[str, ...]:
    """The facts a granted payment lacks: the price to refund, the shipping to reimburse.

    The outcome stands (the text owes the refund whatever its amount), and the
    decision names what the store must fill in (docs/interpretation.md).
    """
    missing = []
    if price and obligations.refund_to is not None and obligations.refund_amount is None:
        missing.append(price)
    store_pays = obligations.return_shipping_paid_by is ShippingPayer.STORE
    if cost is not None and store_pays and obligations.return_shipping_reimbursed is None:
        missing.append(cost)
    return tuple(missing)


def _option_notice(option: RemedyOption) -> Notice:
    """A remedy the store may offer, as a notice citing its clause."""
    verb = "or offer" if option.refund_to is None else "offer"
    return Notice(
        code=option.code,
        clause_id=option.clause_id,
        section=option.section,
        message=f"{verb} {option.message}",
    )


def _return_line(terms: PolicyTerms, req: ReturnRequest, line: ReturnLine, o: Any) -> Consequence:
    granted = o.role is Role.GRANTED
    payer = shipping.payer_at_request(line.reason, line.defect_confirmed) if granted else None
    return Consequence(
        _obligations(terms, payer, _after_request(terms, granted), line.item.delivered_at)
    )


def _defect_claim(terms: PolicyTerms, claim: DefectClaim, _: Any, o: Any) -> Consequence:
    granted = o.role is Role.GRANTED
    payer = ShippingPayer.CUSTOMER_UNTIL_CONFIRMED if granted else None
    return Consequence(
        _obligations(terms, payer, _after_request(terms, granted), claim.item.delivered_at)
    )


def _lost_parcel(terms: PolicyTerms, report: LostParcelReport, _: Any, o: Any) -> Consequence:
    if o is ParcelOutcome.NO_REFUND_PARCEL_LOST:
        return Consequence(
            Obligations(notices=(_CARRIER_CLAIM if report.insured else _INSURE_NEXT_TIME,))
        )
    return Consequence(Obligations())


def _inspection(terms: PolicyTerms, insp: Inspection, _: Any, o: Any) -> Consequence:
    approved_on = store_date(insp.inspected_at, terms.tz)
    cost = insp.return_shipping_cost
    returned = isinstance(insp.request, ReturnRequest)
    if o is InspectionOutcome.REFUND_APPROVED:
        # On a claim's route only a covered defect passes: the store's to ship (a store's
        # own remedy rung may refund a claim in full).
        payer = shipping.payer_at_inspection(insp) if returned else ShippingPayer.STORE
        ob = _refund(
            terms, approved_on, insp.item.price, payer, cost, "inspected_at", (_DECISION_EMAIL,)
        )
        return Consequence(ob, None, _unpaid(ob, "item.price", "return_shipping_cost"))
    if o is InspectionOutcome.REFUND_REJECTED:
        # A defect or an error the team confirmed is the store's to ship, refund or not.
        payer = shipping.payer_at_inspection(insp) if returned else ShippingPayer.CUSTOMER
        ob = _obligations(
            terms,
            payer,
            (_DECISION_EMAIL,),
            return_shipping_reimbursed=cost if payer is ShippingPayer.STORE else None,
        )
        return Consequence(ob, None, _unpaid(ob, "", "return_shipping_cost"))
    if o is InspectionOutcome.REPAIR_OR_REPLACE:
        ob = _obligations(
            terms,
            ShippingPayer.STORE,
            (_DECISION_EMAIL,),
            return_shipping_reimbursed=cost,
            options=defects.repair_options(insp),
        )
        return Consequence(ob, None, _unpaid(ob, "", "return_shipping_cost"))
    if o is InspectionOutcome.PARTIAL_REFUND_OR_STORE_CREDIT:
        # The store picks one; the partial amount is the store's to set, and the
        # window applies only if it refunds.
        options = defects.partial_options(REFUND_TO, _window(terms, approved_on, "inspected_at"))
        ob = _obligations(
            terms,
            ShippingPayer.STORE,
            (*(_option_notice(opt) for opt in options), _DECISION_EMAIL),
            return_shipping_reimbursed=cost,
            options=options,
        )
        return Consequence(ob, None, _unpaid(ob, "", "return_shipping_cost"))
    return Consequence(_DECISION_EMAIL_ONLY)


def _cancellation(
    terms: PolicyTerms, cancel: CustomOrderCancellation, _: Any, o: Any
) -> Consequence:
    if o.role is not Role.GRANTED:
        return Consequence(Obligations())
    on = store_date(cancel.cancelled_at, terms.tz)
    ob = _refund(terms, on, cancel.item.price, None, None, "cancelled_at")
    return Consequence(ob, None, _unpaid(ob, "item.price"))


def _exchange(terms: PolicyTerms, req: ExchangeRequest, _: Any, o: Any) -> Consequence:
    granted = o.role is Role.GRANTED
    payer, settlement, notices = None, None, _after_request(terms, granted)
    if granted:
        payer = shipping.payer_at_request(req.item.reason, req.item.defect_confirmed)
        price, wanted = req.item.item.price, req.wanted_price
        # Both prices are known unless a store removed the price clause.
        if price is not None and wanted is not None:
            settlement = Settlement.of(price, wanted)
            difference = _notice(
                exchanges.PRICE_DIFFERENCE,
                "price_difference",
                f"price difference, once the quality team approves the piece: customer "
                f"pays {settlement.customer_pays}, store refunds {settlement.store_refunds}",
            )
            notices = (difference, *notices)
    return Consequence(_obligations(terms, payer, notices, req.item.item.delivered_at), settlement)


# --- items, subjects, pieces and events ----------------------------------------------------


def _one(case: Any) -> tuple[Any, ...]:
    return (case,)


def _lines(req: ReturnRequest) -> tuple[ReturnLine, ...]:
    return req.lines()


def _line_subject(req: ReturnRequest, line: ReturnLine) -> tuple[str, str | None]:
    return req.order_id, line.item.sku


def _item_subject(case: Any, _: Any) -> tuple[str, str | None]:
    return case.order_id, case.item.sku


def _exchange_subject(req: ExchangeRequest, _: Any) -> tuple[str, str | None]:
    return req.order_id, req.item.item.sku


def _report_subject(report: LostParcelReport, _: Any) -> tuple[str, str | None]:
    return report.order_id, None


def _piece(item: Item) -> tuple[ReturnItem, ...]:
    return (ReturnItem(item=item),)


def _request_pieces(req: ReturnRequest) -> tuple[ReturnItem, ...]:
    return req.items


def _exchange_pieces(req: ExchangeRequest) -> tuple[ReturnItem, ...]:
    return (req.item,)


def _item_pieces(case: DefectClaim | CustomOrderCancellation) -> tuple[ReturnItem, ...]:
    return _piece(case.item)


def _no_pieces(_: Any) -> tuple[ReturnItem, ...]:
    return ()


def _inspection_pieces(insp: Inspection) -> tuple[ReturnItem, ...]:
    return _spec_of_case(insp.request).pieces(insp.request)


def _request_events(req: ReturnRequest) -> tuple[Event, ...]:
    return (Event("requested", "return requested", req.requested_at),)


def _claim_events(claim: DefectClaim) -> tuple[Event, ...]:
    return (
        Event("reported", "defect reported", claim.reported_at),
        Event("photos_sent", "photos received", claim.photos_sent_at),
    )


def _parcel_events(report: LostParcelReport) -> tuple[Event, ...]:
    return (Event("shipped", "return parcel shipped", report.shipped_at, "shipped_at"),)


def _inspection_events(insp: Inspection) -> tuple[Event, ...]:
    request = insp.request
    return (
        *_spec_of_case(request).events(request),
        Event("inspected", "inspected by the quality team", insp.inspected_at),
    )


def _cancellation_events(cancel: CustomOrderCancellation) -> tuple[Event, ...]:
    return (
        Event("production_started", "production began", cancel.production_started_at),
        Event("cancelled", "order cancelled", cancel.cancelled_at),
    )


def _exchange_events(req: ExchangeRequest) -> tuple[Event, ...]:
    return (
        Event("requested", "exchange requested", req.requested_at),
        Event("returned", "piece sent back", req.returned_at),
    )


def _requested(case: ReturnRequest | ExchangeRequest) -> datetime:
    return case.requested_at


def _reported(claim: DefectClaim) -> datetime:
    return claim.reported_at


def _asked_by_request(insp: Inspection) -> datetime | None:
    spec = _spec_of_case(insp.request)
    return spec.asked(insp.request) if spec.asked is not None else None


def _inspection_route(insp: Inspection) -> str:
    """A return is judged on the inspected item; a defect claim, then its remedy."""
    return "inspected_return" if isinstance(insp.request, ReturnRequest) else "inspected_claim"


def _inspection_grant(insp: Inspection) -> Outcome | None:
    # A claim's remedy is selected by the remedy clause that passed, never assumed.
    return InspectionOutcome.REFUND_APPROVED if isinstance(insp.request, ReturnRequest) else None


STAGES: tuple[StageSpec, ...] = (
    StageSpec(
        name=Stage.RETURN_REQUEST,
        case=ReturnRequest,
        outcomes=ReturnOutcome,
        rule_set="return_rule",
        items=_lines,
        subject=_line_subject,
        consequence=_return_line,
        pieces=_request_pieces,
        events=_request_events,
        view=_request_view,
        asked=_requested,
        per_item=True,
        customer_acts=frozenset({ReturnOutcome.ELIGIBLE_PENDING_INSPECTION}),
    ),
    StageSpec(
        name=Stage.DEFECT_CLAIM,
        case=DefectClaim,
        outcomes=DefectClaimOutcome,
        rule_set="defect_rule",
        items=_one,
        subject=_item_subject,
        consequence=_defect_claim,
        pieces=_item_pieces,
        events=_claim_events,
        view=_item_view,
        asked=_reported,
        customer_acts=frozenset({DefectClaimOutcome.ACCEPTED_PENDING_INSPECTION}),
    ),
    StageSpec(
        name=Stage.LOST_PARCEL,
        case=LostParcelReport,
        outcomes=ParcelOutcome,
        rule_set="parcel_rule",
        items=_one,
        subject=_report_subject,
        consequence=_lost_parcel,
        pieces=_no_pieces,
        events=_parcel_events,
    ),
    StageSpec(
        name=Stage.INSPECTION,
        case=Inspection,
        outcomes=InspectionOutcome,
        rule_set=_inspection_route,
        items=_one,
        subject=_item_subject,
        consequence=_inspection,
        pieces=_inspection_pieces,
        events=_inspection_events,
        view=_inspection_view,
        grant=_inspection_grant,
        asked=_asked_by_request,
        customer_acts=frozenset({InspectionOutcome.PARTIAL_REFUND_OR_STORE_CREDIT}),
    ),
    StageSpec(
        name=Stage.CANCELLATION,
        case=CustomOrderCancellation,
        outcomes=CancellationOutcome,
        rule_set="cancellation_rule",
        items=_one,
        subject=_item_subject,
        consequence=_cancellation,
        pieces=_item_pieces,
        events=_cancellation_events,
        view=_item_view,
    ),
    StageSpec(
        name=Stage.EXCHANGE,
        case=ExchangeRequest,
        outcomes=ExchangeOutcome,
        rule_set="exchange",
        items=_one,
        subject=_exchange_subject,
        consequence=_exchange,
        pieces=_exchange_pieces,
        events=_exchange_events,
        view=_exchange_view,
        asked=_requested,
        customer_acts=frozenset({ExchangeOutcome.APPROVED_PENDING_INSPECTION}),
    ),
)
"""The text's six stages."""

PROVISIONS: tuple[Provision, ...] = (
    shipping.FREE_SHIPPING,
    shipping.RETURN_SHIPPING,
    shipping.INSURED_SHIPPING,
    shipping.DECISION_EMAIL,
    shipping.REFUND_WINDOW,
    exchanges.PRICE_DIFFERENCE,
    _sec.CONTACT,
    _sec.LAST_UPDATED,
)
"""The provisions the stages' obligations and the version registry cite."""

_BY_CASE = {spec.case: spec for spec in STAGES}


def spec_by_type(table: Mapping[type, StageSpec], case: object) -> StageSpec | None:
    """The stage of ``case`` in ``table`` (case class to spec): that of its class, or of
    the nearest base class (a store's subclass of a case is a case of the same stage)."""
    for cls in type(case).__mro__:
        try:
            spec = table.get(cls)
        except TypeError:  # a class that cannot be hashed is no case class
            return None
        if spec is not None:
            return spec
    return None


def find_stage(
    stages: tuple[StageSpec, ...], case: object, table: Mapping[type, StageSpec] | None = None
) -> StageSpec:
    """The stage of ``stages`` a case belongs to (an :class:`InputError` for anything else);
    ``table``: the same stages by case class, if the caller keeps one."""
    spec = spec_by_type({s.case: s for s in stages} if table is None else table, case)
    if spec is None:
        names = ", ".join(s.name for s in stages)
        raise InputError.single(
            "case", f"a case of one of the stages ({names})", type(case).__name__, "evaluate"
        )
    return spec


def _spec_of_case(case: Any) -> StageSpec:
    # The request an inspection wraps is a case of one of the text's own stages
    # (Inspection refuses any other request).
    spec = spec_by_type(_BY_CASE, case)
    assert spec is not None
    return spec
