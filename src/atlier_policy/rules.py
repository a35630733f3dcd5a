"""The rule algebra: three-valued findings, leaf clauses and their combinators.

A rule looks at the facts of a case (through a :class:`Context`) and gives a
:class:`Finding`: ``PASSED``, ``FAILED``, ``UNKNOWN`` (a fact is missing or
unknown, so the rule cannot decide) or ``NOT_APPLICABLE`` (the rule's scope does
not cover the case). Rules compose:

- ``a & b`` all of (strong Kleene "and"; not-applicable parts are ignored),
- ``a | b`` any of,
- ``~a`` not,
- ``a.unless(b)`` "a, unless b": ``a`` may fail only while ``b`` does not hold.

Composition flattens (``(a & b) & c`` is one all-of of three parts) and
``str(rule)`` reads like the expression. Python's ``and``/``or``/``not`` cannot
be overloaded and would silently drop a rule, so ``bool(rule)`` raises.

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
from dataclasses import dataclass, field
from datetime import UTC, date, tzinfo
from typing import Any, Generic, TypeVar

from atlier_policy.errors import PolicyDefinitionError

__all__ = [
    "AllOf",
    "AnyOf",
    "Check",
    "Clause",
    "Context",
    "Evaluation",
    "Finding",
    "Focus",
    "Not",
    "Provision",
    "Record",
    "Rule",
    "Unless",
]

C = TypeVar("C")


class Finding(enum.Enum):
    """What a rule found."""

    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"

    def __invert__(self) -> Finding:
        return _NEGATED[self]


_NEGATED = {
    Finding.PASSED: Finding.FAILED,
    Finding.FAILED: Finding.PASSED,
    Finding.UNKNOWN: Finding.UNKNOWN,
    Finding.NOT_APPLICABLE: Finding.NOT_APPLICABLE,
}


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Check:
    """The result of one leaf rule on one case.

    ``message`` is plain English with the actual dates and amounts; ``facts``
    the facts it used, as ``(name, value)`` pairs of strings; ``missing`` the
    facts it needed and did not get (only with ``UNKNOWN``). ``code`` overrides
    the clause's reason code when one clause can fail in several ways.
    ``customer_action`` marks an unknown that the customer can supply (photos,
    proof of purchase): the case is then "incomplete" rather than "needs review".
    """

    finding: Finding
    message: str
    facts: tuple[tuple[str, str], ...] = ()
    missing: tuple[str, ...] = ()
    code: str | None = None
    customer_action: bool = False

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


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A rule's finding on a case, with the evaluations of its parts.

    ``check`` is set on leaves (whose ``rule`` is a :class:`Clause`).
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


@dataclass(frozen=True, slots=True)
class Provision:
    """A sentence that gives an obligation or advice rather than a finding.

    Decisions cite provisions in their obligations (who pays return shipping,
    the refund window, what to tell the customer).
    """

    id: str
    section: str
    sentence: str


class Rule(ABC):
    """A rule of the policy. Subclass :class:`Clause` for a leaf rule."""

    __slots__ = ()

    @abstractmethod
    def evaluate(self, ctx: Context[Any]) -> Evaluation:
        """Evaluate the rule on the case in ``ctx``."""

    # The hot path (see Record): ``_run`` evaluates without building the tree and
    # appends to ``out`` what ``_rebuild`` needs to build it later, in the same
    # order. A rule type of a merchant's own only implements ``evaluate``: it is
    # recorded whole, as its evaluation.
    def _run(self, ctx: Context[Any], out: list[Any]) -> Finding:
        ev = self.evaluate(ctx)
        out.append(ev)
        return ev.finding

    def _rebuild(self, results: Iterator[Any]) -> Evaluation:
        ev: Evaluation = next(results)
        return ev

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
        return self.rule if isinstance(self, Not) else Not(self)

    def unless(self, exception: Rule) -> Rule:
        """``self``, except that it cannot fail while ``exception`` holds."""
        return Unless(self, _rule(exception, "unless"))

    def __bool__(self) -> bool:
        raise TypeError(
            f"a rule has no truth value: use `&`, `|` and `~` to combine rules, "
            f"not `and`, `or`, `not` (rule: {self})"
        )


class _Recorded(Rule):
    """A rule that implements the hot path (``_run``/``_rebuild``); its tree is rebuilt
    from its record, so ``evaluate`` and a decision's trace agree by construction."""

    __slots__ = ()

    def evaluate(self, ctx: Context[Any]) -> Evaluation:
        return Record.of(self, ctx).evaluation()

    @abstractmethod
    def _run(self, ctx: Context[Any], out: list[Any]) -> Finding: ...

    @abstractmethod
    def _rebuild(self, results: Iterator[Any]) -> Evaluation: ...


def _rule(value: object, op: str) -> Rule:
    if not isinstance(value, Rule):
        raise PolicyDefinitionError(
            f"rule algebra: both sides of `{op}` must be rules (got {type(value).__name__})"
        )
    return value


@dataclass(frozen=True, slots=True, eq=False)
class Clause(_Recorded):
    """A leaf rule: one sentence of the policy (or of a merchant's addition).

    ``id`` is stable (reason codes and the clause map refer to it), ``section``
    names the policy section ("1" ... "6", or the merchant's own), ``sentence``
    quotes the text it encodes, ``code`` is the machine reason code given when
    it fails, and ``check`` is a pure function of the context.

    What the clause means beyond its check is declared with it, so that the
    evaluators and tools read it instead of matching on the id:

    - ``outcome``: for a clause of a ladder (an any-of whose first passing part
      picks the result, like §3's remedies), the value of the outcome it selects;
    - ``final``: a failure is a fact of the piece that no later act lifts (custom,
      engraved, worn, bought elsewhere...): a timeline marks the return deadline
      of such a piece as not applying.

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

    def _run(self, ctx: Context[Any], out: list[Any]) -> Finding:
        result = self.check(ctx)
        out.append(result)
        return result.finding

    def _rebuild(self, results: Iterator[Any]) -> Evaluation:
        result: Check = next(results)
        return Evaluation(self, result.finding, check=result)

    def clauses(self) -> Iterator[Clause]:
        yield self

    @property
    def label(self) -> str:
        return self.id

    def __str__(self) -> str:
        return self.id

    # Clauses are identified by their id (their check is a function, which
    # would otherwise make equal clauses unequal after pickling).
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


@dataclass(frozen=True, slots=True)
class AllOf(_Recorded):
    """All parts must pass; a failure anywhere fails; not-applicable parts are ignored."""

    rules: tuple[Rule, ...]

    @classmethod
    def of(cls, *rules: Rule) -> AllOf:
        flat: list[Rule] = []
        for r in rules:
            flat.extend(r.rules if isinstance(r, AllOf) else (_rule(r, "&"),))
        return cls(tuple(flat))

    def parts(self) -> tuple[Rule, ...]:
        return self.rules

    def _run(self, ctx: Context[Any], out: list[Any]) -> Finding:
        return _combine_all([r._run(ctx, out) for r in self.rules])

    def _rebuild(self, results: Iterator[Any]) -> Evaluation:
        evs = tuple(r._rebuild(results) for r in self.rules)
        return Evaluation(self, _combine_all([e.finding for e in evs]), evs)

    @property
    def label(self) -> str:
        return "all of"

    def __str__(self) -> str:
        return "(" + " & ".join(map(str, self.rules)) + ")"


@dataclass(frozen=True, slots=True)
class AnyOf(_Recorded):
    """At least one part must pass."""

    rules: tuple[Rule, ...]

    @classmethod
    def of(cls, *rules: Rule) -> AnyOf:
        flat: list[Rule] = []
        for r in rules:
            flat.extend(r.rules if isinstance(r, AnyOf) else (_rule(r, "|"),))
        return cls(tuple(flat))

    def parts(self) -> tuple[Rule, ...]:
        return self.rules

    def _run(self, ctx: Context[Any], out: list[Any]) -> Finding:
        return _combine_any([r._run(ctx, out) for r in self.rules])

    def _rebuild(self, results: Iterator[Any]) -> Evaluation:
        evs = tuple(r._rebuild(results) for r in self.rules)
        return Evaluation(self, _combine_any([e.finding for e in evs]), evs)

    @property
    def label(self) -> str:
        return "any of"

    def __str__(self) -> str:
        return "(" + " | ".join(map(str, self.rules)) + ")"


@dataclass(frozen=True, slots=True)
class Not(_Recorded):
    """Passes when the rule fails and fails when it passes; unknown stays unknown."""

    rule: Rule

    def parts(self) -> tuple[Rule, ...]:
        return (self.rule,)

    def _run(self, ctx: Context[Any], out: list[Any]) -> Finding:
        return ~self.rule._run(ctx, out)

    def _rebuild(self, results: Iterator[Any]) -> Evaluation:
        ev = self.rule._rebuild(results)
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


@dataclass(frozen=True, slots=True)
class Unless(_Recorded):
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

    def _run(self, ctx: Context[Any], out: list[Any]) -> Finding:
        finding = self.rule._run(ctx, out)
        if finding in _SETTLED:
            return finding
        return _lift(finding, self.exception._run(ctx, out))

    def _rebuild(self, results: Iterator[Any]) -> Evaluation:
        ev = self.rule._rebuild(results)
        if ev.finding in _SETTLED:
            return Evaluation(self, ev.finding, (ev,))  # the exception was not asked
        exc = self.exception._rebuild(results)
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


@dataclass(frozen=True, slots=True)
class Focus(_Recorded):
    """Evaluate ``rule`` on a view of the case, e.g. the §1 rules on an inspected item.

    ``view`` must be a module-level function (or method) so that policies pickle.
    """

    name: str
    view: Callable[[Any], Any]
    rule: Rule

    def parts(self) -> tuple[Rule, ...]:
        return (self.rule,)

    def _run(self, ctx: Context[Any], out: list[Any]) -> Finding:
        view = Context(self.view(ctx.case), ctx.terms, ctx.calendar, ctx.tz)
        return self.rule._run(view, out)

    def _rebuild(self, results: Iterator[Any]) -> Evaluation:
        inner = self.rule._rebuild(results)
        return Evaluation(self, inner.finding, (inner,))

    @property
    def label(self) -> str:
        return f"on {self.name}"

    def __str__(self) -> str:
        return f"{self.name}:{self.rule}"


@dataclass(frozen=True, slots=True)
class Record:
    """A rule's finding on a case, with what its leaves found, in evaluation order.

    This is what a decision keeps: the finding costs one pass over the clauses and
    no tree; :meth:`evaluation` rebuilds the full :class:`Evaluation` (the same as
    ``rule.evaluate(ctx)``) from the leaves' results only when the reasons or the
    trace are asked for.

    >>> yes = Clause("demo.yes", "0", "Always.", "ok", lambda ctx: Check.passed("ok"))
    >>> record = Record.of(yes & ~yes, Context(case=None))
    >>> record.finding, record.evaluation().finding
    (<Finding.FAILED: 'failed'>, <Finding.FAILED: 'failed'>)
    """

    rule: Rule
    finding: Finding
    results: tuple[Any, ...]

    @classmethod
    def of(cls, rule: Rule, ctx: Context[Any]) -> Record:
        out: list[Any] = []
        finding = rule._run(ctx, out)
        return cls(rule, finding, tuple(out))

    def evaluation(self) -> Evaluation:
        return self.rule._rebuild(iter(self.results))
