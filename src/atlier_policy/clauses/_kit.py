"""Small, picklable builders for the many yes/no clauses of the policy."""

from __future__ import annotations

from functools import partial
from typing import Any

from atlier_policy.rules import Check, Clause, Context

__all__ = ["fact", "flag_clause"]


def fact(case: object, path: str) -> Any:
    """The fact at a dotted ``path`` of a case (``"item.engraved"``)."""
    value: Any = case
    for name in path.split("."):
        value = getattr(value, name)
    return value


def _flag(
    ctx: Context[Any],
    *,
    path: str,
    required: bool,
    when_true: str,
    when_false: str,
    customer_supplies: bool,
) -> Check:
    value = fact(ctx.case, path)
    name = path.rsplit(".", 1)[-1]
    if value is None:
        message = f"not known whether {when_true}"
        if customer_supplies:
            return Check.incomplete(message, path, **{name: None})
        return Check.unknown(message, path, **{name: None})
    message = when_true if value else when_false
    if value is required:
        return Check.passed(message, **{name: value})
    return Check.failed(message, **{name: value})


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
) -> Clause:
    """A clause that passes when the yes/no fact at ``path`` equals ``required``.

    An unknown fact gives ``UNKNOWN`` (the customer can supply it when
    ``customer_supplies``): never a pass.
    """
    check = partial(
        _flag,
        path=path,
        required=required,
        when_true=when_true,
        when_false=when_false,
        customer_supplies=customer_supplies,
    )
    return Clause(id, section, sentence, code or id.split(".", 1)[1], check)
