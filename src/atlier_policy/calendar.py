"""Business days: the one module that owns every business-day rule.

A *business day* is a day that the ``holidays`` package calls a working day for
the configured country and subdivision (its weekend, which may change over time
as in AE, its weekend working days as in CN, observed holidays included), minus
the caller's extra closure days, plus the caller's extra working days.

Endpoint convention (the policy's "processed within 7-10 business days"): the
start day is never counted. ``add_business_days(d, 7)`` is the 7th business day
*after* ``d``, even when ``d`` itself is a weekend or a holiday, and
``business_days_between(d, e)`` counts the business days in ``(d, e]``, so the
two invert each other.

Thread safety: the ``holidays`` object fills itself lazily (a lookup can write),
so it is never consulted on a read. Business days are precomputed, in blocks of
years, into a sorted ordinal table plus a per-day rank index; a read takes an
immutable snapshot (answering with two array lookups, whatever ``n``) and, when
it needs years not yet loaded, extends the table under a lock (copy-on-write).
The observable value of a calendar never changes.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Iterable
from dataclasses import KW_ONLY, FrozenInstanceError, field
from datetime import date, datetime, timedelta
from functools import cache, lru_cache, partial
from itertools import repeat
from typing import TYPE_CHECKING

from atlier_policy._values import value_class
from atlier_policy.errors import DateOutOfRangeError, InputError
from atlier_policy.limits import MAX_NAME_LENGTH
from atlier_policy.strings import valid_text

if TYPE_CHECKING:
    from types import ModuleType

    from holidays import HolidayBase

__all__ = ["BusinessCalendar"]

_BLOCK_YEARS = 10  # years added at a time once loaded; a decade covers any policy window.
_MIN_BUSINESS_DAYS_PER_YEAR = 150  # a low guess, to size extensions for large n


class _Snapshot:
    """Every business day of the years ``first_year..last_year``, as ordinals.

    ``rank[o - base]`` is the number of business days before ordinal ``o`` (the
    ``bisect_left`` of ``o`` in ``ordinals``) for every ``o`` in ``base..end + 1``,
    so a read is two array lookups instead of a binary search.

    Frozen and slotted, compared by its six values (unhashable: arrays), like the
    frozen dataclass it was; written out, so that importing the module creates one
    dataclass fewer.
    """

    __slots__ = ("base", "end", "first_year", "last_year", "ordinals", "rank")
    __match_args__ = ("first_year", "last_year", "base", "end", "ordinals", "rank")

    first_year: int
    last_year: int
    base: int  # ordinal of 1 January of first_year
    end: int  # ordinal of 31 December of last_year
    ordinals: array[int]
    rank: array[int]

    def __init__(
        self,
        first_year: int,
        last_year: int,
        base: int,
        end: int,
        ordinals: array[int],
        rank: array[int],
    ) -> None:
        init = object.__setattr__
        init(self, "first_year", first_year)
        init(self, "last_year", last_year)
        init(self, "base", base)
        init(self, "end", end)
        init(self, "ordinals", ordinals)
        init(self, "rank", rank)

    def _values(self) -> tuple[int, int, int, int, array[int], array[int]]:
        return (self.first_year, self.last_year, self.base, self.end, self.ordinals, self.rank)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())  # a TypeError, as the dataclass's: arrays are unhashable

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__qualname__}(first_year={self.first_year!r}, "
            f"last_year={self.last_year!r}, base={self.base!r}, end={self.end!r}, "
            f"ordinals={self.ordinals!r}, rank={self.rank!r})"
        )

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[type[_Snapshot], tuple[object, ...]]:
        return (self.__class__, self._values())

    @classmethod
    def build(cls, first_year: int, last_year: int, ordinals: array[int]) -> _Snapshot:
        base = date(first_year, 1, 1).toordinal()
        end = date(last_year, 12, 31).toordinal()
        rank: array[int] = array("i")
        prev = base
        for k, o in enumerate(ordinals):
            rank.extend(repeat(k, o - prev + 1))  # the days prev..o have k before them
            prev = o + 1
        rank.extend(repeat(len(ordinals), end + 2 - prev))
        return cls(first_year, last_year, base, end, ordinals, rank)


def _country_codes() -> frozenset[str]:
    """Country codes the installed ``holidays`` supports, without importing them."""
    from holidays.registry import COUNTRIES

    return frozenset(code for names in COUNTRIES.values() for code in names[1:] if code.isupper())


_LOADED_COUNTRIES = lru_cache(maxsize=1)(_country_codes)

# Supported by every release of holidays (the package began with it): the default
# calendar's country is known without importing holidays, which costs more than the
# rest of a first decision. Any other code is looked up in the installed registry.
_ALWAYS_KNOWN = frozenset({"US"})


class _KnownCountries:
    """The country codes the installed ``holidays`` supports, as a container: ``in``
    answers the default country at once and loads the registry for any other code."""

    __slots__ = ()

    def __contains__(self, code: object) -> bool:
        return code in _ALWAYS_KNOWN or code in _LOADED_COUNTRIES()


_KNOWN = _KnownCountries()


def _KNOWN_COUNTRIES() -> _KnownCountries:  # noqa: N802 (the name callers have used)
    return _KNOWN


def _country_class(country: str) -> type[HolidayBase] | None:
    """The ``holidays`` class of ``country`` from its own module alone, or None.

    ``holidays.country_holidays`` imports ``holidays.countries``, whose ``__init__``
    imports all of its 250 modules: about 90 ms, a third of a first decision that
    counts business days. So, while that package is not imported, the one module that
    defines the country is loaded instead (:func:`_private_module`). None (holidays'
    own lookup is used) once it is imported, when holidays is patched (its lookup or
    the country's entry replaced) or laid out otherwise, and for a country whose module
    imports another country's through the package (as Guam imports the United States').
    """
    import sys

    import holidays
    from holidays import registry, utils

    loader = getattr(holidays, country, None)
    lock = getattr(registry, "IMPORT_LOCK", None)
    # Exactly holidays' lazy loader: a patched entry (a class, a mock made to its spec)
    # is holidays' to answer, as is a patched lookup.
    if (
        lock is None
        or type(loader) is not registry.EntityLoader
        or holidays.country_holidays is not utils.country_holidays
    ):
        return None
    package, _, module = loader.module_name.rpartition(".")
    # holidays imports its countries under this lock, as concurrent imports of them
    # deadlock: so does this, which also executes each module at most once.
    with lock:
        if package != "holidays.countries" or package in sys.modules:
            return None
        loaded = _private_module(module)
    cls = getattr(loaded, loader.entity_name, None)
    return cls if isinstance(cls, type) else None


@cache  # bounded by the installed countries; called under holidays' import lock
def _private_module(module: str) -> ModuleType | None:
    """The module ``holidays/countries/<module>.py``, executed under the private name
    ``atlier_policy._holidays.<module>`` so that holidays' own modules and registry
    stay as they are; None if there is no such file, or if executing it imported
    ``holidays.countries`` (holidays' own classes are then the ones to use)."""
    import importlib.util
    import os
    import sys

    import holidays

    name = f"atlier_policy._holidays.{module}"
    locations = getattr(holidays.__spec__, "submodule_search_locations", None) or ()
    paths = [p for loc in locations if os.path.isfile(p := f"{loc}/countries/{module}.py")]
    spec = importlib.util.spec_from_file_location(name, paths[0]) if paths else None
    if spec is None or spec.loader is None:
        return None
    had_all = "holidays.countries" in sys.modules
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    if not had_all and "holidays.countries" in sys.modules:
        return None
    # Registered (under its private name) only once it is whole: pickling by
    # reference and inspect find it, and no one imports it half made.
    sys.modules[name] = loaded
    return loaded


def _holidays_for(country: str, subdiv: str | None, years: Iterable[int]) -> HolidayBase:
    import holidays

    cls = _country_class(country)
    if subdiv is not None:
        _check_subdivision(country, subdiv, cls or _entity(country))
    make = cls or partial(holidays.country_holidays, country)
    try:
        return make(subdiv=subdiv, years=years, expand=False, observed=True)
    except NotImplementedError as exc:  # holidays' way of saying "unknown code"
        field_name = "subdiv" if subdiv is not None else "country"
        given = subdiv if subdiv is not None else country
        expected = f"a code supported by holidays ({exc})"
        raise InputError.single(field_name, expected, given, "business calendar") from None


def _entity(country: str) -> type | None:
    """The class holidays' own lookup builds for ``country``; None when its entry is
    patched with anything but a class (holidays is then left to answer)."""
    import holidays
    from holidays import registry, utils

    if holidays.country_holidays is not utils.country_holidays:
        return None  # a patched lookup is asked as it is, subdivisions and all
    found = getattr(holidays, country, None)
    if type(found) is registry.EntityLoader:
        found = found.get_entity()
    return found if isinstance(found, type) else None


def _check_subdivision(country: str, subdiv: str, cls: type | None) -> None:
    """Refuse a subdivision ``cls`` does not have as its own, before holidays builds (and
    warns about) anything, whatever the warning filters, so that a calendar is refused
    or not the same in every process. holidays itself would accept more: a code it has
    deprecated (with a warning; it may go away), and any subdivision of a "parent"
    country, which a territory with a code of its own (Guam, Réunion) silently replaces
    by its own and the Isle of Man adds to its own holidays (IM with SCT: Scotland's)."""
    from holidays.mixins.child_entity import ChildEntity

    own = getattr(cls, "subdivisions", None)
    if own is None:
        return  # holidays' to answer: no class, or one of a patch's
    # A territory has none, whatever a release of holidays lists for it.
    territory = cls is not None and issubclass(cls, ChildEntity)
    if not territory and (subdiv in own or subdiv in getattr(cls, "subdivisions_aliases", ())):
        return
    codes = [] if territory else sorted(own, key=str)
    listed = ", ".join(map(str, codes[:12]))
    listed += f" and {len(codes) - 12} more" if len(codes) > 12 else ""
    if not codes:
        expected = f"left out: {country} has no subdivisions"
    elif subdiv in getattr(cls, "_deprecated_subdivisions", ()):
        expected = f"one of {country}'s current codes ({listed}), not one holidays deprecated"
    else:
        expected = f"a code supported by holidays (one of {country}'s: {listed})"
    raise InputError.single("subdiv", expected, subdiv, "business calendar")


class _Table:
    """Lazily extended, lock-guarded business-day table for one configuration."""

    __slots__ = ("_closed", "_country", "_lock", "_open", "_range", "_snap", "_subdiv", "_weekend")

    def __init__(
        self,
        country: str,
        subdiv: str | None,
        weekend: frozenset[int] | None,
        closed: frozenset[date],
        open_: frozenset[date],
    ) -> None:
        self._country = country
        self._subdiv = subdiv
        self._weekend = weekend
        self._closed = closed
        self._open = open_
        self._lock = threading.Lock()
        self._snap: _Snapshot | None = None
        self._range: tuple[int, int] | None = None

    def supported_years(self) -> tuple[int, int]:
        rng = self._range
        if rng is None:
            probe = _holidays_for(self._country, self._subdiv, ())
            # date.min/date.max bound what Python can represent at all.
            rng = (max(probe.start_year, 2), min(probe.end_year, 9998))
            self._range = rng
        return rng

    def _compute(self, first: int, last: int) -> array[int]:
        """Business-day ordinals of ``first..last`` (neighbour years padded in)."""
        lo = self.supported_years()[0]
        hol = _holidays_for(self._country, self._subdiv, range(max(first - 1, lo), last + 2))
        workdays = hol.weekend_workdays
        weekend = self._weekend
        out: array[int] = array("l")
        day = date(first, 1, 1)
        end = date(last, 12, 31)
        one = timedelta(days=1)
        while day <= end:
            off = day.weekday() in weekend if weekend is not None else hol.is_weekend(day)
            # Same test as holidays' own is_working_day, on a fully populated object.
            working = (day in workdays) if off else (day not in hol)
            if (working or day in self._open) and day not in self._closed:
                out.append(day.toordinal())
            day += one
        return out

    def covering(self, first: int, last: int, given: object = None) -> _Snapshot:
        """A snapshot that holds every business day of ``first..last``.

        ``given`` is the value named in the error when a year is not supported.
        """
        snap = self._snap
        if snap is not None and snap.first_year <= first and last <= snap.last_year:
            return snap
        lo, hi = self.supported_years()
        if first < lo or last > hi:
            raise DateOutOfRangeError.single(
                "date",
                f"in the years {lo}-{hi} covered by the {self._label()} holiday data",
                (first if first < lo else last) if given is None else given,
                "business calendar",
            )
        with self._lock:
            snap = self._snap
            if snap is None:
                # First use: only the years asked for. A decision reads one year or two,
                # and a decade (about 10 ms for US) was most of a first decision's time.
                snap = _Snapshot.build(first, last, self._compute(first, last))
            elif first < snap.first_year or last > snap.last_year:  # else: another thread did it
                # Only the side asked for grows, to a decade's end: a first snapshot of one
                # year that a window crosses out of grows by the next years alone.
                start, stop = snap.first_year, snap.last_year
                if first < start:
                    start = max(lo, first - first % _BLOCK_YEARS)
                if last > stop:
                    stop = min(hi, last - last % _BLOCK_YEARS + _BLOCK_YEARS - 1)
                ords: array[int] = array("l")
                if start < snap.first_year:
                    ords.extend(self._compute(start, snap.first_year - 1))
                ords.extend(snap.ordinals)
                if stop > snap.last_year:
                    ords.extend(self._compute(snap.last_year + 1, stop))
                snap = _Snapshot.build(start, stop, ords)
            self._snap = snap
            return snap

    def _label(self) -> str:
        return self._country + (f"-{self._subdiv}" if self._subdiv else "")


@lru_cache(maxsize=128)
def _table_for(
    country: str,
    subdiv: str | None,
    weekend: frozenset[int] | None,
    closed: frozenset[date],
    open_: frozenset[date],
) -> _Table:
    # One table per configuration, shared by every equal calendar: calendars are
    # cheap to build and the holiday data is computed once per process.
    return _Table(country, subdiv, weekend, closed, open_)


def _check_date(value: object, name: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InputError.single(name, "a date (not a datetime)", value, "business calendar")
    return value


@value_class()
class BusinessCalendar:
    """Business days of a country (and subdivision) from the ``holidays`` package.

    >>> us = BusinessCalendar("US")
    >>> us.is_business_day(date(2025, 11, 27))  # Thanksgiving
    False
    >>> us.add_business_days(date(2025, 11, 21), 7)  # approval on a Friday
    datetime.date(2025, 12, 3)

    ``weekend`` (Monday = 0 ... Sunday = 6) replaces the country's own weekend;
    ``extra_closed`` and ``extra_open`` add the store's closure and working days.
    """

    country: str = "US"
    subdiv: str | None = None
    _: KW_ONLY
    weekend: frozenset[int] | None = None
    extra_closed: frozenset[date] = frozenset()
    extra_open: frozenset[date] = frozenset()
    _table: _Table = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ctx = "business calendar"
        if not isinstance(self.country, str) or self.country not in _KNOWN_COUNTRIES():
            raise InputError.single(
                "country", "an ISO 3166 country code supported by holidays", self.country, ctx
            )
        if self.subdiv is not None and not valid_text(self.subdiv, MAX_NAME_LENGTH, controls=False):
            # An empty code would silently mean "no subdivision" to holidays.
            raise InputError.single("subdiv", "a subdivision code or None", self.subdiv, ctx)
        if self.weekend is not None:
            days = self.weekend
            if (
                isinstance(days, str | bytes)
                or not isinstance(days, Iterable)
                or not all(type(d) is int and 0 <= d <= 6 for d in days)
            ):
                raise InputError.single("weekend", "weekday numbers 0 (Mon) to 6 (Sun)", days, ctx)
            object.__setattr__(self, "weekend", frozenset(days))
        for name in ("extra_closed", "extra_open"):
            given = getattr(self, name)
            if isinstance(given, str | bytes) or not isinstance(given, Iterable):
                raise InputError.single(name, "a set of dates", given, ctx)
            dates = frozenset(_check_date(d, f"{name}[]") for d in given)
            object.__setattr__(self, name, dates)
        both = self.extra_closed & self.extra_open
        if both:
            raise InputError.single(
                "extra_open", "disjoint from extra_closed", sorted(both)[0].isoformat(), ctx
            )
        table = _table_for(
            self.country, self.subdiv, self.weekend, self.extra_closed, self.extra_open
        )
        if self.subdiv is not None:
            table.supported_years()  # validates the subdivision now, not at first use
        object.__setattr__(self, "_table", table)

    def __reduce__(self) -> tuple[object, ...]:
        # The table holds a lock; rebuild it from the configuration instead.
        return (
            _restore,
            (self.country, self.subdiv, self.weekend, self.extra_closed, self.extra_open),
        )

    @property
    def supported_years(self) -> tuple[int, int]:
        """First and last year the holiday data covers, e.g. ``(1777, 2100)`` for US."""
        return self._table.supported_years()

    def is_business_day(self, d: date) -> bool:
        """Whether ``d`` is a business day.

        >>> BusinessCalendar("CN").is_business_day(date(2024, 2, 4))  # a working Sunday
        True
        """
        if type(d) is not date:
            _check_date(d, "d")
        o = d.toordinal()
        snap = self._table._snap
        if snap is None or not snap.base <= o <= snap.end:
            snap = self._table.covering(d.year, d.year, d)
        k = o - snap.base
        rank = snap.rank
        return rank[k + 1] != rank[k]

    def add_business_days(self, d: date, n: int) -> date:
        """The ``n``-th business day after ``d`` (before it when ``n < 0``).

        ``d`` itself is never counted; ``n == 0`` gives ``d`` if it is a business
        day, else the next one. A Saturday start counts Monday as day 1:

        >>> us = BusinessCalendar("US")
        >>> us.add_business_days(date(2025, 3, 8), 1)  # Saturday
        datetime.date(2025, 3, 10)
        >>> us.add_business_days(date(2025, 3, 8), -1)
        datetime.date(2025, 3, 7)
        >>> us.add_business_days(date(2025, 3, 8), 0)
        datetime.date(2025, 3, 10)
        """
        # Hot path (a policy evaluates many windows): exact-type checks first, the
        # loaded snapshot read once, two array lookups. Anything else goes slow.
        if type(d) is not date:
            _check_date(d, "d")
        if type(n) is not int:
            raise InputError.single("n", "an integer", n, "business calendar")
        o = d.toordinal()
        snap = self._table._snap
        if snap is not None and snap.base <= o <= snap.end:
            i = snap.rank[o - snap.base + 1] + n - 1 if n > 0 else snap.rank[o - snap.base] + n
            ords = snap.ordinals
            if 0 <= i < len(ords):
                return date.fromordinal(ords[i])
        return self._add_slow(d, o, n)

    def _add_slow(self, d: date, o: int, n: int) -> date:
        """:meth:`add_business_days` when the loaded years do not hold the answer."""
        table = self._table
        first = last = d.year
        while True:
            snap = table.covering(first, last, d)
            rank = snap.rank
            ords = snap.ordinals
            i = rank[o - snap.base + 1] + n - 1 if n > 0 else rank[o - snap.base] + n
            if 0 <= i < len(ords):
                return date.fromordinal(ords[i])
            # The answer lies beyond the loaded years: load enough more and retry.
            # Never ask for years past the supported ones unless even a business
            # day every day could not reach the answer inside them.
            lo, hi = table.supported_years()
            if i < 0:
                room = snap.base - date(lo, 1, 1).toordinal()  # days not loaded yet
                need = -i
            else:
                room = date(hi, 12, 31).toordinal() - snap.end
                need = i - len(ords) + 1
            if need > room:
                raise DateOutOfRangeError.single(
                    "n",
                    f"small enough for the result to stay in the years {lo}-{hi} "
                    f"covered by the {table._label()} holiday data (from {d.isoformat()})",
                    n,
                    "business calendar",
                )
            if i < 0:
                first = max(lo, snap.first_year - 1 - need // _MIN_BUSINESS_DAYS_PER_YEAR)
            else:
                last = min(hi, snap.last_year + 1 + need // _MIN_BUSINESS_DAYS_PER_YEAR)

    def business_days_between(self, start: date, end: date) -> int:
        """Business days in ``(start, end]``; negative, ``-|[end, start)|``, if ``end < start``.

        This inverts :meth:`add_business_days`: for ``n != 0``,
        ``business_days_between(d, add_business_days(d, n)) == n``.

        >>> us = BusinessCalendar("US")
        >>> us.business_days_between(date(2025, 11, 21), date(2025, 12, 3))
        7
        >>> us.business_days_between(date(2025, 3, 8), date(2025, 3, 9))  # a weekend
        0
        """
        if type(start) is not date:
            _check_date(start, "start")
        if type(end) is not date:
            _check_date(end, "end")
        a, b = start.toordinal(), end.toordinal()
        snap = self._table._snap
        if snap is None or not (snap.base <= a <= snap.end and snap.base <= b <= snap.end):
            early, late = (start, end) if a <= b else (end, start)
            bad = early if early.year < self._table.supported_years()[0] else late
            snap = self._table.covering(early.year, late.year, bad)
        rank = snap.rank
        if b >= a:
            return rank[b - snap.base + 1] - rank[a - snap.base + 1]
        return rank[b - snap.base] - rank[a - snap.base]


def _restore(
    country: str,
    subdiv: str | None,
    weekend: frozenset[int] | None,
    extra_closed: frozenset[date],
    extra_open: frozenset[date],
) -> BusinessCalendar:
    return BusinessCalendar(
        country, subdiv, weekend=weekend, extra_closed=extra_closed, extra_open=extra_open
    )
