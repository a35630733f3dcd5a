"""What the business-day calendar must show (issue #2).

* Differential tests: ``add_business_days`` / ``business_days_between`` agree with
  ``numpy.busday_offset`` / ``numpy.busday_count`` for US, GB-ENG, DE and FR, and
  with holidays' own ``get_nth_working_day`` / ``is_working_day`` for AE (weekend
  moved on 2022-01-01) and CN (weekend working days).
* Calendar laws, the policy's refund-window example, the conventions, the
  configuration knobs, the errors, thread safety and pickling.

Hypothesis settings come from the profile loaded in ``tests/conftest.py``.
"""

from __future__ import annotations

import itertools
import pickle
import random
import sys
import threading
import time
from datetime import date, datetime, timedelta
from functools import cache

import holidays
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from atlier_policy import calendar as calendar_module
from atlier_policy.calendar import BusinessCalendar
from atlier_policy.errors import DateOutOfRangeError, InputError

# --------------------------------------------------------------------------------------
# Helpers and strategies
# --------------------------------------------------------------------------------------

NUMPY_COUNTRIES = [("US", None), ("GB", "ENG"), ("DE", None), ("FR", None)]
DIFF_FIRST, DIFF_LAST = date(1990, 1, 1), date(2060, 12, 31)
# 3000 business days are about 12 years, so the holiday list numpy gets must reach
# from 1978 to 2072; the range(1985, 2080) would miss 1978-1984.
NUMPY_HOLIDAY_YEARS = range(1975, 2080)

diff_dates = st.dates(DIFF_FIRST, DIFF_LAST)
diff_n = st.integers(-3000, 3000)


@cache
def numpy_calendar(country: str, subdiv: str | None) -> np.busdaycalendar:
    """Mon-Fri weekmask and the holiday dates holidays gives for the country, built once."""
    hol = holidays.country_holidays(country, subdiv, years=NUMPY_HOLIDAY_YEARS)
    # numpy's weekmask can only describe a fixed Sat-Sun weekend with no working weekend days.
    assert hol.weekend == {5, 6}
    assert not hol.weekend_workdays
    days = np.array(sorted(hol), dtype="datetime64[D]")
    return np.busdaycalendar(weekmask="Mon Tue Wed Thu Fri", holidays=days)


@cache
def calendar(country: str, subdiv: str | None = None) -> BusinessCalendar:
    """One calendar per country, shared by the examples of a test run."""
    return BusinessCalendar(country, subdiv)


def np_date(d: date) -> np.datetime64:
    """A date as numpy's day-resolution datetime64."""
    return np.datetime64(d, "D")


_unique_days = itertools.count()


def fresh(country: str = "US", **kwargs: object) -> BusinessCalendar:
    """A calendar whose internal table is brand new (nothing loaded yet).

    Tables are shared per configuration; an extra closure day in year 1000, outside
    every supported range and different on each call, makes a new configuration
    that still gives the same answers as the plain country calendar.
    """
    unique = date(1000, 1, 1) + timedelta(days=next(_unique_days))
    closed = frozenset(kwargs.pop("extra_closed", frozenset())) | {unique}  # type: ignore[arg-type]
    cal = BusinessCalendar(country, extra_closed=closed, **kwargs)  # type: ignore[arg-type]
    assert cal._table._snap is None  # really fresh
    return cal


@st.composite
def date_pairs(
    draw: st.DrawFn, first: date = DIFF_FIRST, last: date = DIFF_LAST
) -> tuple[date, date]:
    """Two dates: independent across the range, or close together (often equal)."""
    a = draw(st.dates(first, last))
    if draw(st.booleans()):
        return a, draw(st.dates(first, last))
    b = a + timedelta(days=draw(st.integers(-20, 20)))
    return a, min(max(b, first), last)


LAW_CALENDARS = [
    BusinessCalendar("US"),
    BusinessCalendar("GB", "ENG"),
    BusinessCalendar("AE"),
    BusinessCalendar("CN"),
    BusinessCalendar("US", weekend=frozenset({4, 5}), extra_open=frozenset({date(2025, 11, 27)})),
]
law_calendars = st.sampled_from(LAW_CALENDARS)
law_dates = st.dates(date(2000, 1, 1), date(2050, 12, 31))
law_n = st.integers(-3000, 3000)


# --------------------------------------------------------------------------------------
# Differential tests against numpy
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("country", "subdiv"), NUMPY_COUNTRIES)
@given(d=diff_dates, n=diff_n)
@example(d=date(2025, 11, 21), n=7)
@example(d=date(2025, 3, 8), n=0)
@example(d=date(2025, 3, 8), n=-1)
@example(d=date(1990, 1, 1), n=-3000)
@example(d=date(2060, 12, 31), n=3000)
def test_add_business_days_matches_numpy_busday_offset(
    country: str, subdiv: str | None, d: date, n: int
) -> None:
    """add_business_days(d, n) == busday_offset(d, n, roll=backward if n > 0 else forward)."""
    cal = calendar(country, subdiv)
    roll = "backward" if n > 0 else "forward"
    expected = np.busday_offset(np_date(d), n, roll=roll, busdaycal=numpy_calendar(country, subdiv))
    expected_date = expected.item()
    first_supported = date(cal.supported_years[0], 1, 1)  # 1991 for DE
    if d < first_supported or expected_date < first_supported:
        with pytest.raises(DateOutOfRangeError):
            cal.add_business_days(d, n)
    else:
        assert cal.add_business_days(d, n) == expected_date


@pytest.mark.parametrize(("country", "subdiv"), NUMPY_COUNTRIES)
@given(pair=date_pairs())
@example(pair=(date(2025, 11, 21), date(2025, 12, 3)))
@example(pair=(date(2025, 3, 8), date(2025, 3, 9)))
@example(pair=(date(2025, 3, 10), date(2025, 3, 7)))
@example(pair=(date(2025, 3, 10), date(2025, 3, 8)))  # Monday back to Saturday: 0
def test_business_days_between_matches_numpy_busday_count(
    country: str, subdiv: str | None, pair: tuple[date, date]
) -> None:
    """between(a, b) == busday_count(a+1, b+1) for b >= a and -busday_count(b, a) for b < a."""
    # busday_count(x, y) counts [x, y) for x <= y. For x > y numpy (since 1.25, gh-23197)
    # returns minus the count of (y, x], not of [y, x), so busday_count(a, b) is *not* our
    # negative case: between(Mon, Sat) is 0 (Sat is not a business day) while
    # busday_count(Mon, Sat) is -1 (Mon is). We count [b, a) so that between inverts
    # add_business_days; that is -busday_count(b, a).
    a, b = pair
    cal = calendar(country, subdiv)
    busdaycal = numpy_calendar(country, subdiv)
    one = timedelta(days=1)
    if b >= a:
        expected = int(np.busday_count(np_date(a + one), np_date(b + one), busdaycal=busdaycal))
    else:
        expected = -int(np.busday_count(np_date(b), np_date(a), busdaycal=busdaycal))
    if min(a, b).year < cal.supported_years[0]:
        with pytest.raises(DateOutOfRangeError):
            cal.business_days_between(a, b)
    else:
        assert cal.business_days_between(a, b) == expected


@pytest.mark.parametrize(("country", "subdiv"), NUMPY_COUNTRIES)
@given(d=diff_dates)
def test_is_business_day_matches_numpy_is_busday(country: str, subdiv: str | None, d: date) -> None:
    """is_business_day(d) == numpy.is_busday(d) on the same weekmask and holidays."""
    cal = calendar(country, subdiv)
    if d.year < cal.supported_years[0]:
        with pytest.raises(DateOutOfRangeError):
            cal.is_business_day(d)
    else:
        busdaycal = numpy_calendar(country, subdiv)
        assert cal.is_business_day(d) == bool(np.is_busday(np_date(d), busdaycal=busdaycal))


# --------------------------------------------------------------------------------------
# Differential tests against holidays' own working-day functions (AE, CN)
# --------------------------------------------------------------------------------------

ae_cn_dates = st.dates(date(2015, 1, 1), date(2030, 12, 31))
ae_cn_n = st.integers(-400, 400)


@pytest.mark.parametrize("country", ["AE", "CN"])
@given(d=ae_cn_dates, n=ae_cn_n)
# AE: Fri-Sat weekend up to 2021-12-31, Sat-Sun from 2022-01-01; both sides and across.
@example(d=date(2021, 12, 23), n=1)
@example(d=date(2021, 12, 30), n=2)
@example(d=date(2022, 1, 6), n=-5)
@example(d=date(2021, 6, 1), n=10)
@example(d=date(2023, 6, 1), n=-10)
@example(d=date(2021, 3, 1), n=400)
@example(d=date(2023, 3, 1), n=-400)
# CN: Sunday 2024-02-04 and 2024-02-18 are working days; Spring Festival in between.
@example(d=date(2024, 2, 3), n=1)
@example(d=date(2024, 2, 3), n=0)
@example(d=date(2024, 2, 5), n=-1)
@example(d=date(2024, 2, 8), n=2)
@example(d=date(2024, 2, 19), n=-2)
def test_add_business_days_matches_holidays_get_nth_working_day(
    country: str, d: date, n: int
) -> None:
    """add_business_days and is_business_day agree with holidays for AE and CN."""
    hol = holidays.country_holidays(country)
    cal = calendar(country)
    assert cal.add_business_days(d, n) == hol.get_nth_working_day(d, n)
    assert cal.is_business_day(d) == hol.is_working_day(d)


@pytest.mark.parametrize("country", ["AE", "CN"])
@given(pair=date_pairs(date(2015, 1, 1), date(2030, 12, 31)))
def test_business_days_between_matches_holidays_count(
    country: str, pair: tuple[date, date]
) -> None:
    """between(a, b) == holidays' working-day count of (a, b], or minus that of [b, a)."""
    a, b = pair
    hol = holidays.country_holidays(country)
    one = timedelta(days=1)
    if a == b:
        expected = 0
    elif b > a:
        expected = hol.get_working_days_count(a + one, b)
    else:
        expected = -hol.get_working_days_count(b, a - one)
    assert calendar(country).business_days_between(a, b) == expected


def test_ae_weekend_moves_on_2022_01_01() -> None:
    """AE: Friday is off and Sunday worked in 2021; from 2022 Friday is worked and Sunday off."""
    ae = BusinessCalendar("AE")
    assert not ae.is_business_day(date(2021, 6, 18))  # Friday
    assert ae.is_business_day(date(2021, 6, 20))  # Sunday
    assert ae.is_business_day(date(2022, 6, 17))  # Friday
    assert not ae.is_business_day(date(2022, 6, 19))  # Sunday
    # Thursday 2021-12-30 -> Fri 31 (old weekend), Sat 1 and Sun 2 (new weekend) -> Mon 3.
    assert ae.add_business_days(date(2021, 12, 30), 1) == date(2022, 1, 3)
    assert ae.add_business_days(date(2021, 12, 23), 1) == date(2021, 12, 26)  # Sunday


def test_cn_weekend_working_days() -> None:
    """CN: Sunday 2024-02-04 is a business day, so the day after Saturday 2024-02-03 counts."""
    cn = BusinessCalendar("CN")
    assert cn.is_business_day(date(2024, 2, 4))
    assert not cn.is_business_day(date(2024, 2, 3))
    assert cn.add_business_days(date(2024, 2, 3), 1) == date(2024, 2, 4)
    assert cn.add_business_days(date(2024, 2, 3), 0) == date(2024, 2, 4)
    # Spring Festival: Sat 2024-02-10 .. Sat 02-17 off, Sunday 02-18 worked.
    assert cn.add_business_days(date(2024, 2, 9), 1) == date(2024, 2, 18)
    assert cn.business_days_between(date(2024, 2, 9), date(2024, 2, 18)) == 1


# --------------------------------------------------------------------------------------
# Calendar laws
# --------------------------------------------------------------------------------------


@given(cal=law_calendars, d=law_dates, n=law_n)
def test_add_business_days_gives_a_business_day(cal: BusinessCalendar, d: date, n: int) -> None:
    """Every result of add_business_days is a business day."""
    assert cal.is_business_day(cal.add_business_days(d, n))


@given(cal=law_calendars, d=law_dates, n1=law_n, n2=law_n)
@example(cal=LAW_CALENDARS[0], d=date(2025, 3, 8), n1=0, n2=1)  # Saturday
@example(cal=LAW_CALENDARS[0], d=date(2025, 3, 7), n1=0, n2=1)  # Friday
def test_add_business_days_is_strictly_monotone_in_n(
    cal: BusinessCalendar, d: date, n1: int, n2: int
) -> None:
    """n1 < n2 gives add(d, n1) < add(d, n2), except add(d, 0) == add(d, 1) for a non-business d."""
    n1, n2 = sorted((n1, n2))
    r1, r2 = cal.add_business_days(d, n1), cal.add_business_days(d, n2)
    if n1 == n2 or ((n1, n2) == (0, 1) and not cal.is_business_day(d)):
        assert r1 == r2
    else:
        assert r1 < r2


@given(cal=law_calendars, d=law_dates, n=law_n)
def test_consecutive_n_give_consecutive_business_days(
    cal: BusinessCalendar, d: date, n: int
) -> None:
    """For n and n + 1 both nonzero, no business day lies strictly between their results."""
    if n in (0, -1):
        n = 1
    r1, r2 = cal.add_business_days(d, n), cal.add_business_days(d, n + 1)
    assert cal.business_days_between(r1, r2) == 1


@given(cal=law_calendars, d=law_dates, n=law_n)
def test_business_days_between_inverts_add_business_days(
    cal: BusinessCalendar, d: date, n: int
) -> None:
    """between(d, add(d, n)) == n for n != 0; for n == 0 it is 0 on a business day, else 1."""
    e = cal.add_business_days(d, n)
    if n != 0:
        assert cal.business_days_between(d, e) == n
    else:
        assert cal.business_days_between(d, e) == (0 if cal.is_business_day(d) else 1)


@given(cal=law_calendars, pair=date_pairs(date(2000, 1, 1), date(2050, 12, 31)))
def test_add_business_days_inverts_between_on_business_days(
    cal: BusinessCalendar, pair: tuple[date, date]
) -> None:
    """add(d, between(d, e)) == e whenever e is a business day (any d, either order)."""
    d, e = pair
    e = cal.add_business_days(e, 0)  # the business day on or after e
    assert cal.add_business_days(d, cal.business_days_between(d, e)) == e


@given(cal=law_calendars, d=law_dates)
def test_zero_rolls_forward(cal: BusinessCalendar, d: date) -> None:
    """add(d, 0) is d on a business day, else the next business day (== add(d, 1))."""
    r = cal.add_business_days(d, 0)
    if cal.is_business_day(d):
        assert r == d
    else:
        assert r > d
        assert r == cal.add_business_days(d, 1)
        assert cal.business_days_between(d, r - timedelta(days=1)) == 0  # none skipped


@given(cal=law_calendars, d=law_dates, a=st.integers(-1500, 1500), b=st.integers(-1500, 1500))
@example(cal=LAW_CALENDARS[0], d=date(2025, 3, 8), a=2, b=3)  # Saturday, same sign
@example(cal=LAW_CALENDARS[0], d=date(2025, 3, 8), a=-2, b=-3)
@example(cal=LAW_CALENDARS[0], d=date(2025, 3, 8), a=0, b=3)
@example(cal=LAW_CALENDARS[0], d=date(2025, 3, 8), a=3, b=-3)
@example(cal=LAW_CALENDARS[0], d=date(2025, 3, 8), a=-1, b=2)
@example(cal=LAW_CALENDARS[0], d=date(2025, 3, 7), a=3, b=-3)  # Friday
def test_add_business_days_composes(cal: BusinessCalendar, d: date, a: int, b: int) -> None:
    """add(add(d, a), b) == add(d, a + b) if d is a business day or a, a + b are both > 0 or <= 0."""
    # So it holds for a, b > 0 and for a, b < 0 from any d. From a non-business d with a
    # and a + b on different sides of zero it is off by one, because add(d, n) counts from
    # the business day before d when n > 0 and from the one after d when n <= 0:
    # add(add(d, a), b) == add(d, a + b - 1) if a > 0, else add(d, a + b + 1).
    composed = cal.add_business_days(cal.add_business_days(d, a), b)
    direct = cal.add_business_days(d, a + b)
    if cal.is_business_day(d) or (a > 0) == (a + b > 0):
        assert composed == direct
    else:
        assert composed == cal.add_business_days(d, a + b - 1 if a > 0 else a + b + 1)
        assert composed != direct


@given(cal=law_calendars, d1=law_dates, d2=law_dates, d3=law_dates)
def test_business_days_between_is_additive_along_ordered_dates(
    cal: BusinessCalendar, d1: date, d2: date, d3: date
) -> None:
    """between(a, b) + between(b, c) == between(a, c) for a <= b <= c and for a >= b >= c."""
    a, b, c = sorted((d1, d2, d3))
    assert cal.business_days_between(a, b) + cal.business_days_between(b, c) == (
        cal.business_days_between(a, c)
    )
    assert cal.business_days_between(c, b) + cal.business_days_between(b, a) == (
        cal.business_days_between(c, a)
    )


@given(cal=law_calendars, pair=date_pairs(date(2000, 1, 1), date(2050, 12, 31)))
def test_business_days_between_reversed(cal: BusinessCalendar, pair: tuple[date, date]) -> None:
    """For a <= b, between(a, b) + between(b, a) == is_business(b) - is_business(a)."""
    a, b = sorted(pair)
    # (a, b] and [a, b) differ only in their ends; so between is antisymmetric exactly
    # when both ends are business days or both are not.
    assert cal.business_days_between(a, b) + cal.business_days_between(b, a) == (
        int(cal.is_business_day(b)) - int(cal.is_business_day(a))
    )
    assert cal.business_days_between(a, a) == 0


# --------------------------------------------------------------------------------------
# The policy's example and the conventions
# --------------------------------------------------------------------------------------


def test_refund_window_example_from_the_policy() -> None:
    """Approval Friday 2025-11-21 (US): 7th business day 2025-12-03, 10th 2025-12-08."""
    us = BusinessCalendar("US")
    approved = date(2025, 11, 21)
    assert not us.is_business_day(date(2025, 11, 27))  # Thanksgiving
    assert us.add_business_days(approved, 7) == date(2025, 12, 3)
    assert us.add_business_days(approved, 10) == date(2025, 12, 8)
    assert us.business_days_between(approved, date(2025, 12, 3)) == 7
    assert us.business_days_between(approved, date(2025, 12, 8)) == 10


def test_saturday_start_counts_monday_as_day_one() -> None:
    """From a Saturday, day 1 is Monday, day -1 is Friday and day 0 rolls to Monday."""
    us = BusinessCalendar("US")
    saturday, sunday = date(2025, 3, 8), date(2025, 3, 9)
    for weekend_day in (saturday, sunday):
        assert us.add_business_days(weekend_day, 1) == date(2025, 3, 10)
        assert us.add_business_days(weekend_day, 2) == date(2025, 3, 11)
        assert us.add_business_days(weekend_day, -1) == date(2025, 3, 7)
        assert us.add_business_days(weekend_day, -2) == date(2025, 3, 6)
        assert us.add_business_days(weekend_day, 0) == date(2025, 3, 10)
    # A Monday holiday moves day 1 to Tuesday (Martin Luther King Jr. Day, 2025-01-20).
    assert us.add_business_days(date(2025, 1, 18), 1) == date(2025, 1, 21)
    assert us.add_business_days(date(2025, 1, 21), -1) == date(2025, 1, 17)


def test_business_days_between_convention() -> None:
    """between counts (start, end]; for end < start it is minus the count of [end, start)."""
    us = BusinessCalendar("US")
    friday, saturday, monday = date(2025, 3, 7), date(2025, 3, 8), date(2025, 3, 10)
    assert us.business_days_between(friday, monday) == 1  # Monday only
    assert us.business_days_between(saturday, monday) == 1
    assert us.business_days_between(friday, saturday) == 0
    assert us.business_days_between(monday, friday) == -1  # Friday only
    assert us.business_days_between(monday, saturday) == 0
    assert us.business_days_between(friday, friday) == 0


def test_observed_holiday_is_not_a_business_day() -> None:
    """Observed holidays count: US Independence Day 2026 (Saturday) is observed Friday 07-03."""
    us = BusinessCalendar("US")
    assert not us.is_business_day(date(2026, 7, 3))
    assert us.add_business_days(date(2026, 7, 2), 1) == date(2026, 7, 6)
    # New Year's Day 2022 (Saturday) observed on Friday 2021-12-31, in the year before.
    assert not us.is_business_day(date(2021, 12, 31))


# --------------------------------------------------------------------------------------
# Configuration: extra days, weekend override
# --------------------------------------------------------------------------------------


def test_extra_closed_removes_business_days() -> None:
    """extra_closed days are not business days, so windows move later."""
    closed = BusinessCalendar("US", extra_closed=frozenset({date(2025, 12, 1)}))
    assert not closed.is_business_day(date(2025, 12, 1))
    assert closed.add_business_days(date(2025, 11, 21), 7) == date(2025, 12, 4)
    assert closed.business_days_between(date(2025, 11, 21), date(2025, 12, 4)) == 7
    assert BusinessCalendar("US").add_business_days(date(2025, 11, 21), 7) == date(2025, 12, 3)


def test_extra_open_adds_business_days() -> None:
    """extra_open days are business days even on a weekend or a holiday."""
    saturday = BusinessCalendar("US", extra_open=[date(2025, 11, 29)])  # type: ignore[arg-type]
    assert saturday.is_business_day(date(2025, 11, 29))
    assert saturday.add_business_days(date(2025, 11, 21), 7) == date(2025, 12, 2)
    thanksgiving = BusinessCalendar("US", extra_open=frozenset({date(2025, 11, 27)}))
    assert thanksgiving.is_business_day(date(2025, 11, 27))
    assert thanksgiving.add_business_days(date(2025, 11, 21), 7) == date(2025, 12, 2)
    assert thanksgiving.add_business_days(date(2025, 11, 26), 1) == date(2025, 11, 27)


def test_weekend_override() -> None:
    """weekend={4, 5} (Fri, Sat) replaces the country's weekend; holidays still apply."""
    cal = BusinessCalendar("US", weekend=frozenset({4, 5}))
    assert not cal.is_business_day(date(2025, 3, 7))  # Friday
    assert not cal.is_business_day(date(2025, 3, 8))  # Saturday
    assert cal.is_business_day(date(2025, 3, 9))  # Sunday
    assert cal.add_business_days(date(2025, 3, 6), 1) == date(2025, 3, 9)  # Thu -> Sun
    assert not cal.is_business_day(date(2025, 11, 27))  # Thanksgiving
    every_day = BusinessCalendar("US", weekend=frozenset())
    assert every_day.add_business_days(date(2025, 3, 7), 2) == date(2025, 3, 9)
    assert cal.weekend == frozenset({4, 5})


def test_conflicting_extra_days_raise_input_error() -> None:
    """The same date in extra_closed and extra_open raises InputError naming extra_open."""
    day = date(2025, 12, 24)
    with pytest.raises(InputError, match="extra_open") as info:
        BusinessCalendar("US", extra_closed=frozenset({day}), extra_open=frozenset({day}))
    assert "2025-12-24" in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"weekend": frozenset({7})}, "weekend"),
        ({"weekend": "56"}, "weekend"),
        ({"weekend": frozenset({True})}, "weekend"),
        ({"extra_closed": "2025-12-24"}, "extra_closed"),
        ({"extra_closed": 20251224}, "extra_closed"),
        ({"extra_closed": [datetime(2025, 12, 24, 9)]}, "extra_closed[]"),
        ({"extra_open": ["2025-12-24"]}, "extra_open[]"),
        ({"weekend": 5}, "weekend"),  # not a set at all
        ({"subdiv": ""}, "subdiv"),  # holidays would read "" as no subdivision
        ({"subdiv": "NY\x00"}, "subdiv"),
    ],
)
def test_bad_configuration_raises_input_error(kwargs: dict[str, object], field: str) -> None:
    """Malformed weekend / extra days raise InputError naming the field."""
    with pytest.raises(InputError) as info:
        BusinessCalendar("US", **kwargs)  # type: ignore[arg-type]
    assert info.value.problems[0][0] == field
    assert f"`{field}`" in str(info.value)


# --------------------------------------------------------------------------------------
# Errors: supported years, unknown codes, wrong types
# --------------------------------------------------------------------------------------


def test_out_of_range_dates_raise_date_out_of_range_error() -> None:
    """Dates outside the holiday data's years raise DateOutOfRangeError naming the range."""
    us = BusinessCalendar("US")
    lo, hi = us.supported_years
    assert lo <= 1800
    assert hi >= 2099
    span = f"{lo}-{hi}"
    for bad in (date(1700, 1, 1), date(lo - 1, 12, 31), date(hi + 1, 1, 1)):
        with pytest.raises(DateOutOfRangeError, match=span):
            us.add_business_days(bad, 1)
        with pytest.raises(DateOutOfRangeError, match=span):
            us.is_business_day(bad)
        with pytest.raises(DateOutOfRangeError, match=span):
            us.business_days_between(date(2025, 1, 1), bad)
        with pytest.raises(DateOutOfRangeError, match=span):
            us.business_days_between(bad, date(2025, 1, 1))
    with pytest.raises(ValueError, match=span):  # DateOutOfRangeError is a ValueError
        us.add_business_days(date(hi + 1, 1, 1), 1)
    assert issubclass(DateOutOfRangeError, InputError)


def test_running_past_the_supported_years_raises() -> None:
    """add_business_days whose answer lies past the first or last supported year raises."""
    us = BusinessCalendar("US")
    lo, hi = us.supported_years
    span = f"{lo}-{hi}"
    with pytest.raises(DateOutOfRangeError, match=span):
        us.add_business_days(date(hi, 12, 1), 100)
    with pytest.raises(DateOutOfRangeError, match=span):
        us.add_business_days(date(lo, 2, 1), -100)
    with pytest.raises(DateOutOfRangeError, match=span):
        us.add_business_days(date(2025, 1, 1), 10**9)
    with pytest.raises(DateOutOfRangeError, match=span):
        us.add_business_days(date(2025, 1, 1), -(10**9))
    last = (
        us.add_business_days(date(hi, 12, 31), 0)
        if us.is_business_day(date(hi, 12, 31))
        else (us.add_business_days(date(hi, 12, 31), -1))
    )
    with pytest.raises(DateOutOfRangeError, match=span):
        us.add_business_days(last, 1)


@given(
    st.lists(
        st.tuples(st.dates(date(1985, 1, 1), date(2065, 12, 31)), st.integers(-600, 600)),
        min_size=1,
        max_size=5,
    )
)
def test_answers_do_not_depend_on_the_order_years_are_loaded(
    asks: list[tuple[date, int]],
) -> None:
    """A table loaded a piece at a time, in any order, answers as one loaded whole.

    A fresh table loads only the years first asked for, then grows to cover earlier
    or later ones: every answer along the way equals that of a table holding them all.
    """
    whole = BusinessCalendar("US")
    whole.is_business_day(date(1980, 1, 1))
    whole.is_business_day(date(2070, 12, 31))
    growing = fresh()
    for d, n in asks:
        end = whole.add_business_days(d, n)
        assert growing.add_business_days(d, n) == end
        assert growing.is_business_day(d) == whole.is_business_day(d)
        assert growing.business_days_between(end, d) == whole.business_days_between(end, d)


def test_a_table_loads_the_years_asked_then_grows_a_decade_on_the_side_asked() -> None:
    """docs/calendar.md: the first use loads only the years asked for (a first decision
    computes one year, not ten); later ones are added on the side asked for, to the end
    or start of that decade, and years already loaded are not computed again."""
    cal = fresh()

    def loaded() -> tuple[int, int]:
        snap = cal._table._snap
        assert snap is not None
        return snap.first_year, snap.last_year

    assert cal.is_business_day(date(2025, 6, 2))
    assert loaded() == (2025, 2025)
    assert cal.add_business_days(date(2025, 12, 29), 5) == date(2026, 1, 6)
    assert loaded() == (2025, 2029)
    snap = cal._table._snap
    span = (date(2025, 1, 1), date(2029, 12, 31))
    assert cal.business_days_between(*span) == BusinessCalendar("US").business_days_between(*span)
    assert cal._table._snap is snap
    assert not cal.is_business_day(date(2023, 1, 2))  # New Year's Day observed
    assert loaded() == (2020, 2029)
    span = (date(2019, 12, 2), date(2029, 12, 31))
    assert cal.business_days_between(*span) == BusinessCalendar("US").business_days_between(*span)
    assert loaded() == (2010, 2029)


def test_results_near_the_range_ends_do_not_depend_on_what_is_loaded() -> None:
    """Answers a few years inside the supported range come out the same on a fresh table."""
    # Regression: the table used to be extended by a conservative number of years and
    # raised DateOutOfRangeError when that estimate, not the answer, left the range.
    lo, hi = BusinessCalendar("US").supported_years
    cases = [(date(lo + 4, 6, 1), -1000), (date(hi - 1, 6, 1), 350), (date(hi, 1, 5), -600)]
    full = fresh()
    full.is_business_day(date(lo, 1, 1))
    full.is_business_day(date(hi, 1, 1))
    for d, n in cases:
        expected = full.add_business_days(d, n)
        assert lo <= expected.year <= hi
        assert fresh().add_business_days(d, n) == expected
        assert full.business_days_between(d, expected) == n


def test_any_supported_year_works_without_naming_years() -> None:
    """Years far from today (1800, 2099 for US) work and agree with holidays."""
    us = BusinessCalendar("US")
    hol = holidays.country_holidays("US")
    for d, n in [(date(1800, 1, 1), 1), (date(1800, 7, 4), 10), (date(2099, 12, 31), -1),
                 (date(2099, 11, 20), 10), (date(1800, 1, 1), -5)]:  # fmt: skip
        assert us.add_business_days(d, n) == hol.get_nth_working_day(d, n)
        assert us.is_business_day(d) == hol.is_working_day(d)


def test_unknown_country_raises_input_error() -> None:
    """An unknown country code raises InputError naming `country`."""
    for bad in ("XX", "us", "U", 840, None):
        with pytest.raises(InputError, match="`country`") as info:
            BusinessCalendar(bad)  # type: ignore[arg-type]
        assert info.value.problems[0][0] == "country"


def test_unknown_subdivision_raises_input_error() -> None:
    """An unknown subdivision raises InputError naming `subdiv`, at construction."""
    for country, bad in (("US", "XX"), ("GB", "ZZZ"), ("US", 5)):
        with pytest.raises(InputError, match="`subdiv`") as info:
            BusinessCalendar(country, bad)  # type: ignore[arg-type]
        assert info.value.problems[0][0] == "subdiv"


def _territories() -> list[str]:
    """Codes of holidays' territories (Guam, Réunion ...): entities that take the place
    of a subdivision of their parent country, with none of their own."""
    from holidays.mixins.child_entity import ChildEntity

    return [
        code
        for _, codes in _countries()
        for code in codes
        if issubclass(getattr(holidays, code), ChildEntity)
    ]


def test_a_territory_refuses_any_subdivision() -> None:
    """holidays puts a territory's own code in place of any subdivision given, so
    BusinessCalendar("GU", "CA") would silently be Guam's: any subdivision is refused,
    naming `subdiv`, its own code too (as holidays gives it, e.g. RE's "974")."""
    territories = _territories()
    assert {"GU", "GUM", "PR", "RE", "AX"} <= set(territories)
    for code in territories:
        assert BusinessCalendar(code).subdiv is None
        own = holidays.country_holidays(code).subdiv
        for bad in ("XX", "CA", "ENG", code, own):
            with pytest.raises(InputError, match=f"`subdiv` must be left out: {code} has no sub"):
                BusinessCalendar(code, bad)


def _listed(code: str) -> tuple[set[str], set[str]]:
    """A country's subdivision codes and aliases, and its deprecated codes."""
    cls = getattr(holidays, code)
    return {*cls.subdivisions, *cls.subdivisions_aliases}, set(cls._deprecated_subdivisions)


def test_every_subdivision_holidays_lists_is_accepted_as_given() -> None:
    """Every current subdivision and alias each country lists gives holidays' object of
    that subdivision; none is refused as a territory's or a deprecated one would be."""
    seen = 0
    for _, codes in _countries():
        for code in codes:
            current, deprecated = _listed(code)
            for subdiv in sorted(current - deprecated):
                assert calendar_module._holidays_for(code, subdiv, ()).subdiv == subdiv
                seen += 1
    assert seen > 2500


def test_a_parent_countrys_subdivision_is_refused() -> None:
    """holidays accepts a subdivision of a country's "parent" (the United Kingdom's for
    the Isle of Man, the United States' for Guam): IM with SCT would count Scotland's
    holidays on the Isle of Man. A subdivision a country does not list is refused."""
    seen = 0
    for _, codes in _countries():
        for code in codes:
            parent = getattr(holidays, code).parent_entity
            current = _listed(code)[0]
            for subdiv in sorted(set(parent.subdivisions if parent else ()) - current):
                with pytest.raises(InputError, match=f"`subdiv` must be left out: {code} has"):
                    BusinessCalendar(code, subdiv)
                seen += 1
    assert seen > 100
    with pytest.raises(InputError, match="`subdiv` must be left out: IM has no subdivisions"):
        BusinessCalendar("IM", "SCT")


@pytest.mark.parametrize("warnings_are", ["error", "ignore", "always"])
def test_a_deprecated_subdivision_is_refused_whatever_the_warning_filters(
    warnings_are: str,
) -> None:
    """A subdivision code holidays has deprecated is an InputError naming `subdiv` and
    the codes to use, before holidays warns: the same with warnings as errors (``-W
    error``) as without, so a calendar is refused or not the same in every process."""
    import warnings

    deprecated = [
        (code, subdiv)
        for _, codes in _countries()
        for code in codes
        if getattr(holidays, code).subdivisions  # else: "left out", as a territory's
        for subdiv in sorted(_listed(code)[1] - _listed(code)[0])
    ]
    assert ("GB", "UK") in deprecated
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter(warnings_are)  # type: ignore[arg-type]
        for code, subdiv in deprecated:
            with pytest.raises(InputError, match=f"one of {code}'s current codes .*, not one hol"):
                calendar_module._holidays_for(code, subdiv, ())
        assert calendar_module._holidays_for("GB", "ENG", ()).subdiv == "ENG"
    assert shown == []
    with pytest.raises(InputError) as info:
        BusinessCalendar("GB", "UK")
    expected = "one of GB's current codes (ENG, NIR, SCT, WLS), not one holidays deprecated"
    assert info.value.problems == (("subdiv", expected, "'UK'"),)


def test_an_unknown_subdivision_names_some_of_the_countrys_codes() -> None:
    """The codes a country has are named, the first twelve of a long list."""
    with pytest.raises(InputError) as info:
        BusinessCalendar("GB", "XX")
    expected = "a code supported by holidays (one of GB's: ENG, NIR, SCT, WLS)"
    assert info.value.problems == (("subdiv", expected, "'XX'"),)
    with pytest.raises(InputError) as info:
        BusinessCalendar("US", "XX")
    codes = sorted(holidays.US.subdivisions)
    listed = f"{', '.join(codes[:12])} and {len(codes) - 12} more"
    assert info.value.problems[0][1] == f"a code supported by holidays (one of US's: {listed})"


def test_a_patched_lookups_own_warnings_are_left_as_they_are(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With warnings as errors, a DeprecationWarning a patched lookup raises is its own,
    not blamed on a subdivision, given or not."""

    def deprecated(*args: object, **kwargs: object) -> None:
        raise DeprecationWarning("something else")

    monkeypatch.setattr(holidays, "country_holidays", deprecated)
    for subdiv in (None, "CA"):
        with pytest.raises(DeprecationWarning, match="something else"):
            calendar_module._holidays_for("US", subdiv, ())


def test_a_patched_lookup_refusing_a_code_is_our_input_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where holidays' lookup is patched and the country's entry is not a class (no
    subdivisions to check here), the lookup's "unknown code" is our InputError, naming
    the subdivision if one was given, else the country."""

    def unknown(*args: object, **kwargs: object) -> None:
        raise NotImplementedError("Entity `US` does not have subdivision QQ")

    monkeypatch.setattr(holidays, "country_holidays", unknown)
    monkeypatch.setattr(holidays, "US", lambda **kwargs: None)
    expected = "a code supported by holidays (Entity `US` does not have subdivision QQ)"
    for subdiv, problem in (
        ("QQ", ("subdiv", expected, "'QQ'")),
        (None, ("country", expected, "'US'")),
    ):
        with pytest.raises(InputError) as info:
            calendar_module._holidays_for("US", subdiv, ())
        assert info.value.problems == (problem,)
        assert info.value.context == "business calendar"
        assert info.value.__suppress_context__


def test_a_class_without_holidays_lists_is_checked_by_what_it_has() -> None:
    """A country class (a merchant's, a patch's) without some of holidays' lists: none
    is required; codes it lists count, and twelve of them are named in full."""
    check = calendar_module._check_subdivision

    class Bare:
        pass

    check("US", "ANY", Bare)  # no list of subdivisions: holidays answers
    check("US", "ANY", None)
    codes = tuple(f"C{i:02}" for i in range(13))

    class Listed:
        subdivisions = codes[:12]

    check("US", "C00", Listed)
    with pytest.raises(InputError) as info:
        check("US", "ZZ", Listed)
    assert info.value.problems == (
        ("subdiv", f"a code supported by holidays (one of US's: {', '.join(codes[:12])})", "'ZZ'"),
    )
    Listed.subdivisions = codes
    with pytest.raises(InputError, match=r"C11 and 1 more\)"):
        check("US", "ZZ", Listed)
    Listed.subdivisions = (2, "1")  # not all text: named (and sorted) as text, no TypeError
    with pytest.raises(InputError, match=r"one of US's: 1, 2\)"):
        check("US", "ZZ", Listed)
    assert calendar_module._entity("NOT_A_CODE") is None


def test_a_territory_takes_no_subdivision_whatever_holidays_lists_for_it() -> None:
    """holidays' territories (its ChildEntity) replace any subdivision given by their
    own: refused even if a release of holidays listed subdivisions for one."""
    from types import MappingProxyType

    from holidays.mixins.child_entity import ChildEntity

    class Listing(ChildEntity):
        subdivisions = ("A",)
        subdivisions_aliases = MappingProxyType({"Aa": "A"})

    for subdiv in ("A", "Aa"):
        with pytest.raises(InputError, match="`subdiv` must be left out: GU has no subdivisions"):
            calendar_module._check_subdivision("GU", subdiv, Listing)


def test_a_patched_lookup_is_asked_for_the_subdivisions_it_takes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where holidays' lookup is patched (a merchant's alias "HQ" for New York), the
    patch answers for subdivisions too: nothing is checked against holidays' classes."""
    own = holidays.country_holidays

    def aliased(country: str, subdiv: str | None = None, **kwargs: object) -> object:
        return own(country, subdiv="NY" if subdiv == "HQ" else subdiv, **kwargs)

    monkeypatch.setattr(holidays, "country_holidays", aliased)
    assert calendar_module._entity("US") is None
    assert calendar_module._holidays_for("US", "HQ", [2025]).subdiv == "NY"


def test_a_patched_entry_that_is_not_a_class_is_left_to_holidays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A country entry patched with a function (not holidays' loader, not a class): its
    subdivisions are not checked here, holidays' (patched) lookup answers."""
    monkeypatch.setattr(holidays, "US", lambda **kwargs: None, raising=False)
    assert calendar_module._entity("US") is None
    usa = holidays.USA.get_entity()
    monkeypatch.setattr(holidays, "US", usa)
    assert calendar_module._entity("US") is usa
    monkeypatch.undo()
    assert calendar_module._entity("US") is holidays.US.get_entity()  # through its loader


def test_a_patched_lookup_answers_without_holidays_own_attributes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A patched ``holidays.country_holidays`` (a test's stub) is asked, and its object
    need not have holidays' attributes: no AttributeError, no refusal."""

    class Stub(dict[date, str]):
        def __init__(self, **kwargs: object) -> None:
            super().__init__()
            self.kwargs = kwargs

    monkeypatch.setattr(holidays, "country_holidays", lambda country, **kw: Stub(**kw))
    made = calendar_module._holidays_for("US", "CA", [2025])
    assert isinstance(made, Stub)
    assert made.kwargs == {"subdiv": "CA", "years": [2025], "expand": False, "observed": True}


def test_terms_name_the_calendar_fields_as_their_own() -> None:
    """A calendar the terms cannot have is named by the terms' field, not the calendar's."""
    from atlier_policy.terms import PolicyTerms

    for kwargs, named in (
        ({"calendar_country": "XX"}, "calendar_country"),
        ({"calendar_country": "US", "calendar_subdiv": "XX"}, "calendar_subdiv"),
        ({"calendar_country": "GU", "calendar_subdiv": "XX"}, "calendar_subdiv"),
    ):
        with pytest.raises(InputError, match=f"policy terms: `{named}` must be") as info:
            PolicyTerms(**kwargs)  # type: ignore[arg-type]
        assert [f for f, _, _ in info.value.problems] == [named]


@pytest.mark.parametrize(
    "bad",
    [datetime(2025, 11, 21, 12, 0), "2025-11-21", 20251121, None, np.datetime64("2025-11-21")],
)
def test_non_date_arguments_raise_input_error(bad: object) -> None:
    """A datetime (or anything else that is not a date) raises InputError naming the argument."""
    us = BusinessCalendar("US")
    ok = date(2025, 11, 21)
    with pytest.raises(InputError, match="`d`"):
        us.add_business_days(bad, 1)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="`d`"):
        us.is_business_day(bad)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="`start`"):
        us.business_days_between(bad, ok)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="`end`"):
        us.business_days_between(ok, bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [1.5, 7.0, True, False, "7", None, np.int64(7)])
def test_non_integer_n_raises_input_error(bad: object) -> None:
    """n that is not a plain int (1.5, True, '7', numpy ints) raises InputError naming `n`."""
    with pytest.raises(InputError, match="`n`"):
        BusinessCalendar("US").add_business_days(date(2025, 11, 21), bad)  # type: ignore[arg-type]


def test_date_subclass_is_accepted() -> None:
    """A date subclass that is not a datetime is a date, and gives plain-date answers."""

    class MyDate(date):
        pass

    us = BusinessCalendar("US")
    start = MyDate(2025, 11, 21)
    assert us.add_business_days(start, 7) == date(2025, 12, 3)
    assert us.is_business_day(start)
    assert us.business_days_between(start, MyDate(2025, 12, 3)) == 7


# --------------------------------------------------------------------------------------
# Thread safety and pickling
# --------------------------------------------------------------------------------------


def test_concurrent_use_of_a_fresh_calendar_matches_single_threaded_results() -> None:
    """8 threads loading one brand-new table concurrently get the single-threaded answers."""
    rng = random.Random(20251121)
    work = [
        (date(rng.randrange(1800, 2090), rng.randrange(1, 13), rng.randrange(1, 29)),
         rng.randrange(-3000, 3001))
        for _ in range(400)
    ]  # fmt: skip
    reference = fresh()  # a different unique extra day: same answers, separate table
    expected = {
        (d, n): (
            reference.add_business_days(d, n),
            reference.is_business_day(d),
            reference.business_days_between(d, d + timedelta(days=n)),
        )
        for d, n in work
    }

    shared = fresh()
    go = threading.Event()
    results: list[dict[tuple[date, int], tuple[date, bool, int]]] = [{} for _ in range(8)]
    errors: list[BaseException] = []
    ran: list[int] = []

    def run(k: int) -> None:
        try:
            mine = work[:]
            random.Random(k).shuffle(mine)  # each thread extends the table in its own order
            ran.append(k)
            go.wait(60)  # all start together; a thread that never got here holds no one
            for d, n in mine:
                results[k][(d, n)] = (
                    shared.add_business_days(d, n),
                    shared.is_business_day(d),
                    shared.business_days_between(d, d + timedelta(days=n)),
                )
        except BaseException as exc:  # reported below, in the main thread
            errors.append(exc)

    # A thread can die before `run`, in CPython's own start-up of the thread, when
    # coverage's tracer is installed in two threads at once (seen with the switch
    # interval at 1e-6: "Cannot install a trace function while another trace function
    # is being installed", reported as unraisable, not to threading.excepthook). So the
    # threads start at the normal interval, and the interval drops only once they wait
    # at the start line; a thread lost anyway is counted out, and the others still run
    # (a barrier of 8 waited for it for ever).
    outside: list[BaseException | None] = []
    old_hook = threading.excepthook
    threading.excepthook = lambda args: outside.append(args.exc_value)
    old_interval = sys.getswitchinterval()
    try:
        threads = [threading.Thread(target=run, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        time.sleep(0.05)  # let them reach the start line
        sys.setswitchinterval(1e-6)  # then switch threads as often as possible
        go.set()
        for t in threads:
            t.join(120)
    finally:
        sys.setswitchinterval(old_interval)
        threading.excepthook = old_hook
    assert not any(t.is_alive() for t in threads)
    assert not errors
    assert len(ran) >= 6, outside  # concurrency was exercised whatever the tracer did
    for k in ran:
        assert results[k] == expected


@pytest.mark.parametrize(
    "cal",
    [
        BusinessCalendar("US"),
        BusinessCalendar("GB", "ENG"),
        BusinessCalendar("CN"),
        BusinessCalendar(
            "US",
            weekend=frozenset({4, 5}),
            extra_closed=frozenset({date(2025, 12, 24)}),
            extra_open=frozenset({date(2025, 11, 27)}),
        ),
    ],
    ids=repr,
)
def test_pickle_round_trip(cal: BusinessCalendar) -> None:
    """A calendar unpickles to an equal, equally hashed calendar with the same answers."""
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(cal, protocol=protocol))
        assert back == cal
        assert hash(back) == hash(cal)
        for d, n in [(date(2025, 11, 21), 7), (date(2025, 11, 29), -3), (date(1990, 5, 5), 2500)]:
            assert back.add_business_days(d, n) == cal.add_business_days(d, n)
            assert back.is_business_day(d) == cal.is_business_day(d)


def test_equal_calendars_hash_equal() -> None:
    """Calendars built from equal configurations (any iterable types) are equal, hash equal."""
    a = BusinessCalendar(
        "US", weekend=frozenset({5, 6}), extra_closed=frozenset({date(2025, 1, 2)})
    )
    b = BusinessCalendar("US", weekend=[6, 5], extra_closed=(date(2025, 1, 2),))  # type: ignore[arg-type]
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1
    assert BusinessCalendar("US") != BusinessCalendar("US", weekend=frozenset({5, 6}))
    assert BusinessCalendar("US") != BusinessCalendar(
        "US", extra_closed=frozenset({date(2025, 1, 2)})
    )


def test_a_calendars_snapshot_is_a_frozen_value() -> None:
    """The business days of some years, as the calendar holds them: equal when built
    from the same days, unhashable (arrays), frozen, and pickled as an equal value."""
    from array import array
    from dataclasses import FrozenInstanceError

    from atlier_policy.calendar import _Snapshot

    days = array("l", [date(2025, 1, 2).toordinal(), date(2025, 1, 3).toordinal()])
    one, two = _Snapshot.build(2025, 2025, days), _Snapshot.build(2025, 2025, array("l", days))
    assert one == two
    assert one != _Snapshot.build(2025, 2026, days)
    assert (one == "a snapshot") is False
    with pytest.raises(TypeError):
        hash(one)
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'base'"):
        one.base = 0  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError, match="cannot delete field 'base'"):
        del one.base  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(one)) == one


# The country's module loaded alone (start-up, issue 14)


def _countries() -> list[tuple[str, tuple[str, ...]]]:
    from holidays.registry import COUNTRIES

    return [
        (module, tuple(c for c in names[1:] if c.isupper())) for module, names in COUNTRIES.items()
    ]


@pytest.mark.parametrize(("module", "codes"), _countries(), ids=[m for m, _ in _countries()])
def test_a_country_loaded_alone_is_holidays_own(
    module: str, codes: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every installed country's module, executed alone under its private name, gives
    for each of its codes a class of its own (not holidays') whose holidays, weekend
    and weekend working days are those of holidays' own lookup, with no subdivision
    and with its first and last ones."""
    # With holidays' package loaded, a territory's module (which imports its country's
    # through the package) is loaded alone too. A load outside the cache: the
    # registration of the cached one is restored after.
    import holidays.countries

    monkeypatch.delitem(sys.modules, f"atlier_policy._holidays.{module}", raising=False)
    loaded = calendar_module._private_module.__wrapped__(module)
    assert loaded is not None
    assert loaded.__name__ == f"atlier_policy._holidays.{module}"
    assert sys.modules[loaded.__name__] is loaded
    years = range(2024, 2027)
    for code in codes:
        cls = getattr(loaded, code)
        subdivs = cls.subdivisions[:1] + cls.subdivisions[-1:] if code == codes[0] else ()
        for subdiv in (None, *subdivs):
            own = holidays.country_holidays(
                code, subdiv=subdiv, years=years, expand=False, observed=True
            )
            mine = cls(subdiv=subdiv, years=years, expand=False, observed=True)
            assert dict(mine) == dict(own), (code, subdiv)
            assert mine.weekend == own.weekend
            assert mine.weekend_workdays == own.weekend_workdays
            assert cls.__qualname__ == type(own).__qualname__
            assert cls is not type(own)


def test_a_country_is_loaded_alone_only_while_holidays_has_not_loaded_them_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once holidays.countries is imported, holidays' own class is used; before, the
    private one, one module executed once for all of its codes."""
    import holidays.countries  # noqa: F401

    assert calendar_module._country_class("US") is None
    monkeypatch.delitem(sys.modules, "holidays.countries")
    us, usa = calendar_module._country_class("US"), calendar_module._country_class("USA")
    assert us is not None
    assert usa is not None
    assert us.__module__ == usa.__module__ == "atlier_policy._holidays.united_states"
    assert sys.modules[us.__module__].US is us
    assert sys.modules[us.__module__].USA is usa
    # What the calendar's business days are computed from: the private class's object.
    assert type(calendar_module._holidays_for("US", None, [2025])) is us
    assert calendar_module._country_class("XX") is None  # not a country of holidays
    assert calendar_module._country_class("XNYS") is None  # a market, not a country


def test_a_patched_holidays_is_asked_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    """A patched lookup, a replaced country or a holidays without its import lock: no
    private class, so the calendar asks holidays (and what the patch gives) as before."""
    from unittest import mock

    from holidays import registry

    monkeypatch.delitem(sys.modules, "holidays.countries", raising=False)
    assert calendar_module._country_class("US") is not None
    with monkeypatch.context() as m:
        m.setattr(holidays, "country_holidays", lambda *a, **k: None)
        assert calendar_module._country_class("US") is None
    with monkeypatch.context() as m:
        m.setattr(holidays, "US", holidays.HolidayBase)
        assert calendar_module._country_class("US") is None
    with monkeypatch.context() as m:
        m.delattr(registry, "IMPORT_LOCK")
        assert calendar_module._country_class("US") is None
    with mock.patch("holidays.US", autospec=True):  # a mock made to the loader's spec
        assert calendar_module._country_class("US") is None


def test_a_country_module_not_found_or_importing_all_gives_holidays_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No such file, no package path, or a module that imports holidays.countries (a
    territory importing its country's module): None, and holidays' own lookup then
    answers or refuses as it always did."""
    import holidays.countries  # the state the test sets out from (restored after)

    load = calendar_module._private_module.__wrapped__
    assert load("atlantis") is None
    # As in a process where holidays has loaded neither (both are restored after).
    monkeypatch.setattr(holidays, "countries", holidays.countries)
    monkeypatch.delitem(sys.modules, "holidays.countries")
    monkeypatch.delitem(sys.modules, "holidays.countries.united_states")
    assert load("guam") is None  # its module imports the United States' through the package
    assert "holidays.countries" in sys.modules
    with monkeypatch.context() as m:
        m.setattr(holidays, "__spec__", None)
        assert load("united_states") is None  # no package path to look in
    monkeypatch.setattr(calendar_module, "_country_class", lambda code: None)
    assert calendar_module._holidays_for("US", None, [2025]) == holidays.country_holidays(
        "US", years=[2025], expand=False, observed=True
    )


def test_the_private_class_is_built_as_holidays_own_lookup_builds_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While holidays.countries is not imported, the holidays object a calendar counts
    from is the private class's, built as holidays' own lookup would build it: the same
    subdivision, years, observed days, and no lazy filling of other years."""
    monkeypatch.delitem(sys.modules, "holidays.countries", raising=False)
    settings = [("US", None), ("US", "CA"), ("DE", "BY")]
    years = range(2024, 2027)
    mine = [calendar_module._holidays_for(c, s, years) for c, s in settings]
    for (country, subdiv), hol in zip(settings, mine, strict=True):
        own = holidays.country_holidays(
            country, subdiv=subdiv, years=years, expand=False, observed=True
        )
        assert type(hol).__module__.startswith("atlier_policy._holidays.")
        assert dict(hol) == dict(own), (country, subdiv)
        assert (hol.subdiv, hol.years, hol.expand, hol.observed) == (
            own.subdiv,
            own.years,
            False,
            True,
        )


def test_a_private_module_without_the_class_gives_none(monkeypatch: pytest.MonkeyPatch) -> None:
    """No module (a territory's), or a module whose name for the code is not a class:
    None, and the calendar asks holidays' own lookup."""
    from types import SimpleNamespace

    monkeypatch.delitem(sys.modules, "holidays.countries", raising=False)
    monkeypatch.setattr(calendar_module, "_private_module", lambda module: None)
    assert calendar_module._country_class("US") is None
    odd = SimpleNamespace(US=42)
    monkeypatch.setattr(calendar_module, "_private_module", lambda module: odd)
    assert calendar_module._country_class("US") is None


def test_the_country_codes_are_every_upper_case_code_of_the_registry() -> None:
    """The codes a calendar accepts: each country's two-letter code, its three-letter
    one and any upper-case alias (UK), none of holidays' class names."""
    codes = calendar_module._country_codes()
    assert {"US", "USA", "DE", "DEU", "GB", "GBR", "UK", "GU"} <= codes
    assert "UnitedStates" not in codes
    assert codes == set(holidays.list_supported_countries(include_aliases=True))
