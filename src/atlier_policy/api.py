"""One entry point: ``evaluate(case)`` for a typed case or a JSON document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from atlier_policy.decision import Decision, OrderDecision
from atlier_policy.policy import Case, Policy
from atlier_policy.stages import STAGES

if TYPE_CHECKING:
    from atlier_policy.versions import PolicyVersions

__all__ = ["evaluate"]


def evaluate(
    case: Case | Mapping[str, Any], policy: Policy | PolicyVersions | None = None
) -> Decision | OrderDecision:
    """Evaluate a case of any stage under ``policy`` (a policy, or a registry of versions).

    Without a policy, the case is judged under the version of the policy in force at
    its purchase date (``default_versions()``, the text's one version "Last Updated:
    01/12/2025"): a purchase before that version is ``needs_review``
    (``no_policy_version_in_force``, ``docs/versions.md``). ``Policy.evaluate``
    applies one policy and looks at no date.

    ``case`` is a typed case object or a JSON document (a ``dict`` with a ``stage``).

    >>> d = evaluate({"stage": "lost_parcel", "order_id": "A-7", "status": "lost",
    ...               "shipped_at": "2025-03-06T12:00:00-05:00"})
    >>> d.outcome.value, d.reasons[0].code
    ('no_refund_parcel_lost', 'return_parcel_lost')
    """
    typed: Case
    if isinstance(case, Mapping):
        from atlier_policy.codec import case_from_dict  # only JSON callers need the decoder

        stages = policy.stages if policy is not None else STAGES
        typed = case_from_dict(dict(case), stages=stages)
    else:
        typed = case
    if policy is None:
        from atlier_policy.versions import default_evaluator  # the registry, on first use

        return default_evaluator().evaluate(typed)
    return policy.evaluate(typed)
