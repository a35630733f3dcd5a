"""atlier_policy: Atlier Jewelry's Return & Refund Policy as code.

>>> from datetime import datetime, timezone
>>> from atlier_policy import default_policy, DefectClaim, Item, DefectKind, NoticeChannel
>>> from atlier_policy import SalesChannel
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

from typing import TYPE_CHECKING, Any

from atlier_policy.api import evaluate
from atlier_policy.calendar import BusinessCalendar
from atlier_policy.cases import (
    NOT_YET,
    Condition,
    CustomOrderCancellation,
    DefectCause,
    DefectClaim,
    DefectKind,
    ExchangeRequest,
    Inspection,
    Item,
    ItemKind,
    LostParcelReport,
    Money,
    NoticeChannel,
    NotYet,
    ParcelStatus,
    ProductionStatus,
    ProofOfPurchase,
    ReturnItem,
    ReturnLine,
    ReturnReason,
    ReturnRequest,
    SaleEvent,
    SalesChannel,
)
from atlier_policy.decision import (
    CancellationOutcome,
    Decision,
    DefectClaimOutcome,
    ExchangeOutcome,
    InspectionOutcome,
    Notice,
    Obligations,
    OrderDecision,
    Outcome,
    ParcelOutcome,
    Reason,
    RemedyOption,
    ReturnOutcome,
    Settlement,
    ShippingPayer,
    Stage,
    TraceEntry,
    to_records,
)
from atlier_policy.errors import (
    AtlierPolicyError,
    DateOutOfRangeError,
    InputError,
    PolicyDefinitionError,
)
from atlier_policy.policy import Case, Policy, RuleSet, default_policy
from atlier_policy.rules import (
    AllOf,
    AnyOf,
    Check,
    Clause,
    Context,
    Evaluation,
    Finding,
    Focus,
    Not,
    Provision,
    Rule,
    Unless,
)
from atlier_policy.terms import PolicyTerms

if TYPE_CHECKING:
    from atlier_policy.messages import (
        DEFAULT_TEMPLATES,
        Templates,
        agent_view,
        customer_message,
        reason_message,
    )
    from atlier_policy.qualify import (
        Blocker,
        Change,
        FixKind,
        Qualification,
        Suggestion,
        format_qualification,
        how_to_qualify,
    )
    from atlier_policy.termsfile import load_policy, load_terms, load_versions, terms_from_toml
    from atlier_policy.timelines import (
        TimelineEntry,
        TimelineKind,
        format_timeline,
        timeline,
        timeline_of_dates,
    )
    from atlier_policy.versions import PolicyVersions, default_versions
    from atlier_policy.whatif import Comparison, DecisionChange, Group, compare

__version__ = "0.1.0"  # the same as pyproject.toml's (a test checks it)

# The tools around the core (versions, what-if, TOML terms, customer messages,
# "how to qualify", timelines) load on first use: evaluating a case needs none of
# them, and importing them all would double the package's import time.
_LAZY = {
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
_LAZY_NAMES = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _LAZY_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'atlier_policy' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "DEFAULT_TEMPLATES",
    "NOT_YET",
    "AllOf",
    "AnyOf",
    "AtlierPolicyError",
    "Blocker",
    "BusinessCalendar",
    "CancellationOutcome",
    "Case",
    "Change",
    "Check",
    "Clause",
    "Comparison",
    "Condition",
    "Context",
    "CustomOrderCancellation",
    "DateOutOfRangeError",
    "Decision",
    "DecisionChange",
    "DefectCause",
    "DefectClaim",
    "DefectClaimOutcome",
    "DefectKind",
    "Evaluation",
    "ExchangeOutcome",
    "ExchangeRequest",
    "Finding",
    "FixKind",
    "Focus",
    "Group",
    "InputError",
    "Inspection",
    "InspectionOutcome",
    "Item",
    "ItemKind",
    "LostParcelReport",
    "Money",
    "Not",
    "NotYet",
    "Notice",
    "NoticeChannel",
    "Obligations",
    "OrderDecision",
    "Outcome",
    "ParcelOutcome",
    "ParcelStatus",
    "Policy",
    "PolicyDefinitionError",
    "PolicyTerms",
    "PolicyVersions",
    "ProductionStatus",
    "ProofOfPurchase",
    "Provision",
    "Qualification",
    "Reason",
    "RemedyOption",
    "ReturnItem",
    "ReturnLine",
    "ReturnOutcome",
    "ReturnReason",
    "ReturnRequest",
    "Rule",
    "RuleSet",
    "SaleEvent",
    "SalesChannel",
    "Settlement",
    "ShippingPayer",
    "Stage",
    "Suggestion",
    "Templates",
    "TimelineEntry",
    "TimelineKind",
    "TraceEntry",
    "Unless",
    "__version__",
    "agent_view",
    "compare",
    "customer_message",
    "default_policy",
    "default_versions",
    "evaluate",
    "format_qualification",
    "format_timeline",
    "how_to_qualify",
    "load_policy",
    "load_terms",
    "load_versions",
    "reason_message",
    "terms_from_toml",
    "timeline",
    "timeline_of_dates",
    "to_records",
]
