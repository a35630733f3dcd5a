"""The policy's terms: every number and choice the text fixes, as typed parameters.

Defaults are the text's values; the choices the text leaves open are documented
in ``docs/interpretation.md``. A variant is one call away::

    >>> from dataclasses import replace
    >>> replace(PolicyTerms(), return_window_days=14).return_window_days
    14
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import field
from datetime import date, tzinfo
from functools import cache

from atlier_policy._values import value_class
from atlier_policy.calendar import BusinessCalendar
from atlier_policy.cases import SalesChannel
from atlier_policy.errors import InputError
from atlier_policy.limits import MAX_EMAIL_LENGTH, MAX_NAME_LENGTH
from atlier_policy.strings import all_visible, valid_text

# The calendar's fields, as these terms name them.
_CALENDAR_FIELDS = {"country": "calendar_country", "subdiv": "calendar_subdiv"}

__all__ = ["SUPPORT_EMAIL", "SUPPORT_PHONE", "PolicyTerms"]

SUPPORT_EMAIL = "support@atlierjewelry.com"  # §3, §6
SUPPORT_PHONE = "+00 012 345 6789"  # §6

# An IANA zone name: components of ASCII letters, digits, "_", "+" and "-" (not first),
# joined by "/". No path can be written so: no leading "/", no "." or "..", no "\\",
# no "file:" URL.
_ZONE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_][A-Za-z0-9_+-]*)*")


@cache
def _zones() -> tuple[frozenset[str], Callable[[str], tzinfo]]:
    """The zone names the time-zone database holds, and how to open one by name.

    Computed once, on first use (walking the database costs tens of milliseconds): the
    system's database or the ``tzdata`` package through ``zoneinfo``, else the copy that
    ``python-dateutil`` bundles. Left out: ``localtime`` (a link to the machine's own
    zone, not an IANA name) and ``Factory`` (the database's placeholder for "no zone
    configured", abbreviated ``-00``: no store is in it).
    """
    from zoneinfo import ZoneInfo, available_timezones

    names = available_timezones() - _NOT_ZONES
    if names:
        return frozenset(names), ZoneInfo
    from dateutil.zoneinfo import get_zonefile_instance

    bundled = get_zonefile_instance().zones  # read from inside the dateutil package
    return frozenset(bundled) - _NOT_ZONES, bundled.__getitem__


_NOT_ZONES = frozenset({"localtime", "Factory"})


def _listed(name: str) -> bool:
    """Whether ``zoneinfo.available_timezones()`` surely lists ``name`` (a name that passed
    ``_ZONE_NAME``), found without listing the whole database (tens of milliseconds).

    True only for what that function's walk accepts: a file that starts with the TZif
    magic, at ``name`` under a root of ``zoneinfo.TZPATH``, reached through real folders
    (the walk follows no linked folder) other than the top ``right`` and ``posix``, and
    not ``posixrules``. A file is opened only once it is known to be one. False means
    "ask the full list", which also covers the ``tzdata`` package and a missing database.
    """
    import os
    import stat
    from zoneinfo import TZPATH

    parts = name.split("/")
    if name in _NOT_ZONES or name == "posixrules" or parts[0] in ("right", "posix"):
        return False
    for root in TZPATH:
        path = root
        try:
            for part in parts[:-1]:
                path = os.path.join(path, part)
                if not stat.S_ISDIR(os.lstat(path).st_mode):
                    break
            else:
                path = os.path.join(path, parts[-1])
                if stat.S_ISREG(os.stat(path).st_mode):
                    with open(path, "rb") as f:
                        if f.read(4) == b"TZif":
                            return True
        except OSError:
            continue
    return False


def _zone(name: object) -> tzinfo:
    """The zone of an IANA name; anything else is refused before any file is opened."""
    if isinstance(name, str) and len(name) <= MAX_NAME_LENGTH and _ZONE_NAME.fullmatch(name):
        if _listed(name):  # the usual case, without listing the database
            from zoneinfo import ZoneInfo

            return ZoneInfo(name)
        names, open_zone = _zones()
        if name in names:
            return open_zone(name)
    raise InputError.single(
        "store_timezone",
        "an IANA time zone name of the tz database, like 'America/New_York'",
        name,
        "policy terms",
    )


def _email(value: object) -> bool:
    """An e-mail address: one ``@`` between a local part and a dotted domain, every
    character visible (a bidi override, a zero-width space, a combining mark or a blank
    letter would make the address a customer reads differ from the one they type)."""
    if not isinstance(value, str) or not valid_text(value, MAX_EMAIL_LENGTH, controls=False):
        return False
    local, _, domain = value.partition("@")
    labels = domain.split(".")
    seen = all_visible(value)
    return bool(local) and "@" not in domain and len(labels) > 1 and all(labels) and seen


_EMAIL = "an e-mail address like support@example.com"
_NAME = f"a non-empty string of at most {MAX_NAME_LENGTH} characters, no control characters"


@value_class(kw_only=True)
class PolicyTerms:
    """The terms of one version of the policy.

    ``effective_date`` reads "Last Updated: 01/12/2025" as 12 January 2025 (US
    month/day order, matching the US calendar default); ``version`` names it.
    """

    version: str = "2025-01-12"
    effective_date: date = date(2025, 1, 12)
    return_window_days: int = 7  # §1 "within 7 days of delivery"
    defect_notice_days: int = 3  # §3 "within 3 days of delivery"
    refund_min_business_days: int = 7  # §4 "within 7–10 business days"
    refund_max_business_days: int = 10
    calendar_country: str = "US"
    calendar_subdiv: str | None = None
    store_timezone: str = "America/New_York"
    eligible_channels: frozenset[SalesChannel] = frozenset({SalesChannel.WEBSITE})
    defect_remedy_covers_custom: bool = True  # §3 "your jewelry": custom pieces too
    support_email: str = SUPPORT_EMAIL
    _calendar: BusinessCalendar = field(init=False, repr=False, compare=False)
    _tz: tzinfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ctx = "policy terms"
        for name in ("return_window_days", "defect_notice_days"):
            value = getattr(self, name)
            if type(value) is not int or not 0 <= value <= 366:
                raise InputError.single(name, "a whole number of days from 0 to 366", value, ctx)
        lo, hi = self.refund_min_business_days, self.refund_max_business_days
        for name, value in (("refund_min_business_days", lo), ("refund_max_business_days", hi)):
            if type(value) is not int or not 1 <= value <= 250:
                raise InputError.single(
                    name, "a whole number of business days from 1 to 250", value, ctx
                )
        if lo > hi:
            raise InputError.single(
                "refund_min_business_days", f"at most refund_max_business_days ({hi})", lo, ctx
            )
        if not valid_text(self.version, MAX_NAME_LENGTH, controls=False):
            raise InputError.single("version", _NAME, self.version, ctx)
        if not isinstance(self.effective_date, date):
            raise InputError.single("effective_date", "a date", self.effective_date, ctx)
        channels = self.eligible_channels
        if (
            not isinstance(channels, Iterable)
            or isinstance(channels, str | bytes)
            or not all(isinstance(c, SalesChannel) for c in channels)
        ):
            raise InputError.single("eligible_channels", "a set of SalesChannel", channels, ctx)
        object.__setattr__(self, "eligible_channels", frozenset(channels))
        if type(self.defect_remedy_covers_custom) is not bool:
            raise InputError.single(
                "defect_remedy_covers_custom",
                "True or False",
                self.defect_remedy_covers_custom,
                ctx,
            )
        if not _email(self.support_email):
            raise InputError.single(
                "support_email",
                "an e-mail address like support@example.com",
                self.support_email,
                ctx,
            )
        object.__setattr__(self, "_tz", _zone(self.store_timezone))
        try:
            calendar = BusinessCalendar(self.calendar_country, self.calendar_subdiv)
        except InputError as exc:  # named as these terms' fields, not the calendar's
            raise exc.renamed(_CALENDAR_FIELDS, ctx) from None
        object.__setattr__(self, "_calendar", calendar)

    def __reduce__(self) -> tuple[object, ...]:
        # Rebuild the derived calendar and zone on unpickling.
        return (_restore, (self.to_mapping(),))

    def to_mapping(self) -> dict[str, object]:
        """The terms as plain values, e.g. for ``atlier-policy policy``."""
        return {
            name: getattr(self, name)
            for name in self.__dataclass_fields__
            if not name.startswith("_")
        }

    @property
    def calendar(self) -> BusinessCalendar:
        """The business calendar the refund window is counted in."""
        return self._calendar

    @property
    def tz(self) -> tzinfo:
        """The store's time zone, in which every "day" of the policy is a calendar date."""
        return self._tz


def _restore(mapping: dict[str, object]) -> PolicyTerms:
    return PolicyTerms(**mapping)  # type: ignore[arg-type]
