"""Every limit on input, declared once.

The case classes, the JSON codec, the published JSON Schema, the terms and the command
line all read their limits here; ``docs/json.md`` lists them and the tests check each
one at its edge and one past it. A value past a limit is refused with an
:class:`~atlier_policy.errors.InputError` naming the field, never truncated.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = [
    "AMOUNT_DIGITS",
    "AMOUNT_PATTERN",
    "AMOUNT_PLACES",
    "DATE_PATTERN",
    "FIRST_YEAR",
    "INSTANT_PATTERN",
    "LAST_YEAR",
    "LOCAL_PATTERN",
    "MAX_AMOUNT",
    "MAX_CASE_BYTES",
    "MAX_DATETIME_LENGTH",
    "MAX_EMAIL_LENGTH",
    "MAX_ID_LENGTH",
    "MAX_ITEMS",
    "MAX_NAME_LENGTH",
    "MAX_PROBLEMS_RECORDED",
    "MAX_PROBLEMS_SHOWN",
    "MAX_RECORD_BYTES",
    "MAX_STRING",
    "MAX_TERMS_BYTES",
    "MAX_VERSIONS",
    "MAX_VERSION_EVALUATIONS",
    "MAX_WHOLE_NUMBER",
]

# --- a case --------------------------------------------------------------------------

MAX_CASE_BYTES = 1 << 20
"""One case document: a file for ``evaluate``, one line of a ``batch`` or ``diff`` file."""

MAX_ITEMS = 1_000
"""Items of one return request (and entries of any array of a case document)."""

MAX_ID_LENGTH = 200
"""Characters of an identifier: ``order_id``, ``sku``, ``wanted_sku``."""

MAX_STRING = 1_000
"""Characters of any other string of a JSON document (a decision's messages and facts)."""

MAX_WHOLE_NUMBER = 10**9 - 1
"""The largest whole number of a document (a decision's trace depth, from 0)."""

MAX_DATETIME_LENGTH = 40
"""Characters of an ISO 8601 date-time in a document."""

DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
"""A date: ``YYYY-MM-DD`` in ASCII digits, and no other ISO 8601 form (not ``20250303``,
not a week or an ordinal date), nothing before or after it (code and schema)."""

_TIME = r"T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"
LOCAL_PATTERN = DATE_PATTERN + _TIME
"""A date and time of day without an offset (refused in a document, named as such)."""

INSTANT_PATTERN = LOCAL_PATTERN + r"(Z|[+-][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?)"
"""An instant: ``YYYY-MM-DDTHH:MM:SS``, an optional fraction of 1 to 6 digits, and an
offset, ``Z`` or ``+HH:MM`` (seconds and their fraction as ``datetime.isoformat`` writes
an offset that has them). A capital ``T`` only, ASCII digits only (code and schema)."""

FIRST_YEAR, LAST_YEAR = 1900, 2999
"""Years an instant of a case may fall in (every deadline stays computable)."""

AMOUNT_DIGITS = 9
"""Digits of an amount before the decimal point: every amount is below 1,000,000,000."""

AMOUNT_PLACES = 4
"""Digits of an amount after the decimal point, at most: the largest minor unit of ISO 4217
(CLF, UYW). ``Money`` allows only its currency's own (JPY 0, USD 2, BHD 3)."""

MAX_AMOUNT = Decimal(10) ** AMOUNT_DIGITS
"""Every amount (a refund or a price difference included) is below this in magnitude."""

AMOUNT_PATTERN = rf"[0-9]{{1,{AMOUNT_DIGITS}}}(\.[0-9]{{1,{AMOUNT_PLACES}}})?"
"""An amount in a document: ASCII digits only, no sign, no exponent (code and schema)."""

# --- the output of one batch line ----------------------------------------------------------

MAX_RECORD_BYTES = 10 << 20
"""Bytes of the record one ``batch`` line gives (10 MiB). Decisions stay below it by
construction: the largest we could build, ``MAX_ITEMS`` items whose identifiers hold
``MAX_ID_LENGTH`` control characters (six bytes each in JSON), is 9.5 MB. A record past
it would be replaced by the line's error record."""

MAX_PROBLEMS_SHOWN = 20
"""Problems an error message names (an ``InputError``'s one line, the command's one line
on stderr): the others are counted, "and 3 more problems"."""

MAX_PROBLEMS_RECORDED = 100
"""Problems an error record of ``batch`` or ``diff`` lists; its ``more_problems`` counts the
others. (A 1 MiB line of unknown keys has about 110,000 problems: its record was 12 MB.)"""

# --- policy terms and versions ---------------------------------------------------------

MAX_TERMS_BYTES = 1 << 16
"""A terms or versions file (TOML)."""

MAX_VERSIONS = 100
"""Versions in one registry (``[[versions]]`` tables of one file)."""

MAX_VERSION_EVALUATIONS = 10_000
"""Items times versions that may apply, for a case whose purchase date is unknown (it is
evaluated under each of them): past it the case is refused, naming ``purchased_at``."""

MAX_NAME_LENGTH = 64
"""Characters of a name in the terms: ``version``, ``calendar_country``,
``calendar_subdiv``, ``store_timezone``."""

MAX_EMAIL_LENGTH = 254
"""Characters of ``support_email`` (the longest address SMTP carries)."""
