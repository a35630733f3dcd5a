"""One entry point: ``evaluate(case)`` for a typed case or a JSON document."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from atlier_policy.decision import Decision, OrderDecision
from atlier_policy.policy import Case, Policy

__all__ = ["evaluate"]


@cache
def _default() -> Policy:
    # An immutable value built once: the embedded policy as the text states it.
    return Policy()


def evaluate(
    case: Case | Mapping[str, Any], policy: Policy | None = None
) -> Decision | OrderDecision:
    """Evaluate a case of any stage under ``policy`` (the embedded default if omitted).

    ``case`` is a typed case object or a JSON document (a ``dict`` with a ``stage``).

    >>> d = evaluate({"stage": "lost_parcel", "order_id": "A-7", "status": "lost"})
    >>> d.outcome.value, d.reasons[0].code
    ('no_refund_parcel_lost', 'return_parcel_lost')
    """
    typed: Case
    if isinstance(case, Mapping):
        from atlier_policy.jsonio import case_from_dict  # only JSON callers need the decoder

        typed = case_from_dict(dict(case))
    else:
        typed = case
    return (policy or _default()).evaluate(typed)
