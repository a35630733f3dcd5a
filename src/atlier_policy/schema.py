"""JSON Schema (draft 2020-12) of the case and decision documents.

Generated from the same typed classes the JSON adapter decodes, so the schema
and the decoder cannot drift apart; the generated documents are shipped in
``atlier_policy/schemas/`` (a test checks they are current) and printed by
``atlier-policy schema case|decision|decision-reasons|decision-outcome``. The
schema of a lighter decision document (a :class:`~atlier_policy.codec.Level`) is
the full one's, its objects cut down to the keys that level writes, every one required.
"""

from __future__ import annotations

import dataclasses
import enum
import types
from datetime import date, datetime
from typing import Any, Union, get_args, get_origin

from atlier_policy.cases import StoreDay
from atlier_policy.codec import (
    CONDITION_FLAGS,
    SCHEMA_VERSION,
    Level,
    _DecisionBody,
    _spec,
    _store_days,
    _with_store_day,
)
from atlier_policy.limits import (
    AMOUNT_PATTERN,
    DATE_PATTERN,
    INSTANT_PATTERN,
    MAX_ID_LENGTH,
    MAX_ITEMS,
    MAX_WHOLE_NUMBER,
)
from atlier_policy.money import CURRENCIES, Money
from atlier_policy.stages import STAGES

__all__ = ["case_schema", "decision_schema"]

_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_MONEY = {
    "type": "object",
    "properties": {
        # The decoder's own pattern (ASCII digits; JSON Schema's \d may match others).
        "amount": {"type": "string", "pattern": f"^{AMOUNT_PATTERN}$"},
        "currency": {"type": "string", "enum": sorted(CURRENCIES)},
    },
    "required": ["amount", "currency"],
    "additionalProperties": False,
}
# Strings of a case are identifiers (order_id, sku, wanted_sku) and its arrays hold at
# most MAX_ITEMS entries; a decision's strings are texts, and neither they nor its arrays
# have a bound of their own (the decoder reads back whatever the encoder writes).
_ID = {"type": "string", "minLength": 1, "maxLength": MAX_ID_LENGTH}
_TEXT = {"type": "string"}
_SCALARS: dict[Any, dict[str, Any]] = {
    bool: {"type": "boolean"},
    int: {"type": "integer", "minimum": 0, "maximum": MAX_WHOLE_NUMBER},
    # The decoder's own patterns: the documented forms only, an offset required.
    datetime: {"type": "string", "format": "date-time", "pattern": f"^{INSTANT_PATTERN}$"},
    date: {"type": "string", "format": "date", "pattern": f"^{DATE_PATTERN}$"},
    Money: {"$ref": "#/$defs/Money"},
}
# A delivery, a return request, a defect report: an instant, or the day in the store's zone.
_SCALARS[StoreDay] = {
    "anyOf": [
        _SCALARS[datetime],
        {**_SCALARS[date], "description": "a calendar day in the store's time zone"},
    ]
}


def _type_schema(
    tp: Any,
    defs: dict[str, Any],
    stage_tag: bool = False,
    text: dict[str, Any] = _TEXT,
    max_items: int | None = None,
) -> dict[str, Any]:
    origin = get_origin(tp)
    if tp is str:
        return dict(text)
    if origin in (Union, types.UnionType):
        args = get_args(tp)
        options = [
            _type_schema(a, defs, stage_tag=True, text=text, max_items=max_items)
            for a in args
            if a is not type(None)
        ]
        if type(None) in args:
            options.append({"type": "null"})
        return options[0] if len(options) == 1 else {"anyOf": options}
    if origin is tuple:
        item = get_args(tp)[0]
        if item == tuple[str, str]:
            return {"type": "object", "additionalProperties": {"type": "string"}}
        array = {"type": "array", "items": _type_schema(item, defs, text=text, max_items=max_items)}
        return array if max_items is None else {**array, "maxItems": max_items}
    if tp in _SCALARS:
        if tp is Money:
            defs["Money"] = _MONEY
        return dict(_SCALARS[tp])
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        defs[tp.__name__] = {"type": "string", "enum": [m.value for m in tp]}
        return {"$ref": f"#/$defs/{tp.__name__}"}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        stage = _STAGE_OF.get(tp) if stage_tag else None
        name = tp.__name__ + ("Case" if stage is not None else "")
        if name not in defs:
            defs[name] = {}  # reserve: recursive references resolve to it
            defs[name] = _object_schema(tp, defs, stage=stage, text=text, max_items=max_items)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no schema for {tp!r}")


_STAGE_OF = {spec.case: spec.name for spec in STAGES}


def _object_schema(
    cls: type,
    defs: dict[str, Any],
    stage: str | None = None,
    text: dict[str, Any] = _TEXT,
    max_items: int | None = None,
) -> dict[str, Any]:
    props: dict[str, Any] = {}
    required: list[str] = []
    if stage is not None:
        props["stage"] = {"const": stage}
        required.append("stage")
    days = _store_days(cls)
    for name, tp, needed in _spec(cls):
        tp = _with_store_day(tp) if name in days else tp
        props[name] = _type_schema(tp, defs, text=text, max_items=max_items)
        if needed:
            required.append(name)
    doc = (cls.__doc__ or "").strip().splitlines()
    return {
        "type": "object",
        "description": doc[0] if doc else cls.__name__,
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }


def case_schema() -> dict[str, Any]:
    """The schema of a case document: one of the table's stages, selected by ``stage``."""
    defs: dict[str, Any] = {}
    options = []
    for spec in STAGES:
        ref = _type_schema(spec.case, defs, stage_tag=True, text=_ID, max_items=MAX_ITEMS)
        options.append(ref)
        body = defs[ref["$ref"].rsplit("/", 1)[1]]
        body["properties"]["schema_version"] = {"const": SCHEMA_VERSION}
        assert body["properties"]["stage"] == {"const": spec.name}
    _own_forms(defs, options)
    return {
        "$schema": _DIALECT,
        "$id": f"https://atlierjewelry.com/schemas/atlier-policy/case-{SCHEMA_VERSION}.json",
        "title": "atlier_policy case",
        "oneOf": options,
        "$defs": dict(sorted(defs.items())),
    }


def _own_forms(defs: dict[str, Any], options: list[dict[str, Any]]) -> None:
    """The document's own forms (codec): condition flags named as §1 reads, an exchange
    naming its piece; the forms they replace stay, marked ``deprecated``, for one release."""
    flags = defs["Condition"]["properties"]
    named = {new: flags[old] for new, old in CONDITION_FLAGS}
    named |= {
        old: {**flags[old], "deprecated": True, "description": f"deprecated: use {new}"}
        for new, old in CONDITION_FLAGS
        if new != old
    }
    defs["Condition"]["properties"] = named
    # The decoder refuses a flag given under both names (codec._decode_condition).
    defs["Condition"]["allOf"] = [
        {"not": {"required": [old, new]}} for new, old in CONDITION_FLAGS if new != old
    ]
    nested = defs["ExchangeRequestCase"]
    line = defs["ReturnItem"]["properties"]
    props = dict(nested["properties"])
    flat: dict[str, Any] = {}
    for key, value in props.items():
        if key == "item":
            flat["item"] = line["item"]
            flat |= {k: line[k] for k in ("condition", "reason", "defect_confirmed")}
        else:
            flat[key] = value
    defs["ExchangeRequestCase"] = {**nested, "properties": flat}
    defs["ExchangeRequestCaseNested"] = {
        **nested,
        "description": 'Deprecated: an exchange whose "item" nests its piece as "item".',
        "deprecated": True,
    }
    options.append({"$ref": "#/$defs/ExchangeRequestCaseNested"})


def decision_schema(level: Level | str = Level.FULL) -> dict[str, Any]:
    """The schema of a decision document (one item) or an order decision (several), at
    ``level`` (``full`` by default)."""
    chosen = Level.of(level)
    full = _full_decision_schema()
    return full if chosen is Level.FULL else _lighter(full, chosen)


def _full_decision_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    props: dict[str, Any] = {
        "schema_version": {"const": SCHEMA_VERSION},
        "kind": {"const": "decision"},
        "granted": {"type": "boolean"},
    }
    required = ["schema_version", "kind", "granted"]
    # The document's keys in its order: the stage and its outcome, then the body's.
    defs["Stage"] = {"type": "string", "enum": [spec.name for spec in STAGES]}
    props["stage"] = {"$ref": "#/$defs/Stage"}
    values = sorted({m.value for spec in STAGES for m in spec.outcomes})
    props["outcome"] = {"type": "string", "enum": values}
    required += ["stage", "outcome"]
    for name, tp, _needed in _spec(_DecisionBody):
        if name != "stage":
            props[name] = _type_schema(tp, defs)
            required.append(name)
    defs["Decision"] = {
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }
    order = {
        "type": "object",
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "kind": {"const": "order_decision"},
            "stage": {"$ref": "#/$defs/Stage"},
            "order_id": {"type": "string"},
            "policy_version": {"type": "string"},
            "counts": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}},
            "all_granted": {"type": "boolean"},
            "items": {"type": "array", "items": {"$ref": "#/$defs/ItemDecision"}},
        },
        "required": [
            "schema_version",
            "kind",
            "stage",
            "order_id",
            "policy_version",
            "counts",
            "all_granted",
            "items",
        ],
        "additionalProperties": False,
    }
    # Items of an order decision carry no schema_version/kind of their own.
    item_props = {k: v for k, v in props.items() if k not in ("schema_version", "kind")}
    defs["ItemDecision"] = {
        "type": "object",
        "properties": item_props,
        "required": [r for r in required if r not in ("schema_version", "kind")],
        "additionalProperties": False,
    }
    return {
        "$schema": _DIALECT,
        "$id": f"https://atlierjewelry.com/schemas/atlier-policy/decision-{SCHEMA_VERSION}.json",
        "title": "atlier_policy decision",
        "oneOf": [{"$ref": "#/$defs/Decision"}, order],
        "$defs": dict(sorted(defs.items())),
    }


# The keys each lighter level writes, in the document's order (codec._reasons_body and
# codec._outcome_body; the tests validate what they write against these schemas).
_DATES = (
    "refund_earliest",
    "refund_latest",
    "last_day_to_request_return",
    "last_day_to_report_defect",
)
_REASONS_KEYS = (
    "stage",
    "outcome",
    "order_id",
    "sku",
    "reasons",
    "obligations",
    "missing",
    "settlement",
    "policy_version",
    "granted",
)
_OUTCOME_KEYS = (
    "stage",
    "outcome",
    "order_id",
    "sku",
    "reason_codes",
    "obligations",
    "policy_version",
    "granted",
)


def _only(schema: dict[str, Any], keys: tuple[str, ...], description: str) -> dict[str, Any]:
    """An object schema cut down to ``keys``, every one required."""
    return {
        "type": "object",
        "description": description,
        "properties": {k: schema["properties"][k] for k in keys},
        "required": list(keys),
        "additionalProperties": False,
    }


def _lighter(full: dict[str, Any], level: Level) -> dict[str, Any]:
    """The schema of a ``reasons`` or ``outcome`` document, cut from the full one's."""
    old = full["$defs"]
    tag = {"level": {"const": level.value}}
    keys: tuple[str, ...]
    if level is Level.REASONS:
        defs = {k: old[k] for k in ("Finding", "Money", "Settlement", "ShippingPayer", "Stage")}
        reason_keys = ("code", "finding", "clause_id", "section")
        defs["ReasonSummary"] = _only(
            old["Reason"], reason_keys, "A reason without its sentence, message or facts."
        )
        defs["NoticeCode"] = _only(
            old["Notice"], ("code", "clause_id"), "A notice by its code and clause."
        )
        defs["OptionCode"] = _only(old["RemedyOption"], ("code",), "A remedy by its code.")
        obligations = _only(
            old["Obligations"],
            (
                "return_shipping_paid_by",
                "return_shipping_reimbursed",
                "refund_amount",
                "refund_to",
                *_DATES,
                "notices",
                "options",
            ),
            "What follows from a decision: notices and options by their codes.",
        )
        obligations["properties"]["notices"] = _array("NoticeCode")
        obligations["properties"]["options"] = _array("OptionCode")
        defs["ObligationsSummary"] = obligations
        body = {**old["ItemDecision"]["properties"], "reasons": _array("ReasonSummary")}
        body["obligations"] = {"$ref": "#/$defs/ObligationsSummary"}
        keys = _REASONS_KEYS
    else:
        defs = {"Stage": old["Stage"]}
        defs["KeyDates"] = _only(
            old["Obligations"], _DATES, "The last days to act and the refund window."
        )
        body = {
            **old["ItemDecision"]["properties"],
            "reason_codes": {"type": "array", "items": {"type": "string"}},
            "obligations": {"$ref": "#/$defs/KeyDates"},
        }
        keys = _OUTCOME_KEYS
    item = _only({"properties": body}, keys, f"One item's decision ({level.value} level).")
    defs["ItemDecision"] = item
    head = old["Decision"]["properties"]
    defs["Decision"] = {
        "type": "object",
        "properties": {
            "schema_version": head["schema_version"],
            "kind": head["kind"],
            **tag,
            **item["properties"],
        },
        "required": ["schema_version", "kind", "level", *keys],
        "additionalProperties": False,
    }
    order = full["oneOf"][1]
    order_props = dict(order["properties"])
    order = {
        **order,
        "properties": {
            "schema_version": order_props["schema_version"],
            "kind": order_props["kind"],
            **tag,
            **{k: v for k, v in order_props.items() if k not in ("schema_version", "kind")},
        },
        "required": ["schema_version", "kind", "level", *order["required"][2:]],
    }
    return {
        "$schema": _DIALECT,
        "$id": f"https://atlierjewelry.com/schemas/atlier-policy/decision-{level.value}-{SCHEMA_VERSION}.json",
        "title": f"atlier_policy decision ({level.value} level)",
        "oneOf": [{"$ref": "#/$defs/Decision"}, order],
        "$defs": dict(sorted(defs.items())),
    }


def _array(name: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": f"#/$defs/{name}"}}
