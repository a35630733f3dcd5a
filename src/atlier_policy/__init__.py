"""atlier_policy: Atlier Jewelry's Return & Refund Policy as code."""

from importlib.metadata import PackageNotFoundError, version

from atlier_policy.calendar import BusinessCalendar
from atlier_policy.errors import (
    AtlierPolicyError,
    DateOutOfRangeError,
    InputError,
    PolicyDefinitionError,
)

try:
    __version__ = version("atlier-policy")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "AtlierPolicyError",
    "BusinessCalendar",
    "DateOutOfRangeError",
    "InputError",
    "PolicyDefinitionError",
    "__version__",
]
