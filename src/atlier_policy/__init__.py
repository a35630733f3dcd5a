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

from importlib.metadata import PackageNotFoundError, version

from atlier_policy.api import evaluate
from atlier_policy.calendar import BusinessCalendar
from atlier_policy.cases import (
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

try:
    __version__ = version("atlier-policy")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "AllOf",
    "AnyOf",
    "AtlierPolicyError",
    "BusinessCalendar",
    "CancellationOutcome",
    "Case",
    "Check",
    "Clause",
    "Condition",
    "Context",
    "CustomOrderCancellation",
    "DateOutOfRangeError",
    "Decision",
    "DefectCause",
    "DefectClaim",
    "DefectClaimOutcome",
    "DefectKind",
    "Evaluation",
    "ExchangeOutcome",
    "ExchangeRequest",
    "Finding",
    "Focus",
    "InputError",
    "Inspection",
    "InspectionOutcome",
    "Item",
    "ItemKind",
    "LostParcelReport",
    "Money",
    "Not",
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
    "ProductionStatus",
    "ProofOfPurchase",
    "Provision",
    "Reason",
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
    "TraceEntry",
    "Unless",
    "__version__",
    "default_policy",
    "evaluate",
    "to_records",
]
