"""Small, picklable builders for the many yes/no clauses of the policy."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from operator import attrgetter
from types import MappingProxyType
from typing import Any

from atlier_policy._values import value_class
from atlier_policy.cases import Item, ItemKind
from atlier_policy.rules import Check, Clause, Context, Finding

__all__ = ["flag_clause", "ready_made_changes", "tabulate"]


@value_class()
class _Flag:
    """The check of a yes/no clause: one of three results, built once."""

    get: attrgetter[Any]
    if_true: Check
    if_false: Check
    if_unknown: Check

    def __call__(self, ctx: Context[Any]) -> Check:
        value = self.get(ctx.case)
        if value is None:
            return self.if_unknown
        return self.if_true if value else self.if_false


def flag_clause(
    id: str,
    section: str,
    sentence: str,
    *,
    path: str,
    required: bool,
    when_true: str,
    when_false: str,
    customer_supplies: bool = False,
    code: str | None = None,
    final: bool = False,
    fix: Callable[[Any], Any] | None = None,
) -> Clause:
    """A clause that passes when the yes/no fact at ``path`` equals ``required``.

    An unknown fact gives ``UNKNOWN`` (the customer can supply it when
    ``customer_supplies``): never a pass. ``final`` and ``fix``: see :class:`Clause`.
    """
    name = path.rsplit(".", 1)[-1]
    unknown = Check.incomplete if customer_supplies else Check.unknown
    results: dict[bool, Check] = {}
    for value, message in ((True, when_true), (False, when_false)):
        check = Check.passed(message, **{name: value})
        results[value] = check if value is required else replace(check, finding=Finding.FAILED)
    code = code or id.split(".", 1)[1]
    # The three results and their reasons, built once and shared by every explanation.
    shared = (id, section, sentence, code)
    flag = _Flag(
        attrgetter(path),
        if_true=results[True].for_clause(*shared),
        if_false=results[False].for_clause(*shared),
        if_unknown=unknown(f"not known whether {when_true}", path, **{name: None}).for_clause(
            *shared
        ),
    )
    return Clause(id, section, sentence, code, flag, final=final, fix=fix)


def tabulate(
    check: Callable[..., Check], *domains: Iterable[Any], clause: Clause
) -> Mapping[Any, Check]:
    """Every result of a pure ``check`` of facts with few values, computed once, each
    with ``clause``'s reason built once too (:meth:`Check.for_clause`).

    A clause whose facts are enums and yes/no values looks its result up instead
    of building it for every case (checks are immutable, so they can be shared).
    Keys are the argument tuples, or the argument itself for one domain.
    """
    shared = (clause.id, clause.section, clause.sentence, clause.code)
    if len(domains) == 1:
        return MappingProxyType({v: check(v).for_clause(*shared) for v in domains[0]})
    return MappingProxyType(
        {args: check(*args).for_clause(*shared) for args in itertools.product(*domains)}
    )


def ready_made_changes(at: str, item: Item, *flags: str) -> list[tuple[str, object]]:
    """The changes that record an unknown kind as ready-made and each unknown yes/no
    fact of ``flags`` (personalized, engraved...) as no: what a fix suggests for "not
    known whether the piece is custom or modified"."""
    changes: list[tuple[str, object]] = []
    if item.kind is None:
        changes.append((f"{at}.kind", ItemKind.READY_MADE))
    changes += [(f"{at}.{name}", False) for name in flags if getattr(item, name) is None]
    return changes
