"""The rule algebra: three-valued findings, leaf clauses, their combinators, and the one
evaluation path from a rule to the reasons, trace and missing facts of a decision.

A rule looks at the facts of a case (through a :class:`Context`) and gives a
:class:`Finding`: ``PASSED``, ``FAILED``, ``UNKNOWN`` (a fact is missing or
unknown, so the rule cannot decide) or ``NOT_APPLICABLE`` (the rule's scope does
not cover the case). Rules compose:

- ``a & b`` all of (strong Kleene "and"; not-applicable parts are ignored),
- ``a | b`` any of,
- ``~a`` not,
- ``a.unless(b)`` "a, unless b": ``a`` may fail only while ``b`` does not hold,
- ``a.then(b)`` "a, and once it passes, b decides" (a claim, then its remedy).

Composition flattens (``(a & b) & c`` is one all-of of three parts) and
``str(rule)`` reads like the expression. Python's ``and``/``or``/``not`` cannot
be overloaded and would silently drop a rule, so ``bool(rule)`` raises.

A rule is evaluated once, into an :class:`Evaluation` (the tree of what each part
found); :func:`explain` derives the determining reasons, the trace and the missing
facts from it, and an :class:`Explanation` does so on first read.

>>> yes = Clause("demo.yes", "0", "Always.", "never_fails", lambda ctx: Check.passed("ok"))
>>> no = Clause("demo.no", "0", "Never.", "always_fails", lambda ctx: Check.failed("no"))
>>> str(yes & no & ~no)
'(demo.yes & demo.no & ~demo.no)'
>>> (yes & no).evaluate(Context(case=None)).finding
<Finding.FAILED: 'failed'>
>>> yes.unless(no).evaluate(Context(case=None)).finding
<Finding.PASSED: 'passed'>
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import field, replace
from datetime import UTC, date, tzinfo
from typing import Any, Generic, NamedTuple, TypeVar

from atlier_policy._values import value_class
from atlier_policy.errors import PolicyDefinitionError

__all__ = [
    "AllOf",
    "AnyOf",
    "Check",
    "Clause",
    "Context",
    "Deadline",
    "Evaluation",
    "Explanation",
    "Finding",
    "Focus",
    "Not",
    "Patterns",
    "Provision",
    "Reason",
    "Rule",
    "Then",
    "TraceEntry",
    "Unless",
    "explain",
]

C = TypeVar("C")


class Finding(enum.Enum):
    """What a rule found."""

    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"

    # Members are singletons compared by identity: hashing by identity (in C) agrees,
    # and tables keyed by findings skip Enum's Python-level hash of the name.
    __hash__ = object.__hash__

    def __invert__(self) -> Finding:
        return _NEGATED[self]


_NEGATED = {
    Finding.PASSED: Finding.FAILED,
    Finding.FAILED: Finding.PASSED,
    Finding.UNKNOWN: Finding.UNKNOWN,
    Finding.NOT_APPLICABLE: Finding.NOT_APPLICABLE,
}


@value_class()
class Context(Generic[C]):
    """What a rule may look at: the case, the policy's terms and calendar, the store zone.

    Rules read nothing else: no clock, no environment, no global registry.
    ``terms`` and ``calendar`` are typed loosely here to keep this module free of
    policy specifics; the clauses know their concrete types.
    """

    case: C
    terms: Any = None
    calendar: Any = None
    tz: tzinfo = UTC

    def __init__(
        self,
        case: C,
        terms: Any = None,
        calendar: Any = None,
        tz: tzinfo = UTC,
    ) -> None:
        # Written out (a hot path): value_class's generic one is twice as slow.
        put = object.__setattr__
        put(self, "case", case)
        put(self, "terms", terms)
        put(self, "calendar", calendar)
        put(self, "tz", tz)


@value_class()
class Check:
    """The result of one leaf rule on one case.

    ``message`` is plain English with the actual dates and amounts; ``facts``
    the facts it used, as ``(name, value)`` pairs of strings; ``missing`` the
    facts it needed and did not get (only with ``UNKNOWN``). ``code`` overrides
    the clause's reason code when one clause can fail in several ways.
    ``customer_action`` marks an unknown that the customer can supply (photos,
    proof of purchase): the case is then "incomplete" rather than "needs review".
    ``outcome`` names the outcome of the stage this result selects when it decides a
    refusal or an unknown (a parcel still in transit is awaited rather than reviewed);
    a pass selects by its clause's declared ``outcome``. ``shared`` is the reason of a
    result a clause computes once (see :meth:`for_clause`): every explanation that cites
    it shares that one immutable value. It is not an argument: a copy made with
    ``dataclasses.replace`` (a store's clause rewording a result) has none, so its
    reason is built from what the copy says.
    """

    finding: Finding
    message: str
    facts: tuple[tuple[str, str], ...] = ()
    missing: tuple[str, ...] = ()
    code: str | None = None
    customer_action: bool = False
    outcome: str | None = None
    shared: Reason | None = field(default=None, init=False, compare=False, repr=False)

    def __init__(
        self,
        finding: Finding,
        message: str,
        facts: tuple[tuple[str, str], ...] = (),
        missing: tuple[str, ...] = (),
        code: str | None = None,
        customer_action: bool = False,
        outcome: str | None = None,
    ) -> None:
        # Written out (a hot path): value_class's generic one is twice as slow.
        put = object.__setattr__
        put(self, "finding", finding)
        put(self, "message", message)
        put(self, "facts", facts)
        put(self, "missing", missing)
        put(self, "code", code)
        put(self, "customer_action", customer_action)
        put(self, "outcome", outcome)
        put(self, "shared", None)

    def for_clause(self, id: str, section: str, sentence: str, code: str) -> Check:
        """This result with its reason built once, for a clause that computes its results
        once (a yes/no clause's three): explanations share it instead of rebuilding it."""
        reason = Reason(
            code=self.code or code,
            finding=self.finding,
            clause_id=id,
            section=section,
            sentence=sentence,
            message=self.message,
            facts=self.facts,
            missing=self.missing,
        )
        made = replace(self)
        object.__setattr__(made, "shared", reason)  # not an argument: see the class
        return made

    @classmethod
    def passed(cls, message: str, **facts: object) -> Check:
        return cls(Finding.PASSED, message, _facts(facts))

    @classmethod
    def failed(cls, message: str, *, code: str | None = None, **facts: object) -> Check:
        return cls(Finding.FAILED, message, _facts(facts), code=code)

    @classmethod
    def unknown(
        cls, message: str, *missing: str, code: str | None = None, **facts: object
    ) -> Check:
        return cls(Finding.UNKNOWN, message, _facts(facts), tuple(missing), code=code)

    @classmethod
    def incomplete(cls, message: str, *missing: str, **facts: object) -> Check:
        """Unknown until the customer supplies ``missing``."""
        return cls(Finding.UNKNOWN, message, _facts(facts), tuple(missing), customer_action=True)

    @classmethod
    def not_applicable(cls, message: str, **facts: object) -> Check:
        return cls(Finding.NOT_APPLICABLE, message, _facts(facts))


def _facts(facts: dict[str, object]) -> tuple[tuple[str, str], ...]:
    return tuple([(k, _fact_text(v)) for k, v in facts.items()])


def _fact_text(value: object) -> str:
    if value is None:
        return "unknown"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, date):  # dates and datetimes
        return value.isoformat()
    return str(value)


# The hot path builds evaluations with tuple.__new__ directly: the same value as
# Evaluation(...), without NamedTuple's Python-level __new__ (one call per rule node).
_NEW = tuple.__new__


class Evaluation(NamedTuple):
    """A rule's finding on a case, with the evaluations of its parts: the one record of
    an evaluation, from which reasons, trace and missing facts are derived.

    ``check`` is set on leaves (whose ``rule`` is a :class:`Clause`). A light,
    immutable tuple: one is built per rule node evaluated.
    """

    rule: Rule
    finding: Finding
    parts: tuple[Evaluation, ...] = ()
    check: Check | None = None

    def leaves(self) -> Iterator[Evaluation]:
        """Every leaf evaluation, depth first."""
        if self.check is not None:
            yield self
        for part in self.parts:
            yield from part.leaves()

    def walk(self, depth: int = 0) -> Iterator[tuple[int, Evaluation]]:
        """Every node with its depth, depth first: the full trace."""
        yield depth, self
        for part in self.parts:
            yield from part.walk(depth + 1)

    def determining(self) -> Iterator[Evaluation]:
        """The leaves that decided this node's finding.

        For a failure: every failing part (all of them, not only the first);
        for an unknown: every part that could not decide; for a pass of an
        ``unless``: the exception that lifted the failure.
        """
        if self.check is not None:
            yield self
            return
        yield from self.rule._determining(self)


@value_class()
class Provision:
    """A sentence that gives an obligation or advice rather than a finding.

    Decisions cite provisions in their obligations (who pays return shipping,
    the refund window, what to tell the customer). ``fix`` (optional) says how a
    reason citing the provision can be lifted, as a clause's does; ``wording``
    (optional) gives the message templates of a notice citing it, ``wording(notice,
    decision)``, where they depend on the decision (who pays, a settlement...).
    """

    id: str
    section: str
    sentence: str
    fix: Callable[[Any], Any] | None = field(default=None, kw_only=True, compare=False)
    wording: Callable[[Any, Any], tuple[str, ...]] | None = field(
        default=None, kw_only=True, compare=False
    )


@value_class()
class Deadline:
    """When a clause applies on a timeline: the last day it allows, counted from the
    delivery (``last(delivered, terms)``), named ``key`` and labelled ``label``.

    ``gated_by`` names the policy's rule set a piece must not fail for good (a final
    failure) for the deadline to apply to it: a piece §2 excludes has no last day to
    request a return.
    """

    key: str
    label: str
    last: Callable[[date, Any], date]
    gated_by: str | None = None


class Rule(ABC):
    """A rule of the policy. Subclass :class:`Clause` for a leaf rule."""

    __slots__ = ()

    @abstractmethod
    def evaluate(self, ctx: Context[Any]) -> Evaluation:
        """Evaluate the rule on the case in ``ctx``, once, into its evaluation tree."""

    def _determining(self, ev: Evaluation) -> Iterator[Evaluation]:
        for part in ev.parts:
            if part.finding is ev.finding:
                yield from part.determining()

    def clauses(self) -> Iterator[Clause]:
        """Every leaf clause of this rule, depth first."""
        for part in self.parts():
            yield from part.clauses()

    def parts(self) -> tuple[Rule, ...]:
        return ()

    @property
    def label(self) -> str:
        """A short name for this node in a trace (``str()`` gives the whole expression)."""
        return type(self).__name__

    def __and__(self, other: Rule) -> Rule:
        return AllOf.of(self, _rule(other, "&"))

    def __rand__(self, other: Rule) -> Rule:
        return AllOf.of(_rule(other, "&"), self)

    def __or__(self, other: Rule) -> Rule:
        return AnyOf.of(self, _rule(other, "|"))

    def __ror__(self, other: Rule) -> Rule:
        return AnyOf.of(_rule(other, "|"), self)

    def __invert__(self) -> Rule:
        # Only the built-in "not" cancels out: a merchant's subclass is a rule of its own.
        return self.rule if type(self) is Not else Not(self)

    def unless(self, exception: Rule) -> Rule:
        """``self``, except that it cannot fail while ``exception`` holds."""
        return Unless(self, _rule(exception, "unless"))

    def then(self, decides: Rule) -> Rule:
        """``self``, and once it passes, ``decides`` gives the finding."""
        return Then(self, _rule(decides, "then"))

    def __bool__(self) -> bool:
        raise TypeError(
            f"a rule has no truth value: use `&`, `|` and `~` to combine rules, "
            f"not `and`, `or`, `not` (rule: {self})"
        )


def _rule(value: object, op: str) -> Rule:
    if not isinstance(value, Rule):
        raise PolicyDefinitionError(
            f"rule algebra: both sides of `{op}` must be rules (got {type(value).__name__})"
        )
    return value


@value_class(eq=False)
class Clause(Rule):
    """A leaf rule: one sentence of the policy (or of a merchant's addition).

    ``id`` is stable (reason codes and the clause map refer to it), ``section``
    names the policy section ("1" ... "6", or the merchant's own), ``sentence``
    quotes the text it encodes, ``code`` is the machine reason code given when
    it fails, and ``check`` is a pure function of the context.

    What the clause means beyond its check is declared with it, so that the
    evaluator and the tools read it instead of matching on the id:

    - ``outcome``: for a clause of a ladder (an any-of whose first passing part
      picks the result, like §3's remedies), the value of the outcome it selects;
    - ``final``: a failure is a fact of the piece that no later act lifts (custom,
      engraved, worn, bought elsewhere...);
    - ``fix``: how a failing or unknown reason of the clause can be lifted, for "how
      to qualify" (a function of an :class:`~atlier_policy.advice.FixContext`);
    - ``deadline``: the last day the clause allows, for a timeline;
    - ``wording``: the variant of its message template for a reason of a decision
      (``reason.<code>.<finding>.<variant>``), when the wording depends on the case:
      ``wording(reason, decision, asked)``, ``asked`` the day the customer asked.

    A clause with the same check under a new id (``dataclasses.replace(c, id=...)``)
    keeps these declarations, and with them every outcome.
    """

    id: str
    section: str
    sentence: str
    code: str
    check: Callable[[Context[Any]], Check] = field(repr=False)
    outcome: str | None = field(default=None, kw_only=True)
    final: bool = field(default=False, kw_only=True)
    fix: Callable[[Any], Any] | None = field(default=None, kw_only=True, repr=False)
    deadline: Deadline | None = field(default=None, kw_only=True, repr=False)
    wording: Callable[[Any, Any, Any], str | None] | None = field(
        default=None, kw_only=True, repr=False
    )

    def evaluate(self, ctx: Context[Any]) -> Evaluation:
        result = self.check(ctx)
        return _NEW(Evaluation, (self, result.finding, (), result))

    def clauses(self) -> Iterator[Clause]:
        yield self

    @property
    def label(self) -> str:
        return self.id

    def __str__(self) -> str:
        return self.id

    # Clauses are identified by their id and declarations (their check is a function,
    # which would otherwise make equal clauses unequal after pickling).
    def __eq__(self, other: object) -> bool:
        return isinstance(other, Clause) and self._key() == other._key()

    def _key(self) -> tuple[object, ...]:
        return (self.id, self.section, self.sentence, self.code, self.outcome, self.final)

    def __hash__(self) -> int:
        return hash(("Clause", self.id))


def _combine_all(findings: list[Finding]) -> Finding:
    if Finding.FAILED in findings:
        return Finding.FAILED
    if Finding.UNKNOWN in findings:
        return Finding.UNKNOWN
    if Finding.PASSED in findings:
        return Finding.PASSED
    return Finding.NOT_APPLICABLE


def _combine_any(findings: list[Finding]) -> Finding:
    if Finding.PASSED in findings:
        return Finding.PASSED
    if Finding.UNKNOWN in findings:
        return Finding.UNKNOWN
    if Finding.FAILED in findings:
        return Finding.FAILED
    return Finding.NOT_APPLICABLE


@value_class()
class AllOf(Rule):
    """All parts must pass; a failure anywhere fails; not-applicable parts are ignored."""

    rules: tuple[Rule, ...]

    @classmethod
    def of(cls, *rules: Rule) -> AllOf:
        flat: list[Rule] = []
        for r in rules:
            # Only parts of this very type merge: a merchant's subclass stays a node.
            flat.extend(r.rules if type(r) is cls else (_rule(r, "&"),))
        return cls(tuple(flat))

    def parts(self) -> tuple[Rule, ...]:
        return self.rules

    def evaluate(self, ctx: Context[Any]) -> Evaluation:
        evs = tuple([r.evaluate(ctx) for r in self.rules])
        return _NEW(Evaluation, (self, _combine_all([e.finding for e in evs]), evs, None))

    @property
    def label(self) -> str:
        return "all of"

    def __str__(self) -> str:
        return "(" + " & ".join(map(str, self.rules)) + ")"


@value_class()
class AnyOf(Rule):
    """At least one part must pass."""

    rules: tuple[Rule, ...]

    @classmethod
    def of(cls, *rules: Rule) -> AnyOf:
        flat: list[Rule] = []
        for r in rules:
            flat.extend(r.rules if type(r) is cls else (_rule(r, "|"),))
        return cls(tuple(flat))

    def parts(self) -> tuple[Rule, ...]:
        return self.rules

    def evaluate(self, ctx: Context[Any]) -> Evaluation:
        evs = tuple([r.evaluate(ctx) for r in self.rules])
        return _NEW(Evaluation, (self, _combine_any([e.finding for e in evs]), evs, None))

    @property
    def label(self) -> str:
        return "any of"

    def __str__(self) -> str:
        return "(" + " | ".join(map(str, self.rules)) + ")"


@value_class()
class Not(Rule):
    """Passes when the rule fails and fails when it passes; unknown stays unknown."""

    rule: Rule

    def parts(self) -> tuple[Rule, ...]:
        return (self.rule,)

    def evaluate(self, ctx: Context[Any]) -> Evaluation:
        ev = self.rule.evaluate(ctx)
        return Evaluation(self, ~ev.finding, (ev,))

    def _determining(self, ev: Evaluation) -> Iterator[Evaluation]:
        # The part found the opposite of this node; what decided it decided this.
        yield from ev.parts[0].determining()

    @property
    def label(self) -> str:
        return "not"

    def __str__(self) -> str:
        return f"~{self.rule}"


_SETTLED = (Finding.PASSED, Finding.NOT_APPLICABLE)  # nothing for an exception to lift


def _lift(rule: Finding, exception: Finding) -> Finding:
    """The finding of ``rule unless exception`` when the rule failed or could not decide."""
    if exception is Finding.PASSED:
        return Finding.PASSED
    if exception is Finding.UNKNOWN:
        return Finding.UNKNOWN
    return rule


@value_class()
class Unless(Rule):
    """``rule`` unless ``exception``: the exception can only lift a failure.

    ========  =========  ========
    rule      exception  result
    ========  =========  ========
    passed    (any)      passed
    failed    passed     passed
    failed    failed/NA  failed
    failed    unknown    unknown
    unknown   passed     passed
    unknown   other      unknown
    NA        (any)      NA
    ========  =========  ========
    """

    rule: Rule
    exception: Rule

    def parts(self) -> tuple[Rule, ...]:
        return (self.rule, self.exception)

    def evaluate(self, ctx: Context[Any]) -> Evaluation:
        ev = self.rule.evaluate(ctx)
        if ev.finding in _SETTLED:
            return Evaluation(self, ev.finding, (ev,))  # the exception is not asked
        exc = self.exception.evaluate(ctx)
        return Evaluation(self, _lift(ev.finding, exc.finding), (ev, exc))

    def _determining(self, ev: Evaluation) -> Iterator[Evaluation]:
        if ev.finding is Finding.PASSED and len(ev.parts) == 2:
            yield from ev.parts[1].determining()  # the exception lifted the rule
        elif ev.finding is Finding.UNKNOWN:
            for part in ev.parts:
                if part.finding is Finding.UNKNOWN:
                    yield from part.determining()
        else:
            # A failure is the rule's own; the exception that did not apply is in the trace.
            yield from ev.parts[0].determining()

    @property
    def label(self) -> str:
        return "unless"

    def __str__(self) -> str:
        return f"({self.rule} unless {self.exception})"


@value_class()
class Then(Rule):
    """``first``, and once it passes, ``decides`` gives the finding (a defect claim, then
    the remedy ladder). A ``first`` that does not pass is the whole evaluation;
    otherwise both show, under an "all of" node with ``decides``'s finding."""

    first: Rule
    decides: Rule

    def parts(self) -> tuple[Rule, ...]:
        return (self.first, self.decides)

    def evaluate(self, ctx: Context[Any]) -> Evaluation:
        ev = self.first.evaluate(ctx)
        if ev.finding is not Finding.PASSED:
            return ev
        then = self.decides.evaluate(ctx)
        return Evaluation(self, then.finding, (ev, then))

    @property
    def label(self) -> str:
        return "all of"

    def __str__(self) -> str:
        return f"({self.first} then {self.decides})"


@value_class()
class Focus(Rule):
    """Evaluate ``rule`` on a view of the case, e.g. the §1 rules on an inspected item.

    ``view`` must be a module-level function (or method) so that policies pickle.
    """

    name: str
    view: Callable[[Any], Any]
    rule: Rule

    def parts(self) -> tuple[Rule, ...]:
        return (self.rule,)

    def evaluate(self, ctx: Context[Any]) -> Evaluation:
        inner = self.rule.evaluate(Context(self.view(ctx.case), ctx.terms, ctx.calendar, ctx.tz))
        return Evaluation(self, inner.finding, (inner,))

    @property
    def label(self) -> str:
        return f"on {self.name}"

    def __str__(self) -> str:
        return f"{self.name}:{self.rule}"


# --- explanation: derived from the evaluation -------------------------------------------


@value_class(kw_only=True)
class Reason:
    """Why a decision came out as it did: one clause's finding on the case."""

    code: str
    finding: Finding
    clause_id: str
    section: str
    sentence: str
    message: str
    facts: tuple[tuple[str, str], ...] = ()
    missing: tuple[str, ...] = ()

    def __init__(
        self,
        *,
        code: str,
        finding: Finding,
        clause_id: str,
        section: str,
        sentence: str,
        message: str,
        facts: tuple[tuple[str, str], ...] = (),
        missing: tuple[str, ...] = (),
    ) -> None:
        # Written out (a hot path): value_class's generic one is twice as slow.
        put = object.__setattr__
        put(self, "code", code)
        put(self, "finding", finding)
        put(self, "clause_id", clause_id)
        put(self, "section", section)
        put(self, "sentence", sentence)
        put(self, "message", message)
        put(self, "facts", facts)
        put(self, "missing", missing)

    def __str__(self) -> str:
        return f"[§{self.section} {self.clause_id}] {self.message}"


@value_class(kw_only=True)
class TraceEntry:
    """One rule evaluated, at its depth in the rule tree."""

    depth: int
    rule: str
    finding: Finding
    message: str = ""

    def __init__(
        self,
        *,
        depth: int,
        rule: str,
        finding: Finding,
        message: str = "",
    ) -> None:
        # Written out (a hot path): value_class's generic one is twice as slow.
        put = object.__setattr__
        put(self, "depth", depth)
        put(self, "rule", rule)
        put(self, "finding", finding)
        put(self, "message", message)


def explain(
    ev: Evaluation,
) -> tuple[tuple[Reason, ...], tuple[TraceEntry, ...], tuple[str, ...]]:
    """The determining reasons, the full trace and the missing facts of an evaluation."""
    seen: dict[tuple[str, str], Reason] = {}
    for leaf in ev.determining():
        r = _reason(leaf)
        seen.setdefault((r.clause_id, r.message), r)
    trace = tuple([_entry(depth, node) for depth, node in ev.walk()])
    missing: dict[str, None] = {}
    for leaf in ev.leaves():
        if leaf.check is not None and leaf.finding is Finding.UNKNOWN:
            missing.update(dict.fromkeys(leaf.check.missing))
    return tuple(seen.values()), trace, tuple(missing)


def _entry(depth: int, node: Evaluation) -> TraceEntry:
    check = node.check
    return TraceEntry(
        depth=depth,
        rule=node.rule.label,
        finding=node.finding,
        message=check.message if check is not None else "",
    )


def _reason(leaf: Evaluation) -> Reason:
    clause, check = leaf.rule, leaf.check
    assert isinstance(clause, Clause)  # a leaf is a clause's, with its check
    assert check is not None
    shared = check.shared
    if (
        shared is not None
        and shared.clause_id == clause.id
        and shared.section == clause.section
        and shared.sentence == clause.sentence
        and shared.code == (check.code or clause.code)
    ):
        return shared  # the same value, built once (a clause renamed builds its own)
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


class Patterns:
    """The explanations of one policy's evaluations, built once per pattern of results and
    shared between decisions (a policy owns one; nothing global).

    A pattern is the shape of an evaluation: the rule that gave it, and each leaf's check
    where the clause computes its results once (:meth:`Check.for_clause`) or else its
    finding. Results that carry the case's dates or amounts are holes: the first
    explanation of a pattern is derived in full (:func:`explain`), later ones copy it and
    fill the holes from their own checks. The evaluation of a rule with a node of a type
    of its own anywhere in its tree (a merchant's, whose label, determining leaves or
    finding may read the case, or which may rework its parts' evaluations) is explained
    afresh, as is every new pattern once ``limit`` are kept. A copy (pickled, or made for
    another thread) starts empty: keys are identities.
    """

    __slots__ = ("_limit", "_plain", "_seen")

    def __init__(self, limit: int = 4096) -> None:
        self._limit = limit
        self._seen: dict[tuple[object, ...], _Template] = {}
        # The rules whose trees are of _PLAIN types throughout, by identity, kept alive so
        # that no other rule takes it: a template is made only for a rule kept here.
        # Rules are immutable: asked once.
        self._plain: dict[int, Rule] = {}

    def __reduce__(self) -> tuple[object, ...]:
        return (Patterns, (self._limit,))

    def __len__(self) -> int:
        return len(self._seen)

    def explain(
        self, ev: Evaluation, rule: Rule
    ) -> tuple[tuple[Reason, ...], tuple[TraceEntry, ...], tuple[str, ...]]:
        """What :func:`explain` gives, from the pattern's template where there is one.
        ``ev`` is what evaluating ``rule`` gave (its root may be a part's: a "then" whose
        condition did not pass)."""
        if not ev.parts and (ev.check is None or ev.check.shared is None):
            return explain(ev)  # one result of its own (a stage of one clause): nothing to share
        if id(rule) not in self._plain:
            if not _plain(rule) or len(self._plain) >= self._limit:
                # A merchant's rule is not kept (it may be made afresh for every
                # decision), nor anything once the limit is reached.
                return explain(ev)
            self._plain[id(rule)] = rule
        key, holes = _pattern(ev, rule)
        template = self._seen.get(key)
        if template is None:
            if len(self._seen) >= self._limit:
                return explain(ev)  # full: derived afresh, and nothing more is kept
            template = _Template.of(ev, holes)
            # Idempotent: two threads that race here store equal templates.
            self._seen[key] = template
        return template.fill(holes)


_PASSED, _UNKNOWN = Finding.PASSED, Finding.UNKNOWN


# The rule types whose labels and determining leaves follow from a pattern alone. A rule
# type of its own (a merchant's) may read more (a fact, a message): explained afresh.
_PLAIN = frozenset({Clause, AllOf, AnyOf, Not, Unless, Then, Focus})


def _plain(rule: Rule) -> bool:
    """Whether every node of ``rule``'s tree is of a type of :data:`_PLAIN`."""
    return type(rule) in _PLAIN and all(_plain(part) for part in rule.parts())


def _pattern(ev: Evaluation, rule: Rule) -> tuple[tuple[object, ...], list[Evaluation]]:
    """The pattern key and the holes (the leaves whose results are their own) of ``ev``,
    the evaluation of ``rule``, a tree of :data:`_PLAIN` types only, in one depth-first
    walk.

    The key is ``rule``, then each leaf's shared check or, for a hole, its finding. For
    these types, evaluated by their own code throughout, that gives back the whole tree:
    a node's parts follow from its rule and the findings before them (an "all of" or "any
    of" evaluates every part, an "unless" asks its exception only when its rule fails or
    cannot decide, a "then" node exists only once its condition passed), and an inner
    node's finding from its parts'. The key holds identities, kept alive while cached (so
    that none is reused): the rule by the patterns' memo, the shared checks by the template.
    """
    key: list[object] = [id(rule)]
    holes: list[Evaluation] = []
    add = key.append
    stack = [ev]
    pop, push = stack.pop, stack.extend
    while stack:
        node = pop()
        check = node.check
        if check is None:
            push(reversed(node.parts))
        elif check.shared is None:
            add(node.finding)
            holes.append(node)
        else:
            add(id(check))
    return tuple(key), holes


class _Template:
    """One pattern's explanation, with the places its holes fill (see :class:`Patterns`)."""

    __slots__ = ("_kept", "_missing", "_reasons", "_trace", "_trace_at", "_whole")

    def __init__(
        self,
        kept: tuple[object, ...],
        reasons: tuple[Reason | int, ...],
        trace: tuple[TraceEntry, ...],
        trace_at: tuple[int, ...],
        missing: tuple[str | int, ...],
    ) -> None:
        self._kept = kept  # the objects whose identities the key holds, kept alive
        self._reasons = reasons
        self._trace = trace
        self._trace_at = trace_at
        self._missing = missing
        self._whole: tuple[tuple[Reason, ...], tuple[TraceEntry, ...], tuple[str, ...]] | None
        self._whole = None
        if not trace_at:  # no holes: the explanation itself, shared as it is
            self._whole = (
                tuple(r for r in reasons if not isinstance(r, int)),
                trace,
                tuple(m for m in missing if not isinstance(m, int)),
            )

    @classmethod
    def of(cls, ev: Evaluation, holes: list[Evaluation]) -> _Template:
        hole = {id(leaf): i for i, leaf in enumerate(holes)}
        reasons: dict[object, Reason | int] = {}
        for leaf in ev.determining():
            i = hole.get(id(leaf))
            if i is None:
                r = _reason(leaf)
                reasons.setdefault((r.clause_id, r.message), r)
            else:
                reasons[i] = i  # deduplicated by message when filled
        trace: list[TraceEntry] = []
        trace_at: list[int] = []
        missing: dict[str | int, None] = {}
        for depth, node in ev.walk():
            check = node.check
            if check is not None and id(node) in hole:
                trace_at.append(len(trace))
                if node.finding is _UNKNOWN:
                    missing[hole[id(node)]] = None
            elif check is not None and node.finding is _UNKNOWN:
                missing.update(dict.fromkeys(check.missing))
            trace.append(_entry(depth, node))
        # What the key names besides the rule (kept by the patterns' memo): each leaf's
        # shared check, not the holes'.
        kept = tuple([leaf.check for leaf in ev.leaves() if id(leaf) not in hole])
        return cls(kept, tuple(reasons.values()), tuple(trace), tuple(trace_at), tuple(missing))

    def fill(
        self, holes: list[Evaluation]
    ) -> tuple[tuple[Reason, ...], tuple[TraceEntry, ...], tuple[str, ...]]:
        if self._whole is not None:
            return self._whole
        trace = self._trace
        filled = list(trace)
        for at, leaf in zip(self._trace_at, holes, strict=True):
            filled[at] = _entry(trace[at].depth, leaf)
        seen: dict[tuple[str, str], Reason] = {}
        for r in self._reasons:
            reason = _reason(holes[r]) if isinstance(r, int) else r
            seen.setdefault((reason.clause_id, reason.message), reason)
        missing: dict[str, None] = {}
        for m in self._missing:
            if isinstance(m, int):
                check = holes[m].check
                assert check is not None  # a hole is a leaf
                missing.update(dict.fromkeys(check.missing))
            else:
                missing[m] = None
        return tuple(seen.values()), tuple(filled), tuple(missing)


class Explanation:
    """A decision's reasons, trace and missing facts: derived from its evaluation when
    first read (a caller that needs only the outcome never pays for them), or given.

    A value: equal, hashed and pickled by the three tuples, whichever way it was made.
    With ``patterns`` (its policy's) and ``rule`` (the rule whose evaluation it is), the
    three are built from the pattern's shared template rather than derived afresh: equal
    values either way.
    ``missing`` adds, after the evaluation's own, the facts a decision's obligations lack
    (an unknown price to refund).
    """

    __slots__ = ("_evaluation", "_extra", "_patterns", "_rule", "_value")

    def __init__(
        self,
        evaluation: Evaluation,
        missing: tuple[str, ...] = (),
        patterns: Patterns | None = None,
        rule: Rule | None = None,
    ) -> None:
        self._evaluation: Evaluation | None = evaluation
        self._extra = missing
        self._patterns = patterns
        self._rule = rule
        self._value: tuple[tuple[Reason, ...], tuple[TraceEntry, ...], tuple[str, ...]] | None
        self._value = None

    @classmethod
    def given(
        cls,
        reasons: tuple[Reason, ...],
        trace: tuple[TraceEntry, ...] = (),
        missing: tuple[str, ...] = (),
    ) -> Explanation:
        """An explanation stated outright (a decoded document, a decision reviewed)."""
        made = cls.__new__(cls)
        made._evaluation, made._extra, made._patterns, made._rule = None, (), None, None
        made._value = (tuple(reasons), tuple(trace), tuple(missing))
        return made

    def _values(self) -> tuple[tuple[Reason, ...], tuple[TraceEntry, ...], tuple[str, ...]]:
        value = self._value
        if value is None:
            assert self._evaluation is not None  # set until the value is derived
            patterns, rule = self._patterns, self._rule
            ev = self._evaluation
            reasons, trace, missing = (
                explain(ev) if patterns is None or rule is None else patterns.explain(ev, rule)
            )
            # Idempotent: two threads that race here store equal values.
            value = (reasons, trace, tuple(dict.fromkeys((*missing, *self._extra))))
            self._value = value
        return value

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self._values()[0]

    @property
    def trace(self) -> tuple[TraceEntry, ...]:
        return self._values()[1]

    @property
    def missing(self) -> tuple[str, ...]:
        return self._values()[2]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Explanation) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __reduce__(self) -> tuple[object, ...]:
        return (_given, self._values())

    def __repr__(self) -> str:
        reasons, _, missing = self._values()
        return f"Explanation(reasons={reasons!r}, missing={missing!r})"


def _given(
    reasons: tuple[Reason, ...], trace: tuple[TraceEntry, ...], missing: tuple[str, ...]
) -> Explanation:
    return Explanation.given(reasons, trace, missing)
