"""Named date arithmetic of the policy: every deadline in one place.

A "day" of the policy is a calendar date in the store's time zone: an instant is
converted there first. The delivery date is day 0, so with a 7-day window a
request dated ``delivery + 7`` is in time and ``delivery + 8`` is late.

>>> from datetime import datetime, timezone
>>> from atlier_policy.terms import PolicyTerms
>>> terms = PolicyTerms()  # store zone America/New_York
>>> late_evening = datetime(2025, 3, 4, 2, 30, tzinfo=timezone.utc)  # 3 March in New York
>>> store_date(late_evening, terms.tz)
datetime.date(2025, 3, 3)
>>> last_day_to_request_return(late_evening, terms)
datetime.date(2025, 3, 10)
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from atlier_policy.terms import PolicyTerms

__all__ = [
    "last_day_to_report_defect",
    "last_day_to_request_return",
    "ordinal",
    "refund_window",
    "store_date",
]


def store_date(instant: datetime, tz: tzinfo) -> date:
    """The calendar date of ``instant`` in the store's time zone."""
    return instant.astimezone(tz).date()


def _day(value: date | datetime, tz: tzinfo) -> date:
    # A bare date is already a store date; an instant is converted to one.
    return store_date(value, tz) if isinstance(value, datetime) else value


def last_day_to_request_return(delivered: date | datetime, terms: PolicyTerms) -> date:
    """§1: the last date on which a return may be requested (delivery day is day 0)."""
    return _day(delivered, terms.tz) + timedelta(days=terms.return_window_days)


def last_day_to_report_defect(delivered: date | datetime, terms: PolicyTerms) -> date:
    """§3: the last date on which damage or a defect may be reported."""
    return _day(delivered, terms.tz) + timedelta(days=terms.defect_notice_days)


def refund_window(approved_on: date, terms: PolicyTerms) -> tuple[date, date]:
    """§4: the earliest and latest processing dates of an approved refund.

    The approval day is not counted: the window is the 7th to the 10th business
    day after it.

    >>> from atlier_policy.terms import PolicyTerms
    >>> refund_window(date(2025, 11, 21), PolicyTerms())  # Thanksgiving skipped
    (datetime.date(2025, 12, 3), datetime.date(2025, 12, 8))
    """
    cal = terms.calendar
    return (
        cal.add_business_days(approved_on, terms.refund_min_business_days),
        cal.add_business_days(approved_on, terms.refund_max_business_days),
    )


def ordinal(n: int) -> str:
    """``7`` -> ``"7th"`` for the messages: ``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``.

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 103, 111)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '103rd', '111th']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
