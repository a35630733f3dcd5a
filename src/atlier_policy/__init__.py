"""atlier_policy: Atlier Jewelry's Return & Refund Policy as code.

The top level holds what a caller needs to judge a case: the case types, ``evaluate``,
the policy and its terms, the business calendar, the decisions and the errors. The
rest lives in its own module: the enums of the facts in :mod:`atlier_policy.cases`, the
outcomes in :mod:`atlier_policy.decision`, the rule algebra in
:mod:`atlier_policy.rules`, the stage table in :mod:`atlier_policy.stages`, the tools
(:mod:`~atlier_policy.timelines`, :mod:`~atlier_policy.qualify`,
:mod:`~atlier_policy.messages`, :mod:`~atlier_policy.whatif`,
:mod:`~atlier_policy.versions`, :mod:`~atlier_policy.termsfile`) and the adapters
(:mod:`~atlier_policy.codec`, :mod:`~atlier_policy.records`, :mod:`~atlier_policy.cli`);
whole batches for data engines go through :func:`decide_batch` (:mod:`~atlier_policy.frames`).

>>> from datetime import datetime, timezone
>>> from atlier_policy import DefectClaim, Item, default_policy
>>> from atlier_policy.cases import DefectKind, NoticeChannel, SalesChannel
>>> utc = timezone.utc
>>> delivered = datetime(2025, 3, 3, 15, tzinfo=utc)
>>> ring = Item(sku="RING-7", channel=SalesChannel.WEBSITE, delivered_at=delivered)
>>> claim = DefectClaim(
...     order_id="A-1001",
...     item=ring,
...     reported_at=datetime(2025, 3, 5, 15, tzinfo=utc),
...     kind=DefectKind.MANUFACTURING_DEFECT,
...     channel=NoticeChannel.EMAIL,
... )
>>> decision = default_policy().defect_claim(claim)
>>> decision.outcome.value, decision.missing
('incomplete', ('photos_sent_at',))
>>> print(decision.reasons[0])
[§3 s3.photos] clear photos of the issue are needed by 2025-03-06
"""

import importlib
import sys

# Not typing.TYPE_CHECKING: importing typing alone costs more than the rest of this
# module. Type checkers treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:  # what type checkers see; at run time each name loads on first use
    from typing import Any

    from atlier_policy.api import evaluate
    from atlier_policy.calendar import BusinessCalendar
    from atlier_policy.cases import (
        NOT_YET,
        Condition,
        CustomOrderCancellation,
        DefectClaim,
        ExchangeRequest,
        Inspection,
        Item,
        LostParcelReport,
        ReturnItem,
        ReturnRequest,
    )
    from atlier_policy.codec import Level
    from atlier_policy.decision import Decision, OrderDecision
    from atlier_policy.errors import (
        AtlierPolicyError,
        DateOutOfRangeError,
        InputError,
        PolicyDefinitionError,
    )
    from atlier_policy.frames import decide_batch
    from atlier_policy.money import Money
    from atlier_policy.policy import Policy, default_policy
    from atlier_policy.terms import PolicyTerms

__version__ = "0.1.0"  # the same as pyproject.toml's (a test checks it)

__all__ = [
    "NOT_YET",
    "AtlierPolicyError",
    "BusinessCalendar",
    "Condition",
    "CustomOrderCancellation",
    "DateOutOfRangeError",
    "Decision",
    "DefectClaim",
    "ExchangeRequest",
    "InputError",
    "Inspection",
    "Item",
    "Level",
    "LostParcelReport",
    "Money",
    "OrderDecision",
    "Policy",
    "PolicyDefinitionError",
    "PolicyTerms",
    "ReturnItem",
    "ReturnRequest",
    "__version__",
    "decide_batch",
    "default_policy",
    "evaluate",
]

# The names the top level used to hold, and the module each lives in now: they still
# resolve, with a DeprecationWarning naming the new place, for one release.
_MOVED = {
    "atlier_policy.cases": (
        "DefectCause",
        "DefectKind",
        "ItemKind",
        "NoticeChannel",
        "NotYet",
        "ParcelStatus",
        "ProductionStatus",
        "ProofOfPurchase",
        "ReturnLine",
        "ReturnReason",
        "SaleEvent",
        "SalesChannel",
    ),
    "atlier_policy.decision": (
        "CancellationOutcome",
        "DefectClaimOutcome",
        "ExchangeOutcome",
        "InspectionOutcome",
        "Notice",
        "Obligations",
        "Outcome",
        "ParcelOutcome",
        "RemedyOption",
        "ReturnOutcome",
        "Settlement",
        "ShippingPayer",
        "Stage",
    ),
    "atlier_policy.rules": (
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
        "Reason",
        "Rule",
        "TraceEntry",
        "Unless",
    ),
    "atlier_policy.policy": ("Case", "RuleSet"),
    "atlier_policy.records": ("to_records",),
    "atlier_policy.messages": (
        "DEFAULT_TEMPLATES",
        "Templates",
        "agent_view",
        "customer_message",
        "reason_message",
    ),
    "atlier_policy.qualify": (
        "Blocker",
        "Change",
        "FixKind",
        "Qualification",
        "Suggestion",
        "format_qualification",
        "how_to_qualify",
    ),
    "atlier_policy.termsfile": ("load_policy", "load_terms", "load_versions", "terms_from_toml"),
    "atlier_policy.timelines": (
        "TimelineEntry",
        "TimelineKind",
        "format_timeline",
        "timeline",
        "timeline_of_dates",
    ),
    "atlier_policy.versions": ("PolicyVersions", "default_versions"),
    "atlier_policy.whatif": ("Comparison", "DecisionChange", "Group", "compare"),
}
_MOVED_FROM = {name: module for module, names in _MOVED.items() for name in names}

# The public names (PEP 562): `import atlier_policy` loads none of the engine; a name's
# module is imported the first time the name is read, and the name is then kept in this
# module's namespace, so a second read is a plain attribute lookup.
_LAZY = {
    "atlier_policy.api": ("evaluate",),
    "atlier_policy.calendar": ("BusinessCalendar",),
    # An adapter's name: still loaded on first use only, so the core imports no adapter.
    "atlier_policy.codec": ("Level",),
    "atlier_policy.frames": ("decide_batch",),
    "atlier_policy.cases": (
        "NOT_YET",
        "Condition",
        "CustomOrderCancellation",
        "DefectClaim",
        "ExchangeRequest",
        "Inspection",
        "Item",
        "LostParcelReport",
        "ReturnItem",
        "ReturnRequest",
    ),
    "atlier_policy.decision": ("Decision", "OrderDecision"),
    "atlier_policy.errors": (
        "AtlierPolicyError",
        "DateOutOfRangeError",
        "InputError",
        "PolicyDefinitionError",
    ),
    "atlier_policy.money": ("Money",),
    "atlier_policy.policy": ("Policy", "default_policy"),
    "atlier_policy.terms": ("PolicyTerms",),
}
_LAZY_FROM = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name: str) -> "Any":
    lazy = _LAZY_FROM.get(name)
    if lazy is not None:
        value = getattr(importlib.import_module(lazy), name)
        globals()[name] = value
        return value
    module = _MOVED_FROM.get(name)
    if module is None:
        raise AttributeError(f"module 'atlier_policy' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    # `from atlier_policy import X` first asks hasattr() from the import machinery, then
    # reads X from the caller's line: warn once, there.
    if not sys._getframe(1).f_code.co_filename.startswith("<frozen importlib"):
        from atlier_policy.errors import warn_deprecated

        warn_deprecated(f"atlier_policy.{name} is deprecated: import it from {module}")
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
