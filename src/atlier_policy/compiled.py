"""A rule tree compiled into nested functions: the same evaluation, with fewer calls.

The rule objects stay the source of truth. :func:`compile_rule` turns a tree of the
built-in combinators into closures that give exactly what ``rule.evaluate(ctx)`` gives
(the same :class:`~atlier_policy.rules.Evaluation`, node for node), but an all-of or
any-of calls the checks of its clauses directly instead of going through each clause's
``evaluate``. A rule of a type that overrides ``evaluate`` (a merchant's own) is called
as it is. A policy compiles its rule sets once, when it is built (:class:`Compiled`).

>>> from atlier_policy.rules import Check, Clause, Context
>>> yes = Clause("demo.yes", "0", "Always.", "never_fails", lambda ctx: Check.passed("ok"))
>>> no = Clause("demo.no", "0", "Never.", "always_fails", lambda ctx: Check.failed("no"))
>>> rule = (yes & no).unless(~no)
>>> compile_rule(rule)(Context(case=None)) == rule.evaluate(Context(case=None))
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from atlier_policy.rules import (
    _NEGATED,
    _NEW,
    _SETTLED,
    AllOf,
    AnyOf,
    Clause,
    Context,
    Evaluation,
    Finding,
    Focus,
    Not,
    Rule,
    Then,
    Unless,
    _combine_all,
    _combine_any,
    _lift,
)

__all__ = ["Compiled", "compile_rule"]

Run = Callable[[Context[Any]], Evaluation]


def compile_rule(rule: Rule) -> Run:
    """A function of a context that evaluates ``rule`` as ``rule.evaluate`` does."""
    kind = type(rule)
    if kind.evaluate is Clause.evaluate:
        assert isinstance(rule, Clause)
        return _clause(rule)
    if kind.evaluate is AllOf.evaluate:
        assert isinstance(rule, AllOf)
        return _all_of(rule, rule.rules, _combine_all)
    if kind.evaluate is AnyOf.evaluate:
        assert isinstance(rule, AnyOf)
        return _all_of(rule, rule.rules, _combine_any)
    if kind.evaluate is Not.evaluate:
        assert isinstance(rule, Not)
        return _not(rule, compile_rule(rule.rule))
    if kind.evaluate is Unless.evaluate:
        assert isinstance(rule, Unless)
        return _unless(rule, compile_rule(rule.rule), compile_rule(rule.exception))
    if kind.evaluate is Then.evaluate:
        assert isinstance(rule, Then)
        return _then(rule, compile_rule(rule.first), compile_rule(rule.decides))
    if kind.evaluate is Focus.evaluate:
        assert isinstance(rule, Focus)
        return _focus(rule, compile_rule(rule.rule))
    return rule.evaluate  # a rule type of its own: evaluated as it says


def _clause(clause: Clause) -> Run:
    check = clause.check

    def run(ctx: Context[Any]) -> Evaluation:
        result = check(ctx)
        return _NEW(Evaluation, (clause, result.finding, (), result))

    return run


def _all_of(
    rule: Rule, parts: tuple[Rule, ...], combine: Callable[[list[Finding]], Finding]
) -> Run:
    if all(type(p).evaluate is Clause.evaluate for p in parts):
        # Only clauses: their checks are called here, one call each instead of two.
        checks = tuple([(p, p.check) for p in parts if isinstance(p, Clause)])

        def leaves(ctx: Context[Any]) -> Evaluation:
            evs = tuple(
                [_NEW(Evaluation, (c, (r := check(ctx)).finding, (), r)) for c, check in checks]
            )
            return _NEW(Evaluation, (rule, combine([e.finding for e in evs]), evs, None))

        return leaves
    runs = tuple([compile_rule(p) for p in parts])

    def run(ctx: Context[Any]) -> Evaluation:
        evs = tuple([part(ctx) for part in runs])
        return _NEW(Evaluation, (rule, combine([e.finding for e in evs]), evs, None))

    return run


def _not(rule: Not, inner: Run) -> Run:
    def run(ctx: Context[Any]) -> Evaluation:
        ev = inner(ctx)
        return _NEW(Evaluation, (rule, _NEGATED[ev.finding], (ev,), None))

    return run


def _unless(rule: Unless, main: Run, exception: Run) -> Run:
    def run(ctx: Context[Any]) -> Evaluation:
        ev = main(ctx)
        if ev.finding in _SETTLED:
            return _NEW(Evaluation, (rule, ev.finding, (ev,), None))
        exc = exception(ctx)
        return _NEW(Evaluation, (rule, _lift(ev.finding, exc.finding), (ev, exc), None))

    return run


def _then(rule: Then, first: Run, decides: Run) -> Run:
    def run(ctx: Context[Any]) -> Evaluation:
        ev = first(ctx)
        if ev.finding is not Finding.PASSED:
            return ev
        then = decides(ctx)
        return _NEW(Evaluation, (rule, then.finding, (ev, then), None))

    return run


def _focus(rule: Focus, inner: Run) -> Run:
    view = rule.view

    def run(ctx: Context[Any]) -> Evaluation:
        ev = inner(Context(view(ctx.case), ctx.terms, ctx.calendar, ctx.tz))
        return _NEW(Evaluation, (rule, ev.finding, (ev,), None))

    return run


class Compiled:
    """A policy's rule sets, each compiled once, by name. Pickled as its rules (functions
    made here do not pickle): a copy compiles them again."""

    __slots__ = ("_runs",)

    def __init__(self, rules: Mapping[str, Rule]) -> None:
        self._runs = {name: (rule, compile_rule(rule)) for name, rule in rules.items()}

    def __reduce__(self) -> tuple[object, ...]:
        return (Compiled, ({name: rule for name, (rule, _) in self._runs.items()},))

    def run(self, name: str, rule: Rule) -> Run:
        """The compiled evaluation of ``rule`` under ``name``, or its own ``evaluate``
        when the policy's rule set of that name is another rule (an overridden
        ``Policy.rule``)."""
        found = self._runs.get(name)
        return found[1] if found is not None and found[0] is rule else rule.evaluate
