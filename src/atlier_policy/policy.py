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

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any, Literal, TypeAlias, TypeVar

from atlier_policy import clauses as _sec
from atlier_policy.cases import (
    CustomOrderCancellation,
    DefectCause,
    DefectClaim,
    ExchangeRequest,
    Inspection,
    LostParcelReport,
    Money,
    ParcelStatus,
    ReturnLine,
    ReturnReason,
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
    Rule,
    Unless,
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

REFUND_TO = "original payment method"  # §4
_CONFIRMED = frozenset({DefectCause.MANUFACTURING_DEFECT, DefectCause.ARRIVED_DAMAGED})

# --- views: the §1/§2 and §3 rules judged again at later stages ---------------------


def inspected_line(insp: Inspection) -> ReturnLine:
    """The returned item as the quality team found it: their condition findings win.

    The record of a confirmed defect stays the one of the request: a defect found
    while inspecting a *return* does not open the §3 route (whose 3-day notice it
    skipped), so it cannot lift the sale exclusion either; it only moves the
    return shipping cost to the store (§4 "confirmed defect").
    """
    assert isinstance(insp.request, ReturnRequest)  # guaranteed by the evaluator
    return replace(insp.request.lines()[0], condition=insp.condition)


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
    inspection_rule: Rule = eligibility.INSPECTED
    defect_inspection_rule: Rule = defects.CAUSE_COVERED
    remedy_rule: Rule = defects.REMEDY
    cancellation_rule: Rule = non_returnable.PRODUCTION_NOT_BEGUN
    exchange_rule: Rule = exchanges.RULE

    def __post_init__(self) -> None:
        if not isinstance(self.terms, PolicyTerms):
            raise PolicyDefinitionError(
                f"policy: `terms` must be PolicyTerms (got {type(self.terms).__name__})"
            )
        for f in fields(self)[1:]:
            given = getattr(self, f.name)
            if not isinstance(given, Rule):
                raise PolicyDefinitionError(
                    f"policy: `{f.name}` must be a Rule (got {type(given).__name__})"
                )

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
        if name not in {f.name for f in fields(self)[1:]}:
            raise PolicyDefinitionError(f"policy: no rule set named {name!r}")
        rule: Rule = getattr(self, name)
        return rule

    def _rewrite_all(self, clause_id: str, fn: Callable[[Clause], Rule | None]) -> Policy:
        if clause_id not in {c.id for c in self.clauses()}:
            raise PolicyDefinitionError(f"policy: no clause with id {clause_id!r}")
        changes: dict[str, Any] = {}
        for f in fields(self)[1:]:
            new = _rewrite(getattr(self, f.name), fn)
            changes[f.name] = new if new is not None else AllOf(())
        return replace(self, **changes)

    def clauses(self) -> tuple[Clause, ...]:
        """Every clause of every rule set, each once, in rule-set order."""
        seen: dict[str, Clause] = {}
        for f in fields(self)[1:]:
            for c in getattr(self, f.name).clauses():
                seen.setdefault(c.id, c)
        return tuple(seen.values())

    # --- evaluation ---------------------------------------------------------------

    def _ctx(self, case: object) -> Context[Any]:
        return Context(case, self.terms, self.terms.calendar, self.terms.tz)

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
            ev = self.return_rule.evaluate(self._ctx(line))
            outcome = _outcome(
                ev,
                ReturnOutcome.ELIGIBLE_PENDING_INSPECTION,
                ReturnOutcome.NOT_ELIGIBLE,
                ReturnOutcome.INCOMPLETE,
                ReturnOutcome.NEEDS_REVIEW,
            )
            granted = outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
            obligations = replace(
                self._deadlines(line.item.delivered_at),
                return_shipping_paid_by=_payer(line.reason, line.defect_confirmed)
                if granted
                else None,
                notices=self._notices(granted),
            )
            decisions.append(
                self._decision(
                    Stage.RETURN_REQUEST, outcome, req.order_id, line.item.sku, ev, obligations
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
        ev = self.defect_rule.evaluate(self._ctx(claim))
        outcome = _outcome(
            ev,
            DefectClaimOutcome.ACCEPTED_PENDING_INSPECTION,
            DefectClaimOutcome.NOT_COVERED,
            DefectClaimOutcome.INCOMPLETE,
            DefectClaimOutcome.NEEDS_REVIEW,
        )
        granted = outcome is DefectClaimOutcome.ACCEPTED_PENDING_INSPECTION
        obligations = replace(
            self._deadlines(claim.item.delivered_at),
            return_shipping_paid_by=ShippingPayer.CUSTOMER_UNTIL_CONFIRMED if granted else None,
            notices=self._notices(granted),
        )
        return self._decision(
            Stage.DEFECT_CLAIM, outcome, claim.order_id, claim.item.sku, ev, obligations
        )

    def lost_parcel(self, report: LostParcelReport) -> Decision:
        """Stage 3: a return parcel reported lost, in transit or delivered."""
        _expect(report, LostParcelReport, "lost parcel report")
        ev = self.parcel_rule.evaluate(self._ctx(report))
        outcome = _outcome(
            ev,
            ParcelOutcome.PROCEED_TO_INSPECTION,
            ParcelOutcome.NO_REFUND_PARCEL_LOST,
            ParcelOutcome.NEEDS_REVIEW,
            ParcelOutcome.NEEDS_REVIEW,
        )
        if outcome is ParcelOutcome.NEEDS_REVIEW and report.status is ParcelStatus.IN_TRANSIT:
            outcome = ParcelOutcome.AWAITING_PARCEL
        notices: tuple[Notice, ...] = ()
        if outcome is ParcelOutcome.NO_REFUND_PARCEL_LOST:
            advice = (
                "the parcel was insured: the customer can claim from the carrier"
                if report.insured
                else "insured, trackable shipping is recommended for returns"
            )
            notices = (_notice(shipping.INSURED_SHIPPING, "insured_shipping", advice),)
        return self._decision(
            Stage.LOST_PARCEL, outcome, report.order_id, None, ev, Obligations(notices=notices)
        )

    def inspection(self, insp: Inspection) -> Decision:
        """Stage 4: refund approved or rejected, or the defect remedy."""
        _expect(insp, Inspection, "inspection")
        approved_on = store_date(insp.inspected_at, self.terms.tz)
        item = insp.item
        email = _notice(
            shipping.DECISION_EMAIL,
            "decision_email",
            "e-mail the customer the approval or rejection of the refund",
        )
        if isinstance(insp.request, ReturnRequest):
            rule = Focus("inspected item", inspected_line, self.return_rule) & self.inspection_rule
            ev = rule.evaluate(self._ctx(insp))
            outcome = _outcome(
                ev,
                InspectionOutcome.REFUND_APPROVED,
                InspectionOutcome.REFUND_REJECTED,
                InspectionOutcome.NEEDS_REVIEW,
                InspectionOutcome.NEEDS_REVIEW,
            )
            line = inspected_line(insp)
            obligations = Obligations(notices=(email,))
            if outcome is InspectionOutcome.REFUND_APPROVED:
                # A defect the team finds on a return is confirmed: the store pays shipping.
                confirmed = line.defect_confirmed is True or insp.cause in _CONFIRMED
                payer = _payer(line.reason, confirmed, inspected=True)
                obligations = self._refund(
                    approved_on, item.price, payer, insp.return_shipping_cost, email, "inspected_at"
                )
            return self._decision(
                Stage.INSPECTION, outcome, insp.order_id, item.sku, ev, obligations
            )

        rule = (
            Focus("defect claim", claim_at_inspection, self.defect_rule)
            & self.defect_inspection_rule
        )
        ev = rule.evaluate(self._ctx(insp))
        if ev.finding is Finding.PASSED:
            remedy = self.remedy_rule.evaluate(self._ctx(insp))
            ev = Evaluation(AllOf.of(rule, self.remedy_rule), remedy.finding, (ev, remedy))
            outcome = _remedy_outcome(remedy)
        else:
            outcome = _outcome(
                ev,
                InspectionOutcome.REFUND_APPROVED,  # unreachable: the finding is not PASSED
                InspectionOutcome.REFUND_REJECTED,
                InspectionOutcome.NEEDS_REVIEW,
                InspectionOutcome.NEEDS_REVIEW,
            )
        obligations = Obligations(notices=(email,))
        if outcome is InspectionOutcome.REPAIR_OR_REPLACE:
            obligations = Obligations(
                return_shipping_paid_by=ShippingPayer.STORE,
                return_shipping_reimbursed=insp.return_shipping_cost,
                notices=(email,),
            )
        elif outcome is InspectionOutcome.PARTIAL_REFUND_OR_STORE_CREDIT:
            # The partial amount is the store's to set; the window applies if refunded.
            obligations = self._refund(
                approved_on,
                None,
                ShippingPayer.STORE,
                insp.return_shipping_cost,
                email,
                "inspected_at",
            )
        elif outcome is InspectionOutcome.REFUND_REJECTED:
            obligations = Obligations(
                return_shipping_paid_by=ShippingPayer.CUSTOMER, notices=(email,)
            )
        return self._decision(Stage.INSPECTION, outcome, insp.order_id, item.sku, ev, obligations)

    def cancellation(self, cancel: CustomOrderCancellation) -> Decision:
        """Stage 5: a custom order cancelled before or after production began."""
        _expect(cancel, CustomOrderCancellation, "custom order cancellation")
        ev = self.cancellation_rule.evaluate(self._ctx(cancel))
        outcome = _outcome(
            ev,
            CancellationOutcome.REFUNDABLE,
            CancellationOutcome.NOT_REFUNDABLE,
            CancellationOutcome.NEEDS_REVIEW,
            CancellationOutcome.NEEDS_REVIEW,
        )
        obligations = Obligations()
        if outcome is CancellationOutcome.REFUNDABLE:
            on = store_date(cancel.cancelled_at, self.terms.tz)
            obligations = self._refund(on, cancel.item.price, None, None, None, "cancelled_at")
        return self._decision(
            Stage.CANCELLATION, outcome, cancel.order_id, cancel.item.sku, ev, obligations
        )

    def exchange(self, req: ExchangeRequest) -> Decision:
        """Stage 6: an exchange for another product, with the price difference settled."""
        _expect(req, ExchangeRequest, "exchange request")
        rule = Focus("item", exchange_line, self.return_rule) & self.exchange_rule
        ev = rule.evaluate(self._ctx(req))
        outcome = _outcome(
            ev,
            ExchangeOutcome.APPROVED_PENDING_INSPECTION,
            ExchangeOutcome.REFUSED,
            ExchangeOutcome.INCOMPLETE,
            ExchangeOutcome.NEEDS_REVIEW,
        )
        settlement = None
        obligations = self._deadlines(req.item.item.delivered_at)
        price, wanted = req.item.item.price, req.wanted_price
        if outcome is ExchangeOutcome.APPROVED_PENDING_INSPECTION and price and wanted:
            settlement = Settlement.of(price, wanted)
            obligations = replace(
                obligations,
                return_shipping_paid_by=_payer(req.item.reason, req.item.defect_confirmed),
                notices=(
                    _notice(
                        exchanges.PRICE_DIFFERENCE,
                        "price_difference",
                        f"price difference: customer pays {settlement.customer_pays}, "
                        f"store refunds {settlement.store_refunds}",
                    ),
                    *self._notices(True),
                ),
            )
        elif outcome is not ExchangeOutcome.APPROVED_PENDING_INSPECTION:
            obligations = replace(obligations, notices=self._notices(False))
        return self._decision(
            Stage.EXCHANGE, outcome, req.order_id, req.item.item.sku, ev, obligations, settlement
        )

    # --- building decisions -----------------------------------------------------------

    def _deadlines(self, delivered_at: Any) -> Obligations:
        if delivered_at is None:
            return Obligations()
        return Obligations(
            last_day_to_request_return=last_day_to_request_return(delivered_at, self.terms),
            last_day_to_report_defect=last_day_to_report_defect(delivered_at, self.terms),
        )

    def _refund(
        self,
        approved_on: date,
        amount: Money | None,
        payer: ShippingPayer | None,
        shipping_cost: Money | None,
        email: Notice | None,
        field: str,
    ) -> Obligations:
        lo, hi = self.terms.refund_min_business_days, self.terms.refund_max_business_days
        try:
            earliest, latest = refund_window(approved_on, self.terms)
        except DateOutOfRangeError as exc:
            # Report the case's own field and date: the calendar's argument (a
            # business-day count) means nothing to whoever sent the case.
            first, last = self.terms.calendar.supported_years
            raise DateOutOfRangeError.single(
                field,
                f"a day whose refund window (up to the {ordinal(hi)} business day after it) "
                f"ends within the years {first}-{last} of the calendar's holiday data",
                approved_on.isoformat(),
                exc.context,
            ) from None
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
        if email is not None:
            notices.append(email)
        return Obligations(
            return_shipping_paid_by=payer,
            return_shipping_reimbursed=shipping_cost if payer is ShippingPayer.STORE else None,
            refund_amount=amount,
            refund_to=REFUND_TO,
            refund_earliest=earliest,
            refund_latest=latest,
            notices=tuple(notices),
        )

    def _notices(self, granted: bool) -> tuple[Notice, ...]:
        """What to tell the customer after a request: how to ship, or whom to ask."""
        if not granted:
            return (
                _notice(
                    _sec.CONTACT,
                    "contact",
                    f"questions: {self.terms.support_email}, {_sec.SUPPORT_PHONE}",
                ),
            )
        return (
            _notice(
                shipping.INSURED_SHIPPING,
                "insured_shipping",
                "use insured, trackable shipping: "
                "the store cannot be held responsible for lost packages",
            ),
            _notice(
                shipping.DECISION_EMAIL,
                "decision_email",
                "an e-mail will confirm approval or rejection "
                "once the item is received and inspected",
            ),
        )

    def _decision(
        self,
        stage: Stage,
        outcome: Any,
        order_id: str,
        sku: str | None,
        ev: Evaluation,
        obligations: Obligations,
        settlement: Settlement | None = None,
    ) -> Decision:
        payer = obligations.return_shipping_paid_by
        if payer is not None:
            # Every obligation cites its provision: §4 for who pays return shipping.
            cost = _notice(shipping.RETURN_SHIPPING, "return_shipping", _SHIPPING_MESSAGES[payer])
            obligations = replace(obligations, notices=(cost, *obligations.notices))
        return Decision(
            stage=stage,
            outcome=outcome,
            order_id=order_id,
            sku=sku,
            reasons=_reasons(ev),
            trace=_trace(ev),
            obligations=obligations,
            missing=_missing(ev),
            settlement=settlement,
            policy_version=self.version,
        )


def _expect(case: object, cls: type, what: str) -> None:
    if not isinstance(case, cls):
        raise InputError.single("case", f"a {cls.__name__}", type(case).__name__, what)


def _payer(
    reason: ReturnReason | None, defect_confirmed: bool | None, *, inspected: bool = False
) -> ShippingPayer:
    """§4: the customer pays, except for a confirmed defect or an error on our part.

    A store error stated with a request is confirmed by the inspection; until then
    the customer pays and is reimbursed.
    """
    if defect_confirmed is True:
        return ShippingPayer.STORE
    if reason is ReturnReason.STORE_ERROR:
        return ShippingPayer.STORE if inspected else ShippingPayer.CUSTOMER_UNTIL_CONFIRMED
    return ShippingPayer.CUSTOMER


_SHIPPING_MESSAGES = {
    ShippingPayer.CUSTOMER: "the customer pays the return shipping",
    ShippingPayer.STORE: "the store bears the return shipping (confirmed defect or store error)",
    ShippingPayer.CUSTOMER_UNTIL_CONFIRMED: (
        "the customer pays the return shipping now and is reimbursed "
        "if the defect or error is confirmed"
    ),
}


def _notice(provision: Provision, code: str, message: str) -> Notice:
    return Notice(code=code, clause_id=provision.id, section=provision.section, message=message)


_O = TypeVar("_O")


def _outcome(ev: Evaluation, passed: _O, failed: _O, incomplete: _O, review: _O) -> _O:
    """Fail closed: only a PASSED finding grants; nothing applicable means review."""
    if ev.finding is Finding.PASSED:
        return passed
    if ev.finding is Finding.FAILED:
        return failed
    if ev.finding is Finding.UNKNOWN:
        unknown = [leaf.check for leaf in ev.determining() if leaf.check is not None]
        if unknown and all(c.customer_action for c in unknown):
            return incomplete
    return review


def _remedy_outcome(remedy: Evaluation) -> InspectionOutcome:
    if remedy.finding is not Finding.PASSED:
        return InspectionOutcome.NEEDS_REVIEW
    first = next(ev for ev in remedy.determining())
    if first.rule is defects.PARTIAL_REFUND_OR_CREDIT or (
        isinstance(first.rule, Clause) and first.rule.id == defects.PARTIAL_REFUND_OR_CREDIT.id
    ):
        return InspectionOutcome.PARTIAL_REFUND_OR_STORE_CREDIT
    return InspectionOutcome.REPAIR_OR_REPLACE


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


def _reasons(ev: Evaluation) -> tuple[Reason, ...]:
    seen: dict[tuple[str, str], Reason] = {}
    for leaf in ev.determining():
        r = _reason(leaf)
        seen.setdefault((r.clause_id, r.message), r)
    return tuple(seen.values())


def _trace(ev: Evaluation) -> tuple[TraceEntry, ...]:
    return tuple(
        TraceEntry(
            depth=depth,
            rule=node.rule.label,
            finding=node.finding,
            message=node.check.message if node.check is not None else "",
        )
        for depth, node in ev.walk()
    )


def _missing(ev: Evaluation) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for leaf in ev.leaves():
        if leaf.check is not None and leaf.finding is Finding.UNKNOWN:
            out.update(dict.fromkeys(leaf.check.missing))
    return tuple(out)


def default_policy(**terms: Any) -> Policy:
    """The policy as the text states it; keyword arguments change its terms."""
    return Policy(PolicyTerms(**terms))
