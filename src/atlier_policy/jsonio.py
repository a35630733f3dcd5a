"""Deprecated: the JSON adapter is :mod:`atlier_policy.codec` (removed in the next release)."""

import warnings

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

warnings.warn(
    "atlier_policy.jsonio is deprecated: use atlier_policy.codec", DeprecationWarning, stacklevel=2
)
