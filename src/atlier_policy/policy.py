"""The policy: terms plus rule sets, and one evaluator per stage.

:func:`default_policy` assembles the clauses of the text with the text's terms.
A variant is one call away::

    >>> fourteen = default_policy().with_terms(return_window_days=14)
    >>> fourteen.terms.return_window_days
    14

and so is a policy with an extra, a removed or a swapped clause
(:meth:`Policy.with_rule`, :meth:`Policy.without_clause`,
:meth:`Policy.replace_clause`). Each evaluator takes only the facts that exist at
its stage and returns a :class:`Decision` (an :class:`OrderDecision` for a
return request). Evaluation is pure: no clock, no I/O, inputs untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal, TypeAlias, TypeVar, get_args

from atlier_policy import clauses as _sec
from atlier_policy.cases import (
    CustomOrderCancellation,
    DefectClaim,
    ExchangeRequest,
    Inspection,
    LostParcelReport,
    Money,
    ParcelStatus,
    ReturnLine,
    ReturnRequest,
)
from atlier_policy.clauses import defects, eligibility, exchanges, non_returnable, shipping
from atlier_policy.deadlines import (
    last_day_to_report_defect,
    last_day_to_request_return,
    ordinal,
    refund_window,
    store_date,
)
from atlier_policy.decision import (
    CancellationOutcome,
    Decision,
    DefectClaimOutcome,
    ExchangeOutcome,
    InspectionOutcome,
    Notice,
    Obligations,
    OrderDecision,
    ParcelOutcome,
    Reason,
    RemedyOption,
    ReturnOutcome,
    Settlement,
    ShippingPayer,
    Stage,
    TraceEntry,
)
from atlier_policy.errors import DateOutOfRangeError, InputError, PolicyDefinitionError
from atlier_policy.rules import (
    AllOf,
    AnyOf,
    Clause,
    Context,
    Evaluation,
    Finding,
    Focus,
    Not,
    Provision,
    Record,
    Rule,
    Unless,
    _Recorded,
)
from atlier_policy.terms import PolicyTerms

__all__ = ["Case", "Policy", "RuleSet", "default_policy"]

Case: TypeAlias = (
    ReturnRequest
    | DefectClaim
    | LostParcelReport
    | Inspection
    | CustomOrderCancellation
    | ExchangeRequest
)

RuleSet = Literal[
    "return_rule",
    "defect_rule",
    "parcel_rule",
    "inspection_rule",
    "defect_inspection_rule",
    "remedy_rule",
    "cancellation_rule",
    "exchange_rule",
]
"""The names of a policy's rule sets, for :meth:`Policy.with_rule`."""
_RULE_SETS: tuple[str, ...] = get_args(RuleSet)

REFUND_TO = "original payment method"  # §4

# --- views: the §1/§2 and §3 rules judged again at later stages ---------------------


def inspected_line(insp: Inspection) -> ReturnLine:
    """The returned item as the quality team found it: their findings decide.

    The team's condition replaces the customer's declaration; its ``cause`` and
    ``store_error_confirmed`` confirm or overturn the defect record and the store
    error claimed with the request (§2 "(unless defective)", §4 "confirmed defect
    or error on our part").
    """
    assert isinstance(insp.request, ReturnRequest)  # guaranteed by the evaluator
    return replace(
        insp.request.lines()[0],
        condition=insp.condition,
        inspected=True,
        cause=insp.cause,
        store_error_confirmed=insp.store_error_confirmed,
    )


def claim_at_inspection(insp: Inspection) -> DefectClaim:
    """The defect claim, judged as of the inspection."""
    assert isinstance(insp.request, DefectClaim)  # guaranteed by the evaluator
    return replace(insp.request, as_of=insp.inspected_at)


def exchange_line(req: ExchangeRequest) -> ReturnLine:
    """An exchange is for an eligible item: the §1/§2 view of it."""
    return req.line()


# --- the default rule sets -------------------------------------------------------------

_RETURN = AllOf.of(eligibility.RULE, non_returnable.RULE)
_DEFECT = AllOf.of(eligibility.WEBSITE_PURCHASE, defects.RULE)
# At the inspection of a return, on top of §1/§2 judged on the inspected item: the
# approval, §3's exclusion of damage by misuse, accidents or wear, and §4's store error.
_INSPECTION = AllOf.of(eligibility.INSPECTED, defects.RETURN_CAUSE, shipping.ERROR_CONFIRMED)


def _rewrite(rule: Rule, fn: Callable[[Clause], Rule | None]) -> Rule | None:
    """``rule`` with each clause replaced by ``fn(clause)`` (``None`` removes it)."""
    if isinstance(rule, Clause):
        return fn(rule)
    if isinstance(rule, AllOf | AnyOf):
        kept = [r for r in (_rewrite(p, fn) for p in rule.rules) if r is not None]
        if not kept:
            return None
        return type(rule).of(*kept)
    if isinstance(rule, Not):
        inner = _rewrite(rule.rule, fn)
        return None if inner is None else Not(inner)
    if isinstance(rule, Unless):
        main, exc = _rewrite(rule.rule, fn), _rewrite(rule.exception, fn)
        if main is None:
            return None
        return main if exc is None else Unless(main, exc)
    if isinstance(rule, Focus):
        inner = _rewrite(rule.rule, fn)
        return None if inner is None else replace(rule, rule=inner)
    return rule  # a merchant's own rule type: kept whole


@dataclass(frozen=True, slots=True)
class Policy:
    """Terms plus the rule set of each stage.

    ``return_rule`` judges one item of a return (§1 and §2); it is judged again
    on the inspected item and on an item to exchange. ``defect_rule`` judges a
    defect claim (§3), again at inspection together with
    ``defect_inspection_rule``; ``remedy_rule`` is the remedy ladder.
    """

    terms: PolicyTerms = field(default_factory=PolicyTerms)
    return_rule: Rule = _RETURN
    defect_rule: Rule = _DEFECT
    parcel_rule: Rule = shipping.PARCEL_RECEIVED
    inspection_rule: Rule = _INSPECTION
    defect_inspection_rule: Rule = defects.CAUSE_COVERED
    remedy_rule: Rule = defects.REMEDY
    cancellation_rule: Rule = non_returnable.PRODUCTION_NOT_BEGUN
    exchange_rule: Rule = exchanges.RULE
    # Derived once from the fields above (the stages' combined rules, the contact notice).
    _inspected_return: Rule = field(init=False, repr=False, compare=False)
    _inspected_claim: Rule = field(init=False, repr=False, compare=False)
    _inspected_defect: Rule = field(init=False, repr=False, compare=False)
    _exchange: Rule = field(init=False, repr=False, compare=False)
    _contact: tuple[Notice, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.terms, PolicyTerms):
            raise PolicyDefinitionError(
                f"policy: `terms` must be PolicyTerms (got {type(self.terms).__name__})"
            )
        for name in _RULE_SETS:
            given = getattr(self, name)
            if not isinstance(given, Rule):
                raise PolicyDefinitionError(
                    f"policy: `{name}` must be a Rule (got {type(given).__name__})"
                )
        claim = (
            Focus("defect claim", claim_at_inspection, self.defect_rule)
            & self.defect_inspection_rule
        )
        derived = {
            "_inspected_return": (
                Focus("inspected item", inspected_line, self.return_rule) & self.inspection_rule
            ),
            "_inspected_claim": claim,
            "_inspected_defect": _Then(claim, self.remedy_rule),
            "_exchange": Focus("item", exchange_line, self.return_rule) & self.exchange_rule,
            "_contact": (
                _notice(
                    _sec.CONTACT,
                    "contact",
                    f"questions: {self.terms.support_email}, {_sec.SUPPORT_PHONE}",
                ),
            ),
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    # --- variants ---------------------------------------------------------------

    @property
    def version(self) -> str:
        return self.terms.version

    def with_terms(self, **changes: Any) -> Policy:
        """The same rules under changed terms, e.g. ``return_window_days=14``."""
        return replace(self, terms=replace(self.terms, **changes))

    def with_rule(self, rule_set: RuleSet, rule: Rule) -> Policy:
        """Add ``rule`` (all-of) to one rule set."""
        changes: dict[str, Any] = {rule_set: self._rule_set(rule_set) & rule}
        return replace(self, **changes)

    def without_clause(self, clause_id: str) -> Policy:
        """Remove a clause, by id, from every rule set."""
        return self._rewrite_all(clause_id, lambda c: None if c.id == clause_id else c)

    def replace_clause(self, clause_id: str, rule: Rule) -> Policy:
        """Swap a clause, by id, for another rule in every rule set."""
        return self._rewrite_all(clause_id, lambda c: rule if c.id == clause_id else c)

    def _rule_set(self, name: str) -> Rule:
        if name not in _RULE_SETS:
            raise PolicyDefinitionError(f"policy: no rule set named {name!r}")
        rule: Rule = getattr(self, name)
        return rule

    def _rewrite_all(self, clause_id: str, fn: Callable[[Clause], Rule | None]) -> Policy:
        if clause_id not in {c.id for c in self.clauses()}:
            raise PolicyDefinitionError(f"policy: no clause with id {clause_id!r}")
        changes: dict[str, Any] = {}
        for name in _RULE_SETS:
            new = _rewrite(getattr(self, name), fn)
            changes[name] = new if new is not None else AllOf(())
        return replace(self, **changes)

    def clauses(self) -> tuple[Clause, ...]:
        """Every clause of every rule set, each once, in rule-set order."""
        seen: dict[str, Clause] = {}
        for name in _RULE_SETS:
            for c in getattr(self, name).clauses():
                seen.setdefault(c.id, c)
        return tuple(seen.values())

    # --- evaluation ---------------------------------------------------------------

    def _ctx(self, case: object) -> Context[Any]:
        return Context(case, self.terms, self.terms.calendar, self.terms.tz)

    def record(self, rule_set: RuleSet, case: object) -> Record:
        """What one of this policy's rule sets finds on ``case`` (a value of the facts
        that rule set reads), under its terms: for tools that follow the policy's own
        clauses rather than re-encoding them."""
        return Record.of(self._rule_set(rule_set), self._ctx(case))

    def evaluate(self, case: Case) -> Decision | OrderDecision:
        """Evaluate a case of any stage."""
        if isinstance(case, ReturnRequest):
            return self.return_request(case)
        if isinstance(case, DefectClaim):
            return self.defect_claim(case)
        if isinstance(case, LostParcelReport):
            return self.lost_parcel(case)
        if isinstance(case, Inspection):
            return self.inspection(case)
        if isinstance(case, CustomOrderCancellation):
            return self.cancellation(case)
        if isinstance(case, ExchangeRequest):
            return self.exchange(case)
        raise InputError.single(
            "case", "a case of one of the six stages", type(case).__name__, "evaluate"
        )

    def return_request(self, req: ReturnRequest) -> OrderDecision:
        """Stage 1: each item of a return request, eligible pending inspection or not."""
        _expect(req, ReturnRequest, "return request")
        decisions = []
        for line in req.lines():
            record = Record.of(self.return_rule, self._ctx(line))
            outcome = _outcome(record, _RETURN_OUTCOMES)
            payer = None
            if outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION:
                payer = shipping.payer_at_request(line.reason, line.defect_confirmed)
            obligations = self._obligations(
                payer, self._after_request(payer is not None), line.item.delivered_at
            )
            decisions.append(
                self._decision(
                    Stage.RETURN_REQUEST, outcome, req.order_id, line.item.sku, record, obligations
                )
            )
        return OrderDecision(
            order_id=req.order_id,
            stage=Stage.RETURN_REQUEST,
            items=tuple(decisions),
            policy_version=self.version,
        )

    def defect_claim(self, claim: DefectClaim) -> Decision:
        """Stage 2: a damage or defect report, in time and complete, or not."""
        _expect(claim, DefectClaim, "defect claim")
        record = Record.of(self.defect_rule, self._ctx(claim))
        outcome = _outcome(record, _DEFECT_OUTCOMES)
        granted = outcome is DefectClaimOutcome.ACCEPTED_PENDING_INSPECTION
        obligations = self._obligations(
            ShippingPayer.CUSTOMER_UNTIL_CONFIRMED if granted else None,
            self._after_request(granted),
            claim.item.delivered_at,
        )
        return self._decision(
            Stage.DEFECT_CLAIM, outcome, claim.order_id, claim.item.sku, record, obligations
        )

    def lost_parcel(self, report: LostParcelReport) -> Decision:
        """Stage 3: a return parcel reported lost, in transit or delivered."""
        _expect(report, LostParcelReport, "lost parcel report")
        record = Record.of(self.parcel_rule, self._ctx(report))
        outcome = _outcome(record, _PARCEL_OUTCOMES)
        if outcome is ParcelOutcome.NEEDS_REVIEW and report.status is ParcelStatus.IN_TRANSIT:
            outcome = ParcelOutcome.AWAITING_PARCEL
        notices: tuple[Notice, ...] = ()
        if outcome is ParcelOutcome.NO_REFUND_PARCEL_LOST:
            notices = (_CARRIER_CLAIM if report.insured else _INSURE_NEXT_TIME,)
        return self._decision(
            Stage.LOST_PARCEL, outcome, report.order_id, None, record, Obligations(notices=notices)
        )

    def inspection(self, insp: Inspection) -> Decision:
        """Stage 4: refund approved or rejected, or the defect remedy."""
        _expect(insp, Inspection, "inspection")
        approved_on = store_date(insp.inspected_at, self.terms.tz)
        item = insp.item
        if isinstance(insp.request, ReturnRequest):
            record = Record.of(self._inspected_return, self._ctx(insp))
            outcome = _outcome(record, _INSPECTION_OUTCOMES)
            obligations = _DECISION_EMAIL_ONLY
            missing: tuple[str, ...] = ()
            if outcome is InspectionOutcome.REFUND_APPROVED:
                payer = shipping.payer_at_inspection(inspected_line(insp))
                obligations = self._refund(
                    approved_on,
                    item.price,
                    payer,
                    insp.return_shipping_cost,
                    "inspected_at",
                    (_DECISION_EMAIL,),
                )
                missing = _unpaid(obligations, "item.price", "return_shipping_cost")
            elif outcome is InspectionOutcome.REFUND_REJECTED:
                # A defect or an error the team confirmed is the store's to ship, refund or not.
                payer = shipping.payer_at_inspection(inspected_line(insp))
                obligations = self._obligations(
                    payer,
                    (_DECISION_EMAIL,),
                    return_shipping_reimbursed=(
                        insp.return_shipping_cost if payer is ShippingPayer.STORE else None
                    ),
                )
                missing = _unpaid(obligations, "", "return_shipping_cost")
            return self._decision(
                Stage.INSPECTION,
                outcome,
                insp.order_id,
                item.sku,
                record,
                obligations,
                missing=missing,
            )

        ctx = self._ctx(insp)
        record = Record.of(self._inspected_claim, ctx)
        if record.finding is Finding.PASSED:
            # A covered defect: the remedy ladder decides, and the trace shows both.
            remedy = Record.of(self.remedy_rule, ctx)
            outcome = _remedy_outcome(remedy.evaluation())
            record = Record(self._inspected_defect, remedy.finding, record.results + remedy.results)
        else:
            outcome = _outcome(record, _INSPECTION_OUTCOMES)
        obligations = _DECISION_EMAIL_ONLY
        missing = ()
        if outcome is InspectionOutcome.REPAIR_OR_REPLACE:
            obligations = self._obligations(
                ShippingPayer.STORE,
                (_DECISION_EMAIL,),
                return_shipping_reimbursed=insp.return_shipping_cost,
                options=defects.repair_options(insp),
            )
            missing = _unpaid(obligations, "", "return_shipping_cost")
        elif outcome is InspectionOutcome.PARTIAL_REFUND_OR_STORE_CREDIT:
            # The store picks one; the partial amount is the store's to set, and the
            # window applies only if it refunds.
            options = defects.partial_options(REFUND_TO, self._window(approved_on, "inspected_at"))
            obligations = self._obligations(
                ShippingPayer.STORE,
                (*(_option_notice(o) for o in options), _DECISION_EMAIL),
                return_shipping_reimbursed=insp.return_shipping_cost,
                options=options,
            )
            missing = _unpaid(obligations, "", "return_shipping_cost")
        elif outcome is InspectionOutcome.REFUND_REJECTED:
            obligations = self._obligations(ShippingPayer.CUSTOMER, (_DECISION_EMAIL,))
        return self._decision(
            Stage.INSPECTION, outcome, insp.order_id, item.sku, record, obligations, missing=missing
        )

    def cancellation(self, cancel: CustomOrderCancellation) -> Decision:
        """Stage 5: a custom order cancelled before or after production began."""
        _expect(cancel, CustomOrderCancellation, "custom order cancellation")
        record = Record.of(self.cancellation_rule, self._ctx(cancel))
        outcome = _outcome(record, _CANCELLATION_OUTCOMES)
        obligations = Obligations()
        missing: tuple[str, ...] = ()
        if outcome is CancellationOutcome.REFUNDABLE:
            on = store_date(cancel.cancelled_at, self.terms.tz)
            obligations = self._refund(on, cancel.item.price, None, None, "cancelled_at")
            missing = _unpaid(obligations, "item.price")
        return self._decision(
            Stage.CANCELLATION,
            outcome,
            cancel.order_id,
            cancel.item.sku,
            record,
            obligations,
            missing=missing,
        )

    def exchange(self, req: ExchangeRequest) -> Decision:
        """Stage 6: an exchange for another product, with the price difference settled."""
        _expect(req, ExchangeRequest, "exchange request")
        record = Record.of(self._exchange, self._ctx(req))
        outcome = _outcome(record, _EXCHANGE_OUTCOMES)
        granted = outcome is ExchangeOutcome.APPROVED_PENDING_INSPECTION
        payer, settlement, notices = None, None, self._after_request(granted)
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
        obligations = self._obligations(payer, notices, req.item.item.delivered_at)
        return self._decision(
            Stage.EXCHANGE,
            outcome,
            req.order_id,
            req.item.item.sku,
            record,
            obligations,
            settlement,
        )

    # --- building decisions -----------------------------------------------------------

    def _obligations(
        self,
        payer: ShippingPayer | None,
        notices: tuple[Notice, ...],
        delivered_at: Any = None,
        **more: Any,
    ) -> Obligations:
        """Obligations with §4's shipping notice first and the last days to act, if delivered."""
        if payer is not None:
            # Every obligation cites its provision: §4 for who pays return shipping.
            notices = (_SHIPPING_NOTICES[payer], *notices)
        if delivered_at is not None:
            day0 = store_date(delivered_at, self.terms.tz)
            more["last_day_to_request_return"] = last_day_to_request_return(day0, self.terms)
            more["last_day_to_report_defect"] = last_day_to_report_defect(day0, self.terms)
        return Obligations(return_shipping_paid_by=payer, notices=notices, **more)

    def _window(self, approved_on: date, field: str) -> tuple[date, date]:
        """§4's refund window after ``approved_on``; ``field`` names that date in errors."""
        try:
            return refund_window(approved_on, self.terms)
        except DateOutOfRangeError as exc:
            # Report the case's own field and date: the calendar's argument (a
            # business-day count) means nothing to whoever sent the case.
            first, last = self.terms.calendar.supported_years
            hi = self.terms.refund_max_business_days
            raise DateOutOfRangeError.single(
                field,
                f"a day whose refund window (up to the {ordinal(hi)} business day after it) "
                f"ends within the years {first}-{last} of the calendar's holiday data",
                approved_on.isoformat(),
                exc.context,
            ) from None

    def _refund(
        self,
        approved_on: date,
        amount: Money | None,
        payer: ShippingPayer | None,
        shipping_cost: Money | None,
        field: str,
        then: tuple[Notice, ...] = (),
    ) -> Obligations:
        """An approved refund of ``amount`` within §4's window after ``approved_on``."""
        lo, hi = self.terms.refund_min_business_days, self.terms.refund_max_business_days
        earliest, latest = self._window(approved_on, field)
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
        return self._obligations(
            payer,
            (*notices, *then),
            return_shipping_reimbursed=shipping_cost if payer is ShippingPayer.STORE else None,
            refund_amount=amount,
            refund_to=REFUND_TO,
            refund_earliest=earliest,
            refund_latest=latest,
        )

    def _after_request(self, granted: bool) -> tuple[Notice, ...]:
        """What to tell the customer after a request: how to ship, or whom to ask."""
        return _SHIPPING_ADVICE if granted else self._contact

    def _decision(
        self,
        stage: Stage,
        outcome: Any,
        order_id: str,
        sku: str | None,
        record: Record,
        obligations: Obligations,
        settlement: Settlement | None = None,
        *,
        missing: tuple[str, ...] = (),
    ) -> Decision:
        return Decision._of_record(
            record,
            explain,
            stage,
            outcome,
            order_id,
            sku,
            obligations,
            settlement,
            self.version,
            missing,
        )


def _expect(case: object, cls: type, what: str) -> None:
    if not isinstance(case, cls):
        raise InputError.single("case", f"a {cls.__name__}", type(case).__name__, what)


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

_O = TypeVar("_O")

# (granted, refused, incomplete, needs review) of each stage
_RETURN_OUTCOMES = (
    ReturnOutcome.ELIGIBLE_PENDING_INSPECTION,
    ReturnOutcome.NOT_ELIGIBLE,
    ReturnOutcome.INCOMPLETE,
    ReturnOutcome.NEEDS_REVIEW,
)
_DEFECT_OUTCOMES = (
    DefectClaimOutcome.ACCEPTED_PENDING_INSPECTION,
    DefectClaimOutcome.NOT_COVERED,
    DefectClaimOutcome.INCOMPLETE,
    DefectClaimOutcome.NEEDS_REVIEW,
)
_PARCEL_OUTCOMES = (
    ParcelOutcome.PROCEED_TO_INSPECTION,
    ParcelOutcome.NO_REFUND_PARCEL_LOST,
    ParcelOutcome.NEEDS_REVIEW,
    ParcelOutcome.NEEDS_REVIEW,
)
_INSPECTION_OUTCOMES = (
    InspectionOutcome.REFUND_APPROVED,
    InspectionOutcome.REFUND_REJECTED,
    InspectionOutcome.NEEDS_REVIEW,
    InspectionOutcome.NEEDS_REVIEW,
)
_CANCELLATION_OUTCOMES = (
    CancellationOutcome.REFUNDABLE,
    CancellationOutcome.NOT_REFUNDABLE,
    CancellationOutcome.NEEDS_REVIEW,
    CancellationOutcome.NEEDS_REVIEW,
)
_EXCHANGE_OUTCOMES = (
    ExchangeOutcome.APPROVED_PENDING_INSPECTION,
    ExchangeOutcome.REFUSED,
    ExchangeOutcome.INCOMPLETE,
    ExchangeOutcome.NEEDS_REVIEW,
)


def _outcome(record: Record, outcomes: tuple[_O, _O, _O, _O]) -> _O:
    """Fail closed: only a PASSED finding grants; nothing applicable means review."""
    passed, failed, incomplete, review = outcomes
    if record.finding is Finding.PASSED:
        return passed
    if record.finding is Finding.FAILED:
        return failed
    if record.finding is Finding.UNKNOWN:
        determining = record.evaluation().determining()
        unknown = [leaf.check for leaf in determining if leaf.check is not None]
        if unknown and all(c.customer_action for c in unknown):
            return incomplete
    return review


def _remedy_outcome(remedy: Evaluation) -> InspectionOutcome:
    """The outcome the first passing clause of the ladder selects (its ``outcome``): by
    the role the clause declares, never by its id. A clause that selects no outcome of
    the stage leaves the remedy to a person."""
    if remedy.finding is not Finding.PASSED:
        return InspectionOutcome.NEEDS_REVIEW
    first = next(ev for ev in remedy.determining())
    selected = first.rule.outcome if isinstance(first.rule, Clause) else None
    if selected in _REMEDIES:
        return InspectionOutcome(selected)
    return InspectionOutcome.NEEDS_REVIEW


_REMEDIES = frozenset(
    o.value
    for o in (InspectionOutcome.REPAIR_OR_REPLACE, InspectionOutcome.PARTIAL_REFUND_OR_STORE_CREDIT)
)


def explain(ev: Evaluation) -> tuple[tuple[Reason, ...], tuple[TraceEntry, ...], tuple[str, ...]]:
    """The determining reasons, the full trace and the missing facts of an evaluation."""
    seen: dict[tuple[str, str], Reason] = {}
    for leaf in ev.determining():
        r = _reason(leaf)
        seen.setdefault((r.clause_id, r.message), r)
    trace = tuple(
        TraceEntry(
            depth=depth,
            rule=node.rule.label,
            finding=node.finding,
            message=node.check.message if node.check is not None else "",
        )
        for depth, node in ev.walk()
    )
    missing: dict[str, None] = {}
    for leaf in ev.leaves():
        if leaf.check is not None and leaf.finding is Finding.UNKNOWN:
            missing.update(dict.fromkeys(leaf.check.missing))
    return tuple(seen.values()), trace, tuple(missing)


def _reason(leaf: Evaluation) -> Reason:
    clause = leaf.rule
    check = leaf.check
    assert isinstance(clause, Clause)
    assert check is not None
    return Reason(
        code=check.code or clause.code,
        finding=check.finding,
        clause_id=clause.id,
        section=clause.section,
        sentence=clause.sentence,
        message=check.message,
        facts=check.facts,
        missing=check.missing,
    )


@dataclass(frozen=True, slots=True)
class _Then(_Recorded):
    """``first``, and once it passes, ``then`` decides (the defect remedy after the claim).

    A ``first`` that does not pass is the whole evaluation; otherwise both show,
    under an "all of" node with ``then``'s finding.
    """

    first: Rule
    then: Rule

    def _run(self, ctx: Context[Any], out: list[Any]) -> Finding:
        finding = self.first._run(ctx, out)
        if finding is not Finding.PASSED:
            return finding
        return self.then._run(ctx, out)

    def _rebuild(self, results: Iterator[Any]) -> Evaluation:
        ev = self.first._rebuild(results)
        if ev.finding is not Finding.PASSED:
            return ev
        remedy = self.then._rebuild(results)
        return Evaluation(AllOf.of(self.first, self.then), remedy.finding, (ev, remedy))


def default_policy(**terms: Any) -> Policy:
    """The policy as the text states it; keyword arguments change its terms."""
    return Policy(PolicyTerms(**terms))
