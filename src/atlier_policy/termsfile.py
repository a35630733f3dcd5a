"""Policy terms from TOML: a thin, strict adapter around :class:`PolicyTerms`.

A terms file sets any of the terms at its top level; keys it leaves out keep the
text's values. Unknown keys and wrong types are refused, every problem at once,
each naming its key (``docs/whatif.md``)::

    >>> terms = terms_from_toml('''
    ... version = "2026-01-01"
    ... effective_date = 2026-01-01
    ... return_window_days = 14
    ... ''')
    >>> terms.version, terms.effective_date, terms.return_window_days, terms.defect_notice_days
    ('2026-01-01', datetime.date(2026, 1, 1), 14, 3)
    >>> try:
    ...     terms_from_toml("return_window_days = '14'\\ncolour = 'red'")
    ... except InputError as err:
    ...     for problem in err.problems:
    ...         print(problem)
    ('colour', 'absent (unknown key)', "'red'")
    ('return_window_days', 'an integer', "'14'")

A file may instead hold several versions, each a ``[[versions]]`` table
(:func:`versions_from_toml`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from atlier_policy.cases import SalesChannel
from atlier_policy.errors import InputError, _shown
from atlier_policy.limits import MAX_TERMS_BYTES, MAX_VERSIONS
from atlier_policy.policy import Policy
from atlier_policy.strings import bom_problem, iso_date
from atlier_policy.terms import PolicyTerms
from atlier_policy.versions import PolicyVersions

__all__ = [
    "load_policy",
    "load_terms",
    "load_versions",
    "terms_from_mapping",
    "terms_from_toml",
    "versions_from_toml",
]

_BAD = object()  # a value of the wrong type


def _int(value: object) -> object:
    return value if type(value) is int else _BAD


def _text(value: object) -> object:
    return value if isinstance(value, str) else _BAD


def _bool(value: object) -> object:
    return value if isinstance(value, bool) else _BAD


def _day(value: object) -> object:
    if isinstance(value, str):
        return iso_date(value) or _BAD
    return value if isinstance(value, date) and not isinstance(value, datetime) else _BAD


def _channels(value: object) -> object:
    if not isinstance(value, list):
        return _BAD
    try:
        return frozenset(SalesChannel(v) for v in value)
    except ValueError:
        return _BAD


_CHOICES = ", ".join(repr(c.value) for c in SalesChannel)
_KEYS: Mapping[str, tuple[Callable[[object], object], str]] = MappingProxyType(
    {
        "version": (_text, "a string"),
        "effective_date": (_day, "a date like 2026-01-01"),
        "return_window_days": (_int, "an integer"),
        "defect_notice_days": (_int, "an integer"),
        "refund_min_business_days": (_int, "an integer"),
        "refund_max_business_days": (_int, "an integer"),
        "calendar_country": (_text, "a string"),
        "calendar_subdiv": (_text, "a string"),
        "store_timezone": (_text, "a string"),
        "eligible_channels": (_channels, f"an array of sales channels ({_CHOICES})"),
        "defect_remedy_covers_custom": (_bool, "true or false"),
        "support_email": (_text, "an e-mail address like support@example.com"),
    }
)


def terms_from_mapping(doc: Mapping[str, Any], context: str = "terms") -> PolicyTerms:
    """:class:`PolicyTerms` from parsed TOML (a mapping of term names to values)."""
    if not isinstance(doc, Mapping):
        raise InputError.single("(document)", "a table of terms", type(doc).__name__, context)
    problems: list[tuple[str, str, str]] = []
    kwargs: dict[str, Any] = {}
    for key in sorted(doc):
        if key not in _KEYS:
            problems.append((key, "absent (unknown key)", _shown(doc[key])))
            continue
        convert, expected = _KEYS[key]
        converted = convert(doc[key])
        if converted is _BAD:
            problems.append((key, expected, _shown(doc[key])))
        else:
            kwargs[key] = converted
    if problems:
        raise InputError(tuple(problems), context)
    try:
        return PolicyTerms(**kwargs)
    except InputError as exc:  # range and cross-field checks of the terms themselves
        raise type(exc)(exc.problems, context) from None


def _parse(text: str, context: str) -> dict[str, Any]:
    if not isinstance(text, str):
        raise InputError.single("(document)", "TOML text", type(text).__name__, context)
    bom = bom_problem(text)
    if bom is not None:
        raise InputError((bom,), context)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError((("(document)", "valid TOML", str(exc)),), context) from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise InputError(
            (("(document)", "TOML nested at most a few hundred levels deep", "deeper nesting"),),
            context,
        ) from None
    except ValueError as exc:  # an integer longer than Python's digit limit
        raise InputError(
            (("(document)", "numbers of sensible size", str(exc).split(";")[0]),), context
        ) from None


def terms_from_toml(text: str, context: str = "terms") -> PolicyTerms:
    """:class:`PolicyTerms` from the text of a TOML document."""
    return terms_from_mapping(_parse(text, context), context)


def versions_from_toml(text: str, context: str = "versions") -> PolicyVersions:
    """A :class:`PolicyVersions` registry from ``[[versions]]`` tables, one per version."""
    doc = _parse(text, context)
    tables = doc.get("versions")
    extra = sorted(k for k in doc if k != "versions")
    if extra:
        raise InputError.single(extra[0], "absent (unknown key)", doc[extra[0]], context)
    if not isinstance(tables, list) or not tables:
        raise InputError.single("versions", "one or more [[versions]] tables", tables, context)
    if len(tables) > MAX_VERSIONS:
        raise InputError.single(
            "versions", f"at most {MAX_VERSIONS} [[versions]] tables", f"{len(tables)}", context
        )
    terms = []
    for i, table in enumerate(tables):
        where = f"{context}: versions[{i}]"
        if not isinstance(table, dict):
            raise InputError.single("(table)", "a table of terms", table, where)
        terms.append(terms_from_mapping(table, where))
    try:
        return PolicyVersions.of(*terms)
    except InputError as exc:
        raise type(exc)(exc.problems, f"{context}: {exc.context}") from None


def _read(path: str | Path) -> str:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_TERMS_BYTES + 1)
    except OSError as exc:
        raise InputError.single("file", "a readable file", f"{path} ({exc.strerror})") from None
    if len(data) > MAX_TERMS_BYTES:
        raise InputError.single("file", f"at most {MAX_TERMS_BYTES} bytes", f"{path} (larger)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError.single("file", "UTF-8 text", f"{path} (other bytes)") from None


def load_terms(path: str | Path) -> PolicyTerms:
    """:class:`PolicyTerms` from a TOML file; problems name the file and the key."""
    return terms_from_toml(_read(path), f"terms file {path}")


def load_versions(path: str | Path) -> PolicyVersions:
    """A :class:`PolicyVersions` registry from a TOML file of ``[[versions]]`` tables."""
    return versions_from_toml(_read(path), f"versions file {path}")


def load_policy(path: str | Path) -> Policy | PolicyVersions:
    """A policy from a terms file, or a registry from a file of ``[[versions]]`` tables."""
    text = _read(path)
    if "versions" in _parse(text, f"terms file {path}"):
        return versions_from_toml(text, f"versions file {path}")
    return Policy(terms_from_toml(text, f"terms file {path}"))
