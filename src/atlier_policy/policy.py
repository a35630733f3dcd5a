"""The policy: terms plus rule sets, and one evaluation for every stage.

:func:`default_policy` assembles the clauses of the text with the text's terms.
A variant is one call away::

    >>> fourteen = default_policy().with_terms(return_window_days=14)
    >>> fourteen.terms.return_window_days
    14

and so is a policy with an extra, a removed or a swapped clause
(:meth:`Policy.with_rule`, :meth:`Policy.without_clause`,
:meth:`Policy.replace_clause`), or an extra stage (:meth:`Policy.with_stage`).
:meth:`Policy.evaluate` judges a case of any stage the policy knows: the stage
table (:mod:`atlier_policy.stages`) says what judges it and what follows. The
outcome follows the role a clause plays, never its id. Evaluation is pure: no
clock, no I/O, inputs untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeAlias, get_args

from atlier_policy.cases import (
    CustomOrderCancellation,
    DefectClaim,
    ExchangeRequest,
    Inspection,
    LostParcelReport,
    ReturnRequest,
)
from atlier_policy.clauses import defects, eligibility, exchanges, non_returnable, shipping
from atlier_policy.decision import Decision, OrderDecision, Outcome, Role
from atlier_policy.errors import InputError, PolicyDefinitionError
from atlier_policy.rules import (
    AllOf,
    AnyOf,
    Clause,
    Context,
    Evaluation,
    Explanation,
    Finding,
    Focus,
    Not,
    Rule,
    Then,
    Unless,
)
from atlier_policy.stages import (
    STAGES,
    StageSpec,
    claim_at_inspection,
    exchange_line,
    inspected_line,
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
"""A case of one of the text's six stages (the table, ``stages.STAGES``, lists them)."""

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
    if isinstance(rule, Unless | Then):
        main, other = (_rewrite(p, fn) for p in rule.parts())
        if main is None:
            return None
        return main if other is None else type(rule)(main, other)
    if isinstance(rule, Focus):
        inner = _rewrite(rule.rule, fn)
        return None if inner is None else replace(rule, rule=inner)
    return rule  # a merchant's own rule type: kept whole


@dataclass(frozen=True, slots=True)
class Policy:
    """Terms plus the rule set of each stage, and the stages it judges.

    ``return_rule`` judges one item of a return (§1 and §2); it is judged again
    on the inspected item and on an item to exchange. ``defect_rule`` judges a
    defect claim (§3), again at inspection together with
    ``defect_inspection_rule``; ``remedy_rule`` is the remedy ladder. ``stages`` is
    the stage table (the text's six by default).
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
    stages: tuple[StageSpec, ...] = STAGES
    # The rule sets the stages combine, derived once from the fields above.
    _derived: dict[str, Rule] = field(init=False, repr=False, compare=False)
    _by_case: dict[type, StageSpec] = field(init=False, repr=False, compare=False)

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
        if not isinstance(self.stages, tuple) or not all(
            isinstance(s, StageSpec) for s in self.stages
        ):
            raise PolicyDefinitionError("policy: `stages` must be a tuple of StageSpec")
        claim = (
            Focus("defect claim", claim_at_inspection, self.defect_rule)
            & self.defect_inspection_rule
        )
        derived = {
            "inspected_return": (
                Focus("inspected item", inspected_line, self.return_rule) & self.inspection_rule
            ),
            "inspected_claim": Then(claim, self.remedy_rule),
            "exchange": Focus("item", exchange_line, self.return_rule) & self.exchange_rule,
        }
        object.__setattr__(self, "_derived", derived)
        object.__setattr__(self, "_by_case", {spec.case: spec for spec in self.stages})

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

    def with_stage(self, stage: StageSpec) -> Policy:
        """This policy judging one more stage (its cases, with its own rule set)."""
        if not isinstance(stage, StageSpec) or stage.rule is None:
            raise PolicyDefinitionError("policy: a stage added must be a StageSpec with a rule")
        taken = {s.name for s in self.stages} | {s.case for s in self.stages}
        if stage.name in taken or stage.case in taken:
            raise PolicyDefinitionError(f"policy: a stage named {stage.name!r} exists already")
        return replace(self, stages=(*self.stages, stage))

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
        stages = []
        for spec in self.stages:
            if spec.rule is not None:
                own = _rewrite(spec.rule, fn)
                spec = replace(spec, rule=own if own is not None else AllOf(()))
            stages.append(spec)
        return replace(self, **changes, stages=tuple(stages))

    def clauses(self) -> tuple[Clause, ...]:
        """Every clause of every rule set, each once, in rule-set order."""
        seen: dict[str, Clause] = {}
        rules = [getattr(self, name) for name in _RULE_SETS]
        rules += [spec.rule for spec in self.stages if spec.rule is not None]
        for rule in rules:
            for c in rule.clauses():
                seen.setdefault(c.id, c)
        return tuple(seen.values())

    # --- evaluation ---------------------------------------------------------------

    def _ctx(self, case: object) -> Context[Any]:
        return Context(case, self.terms, self.terms.calendar, self.terms.tz)

    def rule(self, name: str) -> Rule:
        """A rule set by name: one of :data:`RuleSet`, or one the stages combine
        (``inspected_return``, ``inspected_claim``, ``exchange``)."""
        derived = self._derived.get(name)
        return derived if derived is not None else self._rule_set(name)

    def record(self, rule_set: str, case: object) -> Evaluation:
        """What one of this policy's rule sets finds on ``case`` (a value of the facts
        that rule set reads), under its terms: for tools that follow the policy's own
        clauses rather than re-encoding them."""
        return self.rule(rule_set).evaluate(self._ctx(case))

    def stage_of(self, case: object) -> StageSpec:
        """The stage a case belongs to (an :class:`InputError` for anything else)."""
        spec = self._by_case.get(type(case))
        if spec is None:
            names = ", ".join(s.name for s in self.stages)
            raise InputError.single(
                "case", f"a case of one of the stages ({names})", type(case).__name__, "evaluate"
            )
        return spec

    def evaluate(self, case: Any) -> Decision | OrderDecision:
        """Evaluate a case of any stage: each item judged by the stage's rule set, the
        outcome chosen by the roles of what decided, and what follows from it."""
        spec = self.stage_of(case)
        rule = spec.rule if spec.rule is not None else self.rule(spec.rule_set_of(case))
        decisions = []
        for item in spec.items(case):
            ev = rule.evaluate(self._ctx(item))
            outcome = _outcome(ev, spec, case)
            then = spec.consequence(self.terms, case, item, outcome)
            order_id, sku = spec.subject(case, item)
            decisions.append(
                Decision(
                    stage=spec.name,
                    outcome=outcome,
                    order_id=order_id,
                    sku=sku,
                    obligations=then.obligations,
                    settlement=then.settlement,
                    policy_version=self.version,
                    explanation=Explanation(ev, then.missing),
                )
            )
        if spec.per_item:
            return OrderDecision(
                order_id=decisions[0].order_id,
                stage=spec.name,
                items=tuple(decisions),
                policy_version=self.version,
            )
        return decisions[0]

    def _of(self, case: object, cls: type, what: str) -> Any:
        if not isinstance(case, cls):
            raise InputError.single("case", f"a {cls.__name__}", type(case).__name__, what)
        return self.evaluate(case)

    # The stages by name, for callers that know theirs (the same evaluation).

    def return_request(self, req: ReturnRequest) -> OrderDecision:
        """Stage 1: each item of a return request, eligible pending inspection or not."""
        result: OrderDecision = self._of(req, ReturnRequest, "return request")
        return result

    def defect_claim(self, claim: DefectClaim) -> Decision:
        """Stage 2: a damage or defect report, in time and complete, or not."""
        result: Decision = self._of(claim, DefectClaim, "defect claim")
        return result

    def lost_parcel(self, report: LostParcelReport) -> Decision:
        """Stage 3: a return parcel reported lost, in transit or delivered."""
        result: Decision = self._of(report, LostParcelReport, "lost parcel report")
        return result

    def inspection(self, insp: Inspection) -> Decision:
        """Stage 4: refund approved or rejected, or the defect remedy."""
        result: Decision = self._of(insp, Inspection, "inspection")
        return result

    def cancellation(self, cancel: CustomOrderCancellation) -> Decision:
        """Stage 5: a custom order cancelled before or after production began."""
        result: Decision = self._of(cancel, CustomOrderCancellation, "custom order cancellation")
        return result

    def exchange(self, req: ExchangeRequest) -> Decision:
        """Stage 6: an exchange for another product, with the price difference settled."""
        result: Decision = self._of(req, ExchangeRequest, "exchange request")
        return result


_ROLE_OF = {
    Finding.PASSED: Role.GRANTED,
    Finding.FAILED: Role.REFUSED,
    Finding.UNKNOWN: Role.REVIEW,
    Finding.NOT_APPLICABLE: Role.REVIEW,
}


def _outcome(ev: Evaluation, spec: StageSpec, case: Any) -> Outcome:
    """Fail closed: only a passing rule set grants; the outcome follows the role of what
    decided it (a clause or a check may select an outcome of that role), never an id.

    An unknown that only the customer can supply is "incomplete" where the stage has
    such an outcome; nothing applicable, or a grant no clause selects where the stage
    needs one, is "needs review".
    """
    role = _ROLE_OF[ev.finding]
    leaves = list(ev.determining())
    checks = [leaf.check for leaf in leaves if leaf.check is not None]
    unknown = ev.finding is Finding.UNKNOWN
    if unknown and checks and all(c.customer_action for c in checks):
        role = Role.INCOMPLETE
    if role is Role.REFUSED and leaves and all(_selects(leaf) for leaf in leaves):
        # Only clauses that select an outcome (the rungs of a remedy ladder) failed: no
        # outcome is selected, which refuses nothing: a person decides.
        role = Role.REVIEW
    for leaf in leaves:
        check = leaf.check
        assert check is not None  # determining leaves are clauses'
        named = check.outcome
        if named is None and check.finding is Finding.PASSED and isinstance(leaf.rule, Clause):
            named = leaf.rule.outcome
        chosen = _member(spec, named)
        if chosen is not None and chosen.role is role:
            return chosen
    if role is Role.GRANTED:
        granted = spec.granted(case)
        if granted is not None:
            return granted
        role = Role.REVIEW
    return _first(spec, role)


def _selects(leaf: Evaluation) -> bool:
    return isinstance(leaf.rule, Clause) and leaf.rule.outcome is not None


def _member(spec: StageSpec, value: str | None) -> Outcome | None:
    if value is None:
        return None
    return next((o for o in spec.outcomes if o.value == value), None)


def _first(spec: StageSpec, role: Role) -> Outcome:
    """The stage's first outcome of ``role``; a stage without an "incomplete" outcome
    reviews instead."""
    found = next((o for o in spec.outcomes if o.role is role), None)
    if found is None:
        found = next(o for o in spec.outcomes if o.role is Role.REVIEW)
    return found


def default_policy(**terms: Any) -> Policy:
    """The policy as the text states it; keyword arguments change its terms."""
    return Policy(PolicyTerms(**terms))
