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

from collections.abc import Callable, Sequence
from dataclasses import field, replace
from operator import is_
from typing import Any, Literal, TypeAlias, get_args

from atlier_policy._values import value_class
from atlier_policy.cases import (
    CustomOrderCancellation,
    DefectClaim,
    ExchangeRequest,
    Inspection,
    LostParcelReport,
    ReturnRequest,
)
from atlier_policy.clauses import defects, eligibility, exchanges, non_returnable, shipping
from atlier_policy.compiled import Compiled
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
    Patterns,
    Rule,
    Then,
    Unless,
)
from atlier_policy.stages import (
    STAGES,
    StageSpec,
    claim_at_inspection,
    exchange_line,
    find_stage,
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
# The last days the text's clauses declare, each an obligation of the same name.
_TEXT_DEADLINES = frozenset(
    c.deadline.key for c in AllOf.of(_RETURN, _DEFECT).clauses() if c.deadline is not None
)


def _rewrite(rule: Rule, fn: Callable[[Clause], Rule | None]) -> Rule | None:
    """``rule`` with each clause replaced by ``fn(clause)`` (``None`` removes it).

    A node in which no clause changes is kept as it is. A node that changes is rebuilt
    from its named parts, a merchant's subclass with its type and its own fields; one
    whose parts the library cannot rebuild (a rule type of its own, or a subclass whose
    ``parts()`` are not its named parts) is refused, never kept with the clause still in
    it.
    """
    if isinstance(rule, Clause):
        return fn(rule)
    parts = tuple(rule.parts())
    named = _named_parts(rule)
    if named is not None and not _same(parts, named):
        parts = (*parts, *named)  # a subclass's own parts(): each of both must stay as is
        named = None
    new: list[Rule | None] = []
    # A loop, not a comprehension (a frame of its own on 3.11): one frame a level, so
    # that a tree deep enough to evaluate is deep enough to rewrite.
    for part in parts:
        new.append(_rewrite(part, fn))  # noqa: PERF401
    if _same(new, parts):
        return rule
    if isinstance(rule, AllOf | AnyOf) and named is not None:
        kept = [r for r in new if r is not None]
        if not kept:
            return None
        if type(rule) in (AllOf, AnyOf):
            return type(rule).of(*kept)
        return _rebuilt(rule, lambda: replace(rule, rules=tuple(kept)))
    if isinstance(rule, Not | Focus) and named is not None:
        (inner,) = new
        return None if inner is None else _rebuilt(rule, lambda: replace(rule, rule=inner))
    if isinstance(rule, Unless) and named is not None:
        main, other = new
        if main is None or other is None:
            return main  # without its exception, the rule itself
        return _rebuilt(rule, lambda: replace(rule, rule=main, exception=other))
    if isinstance(rule, Then) and named is not None:
        first, decides = new
        if first is None or decides is None:
            return first  # without what it decides by, its first part alone
        return _rebuilt(rule, lambda: replace(rule, first=first, decides=decides))
    raise PolicyDefinitionError(
        f"a clause to change is inside a rule of type {type(rule).__name__}, whose parts "
        "are its own: build that rule again with the clause changed (Policy.with_rule)"
    )


def _named_parts(rule: Rule) -> tuple[Rule, ...] | None:
    """The parts a built-in combinator (or a subclass) is rebuilt from; ``None`` for a
    rule type of its own."""
    if isinstance(rule, AllOf | AnyOf):
        return rule.rules
    if isinstance(rule, Not | Focus):
        return (rule.rule,)
    if isinstance(rule, Unless):
        return (rule.rule, rule.exception)
    if isinstance(rule, Then):
        return (rule.first, rule.decides)
    return None


def _same(new: Sequence[Rule | None], old: tuple[Rule, ...]) -> bool:
    """Whether ``new`` holds the very rules of ``old``, in order."""
    return len(new) == len(old) and all(map(is_, new, old))


def _rebuilt(node: Rule, make: Callable[[], Rule]) -> Rule:
    """``make()``: ``node`` with new parts, its type and other fields kept. A merchant's
    subclass whose fields ``dataclasses.replace`` cannot copy, or whose own checks refuse
    the new parts, is our error."""
    try:
        return make()
    except Exception as exc:  # the merchant's own code, whatever it raises
        raise PolicyDefinitionError(
            f"cannot rebuild a rule of type {type(node).__name__} with a clause changed: "
            f"{type(exc).__name__}: {exc}"
        ) from None


@value_class()
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
    # Derived once from the fields above (see __post_init__).
    _by_case: dict[type, StageSpec] = field(init=False, repr=False, compare=False)
    # The text's last days that no clause of this policy declares (none, unless a clause
    # that declares one was removed or replaced): its decisions state no such day.
    _undeclared: frozenset[str] = field(init=False, repr=False, compare=False)
    # Whether a rule set's clauses declare an outcome, by rule set (or stage) name.
    _selecting: dict[str, bool] = field(init=False, repr=False, compare=False)
    # Every rule set by name: the fields above and the derived ones.
    _rules: dict[str, Rule] = field(init=False, repr=False, compare=False)
    # The explanations of this policy's decisions, built once per pattern and shared.
    _patterns: Patterns = field(init=False, repr=False, compare=False)
    # Every rule set compiled once (atlier_policy.compiled), by the names of `_selecting`.
    _compiled: Compiled = field(init=False, repr=False, compare=False)

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
        _distinct_stages(self.stages)
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
        object.__setattr__(self, "_by_case", {spec.case: spec for spec in self.stages})
        rules = {**derived, **{n: getattr(self, n) for n in _RULE_SETS}}
        object.__setattr__(self, "_rules", dict(rules))
        rules.update({_own(s): s.rule for s in self.stages if s.rule is not None})
        selecting = {k: _selects(r) for k, r in rules.items()}
        object.__setattr__(self, "_selecting", selecting)
        declared = {c.deadline.key for c in self.clauses() if c.deadline is not None}
        object.__setattr__(self, "_undeclared", _TEXT_DEADLINES - declared)
        object.__setattr__(self, "_patterns", Patterns())
        object.__setattr__(self, "_compiled", Compiled(rules))

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
        _distinct_stages((*self.stages, stage))
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

    def clauses(self, stage: StageSpec | None = None) -> tuple[Clause, ...]:
        """Every clause of every rule set, each once, in rule-set order; with ``stage``,
        those that can apply to a case of that stage (not another added stage's own)."""
        seen: dict[str, Clause] = {}
        rules = [getattr(self, name) for name in _RULE_SETS]
        specs = self.stages if stage is None else (stage,)
        rules += [spec.rule for spec in specs if spec.rule is not None]
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
        found = self._rules.get(name)
        return found if found is not None else self._rule_set(name)

    def record(self, rule_set: str, case: object) -> Evaluation:
        """What one of this policy's rule sets finds on ``case`` (a value of the facts
        that rule set reads), under its terms: for tools that follow the policy's own
        clauses rather than re-encoding them."""
        return self.rule(rule_set).evaluate(self._ctx(case))

    def stage_of(self, case: object) -> StageSpec:
        """The stage a case belongs to (an :class:`InputError` for anything else)."""
        return find_stage(self.stages, case, self._by_case)

    def evaluate(self, case: Any) -> Decision | OrderDecision:
        """Evaluate a case of any stage: each item judged by the stage's rule set, the
        outcome chosen by the roles of what decided, and what follows from it."""
        spec = self.stage_of(case)
        rule = spec.rule
        if rule is None:
            name = spec.rule_set_of(case)
            rule = self.rule(name)
        else:
            name = _own(spec)
        selects = self._selecting.get(name)
        if selects is None:  # a name only an overridden `rule` knows: judge its rule now
            selects = _selects(rule)
        items = spec.items(case)
        if not items:
            raise PolicyDefinitionError(f"stage {spec.name}: `items` gave nothing to judge")
        decisions = []
        terms = self.terms
        run = self._compiled.run(name, rule)
        for item in items:
            ev = run(Context(item, terms, terms.calendar, terms.tz))
            outcome = _outcome(ev, spec, case, selects)
            then = spec.consequence(terms, case, item, outcome)
            order_id, sku = spec.subject(case, item)
            decisions.append(
                Decision(
                    stage=spec.name,
                    outcome=outcome,
                    order_id=order_id,
                    sku=sku,
                    obligations=(
                        replace(then.obligations, **_none(self._undeclared))
                        if self._undeclared
                        else then.obligations
                    ),
                    settlement=then.settlement,
                    policy_version=self.version,
                    explanation=Explanation(ev, then.missing, self._patterns, rule),
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


def _outcome(ev: Evaluation, spec: StageSpec, case: Any, selects: bool) -> Outcome:
    """Fail closed: only a passing rule set grants; the outcome follows the role of what
    decided it (a clause or a check may select an outcome of that role), never an id.

    A pass grants the outcome the first passing clause selects (the first rung of a
    ladder that passes decides), else the stage's own grant; a stage that needs a
    selection reviews without one, and reviews when the rule its ``then`` decides by
    fails (no rung of a remedy ladder applies: a person decides). An unknown that only
    the customer can supply is "incomplete" where the stage has such an outcome;
    nothing applicable is "needs review". ``selects``: whether a clause of the rule set
    declares an outcome (else a pass needs no walk to find one).
    """
    finding = ev.finding
    if finding is Finding.PASSED:
        chosen = spec.member(_selected(ev)) if selects else None
        if chosen is not None and chosen.role is Role.GRANTED:
            return chosen
        granted = spec.granted(case)
        return granted if granted is not None else spec.first(Role.REVIEW)
    if finding is Finding.NOT_APPLICABLE:
        return spec.first(Role.REVIEW)
    role = _ROLE_OF[finding]
    leaves = list(ev.determining())
    if (
        finding is Finding.UNKNOWN
        and leaves
        and all(leaf.check is not None and leaf.check.customer_action for leaf in leaves)
    ):
        role = Role.INCOMPLETE
    elif finding is Finding.FAILED and spec.granted(case) is None and _undecided(ev):
        role = Role.REVIEW
    for leaf in leaves:
        assert leaf.check is not None  # determining leaves are clauses'
        chosen = spec.member(leaf.check.outcome)
        if chosen is not None and chosen.role is role:
            return chosen
    return spec.first(role)


def _selected(ev: Evaluation) -> str | None:
    """The outcome the first passing clause of a passing evaluation selects, if any.

    Depth first over the passing parts; of an "any of", only the first passing part
    (the rung that decided); under a "not", nothing (a failure inside selects nothing).
    """
    stack = [ev]
    while stack:
        node = stack.pop()
        check = node.check
        if check is not None:
            rule = node.rule
            if isinstance(rule, Clause) and rule.outcome is not None:
                return rule.outcome
            continue
        rule = node.rule
        if isinstance(rule, Not):
            continue
        passing = [p for p in node.parts if p.finding is Finding.PASSED]
        if isinstance(rule, AnyOf):
            passing = passing[:1]
        stack.extend(reversed(passing))
    return None


def _undecided(ev: Evaluation) -> bool:
    """Whether a ``then`` failed in what it decides by, once its condition passed."""
    stack = [ev]
    while stack:
        node = stack.pop()
        if isinstance(node.rule, Then) and len(node.parts) == 2:
            return True
        stack.extend(p for p in node.parts if p.finding is Finding.FAILED)
    return False


def _selects(rule: Rule) -> bool:
    """Whether a clause of ``rule`` declares an outcome (else a pass needs no walk)."""
    return any(c.outcome is not None for c in rule.clauses())


def _distinct_stages(stages: tuple[StageSpec, ...]) -> None:
    """Each stage its own name and case class; none for every object (``object``)."""
    names: set[str] = set()
    cases: set[type] = set()
    for s in stages:
        if s.case is object:
            raise PolicyDefinitionError(
                f"policy: stage {s.name!r} must judge a case class, not every object"
            )
        if s.name in names:
            raise PolicyDefinitionError(f"policy: a stage named {s.name!r} exists already")
        if s.case in cases:
            raise PolicyDefinitionError(
                f"policy: a stage for {s.case.__name__} cases exists already"
            )
        names.add(s.name)
        cases.add(s.case)


def _own(spec: StageSpec) -> str:
    """The key of a stage's own rule set among the policy's rule sets."""
    return f"stage {spec.name}"


def _none(names: frozenset[str]) -> dict[str, Any]:
    return dict.fromkeys(names)


def default_policy(**terms: Any) -> Policy:
    """The policy as the text states it; keyword arguments change its terms."""
    return Policy(PolicyTerms(**terms))
