"""A rule tree compiled into nested functions: the same evaluation, with fewer calls.

The rule objects stay the source of truth. :func:`compile_rule` turns a tree of the
built-in combinators into functions that give exactly what ``rule.evaluate(ctx)`` gives
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
from functools import partial
from typing import Any

from atlier_policy.rules import (
    _NEW,
    _SETTLED,
    AllOf,
    AnyOf,
    Check,
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
    # The built-in types, whose `evaluate` is not overridden: what they evaluate is known.
    evaluate = type(rule).evaluate
    if isinstance(rule, Clause) and evaluate is Clause.evaluate:
        return _clause(rule)
    if isinstance(rule, AllOf) and evaluate is AllOf.evaluate:
        return _all_of(rule, rule.rules, _combine_all)
    if isinstance(rule, AnyOf) and evaluate is AnyOf.evaluate:
        return _all_of(rule, rule.rules, _combine_any)
    if isinstance(rule, Not) and evaluate is Not.evaluate:
        return _not(rule, compile_rule(rule.rule))
    if isinstance(rule, Unless) and evaluate is Unless.evaluate:
        return _unless(rule, compile_rule(rule.rule), compile_rule(rule.exception))
    if isinstance(rule, Then) and evaluate is Then.evaluate:
        return _then(rule, compile_rule(rule.first), compile_rule(rule.decides))
    if isinstance(rule, Focus) and evaluate is Focus.evaluate:
        return _focus(rule, compile_rule(rule.rule))
    return rule.evaluate  # a rule type of its own: evaluated as it says


# Each node's evaluation is a module-level function, given its rule and its parts'
# compiled functions by ``partial`` (as fast to call as a closure, and a function of its
# own that tests reach, rather than a body hidden in its factory).


def _clause(clause: Clause) -> Run:
    return partial(_run_clause, clause, clause.check)


def _run_clause(
    clause: Clause, check: Callable[[Context[Any]], Check], ctx: Context[Any]
) -> Evaluation:
    result = check(ctx)
    return _NEW(Evaluation, (clause, result.finding, (), result))


def _all_of(
    rule: Rule, parts: tuple[Rule, ...], combine: Callable[[list[Finding]], Finding]
) -> Run:
    if all(isinstance(p, Clause) and type(p).evaluate is Clause.evaluate for p in parts):
        # Only clauses: their checks are called here, one call each instead of two.
        checks = tuple([(p, p.check) for p in parts if isinstance(p, Clause)])  # all of them
        return partial(_run_leaves, rule, checks, combine)
    return partial(_run_parts, rule, tuple([compile_rule(p) for p in parts]), combine)


def _run_leaves(
    rule: Rule,
    checks: tuple[tuple[Clause, Callable[[Context[Any]], Check]], ...],
    combine: Callable[[list[Finding]], Finding],
    ctx: Context[Any],
) -> Evaluation:
    evs = tuple([_NEW(Evaluation, (c, (r := check(ctx)).finding, (), r)) for c, check in checks])
    return _NEW(Evaluation, (rule, combine([e.finding for e in evs]), evs, None))


def _run_parts(
    rule: Rule,
    runs: tuple[Run, ...],
    combine: Callable[[list[Finding]], Finding],
    ctx: Context[Any],
) -> Evaluation:
    evs = tuple([part(ctx) for part in runs])
    return _NEW(Evaluation, (rule, combine([e.finding for e in evs]), evs, None))


def _not(rule: Not, inner: Run) -> Run:
    return partial(_run_not, rule, inner)


def _run_not(rule: Not, inner: Run, ctx: Context[Any]) -> Evaluation:
    ev = inner(ctx)
    return _NEW(Evaluation, (rule, ~ev.finding, (ev,), None))


def _unless(rule: Unless, main: Run, exception: Run) -> Run:
    return partial(_run_unless, rule, main, exception)


def _run_unless(rule: Unless, main: Run, exception: Run, ctx: Context[Any]) -> Evaluation:
    ev = main(ctx)
    if ev.finding in _SETTLED:
        return _NEW(Evaluation, (rule, ev.finding, (ev,), None))
    exc = exception(ctx)
    return _NEW(Evaluation, (rule, _lift(ev.finding, exc.finding), (ev, exc), None))


def _then(rule: Then, first: Run, decides: Run) -> Run:
    return partial(_run_then, rule, first, decides)


def _run_then(rule: Then, first: Run, decides: Run, ctx: Context[Any]) -> Evaluation:
    ev = first(ctx)
    if ev.finding is not Finding.PASSED:
        return ev
    then = decides(ctx)
    return _NEW(Evaluation, (rule, then.finding, (ev, then), None))


def _focus(rule: Focus, inner: Run) -> Run:
    return partial(_run_focus, rule, rule.view, inner)


def _run_focus(
    rule: Focus, view: Callable[[Any], Any], inner: Run, ctx: Context[Any]
) -> Evaluation:
    ev = inner(Context(view(ctx.case), ctx.terms, ctx.calendar, ctx.tz))
    return _NEW(Evaluation, (rule, ev.finding, (ev,), None))


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
