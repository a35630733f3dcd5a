"""The codec: JSON in, JSON out, both ways in one place; a thin, strict adapter around
the typed core.

A case document is a JSON object whose ``stage`` names a stage of the stage table
(``atlier_policy.stages``; a policy's own table with ``stages=``); its other keys are
the fields of that stage's case class (``docs/json.md``, ``docs/cases.md``). Dates are
ISO 8601 (instants with an offset; a delivery, a return request or a defect report may
be a calendar date, ``"2025-03-03"``, the day in the store's time zone), money is
``{"amount": "240.00", "currency": "USD"}`` with the amount as a decimal *string*,
enums are lower-case strings, ``null`` is an unknown fact. Optional keys may be omitted
(their default applies); unknown keys are refused. The condition flags are named as §1
reads and an exchange's ``item`` is its piece; the older forms are read with a
``DeprecationWarning`` for one release (``docs/cases.md``). Every problem of a document
is reported at once, each with its field path (``items[2].item.delivered_at``).

Decisions encode to a stable, versioned document (``schema_version`` and the
policy version inside) and decode back to equal values; at a lighter :class:`Level`
(``reasons``, ``outcome``) the document leaves out what a reader of outcomes does not
need, and does not decode back.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
import types
import typing
import warnings
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache, partial
from typing import Any, Union, get_args, get_origin

from atlier_policy._values import value_class
from atlier_policy.cases import Condition, ExchangeRequest, ReturnItem, StoreDay
from atlier_policy.decision import Decision, Obligations, OrderDecision, Settlement
from atlier_policy.errors import DeprecatedFormWarning, InputError, _shown
from atlier_policy.limits import (
    AMOUNT_PATTERN,
    MAX_AMOUNT,
    MAX_DATETIME_LENGTH,
    MAX_ITEMS,
    MAX_STRING,
    MAX_WHOLE_NUMBER,
)
from atlier_policy.money import CURRENCIES, Money
from atlier_policy.rules import Explanation, Finding, Reason, TraceEntry
from atlier_policy.stages import STAGES, StageSpec
from atlier_policy.strings import (
    UNICODE_TEXT,
    bom_problem,
    has_surrogates,
    iso_date,
    iso_instant,
)

__all__ = [
    "SCHEMA_VERSION",
    "Level",
    "case_from_dict",
    "case_from_json",
    "case_to_dict",
    "decision_from_dict",
    "decision_to_dict",
    "dumps",
    "dumps_bytes",
    "loads",
    "to_json",
]

SCHEMA_VERSION = "1.0"


class Level(enum.StrEnum):
    """How much of a decision a document (or a record) carries.

    ``full``: everything, and it decodes back to an equal decision. ``reasons``: the
    outcome, each reason's code, finding, clause id and section, the obligations (notices
    by code and clause id, options by code), the missing facts and the settlement; no
    quoted sentence, message, fact or trace. ``outcome``: the outcome, the codes of the
    reasons that did not pass and the four key dates. Both lighter documents say their
    ``level``; the full one has no such key.

    >>> Level.of("outcome") is Level.OUTCOME
    True
    """

    FULL = "full"
    REASONS = "reasons"
    OUTCOME = "outcome"

    @classmethod
    def of(cls, value: object) -> Level:
        """The level named ``value`` (a member or its name); anything else is an InputError."""
        if isinstance(value, str):  # a member is its name: one lookup (this runs per document)
            member = cls._value2member_map_.get(value)
            if member is not None:
                return typing.cast(Level, member)
        expected = "one of " + ", ".join(repr(m.value) for m in cls)
        raise InputError.single("level", expected, value, "output level")


_AMOUNT = re.compile(AMOUNT_PATTERN)  # ASCII digits, no sign: amounts in documents are >= 0


def _names(stages: tuple[StageSpec, ...]) -> str:
    return ", ".join(repr(str(s.name)) for s in stages)  # a Stage's value, not its repr


def _by_name(stages: tuple[StageSpec, ...]) -> dict[str, StageSpec]:
    return {s.name: s for s in stages}


def _stage_name(case: object, stages: tuple[StageSpec, ...] = STAGES) -> str | None:
    return next((s.name for s in stages if type(case) is s.case), None)


def _given(value: object) -> str:
    """A JSON-ish, short rendering of what was given, for messages."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = json.dumps(value) if isinstance(value, str | float) else _shown(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Problems:
    """Collects every problem of a document before raising once, and holds the document's
    limits: a case's strings and arrays are bounded (``MAX_STRING``, ``MAX_ITEMS``); a
    decision's are not (``None``): whatever :func:`decision_to_dict` writes, a label of
    100 version names or a merchant's long message, :func:`decision_from_dict` reads back."""

    __slots__ = ("items", "max_items", "max_string")

    def __init__(
        self, max_string: int | None = MAX_STRING, max_items: int | None = MAX_ITEMS
    ) -> None:
        self.items: list[tuple[str, str, str]] = []
        self.max_string = max_string
        self.max_items = max_items

    def add(self, path: str, expected: str, value: object) -> None:
        self.items.append((path or "(document)", expected, _given(value)))

    def within(self, path: str, exc: InputError) -> None:
        """The problems a value's own checks found, each named under ``path``."""
        self.items.extend((_join(path, field), e, g) for field, e, g in exc.problems)


_MISSING = object()


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


@cache
def _spec(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    """(name, type, required) for each init field of a dataclass, cached per class."""
    hints = typing.get_type_hints(cls)
    return tuple(
        (
            f.name,
            hints[f.name],
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
        if f.init and not f.name.startswith("_")
    )


Decoder = Callable[[object, str, "_Problems"], Any]


@cache
def _decoder(tp: Any) -> Decoder:
    """How to decode a value of type ``tp``: a function built once per type, which calls
    the decoders of its parts directly (no dispatch on the type for every value)."""
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = get_args(tp)
        rest = tuple(a for a in args if a is not type(None))
        return _union(type(None) in args, rest, _describe(tp))
    if origin is tuple:
        item_tp = get_args(tp)[0]
        return _decode_pairs if item_tp == tuple[str, str] else _array(_decoder(item_tp))
    if isinstance(tp, type):
        if tp in _SCALARS:
            return _SCALARS[tp]
        if issubclass(tp, enum.Enum):
            return partial(_decode_enum, tp)
        if dataclasses.is_dataclass(tp):
            return _OWN_FORM.get(tp) or partial(_decode_object, tp)
    raise TypeError(f"no JSON decoder for {tp!r}")  # a programming error, not bad input


def _decode(tp: Any, value: object, path: str, problems: _Problems) -> Any:
    return _decoder(tp)(value, path, problems)


def _union(nullable: bool, rest: tuple[Any, ...], described: str) -> Decoder:
    one = _decoder(rest[0]) if len(rest) == 1 else None

    def decode(value: object, path: str, problems: _Problems) -> Any:
        if value is None:
            if nullable:
                return None
            problems.add(path, described, value)
            return _MISSING
        if one is not None:
            return one(value, path, problems)
        return _decode_union(list(rest), value, path, problems, described)

    return decode


def _array(item: Decoder) -> Decoder:
    def decode(value: object, path: str, problems: _Problems) -> Any:
        if not isinstance(value, list):
            problems.add(path, "an array", value)
            return _MISSING
        if problems.max_items is not None and len(value) > problems.max_items:
            problems.add(path, f"at most {problems.max_items} entries", f"{len(value)} entries")
            return _MISSING
        out = [item(v, f"{path}[{i}]", problems) for i, v in enumerate(value)]
        return _MISSING if _MISSING in out else tuple(out)

    return decode


def _describe(tp: Any) -> str:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        parts = dict.fromkeys(_describe(a) for a in get_args(tp) if a is not type(None))
        return " or ".join(parts) + (" or null" if type(None) in get_args(tp) else "")
    if origin is tuple:
        return "an array"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of " + ", ".join(repr(m.value) for m in tp)
    return _NAMES.get(tp, "an object")


def _decode_union(
    options: list[Any], value: object, path: str, problems: _Problems, described: str
) -> Any:
    enums = [o for o in options if isinstance(o, type) and issubclass(o, enum.Enum)]
    if enums:
        # An instant or its explicit "not yet" (``datetime | NotYet``): the enum's
        # values are words, never instants, so the value itself selects.
        for cls in enums:
            if isinstance(value, str) and value in {m.value for m in cls}:
                return cls(value)
        (scalar,) = (o for o in options if o not in enums)
        attempt = _Problems()
        decoded = _decode(scalar, value, path, attempt)
        if attempt.items:
            problems.add(path, described, value)
            return _MISSING
        return decoded
    # Otherwise a union of case classes (Inspection.request): the nested `stage` selects.
    if not isinstance(value, dict):
        problems.add(path, "an object", value)
        return _MISSING
    by_stage = {spec.name: spec.case for spec in STAGES if spec.case in options}
    stage = value.get("stage")
    if not isinstance(stage, str) or stage not in by_stage:  # an object or array: unhashable
        choices = ", ".join(repr(s) for s in by_stage)
        problems.add(_join(path, "stage"), f"one of {choices}", stage)
        return _MISSING
    _check_version(value, path, problems)
    body = {k: v for k, v in value.items() if k not in ("stage", "schema_version")}
    return _decoder(by_stage[stage])(body, path, problems)


def _check_version(
    doc: Mapping[str, Any], path: str, problems: _Problems, *, required: bool = False
) -> None:
    """A document's ``schema_version``, where it gives one (a decision always does), is
    this codec's: the string ``"1.0"`` (not ``"2.0"``, ``1.0`` or ``null``)."""
    if "schema_version" not in doc:
        if required:
            problems.add(_join(path, "schema_version"), f"present ({SCHEMA_VERSION!r})", "nothing")
    elif doc["schema_version"] != SCHEMA_VERSION:
        problems.add(_join(path, "schema_version"), repr(SCHEMA_VERSION), doc["schema_version"])


@cache
def _known(cls: type) -> frozenset[str]:
    return frozenset(name for name, _, _ in _spec(cls))


@cache
def _store_days(cls: type) -> frozenset[str]:
    """The fields of ``cls`` that may hold a calendar day (``cases.StoreDay``)."""
    return frozenset(f.name for f in dataclasses.fields(cls) if f.metadata.get("store_day"))


def _with_store_day(tp: Any) -> Any:
    """``datetime`` (or ``datetime | None``) read as a date-time or a calendar day."""
    return StoreDay if tp is datetime else StoreDay | None


@cache
def _fields(cls: type) -> tuple[tuple[str, Any, bool, Decoder], ...]:
    """:func:`_spec` with each field's decoder (a store day's field reads a date too)."""
    days = _store_days(cls)
    typed = ((n, _with_store_day(tp) if n in days else tp, r) for n, tp, r in _spec(cls))
    return tuple((name, tp, required, _decoder(tp)) for name, tp, required in typed)


_NOTHING_GIVEN: Mapping[str, Any] = types.MappingProxyType({})


def _decode_object(
    cls: type,
    value: object,
    path: str,
    problems: _Problems,
    given: Mapping[str, Any] = _NOTHING_GIVEN,
) -> Any:
    """An object of ``cls`` from its document; ``given`` holds fields decoded already
    (from other keys of the document: the piece of an exchange)."""
    if not isinstance(value, dict):
        problems.add(path, "an object", value)
        return _MISSING
    known = _known(cls)
    if not known.issuperset(value):
        for key in value:
            if key not in known:
                problems.add(_join(path, str(key)), "absent (unknown key)", value[key])
    kwargs: dict[str, Any] = dict(given)
    failed = False
    for name, tp, required, decode in _fields(cls):
        if name not in value:
            if required and name not in kwargs:
                problems.add(_join(path, name), f"present ({_describe(tp)})", "nothing")
            continue
        decoded = decode(value[name], _join(path, name), problems)
        if decoded is _MISSING:
            failed = True
        else:
            kwargs[name] = decoded
    if failed or problems.items:
        return _MISSING
    try:
        return cls(**kwargs)
    except InputError as exc:  # cross-field checks of the case class itself
        problems.within(path, exc)
        return _MISSING


def _decode_pairs(value: object, path: str, problems: _Problems) -> Any:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        problems.add(path, "an object of strings", value)
        return _MISSING
    return tuple(value.items())


def _decode_enum(cls: type[enum.Enum], value: object, path: str, problems: _Problems) -> Any:
    if isinstance(value, str):
        # What ``cls(value)`` looks up first; a word that is no member's value is refused.
        member = cls._value2member_map_.get(value)
        if member is not None:
            return member
    problems.add(path, _describe(cls), value)
    return _MISSING


def _decode_str(value: object, path: str, problems: _Problems) -> Any:
    limit = problems.max_string
    if not isinstance(value, str) or (limit is not None and len(value) > limit):
        bound = "" if limit is None else f" of at most {limit} characters"
        problems.add(path, f"a string{bound}", value)
    elif has_surrogates(value):
        problems.add(path, UNICODE_TEXT, value)
    else:
        return value
    return _MISSING


def _decode_bool(value: object, path: str, problems: _Problems) -> Any:
    if isinstance(value, bool):
        return value
    problems.add(path, "true, false or null", value)
    return _MISSING


def _decode_int(value: object, path: str, problems: _Problems) -> Any:
    # The one whole number of a document is a depth in a decision's trace.
    if type(value) is int and 0 <= value <= MAX_WHOLE_NUMBER:
        return value
    problems.add(path, f"a whole number from 0 to {MAX_WHOLE_NUMBER:,}", value)
    return _MISSING


def _decode_datetime(value: object, path: str, problems: _Problems) -> Any:
    expected = "an ISO 8601 date-time with an offset, e.g. '2025-03-03T14:00:00-05:00'"
    fits = isinstance(value, str) and len(value) <= MAX_DATETIME_LENGTH
    parsed = iso_instant(value) if fits else None
    if parsed is not None and parsed.tzinfo is not None:
        return parsed
    problems.add(path, expected, value if parsed is None else f"{value} (no offset)")
    return _MISSING


def _decode_store_day(value: object, path: str, problems: _Problems) -> Any:
    """An instant, or a calendar date standing for that day in the store's time zone (a
    date-time without an offset stays refused)."""
    day = iso_date(value)
    if day is not None:
        return StoreDay.of(day)
    attempt = _Problems()
    decoded = _decode_datetime(value, path, attempt)
    if attempt.items:
        (_, _, given), *_ = attempt.items
        problems.items.append((path or "(document)", _STORE_DAY_EXPECTED, given))
        return _MISSING
    return decoded


_STORE_DAY_EXPECTED = (
    "an ISO 8601 date-time with an offset, e.g. '2025-03-03T14:00:00-05:00', "
    "or a calendar date (the day in the store's time zone), e.g. '2025-03-03'"
)


def _decode_date(value: object, path: str, problems: _Problems) -> Any:
    parsed = iso_date(value)
    if parsed is None:
        problems.add(path, "an ISO 8601 date, e.g. '2025-03-03'", value)
        return _MISSING
    return parsed


def _decode_money(value: object, path: str, problems: _Problems) -> Any:
    if not isinstance(value, dict) or set(value) != {"amount", "currency"}:
        problems.add(path, 'an object {"amount": "240.00", "currency": "USD"}', value)
        return _MISSING
    amount, currency = value["amount"], value["currency"]
    ok = True
    if not isinstance(amount, str) or not _AMOUNT.fullmatch(amount):
        problems.add(_join(path, "amount"), _AMOUNT_EXPECTED, amount)
        ok = False
    if not isinstance(currency, str) or currency not in CURRENCIES:
        problems.add(_join(path, "currency"), "an ISO 4217 currency code like 'USD'", currency)
        ok = False
    if not ok:
        return _MISSING
    # The pattern admits only amounts below MAX_AMOUNT, in ASCII digits; Money itself
    # refuses more decimals than the currency has.
    try:
        return Money(Decimal(amount), currency)
    except InputError as exc:
        problems.within(path, exc)
        return _MISSING


_AMOUNT_EXPECTED = (
    f"a decimal string like '240.00', below {MAX_AMOUNT:,f}, "
    "with at most the currency's decimal places"
)


_SCALARS: dict[type, Callable[[object, str, _Problems], Any]] = {
    str: _decode_str,
    bool: _decode_bool,
    int: _decode_int,
    datetime: _decode_datetime,
    StoreDay: _decode_store_day,
    date: _decode_date,
    Money: _decode_money,
}
_NAMES: dict[Any, str] = {
    str: "a string",
    bool: "true or false",
    int: "a whole number, 0 or more",
    datetime: "an ISO 8601 date-time with an offset",
    StoreDay: "an ISO 8601 date-time with an offset or a calendar date",
    date: "an ISO 8601 date",
    Money: "a money object",
}


# --- the document's own forms (docs/cases.md) ---------------------------------------------

# The condition flags of §1, each named as the sentence reads it ("The jewelry must be
# unused, unworn, and in its original packaging, with all certificates, tags, and
# accessories included"): the document's name, then the field of ``cases.Condition``.
CONDITION_FLAGS: tuple[tuple[str, str], ...] = (
    ("unused", "unused"),
    ("unworn", "unworn"),
    ("in_original_packaging", "original_packaging"),
    ("with_all_certificates", "certificates_included"),
    ("with_all_tags", "tags_included"),
    ("with_all_accessories", "accessories_included"),
)
_FLAG_FIELD = {**{old: old for _, old in CONDITION_FLAGS}, **dict(CONDITION_FLAGS)}
_FLAG_NAME = {old: new for new, old in CONDITION_FLAGS}
# The fields of an exchange's ReturnItem other than its piece: keys of the exchange itself.
_PIECE_FACTS = ("condition", "reason", "defect_confirmed")


def _deprecated_form(message: str) -> None:
    """A :class:`~atlier_policy.errors.DeprecatedFormWarning` (a ``DeprecationWarning``)
    for a document's old form. It concerns the document, not a line of code, so it is
    attributed to the codec: test runners show it, and so do ``python -W default`` and
    ``PYTHONWARNINGS``; a command-line run stays quiet. Raised as an error (``-W error``),
    the command line reports it as the document's problem, not as a bug.

    How often is the warnings filter's to say, the same for every document: under the
    ``default`` action Python's registry shows each message once per process (a batch of
    old documents warns once, not once a line), ``always`` shows it for every document,
    ``error`` raises it from every old-form document alike, and an ignored warning is
    not counted as shown."""
    warnings.warn(message, DeprecatedFormWarning, stacklevel=2)


def _decode_condition(value: object, path: str, problems: _Problems) -> Any:
    """A condition whose flags are named as the document does; a deprecated name (the
    field's own, where it differs) is read with a warning, and the same flag given under
    both names is refused."""
    if not isinstance(value, dict):
        problems.add(path, "an object", value)
        return _MISSING
    kwargs: dict[str, Any] = {}
    old: list[str] = []
    failed = False
    for key, given in value.items():
        name = _FLAG_FIELD.get(key) if isinstance(key, str) else None
        if name is None:
            problems.add(_join(path, str(key)), "absent (unknown key)", given)
            continue
        if key != _FLAG_NAME[name]:
            old.append(key)
        if name in kwargs:
            problems.add(_join(path, key), f"absent: the same flag as {_FLAG_NAME[name]}", given)
            continue
        kwargs[name] = _decode_flag(given, _join(path, key), problems)
        failed = failed or kwargs[name] is _MISSING
    if old:
        renamed = ", ".join(f"{o} -> {_FLAG_NAME[o]}" for o in old)
        _deprecated_form(f"condition flags renamed ({renamed}): the old names go next release")
    if failed or problems.items:
        return _MISSING
    return Condition(**kwargs)


def _decode_exchange(value: object, path: str, problems: _Problems) -> Any:
    """An exchange whose ``item`` is the piece itself, its condition, reason and defect
    record beside it; the nested form (``"item": {"item": ...}``) is read with a warning."""
    if not isinstance(value, dict):
        problems.add(path, "an object", value)
        return _MISSING
    piece = value.get("item")
    if isinstance(piece, dict) and "item" in piece:
        _deprecated_form(
            'an exchange\'s nested "item": {"item": ...} is deprecated: give the piece as '
            '"item" and its "condition", "reason" and "defect_confirmed" beside it'
        )
        return _decode_object(ExchangeRequest, value, path, problems)
    body = {k: v for k, v in value.items() if k not in _PIECE_FACTS and k != "item"}
    line: dict[str, Any] = {}
    for name, _, _, decode in _fields(ReturnItem):
        if name in value:  # the piece's facts are read even without it: every problem at once
            line[name] = decode(value[name], _join(path, name), problems)
    if "item" not in value:
        return _decode_object(ExchangeRequest, body, path, problems)
    if _MISSING in line.values():
        return _decode_object(ExchangeRequest, body, path, problems, {"item": _MISSING})
    return _decode_object(ExchangeRequest, body, path, problems, {"item": ReturnItem(**line)})


_OWN_FORM: dict[type, Decoder] = {
    Condition: _decode_condition,
    ExchangeRequest: _decode_exchange,
}
_decode_flag = _decoder(bool | None)


# --- cases ------------------------------------------------------------------------------


def case_from_dict(doc: object, *, stages: tuple[StageSpec, ...] = STAGES) -> Any:
    """The typed case a JSON document describes; every problem reported at once.

    ``stages`` is the stage table the ``stage`` is looked up in (a policy's
    ``stages``, for a stage defined outside the library).

    >>> case_from_dict({"stage": "lost_parcel", "order_id": "A-1", "status": "lost"}).status
    <ParcelStatus.LOST: 'lost'>
    >>> try:
    ...     case_from_dict({"stage": "lost_parcel", "order_id": 7, "colour": "red"})
    ... except InputError as err:
    ...     for problem in err.problems:
    ...         print(problem)
    ('colour', 'absent (unknown key)', '"red"')
    ('order_id', 'a string of at most 1000 characters', '7')
    """
    if not isinstance(doc, dict):
        raise InputError((("(document)", "a JSON object with a `stage`", _given(doc)),), "case")
    stage_value = doc.get("stage")
    spec = _by_name(stages).get(stage_value) if isinstance(stage_value, str) else None
    if spec is None:
        raise InputError((("stage", f"one of {_names(stages)}", _given(stage_value)),), "case")
    body = {k: v for k, v in doc.items() if k not in ("stage", "schema_version")}
    problems = _Problems()
    _check_version(doc, "", problems)
    case = _decoder(spec.case)(body, "", problems)
    if problems.items:
        problems.items.sort(key=lambda p: p[0])
        raise InputError(tuple(problems.items), f"{spec.name} case")
    return case


def case_from_json(text: str | bytes, *, stages: tuple[StageSpec, ...] = STAGES) -> Any:
    """Parse and decode one case document; malformed JSON is our input error too."""
    return case_from_dict(loads(text), stages=stages)


def loads(text: str | bytes) -> Any:
    """``json.loads`` with every failure turned into our input error.

    Also refused: a key given twice in one object (parsers disagree on which one wins),
    named by its path, ``NaN`` or ``Infinity``, and a byte order mark at the start.
    """
    twice: list[_Twice] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) == len(items):
            return obj
        marked = _Twice(obj)
        counts = Counter(key for key, _ in items)
        marked.keys_twice = sorted(key for key, n in counts.items() if n > 1)
        twice.append(marked)
        return marked

    bom = bom_problem(text)
    if bom is not None:
        raise InputError((bom,), "JSON")
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        doc = json.loads(text, parse_constant=_no_constant, object_pairs_hook=pairs)
    except UnicodeDecodeError as exc:
        raise InputError(
            (
                (
                    "(document)",
                    "UTF-8 text",
                    f"a byte 0x{exc.object[exc.start]:02x} at offset {exc.start}",
                ),
            ),
            "JSON",
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            (("(document)", "valid JSON", f"{exc.msg} at line {exc.lineno} column {exc.colno}"),),
            "JSON",
        ) from None
    except RecursionError:
        raise InputError(
            (("(document)", "JSON nested at most a few hundred levels deep", "deeper nesting"),),
            "JSON",
        ) from None
    except ValueError as exc:  # e.g. integers longer than Python's digit limit
        raise InputError(
            (("(document)", "numbers of sensible size", str(exc).split(";")[0]),), "JSON"
        ) from None
    if twice:
        raise InputError(
            tuple((path, "given once in its object", "a duplicate key") for path in _twice(doc)),
            "JSON",
        )
    return doc


class _Twice(dict[str, Any]):
    """A parsed JSON object in which some keys were given more than once."""

    keys_twice: list[str]


def _twice(doc: Any) -> list[str]:
    """The paths of the keys given twice, found without recursion (any depth)."""
    found: list[str] = []
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, list):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(value))
        elif isinstance(value, dict):
            stack.extend((v, _join(path, k)) for k, v in value.items())
            if isinstance(value, _Twice):
                found.extend(_join(path, key) for key in value.keys_twice)
    return sorted(found)


def _no_constant(name: str) -> None:
    raise json.JSONDecodeError(f"{name} is not valid JSON", name, 0)


def _encode(value: Any, stages: tuple[StageSpec, ...] = STAGES) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Money):
        return _money(value)
    if isinstance(value, tuple):
        return [_encode(v, stages) for v in value]
    if isinstance(value, Condition):
        return {new: getattr(value, old) for new, old in CONDITION_FLAGS}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        stage = _stage_name(value, stages)
        if stage is not None:
            out["stage"] = stage
        for name, _, _ in _spec(type(value)):
            out[name] = _encode(getattr(value, name), stages)
        if isinstance(value, ExchangeRequest):  # the piece, its facts beside it
            line = out.pop("item")
            head = {k: out.pop(k) for k in ("stage", "order_id", "requested_at") if k in out}
            out = head | line | out
        return out
    return value


def case_to_dict(case: Any, *, stages: tuple[StageSpec, ...] = STAGES) -> dict[str, Any]:
    """The JSON document of a typed case (``case_from_dict`` inverts it)."""
    if _stage_name(case, stages) is None:
        raise InputError.single(
            "case", f"a case of one of the stages ({_names(stages)})", type(case).__name__, "encode"
        )
    doc: dict[str, Any] = {"schema_version": SCHEMA_VERSION, **_encode(case, stages)}
    return doc


# --- decisions --------------------------------------------------------------------------


def decision_to_dict(
    decision: Decision | OrderDecision, *, level: Level | str = Level.FULL
) -> dict[str, Any]:
    """A stable, versioned document of a decision, at a :class:`Level` (``full`` by
    default: the document :func:`decision_from_dict` reads back)."""
    chosen = Level.of(level)
    body = _BODIES[chosen]
    # Only a lighter document says its level: a full one stays as it always was.
    tag = {} if chosen is Level.FULL else {"level": chosen.value}
    if isinstance(decision, OrderDecision):
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": "order_decision",
            **tag,
            "stage": decision.stage,
            "order_id": decision.order_id,
            "policy_version": decision.policy_version,
            "counts": decision.counts,
            "all_granted": decision.all_granted,
            "items": [body(d) for d in decision.items],
        }
    return {"schema_version": SCHEMA_VERSION, "kind": "decision", **tag, **body(decision)}


def _money(m: Money | None) -> dict[str, str] | None:
    # Positional notation ("100", never "1E+2"): what the decoder reads back.
    return None if m is None else {"amount": f"{m.amount:f}", "currency": m.currency}


def _day(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _decision_body(d: Decision) -> dict[str, Any]:
    return _body(d, full=True)


def _reasons_body(d: Decision) -> dict[str, Any]:
    # The full body less every sentence, message, fact and the trace; key order the same.
    return _body(d, full=False)


def _body(d: Decision, *, full: bool) -> dict[str, Any]:
    # Written out field by field (not by reflection): this runs once per decision
    # in a batch. Key order is the schema's and stays stable. An enum member's value is
    # read as ``_value_``, its plain attribute: ``.value`` is a property written in Python
    # (0.2 µs a read, and a full decision reads about 20).
    ob = d.obligations
    s = d.settlement
    body: dict[str, Any] = {
        "stage": d.stage,
        "outcome": d.outcome._value_,
        "order_id": d.order_id,
        "sku": d.sku,
        "reasons": [
            {
                "code": r.code,
                "finding": r.finding._value_,
                "clause_id": r.clause_id,
                "section": r.section,
                "sentence": r.sentence,
                "message": r.message,
                "facts": dict(r.facts),
                "missing": list(r.missing),
            }
            if full
            else {
                "code": r.code,
                "finding": r.finding._value_,
                "clause_id": r.clause_id,
                "section": r.section,
            }
            for r in d.reasons
        ],
    }
    if full:
        body["trace"] = [
            {"depth": t.depth, "rule": t.rule, "finding": t.finding._value_, "message": t.message}
            for t in d.trace
        ]
    body["obligations"] = {
        "return_shipping_paid_by": ob.return_shipping_paid_by and ob.return_shipping_paid_by.value,
        "return_shipping_reimbursed": _money(ob.return_shipping_reimbursed),
        "refund_amount": _money(ob.refund_amount),
        "refund_to": ob.refund_to,
        "refund_earliest": _day(ob.refund_earliest),
        "refund_latest": _day(ob.refund_latest),
        "last_day_to_request_return": _day(ob.last_day_to_request_return),
        "last_day_to_report_defect": _day(ob.last_day_to_report_defect),
        "notices": [
            {"code": n.code, "clause_id": n.clause_id, "section": n.section, "message": n.message}
            if full
            else {"code": n.code, "clause_id": n.clause_id}
            for n in ob.notices
        ],
        "options": [
            {
                "code": o.code,
                "clause_id": o.clause_id,
                "section": o.section,
                "message": o.message,
                "refund_to": o.refund_to,
                "refund_earliest": _day(o.refund_earliest),
                "refund_latest": _day(o.refund_latest),
            }
            if full
            else {"code": o.code}
            for o in ob.options
        ],
    }
    body["missing"] = list(d.missing)
    body["settlement"] = s and {
        "customer_pays": _money(s.customer_pays),
        "store_refunds": _money(s.store_refunds),
    }
    body["policy_version"] = d.policy_version
    body["granted"] = d.granted
    return body


def _outcome_body(d: Decision) -> dict[str, Any]:
    # Reads the reasons (for their codes), never the trace.
    ob = d.obligations
    return {
        "stage": d.stage,
        "outcome": d.outcome._value_,
        "order_id": d.order_id,
        "sku": d.sku,
        "reason_codes": [r.code for r in d.reasons if r.finding is not Finding.PASSED],
        "obligations": {
            "refund_earliest": _day(ob.refund_earliest),
            "refund_latest": _day(ob.refund_latest),
            "last_day_to_request_return": _day(ob.last_day_to_request_return),
            "last_day_to_report_defect": _day(ob.last_day_to_report_defect),
        },
        "policy_version": d.policy_version,
        "granted": d.granted,
    }


_BODIES: Mapping[Level, Callable[[Decision], dict[str, Any]]] = types.MappingProxyType(
    {Level.FULL: _decision_body, Level.REASONS: _reasons_body, Level.OUTCOME: _outcome_body}
)


def to_json(decision: Decision | OrderDecision, *, level: Level | str = Level.FULL) -> str:
    """The decision's document, at ``level``, as compact JSON text."""
    return dumps(decision_to_dict(decision, level=level))


def decision_from_dict(
    doc: object, *, stages: tuple[StageSpec, ...] = STAGES
) -> Decision | OrderDecision:
    """Decode a full decision document (e.g. one stored earlier) back to an equal value; a
    lighter one (with a ``level``) is refused, naming ``level``."""
    if not isinstance(doc, dict) or doc.get("kind") not in ("decision", "order_decision"):
        raise InputError(
            (
                (
                    "kind",
                    "'decision' or 'order_decision'",
                    _given(doc.get("kind") if isinstance(doc, dict) else doc),
                ),
            ),
            "decision",
        )
    if "level" in doc:
        raise InputError(
            (
                (
                    "level",
                    "absent: only a full document (which has no level) decodes to a decision",
                    _given(doc["level"]),
                ),
            ),
            "decision",
        )
    problems = _Problems(max_string=None, max_items=None)
    _check_version(doc, "", problems, required=True)
    if doc["kind"] == "order_decision":
        items = doc.get("items")
        decoded = [
            _decision_from_body(b, f"items[{i}]", problems, stages)
            for i, b in enumerate(items if isinstance(items, list) else [])
        ]
        if not isinstance(items, list):
            problems.add("items", "an array", items)
        result: Any = _MISSING
        if not problems.items:
            result = OrderDecision(
                order_id=str(doc.get("order_id")),
                stage=str(doc.get("stage")),
                items=tuple(decoded),
                policy_version=str(doc.get("policy_version")),
            )
    else:
        body = {k: v for k, v in doc.items() if k not in ("schema_version", "kind")}
        result = _decision_from_body(body, "", problems, stages)
    if problems.items:
        raise InputError(tuple(problems.items), "decision")
    return typing.cast(Decision | OrderDecision, result)


def _decision_from_body(
    body: object, path: str, problems: _Problems, stages: tuple[StageSpec, ...]
) -> Any:
    if not isinstance(body, dict):
        problems.add(path, "an object", body)
        return _MISSING
    body = dict(body)
    body.pop("granted", None)  # derived from the outcome's role
    stage = body.get("stage")
    spec = _by_name(stages).get(stage) if isinstance(stage, str) else None
    if spec is None:
        problems.add(_join(path, "stage"), f"one of {_names(stages)}", stage)
        return _MISSING
    outcome = _decode_enum(
        spec.outcomes, body.pop("outcome", None), _join(path, "outcome"), problems
    )
    rest = _decode_object(_DecisionBody, body, path, problems)
    if rest is _MISSING or outcome is _MISSING:
        return _MISSING
    return Decision(
        stage=spec.name,
        outcome=outcome,
        order_id=rest.order_id,
        sku=rest.sku,
        obligations=rest.obligations,
        settlement=rest.settlement,
        policy_version=rest.policy_version,
        explanation=Explanation.given(rest.reasons, rest.trace, rest.missing),
    )


@value_class(kw_only=True)
class _DecisionBody:
    """A decision document's fields less ``outcome`` (whose enum is the stage's), as the
    document writes them: the explanation's three parts each under its own key."""

    stage: str
    order_id: str
    sku: str | None
    reasons: tuple[Reason, ...]
    trace: tuple[TraceEntry, ...]
    obligations: Obligations
    missing: tuple[str, ...] = ()
    settlement: Settlement | None = None
    policy_version: str


def dumps(doc: Mapping[str, Any], *, indent: int | None = None) -> str:
    """Key-order-stable JSON text, compact and of one line (or, with ``indent``, indented
    for people): every character that could end a line for some reader (U+2028, U+2029,
    NEL and the other C1 controls), DEL and lone surrogates are written as ``\\u``
    escapes, like the C0 controls always are. Every JSON the package writes is written so.

    The compact form is written by orjson where it is installed (the ``fast`` extra), to
    the same bytes as the standard library's: a document orjson refuses (a lone
    surrogate, an integer past 64 bits, a key that is not a string, deep nesting) is
    written by the standard library. The promise holds for JSON's types without floats
    (no document of the package holds one; the two write some floats differently); a
    plain ``Enum`` member or a ``UUID``, which no document of the package holds either,
    is written by orjson where the standard library raises ``TypeError``.

    >>> print(dumps({"order_id": "A\\u2028", "n": [1]}, indent=1))
    {
     "order_id": "A\\u2028",
     "n": [
      1
     ]
    }
    """
    if indent is not None:
        text = json.dumps(doc, ensure_ascii=False, indent=indent, separators=(",", ": "))
        return _escaped(text)
    return _compact(doc, _encoder())


def dumps_bytes(doc: Mapping[str, Any]) -> bytes:
    """``dumps(doc).encode()``, the compact form as UTF-8, without decoding orjson's bytes
    to text and back."""
    return _compact_bytes(doc, _encoder())


_Encoder = Callable[[Any], bytes]


@cache
def _encoder() -> _Encoder | None:
    """orjson's encoder where it is installed, else ``None``: looked for once, at the first
    document written (not at import). Dataclasses and dates are passed through to be
    refused, as the standard library refuses them."""
    try:
        import orjson
    except ImportError:
        return None
    option = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
    return partial(orjson.dumps, option=option)


def _compact(doc: Any, encoder: _Encoder | None) -> str:
    if encoder is None:
        return _escaped(json.dumps(doc, ensure_ascii=False, separators=(",", ":")))
    return _compact_bytes(doc, encoder).decode()


def _compact_bytes(doc: Any, encoder: _Encoder | None) -> bytes:
    """The compact form as UTF-8: by ``encoder`` if given and it takes the document,
    else by the standard library; the same bytes either way."""
    if encoder is not None:
        try:
            data = encoder(doc)
        except TypeError:  # orjson's JSONEncodeError: the standard library's document
            pass
        else:
            # The escapes' characters in UTF-8 (orjson writes no surrogate): DEL, C1
            # (C2 80-9F) and U+2028/2029 (E2 80 A8/A9); C2 and E2 only ever lead a character.
            # Most documents are ASCII: two scans in C instead of the pattern's, which
            # tries its three branches at every byte (20 µs on a 6 kB decision).
            clean = b"\x7f" not in data if data.isascii() else _TO_ESCAPE.search(data) is None
            return data if clean else _escaped(data.decode()).encode()
    return _compact(doc, None).encode()


def _escaped(text: str) -> str:
    return text if text.isascii() and "\x7f" not in text else text.translate(_JSON_ESCAPES)


_JSON_ESCAPES = {
    c: f"\\u{c:04x}" for c in (0x7F, *range(0x80, 0xA0), 0x2028, 0x2029, *range(0xD800, 0xE000))
}
_TO_ESCAPE = re.compile(b"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]")
