"""§6 Contact Us, and the header: the provisions of ``atlier_policy.clauses``.

``s6.contact``: a request that is not granted carries a notice of whom to ask (in a
customer message, its closing paragraph). ``h.last_updated`` ("Last Updated:
01/12/2025"): the version of the policy in force; its fix says what to do when no
version can be chosen. Pinned elsewhere: the contact notice with a store's own address,
by the first test of tests/test_mutants.py (first on purpose, for mutation testing);
the date of the header, by tests/test_interpretation.py; the version registry, by
tests/test_versions.py. "Free shipping on all orders!" is a provision of the §4 module,
pinned by tests/test_interpretation.py.
"""

from __future__ import annotations

from datetime import date

from atlier_policy import default_policy
from atlier_policy.qualify import how_to_qualify
from atlier_policy.versions import default_versions
from builders import at, exchange, item, parcel, return_item, return_request
from qualify_laws import check_golden

LATER = default_policy(version="2026-01-01", effective_date=date(2026, 1, 1), return_window_days=14)
VERSIONS = default_versions().with_version(LATER)

# --- §6 Contact Us ----------------------------------------------------------------------


def test_refused_exchange_gives_contact() -> None:
    """A refused exchange tells the customer whom to ask (§6)."""
    d = default_policy().exchange(exchange(wanted_available=False))
    assert [n.clause_id for n in d.obligations.notices] == ["s6.contact"]


# --- the header: "Last Updated", how to qualify when no version can be chosen ---------


def test_version_reasons() -> None:
    """Unknown purchase date across disagreeing versions: record it (no value to name);
    bought before the first version: a blocker."""
    unknown = return_request(
        at("2026-01-15"),
        items=(return_item(item=item(purchased_at=None, delivered_at=at("2026-01-05"))),),
    )
    (q,) = how_to_qualify(unknown, policy=VERSIONS)
    (s,) = q.suggestions
    assert (s.code, s.changes) == ("policy_version_unknown", ())
    assert "record the purchase date" in s.message
    check_golden(q, "s6", "purchase date unknown")
    early = return_request(items=(return_item(item=item(purchased_at=at("2024-12-01"))),))
    (q,) = how_to_qualify(early, policy=VERSIONS)
    assert q.blockers[0].code == "no_policy_version_in_force"
    check_golden(q, "s6", "bought before the first version")


def test_an_undated_case_records_the_date_that_dates_it() -> None:
    """A lost parcel names no purchase: the version of the policy follows from its shipping
    date, which is what to record."""
    (q,) = how_to_qualify(parcel(shipped_at=None))
    (s,) = q.suggestions
    assert (s.code, s.kind.value, s.changes) == ("policy_version_unknown", "record", ())
    assert s.message == (
        "record shipped_at: it dates the case, and with it the version of the policy that applies"
    )
    check_golden(q, "s6", "lost parcel not dated")
