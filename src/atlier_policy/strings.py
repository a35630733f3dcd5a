"""Strings from outside: what a text field may hold, and how any string is shown.

:func:`one_line` is the one place where user-given text is made safe to print: error
messages (:class:`~atlier_policy.errors.InputError` builds every message with it) and
the command line's text output use it, so a key or a value can neither break the "one
line" promise nor send an escape sequence to a terminal::

    >>> print(one_line("A-1\\r\\x1b[2J\\u2028B"))
    A-1\\r\\x1b[2J\\u2028B
"""

from __future__ import annotations

import re
import typing
import unicodedata
from datetime import date, datetime
from functools import cache

from atlier_policy.limits import DATE_PATTERN, INSTANT_PATTERN, LOCAL_PATTERN

__all__ = [
    "UNICODE_TEXT",
    "all_visible",
    "bom_problem",
    "has_controls",
    "has_surrogates",
    "has_visible",
    "in_words",
    "iso_date",
    "iso_instant",
    "one_line",
    "text_problem",
    "valid_text",
]

UNICODE_TEXT = "valid Unicode text, without a lone surrogate"
"""What a string holding a lone surrogate (``"\\ud800"``) is not: the ``expected`` of its error."""


def _escape(code: int) -> str:
    named = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}
    if code in named:
        return named[code]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# C0 controls, DEL, C1 controls (NEL, U+0085, among them), the Unicode line and
# paragraph separators, the bidirectional formatting characters (they reorder what a
# terminal shows) and lone surrogates (they cannot be written as UTF-8 at all).
_UNSAFE = (
    *range(0x20),
    *range(0x7F, 0xA0),
    0x2028,
    0x2029,
    0x061C,
    0x200E,
    0x200F,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
    *range(0xD800, 0xE000),
)


@cache
def _table() -> dict[int, str]:
    """The escapes of :func:`one_line` (2,100 entries), built on first use, not at
    import. Cached once per process and never changed: no mutable global state."""
    return {code: _escape(code) for code in _UNSAFE}


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def one_line(text: str) -> str:
    """``text`` with every control, separator, bidi and surrogate character escaped.

    Idempotent on its own output; leaves printable text (``§``, ``–``, accents) alone.
    """
    return text if text.isascii() and text.isprintable() else text.translate(_table())


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (text that is not valid Unicode)."""
    return not text.isascii() and _SURROGATES.search(text) is not None


def has_controls(text: str) -> bool:
    """Whether ``text`` holds a C0 or C1 control character, DEL, U+2028 or U+2029."""
    return _CONTROLS.search(text) is not None


# What no reader sees on its own: controls, format characters (zero-width spaces and
# joiners, bidi marks, the BOM, the soft hyphen), surrogates, unassigned code points,
# spaces and separators, and combining marks without a base; and the letters and symbols
# that are drawn blank (Hangul fillers, the braille blank).
_UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_ASCII_VISIBLE = re.compile("[!-~]")


def has_visible(text: str) -> bool:
    """Whether ``text`` holds a character a reader can see: not only spaces, controls,
    zero-width or other format characters, lone combining marks or blank letters.

    >>> [has_visible(t) for t in ("A-1", "é", "\\u200b\\u200d", "\\x00 ", "\\u3164")]
    [True, True, False, False, False]
    """
    if _ASCII_VISIBLE.search(text):
        return True
    return any(
        c not in _BLANK and unicodedata.category(c) not in _UNSEEN_CATEGORIES
        for c in text
        if not c.isascii()
    )


def all_visible(text: str) -> bool:
    """Whether every character of ``text`` is one a reader sees (no space, control,
    format character, combining mark or blank letter): what an address must be, whose
    reader types it back.

    >>> [all_visible(t) for t in ("a@b.c", "a\u200b@b.c", "a\u3164@b.c", "e\u0301@b.c")]
    [True, False, False, False]
    """
    if text.isascii():
        return text.isprintable() and " " not in text
    return all(c not in _BLANK and unicodedata.category(c) not in _UNSEEN_CATEGORIES for c in text)


def text_problem(value: object, max_length: int) -> str | None:
    """What keeps ``value`` from being a text field (an identifier, a name), in the words of
    an error's ``expected``; ``None`` if nothing does. A text field is a string of 1 to
    ``max_length`` characters, valid Unicode, with a visible character."""
    if not isinstance(value, str) or not 1 <= len(value) <= max_length:
        return f"a string of 1 to {max_length} characters"
    if has_surrogates(value):
        return UNICODE_TEXT
    if not has_visible(value):
        return "a visible character (not only spaces, controls or zero-width characters)"
    return None


def valid_text(value: object, max_length: int, *, controls: bool = True) -> bool:
    """Whether ``value`` is a text field (:func:`text_problem` finds nothing) and (unless
    ``controls``) free of control characters."""
    return text_problem(value, max_length) is None and (
        controls or not has_controls(typing.cast(str, value))
    )


_DATE = re.compile(DATE_PATTERN)
_INSTANT = re.compile(INSTANT_PATTERN)
_LOCAL = re.compile(LOCAL_PATTERN)


def iso_date(text: object) -> date | None:
    """The date ``text`` writes as ``YYYY-MM-DD``, or ``None``: the documented form only
    (``date.fromisoformat`` alone also reads ``20250303`` and week dates).

    >>> iso_date("2025-03-03"), iso_date("20250303"), iso_date("2025-W10-1"), iso_date("2025-02-30")
    (datetime.date(2025, 3, 3), None, None, None)
    """
    if isinstance(text, str) and _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:  # a day the calendar does not have
            return None
    return None


def iso_instant(text: object) -> datetime | None:
    """The instant ``text`` writes as ``YYYY-MM-DDTHH:MM:SS[.ffffff]`` and an offset, or
    ``None`` for any other form (``datetime.fromisoformat`` alone also reads a space or any
    other separator, basic and week forms, missing seconds, a trailing NUL...). Without
    its offset the date-time is returned naive, for the caller to refuse by name.

    >>> iso_instant("2025-03-03T14:00:00Z")
    datetime.datetime(2025, 3, 3, 14, 0, tzinfo=datetime.timezone.utc)
    >>> [iso_instant(t) for t in ("2025-03-03 14:00:00Z", "2025-03-03T14:00Z")]
    [None, None]
    """
    if isinstance(text, str) and (_INSTANT.fullmatch(text) or _LOCAL.fullmatch(text)):
        try:
            return datetime.fromisoformat(text)
        except ValueError:  # an hour, a day or an offset that does not exist
            return None
    return None


_BOM = "\ufeff"


def bom_problem(text: str | bytes) -> tuple[str, str, str] | None:
    """The problem of a document that starts with a byte order mark, or ``None``. JSON and
    TOML documents are UTF-8 *without* one (RFC 8259, TOML 1.0): it is refused, named as
    what it is, in a case file, a line of ``batch`` or ``diff`` and a terms file alike."""
    bom = text[:3] == _BOM.encode() if isinstance(text, bytes) else text[:1] == _BOM
    if not bom:
        return None
    return ("(document)", "UTF-8 text without a byte order mark", "a byte order mark (U+FEFF)")


def in_words(value: str) -> str:
    """An identifier (an outcome, a stage, a payer) as text output writes it: its words.

    >>> in_words("customer_until_confirmed")
    'customer until confirmed'
    """
    return value.replace("_", " ")
