"""Deprecated: the JSON adapter is :mod:`atlier_policy.codec` (removed in the next release)."""

from atlier_policy.codec import (
    SCHEMA_VERSION,
    case_from_dict,
    case_from_json,
    case_to_dict,
    decision_from_dict,
    decision_to_dict,
    dumps,
    loads,
)
from atlier_policy.errors import warn_deprecated

__all__ = [
    "SCHEMA_VERSION",
    "case_from_dict",
    "case_from_json",
    "case_to_dict",
    "decision_from_dict",
    "decision_to_dict",
    "dumps",
    "loads",
]

warn_deprecated("atlier_policy.jsonio is deprecated: use atlier_policy.codec")
