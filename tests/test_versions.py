"""Policy versions by effective date: each case under the terms in force at its purchase."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from tests import builders as b
from tests.strategies import any_complete_case, set_path

from atlier_policy import (
    Decision,
    ExchangeRequest,
    InputError,
    Inspection,
    LostParcelReport,
    OrderDecision,
    Policy,
    PolicyTerms,
    ReturnRequest,
    default_policy,
    evaluate,
)
from atlier_policy.advice import get_path
from atlier_policy.deadlines import store_date
from atlier_policy.decision import Outcome, ReturnOutcome
from atlier_policy.records import to_record
from atlier_policy.versions import EARLIEST_PURCHASE, NO_VERSION, PolicyVersions, default_versions

# The hypothetical later version of issue 7: a 14-day return window from 2026-01-01.
LATER = default_policy(version="2026-01-01", effective_date=date(2026, 1, 1), return_window_days=14)
TWO = default_versions().with_version(LATER)
# The text's terms in force from the earliest instant a case may hold: no purchase can
# precede them, so an undated purchase is bounded by the case's own dates.
OPEN = PolicyVersions.of(replace(Policy().terms, effective_date=EARLIEST_PURCHASE), LATER)


def _late_return(purchased: datetime | None, delivered: str, requested: str) -> Any:
    """A return requested 10 days after delivery: late under 7 days, in time under 14."""
    ring = b.item(purchased_at=purchased, delivered_at=b.at(delivered))
    return b.return_request(b.at(requested), items=(b.return_item(item=ring),))


def _only(result: Decision | OrderDecision) -> Decision:
    assert isinstance(result, OrderDecision)
    (decision,) = result.items
    return decision


def _outcomes(result: Decision | OrderDecision) -> list[Outcome]:
    items = result.items if isinstance(result, OrderDecision) else (result,)
    return [d.outcome for d in items]


# --- the registry -----------------------------------------------------------------------


def test_default_registry_is_the_texts_version() -> None:
    """The default registry holds the text's version, in force from "Last Updated: 01/12/2025"."""
    versions = default_versions()
    assert versions.versions == ("2025-01-12",)
    assert len(versions) == 1
    assert list(versions) == [Policy()]
    assert versions.for_date(date(2025, 1, 12)).terms == PolicyTerms()
    assert versions.for_date(date(2031, 7, 1)).version == "2025-01-12"


def test_for_date_boundaries() -> None:
    """A version is in force from its effective date (inclusive) until the next one's."""
    assert TWO.versions == ("2025-01-12", "2026-01-01")
    assert TWO.for_date(date(2025, 12, 31)).terms.return_window_days == 7
    assert TWO.for_date(date(2026, 1, 1)).terms.return_window_days == 14
    with pytest.raises(InputError, match=r"`date` must be on or after 2025-01-12.*2025-01-11"):
        TWO.for_date(date(2025, 1, 11))
    with pytest.raises(InputError, match="`date` must be a date"):
        TWO.for_date(datetime(2025, 3, 1, tzinfo=UTC))  # type: ignore[arg-type]


def test_registry_is_ordered_and_built_from_terms() -> None:
    """Versions are kept oldest first whatever the order given; bare terms get the text's rules."""
    later_terms = LATER.terms
    built = PolicyVersions.of(later_terms, Policy())
    assert built.versions == ("2025-01-12", "2026-01-01")
    assert built == TWO
    assert default_versions().with_version(later_terms) == TWO


@pytest.mark.parametrize(
    ("policies", "fragment"),
    [
        ((), "`policies` must be a non-empty tuple of Policy"),
        ([Policy()], "`policies` must be a non-empty tuple of Policy"),
        ((Policy(), "2026"), "`policies[1]` must be a Policy (got 'str')"),
        (
            (Policy(), default_policy(version="again")),
            "version 'again': `effective_date` must be a date no other version takes effect on",
        ),
        (
            (Policy(), default_policy(effective_date=date(2026, 1, 1))),
            "`version` must be unique in the registry (got '2025-01-12')",
        ),
        (
            (Policy(), replace(LATER, terms=replace(LATER.terms, store_timezone="Europe/Paris"))),
            "`store_timezone` must be the same in every version ('America/New_York')",
        ),
    ],
)
def test_bad_registries(policies: Any, fragment: str) -> None:
    with pytest.raises(InputError, match="policy versions") as err:
        PolicyVersions(policies)
    assert fragment in str(err.value)


# --- the version in force at the purchase date -------------------------------------------


def test_orders_on_both_sides_of_the_date_use_their_own_version() -> None:
    """§1 "within 7 days of delivery" until 2025-12-31; 14 days from 2026-01-01 (hypothetical)."""
    before = _late_return(b.at("2025-12-20"), "2025-12-22", "2026-01-01")
    after = _late_return(b.at("2026-01-02"), "2026-01-05", "2026-01-15")
    old, new = _only(TWO.evaluate(before)), _only(TWO.evaluate(after))
    assert (old.outcome, old.policy_version) == (ReturnOutcome.NOT_ELIGIBLE, "2025-01-12")
    assert "return_window_expired" in to_record(old)["reason_codes"]
    assert old.obligations.last_day_to_request_return == date(2025, 12, 29)
    assert (new.outcome, new.policy_version) == (
        ReturnOutcome.ELIGIBLE_PENDING_INSPECTION,
        "2026-01-01",
    )
    assert new.obligations.last_day_to_request_return == date(2026, 1, 19)


def test_purchase_date_is_read_in_the_store_zone() -> None:
    """03:00 UTC on 1 January 2026 is still 31 December 2025 in New York: the old version."""
    bought = datetime(2026, 1, 1, 3, tzinfo=UTC)
    case = _late_return(bought, "2026-01-05", "2026-01-15")
    assert _only(TWO.evaluate(case)).policy_version == "2025-01-12"
    assert _only(TWO.evaluate(case)).outcome is ReturnOutcome.NOT_ELIGIBLE


def test_a_date_the_caller_names_wins() -> None:
    """``on=`` picks the version whatever the purchase date; JSON documents work too."""
    case = _late_return(b.at("2025-12-20"), "2026-01-05", "2026-01-15")
    assert _only(TWO.evaluate(case, on=date(2026, 2, 1))).policy_version == "2026-01-01"
    doc = {"stage": "lost_parcel", "order_id": "P-1", "status": "lost"}
    with pytest.warns(DeprecationWarning, match="codec"):
        result = TWO.evaluate(doc, on=date(2025, 6, 1))
    assert isinstance(result, Decision)
    assert result.policy_version == "2025-01-12"
    with pytest.raises(InputError, match="`date` must be on or after"):
        TWO.evaluate(case, on=date(2024, 6, 1))
    with pytest.raises(InputError, match="`case` must be a case of one of the stages"):
        TWO.evaluate("a return")  # type: ignore[arg-type]


def test_purchase_before_the_first_version_needs_review() -> None:
    """Bought before "Last Updated: 01/12/2025": the terms then in force are unknown."""
    case = _late_return(b.at("2024-12-20"), "2024-12-23", "2024-12-24")
    result = TWO.evaluate(case)
    assert isinstance(result, OrderDecision)
    assert result.policy_version == NO_VERSION
    (d,) = result.items
    assert d.outcome is ReturnOutcome.NEEDS_REVIEW
    assert not d.granted
    (reason,) = d.reasons
    assert reason.code == "no_policy_version_in_force"
    assert (reason.clause_id, reason.section) == ("h.last_updated", "header")
    assert reason.message.startswith("bought on 2024-12-20, before the first known version")
    assert d.obligations.last_day_to_request_return is None
    assert d.missing == ()


def test_an_undated_lost_parcel_names_the_date_that_would_date_it() -> None:
    """A lost parcel names no purchase: its shipping date dates it, and is what is missing,
    to the decision, to how to qualify and to the customer."""
    from atlier_policy.messages import customer_message
    from atlier_policy.qualify import how_to_qualify

    report = b.parcel(shipped_at=None)
    d = evaluate(report)
    assert (d.outcome.value, d.missing) == ("needs_review", ("shipped_at",))
    assert d.reasons[0].message.startswith("shipped_at is unknown: the purchase may fall")
    (q,) = how_to_qualify(report)
    assert q.suggestions[0].message.startswith("record shipped_at: it dates the case")
    assert "the date your return parcel was shipped" in customer_message(d, case=report)
    assert evaluate(b.parcel()).outcome.value == "no_refund_parcel_lost"  # dated: judged


def test_unknown_purchase_date_may_precede_every_version() -> None:
    """Fail closed: an undated purchase may precede the first version, whose terms are
    unknown, so the decision needs review and names the purchase date as missing."""
    claim = b.defect_claim(item=b.item(purchased_at=None))
    d = TWO.evaluate(claim)
    assert isinstance(d, Decision)
    assert d.outcome.value == "needs_review"
    assert d.policy_version == NO_VERSION
    assert d.missing == ("purchased_at",)
    assert d.reasons[0].code == "policy_version_unknown"
    assert d.reasons[0].message.startswith("the purchase date is unknown: it may fall before")
    dated = TWO.evaluate(claim.__class__(**{**_fields(claim), "item": b.item()}))
    assert dated.outcome.value == "accepted_pending_inspection"


def _fields(case: Any) -> dict[str, Any]:
    return {f: getattr(case, f) for f in case.__dataclass_fields__}


def test_unknown_purchase_date_delivered_before_the_first_version() -> None:
    """A first version in force from 1900, and one from 2025: delivered before 2025-01-12,
    the purchase came before the second version too."""
    claim = b.defect_claim(
        item=b.item(purchased_at=None, delivered_at=b.at("2025-01-06")),
        reported_at=b.at("2025-01-07"),
        photos_sent_at=b.at("2025-01-07"),
    )
    d = OPEN.evaluate(claim)
    assert isinstance(d, Decision)
    assert (d.outcome.value, d.policy_version) == ("accepted_pending_inspection", "2025-01-12")


def test_unknown_purchase_date_bounded_by_delivery() -> None:
    """Delivered in 2025, purchase date unknown: it was bought in 2025 too, under the text's version."""
    case = _late_return(None, "2025-12-22", "2026-01-01")
    d = _only(OPEN.evaluate(case))
    assert (d.outcome, d.policy_version) == (ReturnOutcome.NOT_ELIGIBLE, "2025-01-12")


def test_unknown_purchase_date_across_versions_that_disagree_needs_review() -> None:
    """Delivered in 2026, purchase date unknown: late under 7 days, in time under 14 -- fail closed."""
    case = _late_return(None, "2026-01-05", "2026-01-15")
    d = _only(OPEN.evaluate(case))
    assert d.outcome is ReturnOutcome.NEEDS_REVIEW
    assert d.policy_version == "2025-01-12 or 2026-01-01"
    assert d.missing == ("purchased_at",)
    (reason,) = d.reasons
    assert reason.code == "policy_version_unknown"
    assert reason.facts == (
        ("2025-01-12", "not_eligible"),
        ("2026-01-01", "eligible_pending_inspection"),
    )
    assert "decide differently" in reason.message


def test_unknown_purchase_date_same_outcome_other_deadline_needs_review() -> None:
    """In time under both windows, but the last day to request differs: no deadline is guessed."""
    case = _late_return(None, "2026-01-05", "2026-01-07")
    d = _only(OPEN.evaluate(case))
    assert d.outcome is ReturnOutcome.NEEDS_REVIEW
    assert (
        "agree on the outcome, eligible pending inspection, but not on its" in d.reasons[0].message
    )
    assert d.obligations.last_day_to_request_return is None


def test_unknown_purchase_date_where_versions_agree() -> None:
    """A lost parcel names no item: with no date at all it may fall under any version, or
    before the first (review, under TWO); under a registry from 1900, if every version
    decides alike, the decision stands and names every version that may apply (none is
    picked without a date)."""
    lost = b.parcel(shipped_at=None)
    undated = TWO.evaluate(lost)
    assert isinstance(undated, Decision)
    assert (undated.outcome.value, undated.policy_version) == ("needs_review", NO_VERSION)
    d = OPEN.evaluate(lost)
    assert isinstance(d, Decision)
    assert d.outcome.value == "no_refund_parcel_lost"
    assert d.policy_version == "2025-01-12 or 2026-01-01"
    assert d == replace(LATER.evaluate(lost), policy_version="2025-01-12 or 2026-01-01")


def test_one_order_with_items_under_two_versions() -> None:
    """The items of a return are one purchase: dates under two versions make the version
    ambiguous, item by item; an item both versions decide alike keeps its decision."""
    in_time = b.return_item(
        item=b.item(purchased_at=b.at("2025-12-30"), delivered_at=b.at("2026-01-12"))
    )
    engraved = b.return_item(
        item=b.item(
            sku="NECK-2",
            engraved=True,
            purchased_at=b.at("2026-01-02"),
            delivered_at=b.at("2026-01-05"),
        )
    )
    case = b.return_request(b.at("2026-01-15"), items=(in_time, engraved))
    result = TWO.evaluate(case)
    assert isinstance(result, OrderDecision)
    assert result.policy_version == "2025-01-12 or 2026-01-01"
    first, second = result.items
    assert first.outcome is ReturnOutcome.NEEDS_REVIEW
    assert first.missing == ()
    assert "the items' purchase dates fall under different versions" in first.reasons[0].message
    # Engraved (§2) and 10 days late under 7 days: not eligible under both versions,
    # but the reasons differ (the window) -- so it is reviewed too.
    assert second.outcome is ReturnOutcome.NEEDS_REVIEW
    # A later version that changes only the refund window (§4, inspection stage) decides
    # the same return request identically: the decision stands, naming both versions.
    slower = PolicyVersions.of(
        Policy(), replace(LATER.terms, return_window_days=7, refund_max_business_days=12)
    )
    agreed = slower.evaluate(case)
    assert isinstance(agreed, OrderDecision)
    assert agreed.policy_version == "2025-01-12 or 2026-01-01"
    alone = slower.policies[1].evaluate(case)
    assert isinstance(alone, OrderDecision)
    assert [replace(d, policy_version="") for d in agreed.items] == [
        replace(d, policy_version="") for d in alone.items
    ]


@pytest.mark.parametrize(
    "case",
    [
        b.defect_claim(item=b.item(purchased_at=None)),
        b.inspection(b.return_request(items=(b.return_item(item=b.item(purchased_at=None)),))),
        b.cancellation(item=b.custom_item(purchased_at=None)),
        b.exchange(
            item=b.return_item(item=b.item(purchased_at=None)), returned_at=b.at("2025-03-06")
        ),
        b.parcel(),
    ],
    ids=["defect_claim", "inspection", "cancellation", "exchange", "parcel"],
)
def test_every_stage_is_dated_by_its_own_facts(case: Any) -> None:
    """Each stage's known dates (delivery, request, report, shipping...) bound the purchase:
    in March 2025 only the text's version can apply."""
    assert OPEN.evaluate(case) == Policy().evaluate(case)


def test_cancellation_dated_by_production_start() -> None:
    """Production began before 2026 on a custom order: bought before 2026, under the text's version."""
    cancel = b.cancellation(
        item=b.item(
            sku="CUSTOM-1", kind=b.ItemKind.CUSTOM_MADE, purchased_at=None, delivered_at=None
        ),
        cancelled_at=b.at("2026-01-03"),
        production=b.ProductionStatus.STARTED,
        production_started_at=b.at("2025-12-28"),
    )
    assert OPEN.evaluate(cancel).policy_version == "2025-01-12"


# --- laws ---------------------------------------------------------------------------------

effective_dates = st.lists(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    min_size=1,
    max_size=6,
    unique=True,
)


@given(effective_dates, st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)))
def test_for_date_picks_the_latest_version_in_force(starts: list[date], day: date) -> None:
    """The registry picks the latest version whose effective date is on or before the date."""
    versions = PolicyVersions.of(
        *(default_policy(version=f"v{d}", effective_date=d) for d in starts)
    )
    in_force = [d for d in starts if d <= day]
    if not in_force:
        with pytest.raises(InputError):
            versions.for_date(day)
        return
    assert versions.for_date(day).terms.effective_date == max(in_force)


def _purchase_paths(case: Any) -> list[str]:
    """Where a case keeps its purchase dates."""
    if isinstance(case, ReturnRequest):
        return [f"items[{i}].item.purchased_at" for i in range(len(case.items))]
    if isinstance(case, ExchangeRequest):
        return ["item.item.purchased_at"]
    if isinstance(case, Inspection):
        inner = (
            "request.items[0].item" if isinstance(case.request, ReturnRequest) else "request.item"
        )
        return [f"{inner}.purchased_at"]
    if isinstance(case, LostParcelReport):
        return []
    return ["item.purchased_at"]


_get = get_path


def _purchase_days(case: Any) -> set[date]:
    """The store dates of the case's purchases (the law tests need them all known)."""
    instants = [_get(case, p) for p in _purchase_paths(case)]
    assume(None not in instants)
    return {store_date(t, b.NY) for t in instants}


def _items_of(result: Decision | OrderDecision) -> tuple[Decision, ...]:
    return result.items if isinstance(result, OrderDecision) else (result,)


@given(any_complete_case)
def test_known_purchase_date_means_that_dates_version(case: Any) -> None:
    """With every purchase date known and in one version, the decision is that version's;
    before the first version it is "needs review"."""
    days = _purchase_days(case)
    assume(len({TWO._in_force(d) for d in days}) == 1)
    result = TWO.evaluate(case)
    if not days:  # a lost parcel names no purchase
        return
    if min(days) < date(2025, 1, 12):
        assert all(o.value == "needs_review" for o in _outcomes(result))
        assert result.policy_version == NO_VERSION
    else:
        assert result == TWO.for_date(min(days)).evaluate(case)


@given(any_complete_case)
def test_blanking_the_purchase_date_never_grants_more(case: Any) -> None:
    """Fail closed: with the purchase date unknown, an item is granted only if it is
    granted with the date known (a purchase before every version included)."""
    _purchase_days(case)
    known = _items_of(TWO.evaluate(case))
    blank = case
    for path in _purchase_paths(case):
        blank = set_path(blank, path, None)
    unknown = _items_of(TWO.evaluate(blank))
    assert len(unknown) == len(known)
    for k, u in zip(known, unknown, strict=True):
        assert not u.granted or k.granted


def test_plain_evaluate_judges_under_the_version_in_force_at_purchase() -> None:
    """Issue 7: "a case is evaluated under the version in force at its purchase date by
    default". Bought 2024-12-01, before the text's version (2025-01-12): the terms then in
    force are unknown, so `evaluate(case)` needs review; a policy named applies as given."""
    from atlier_policy import evaluate

    early = b.return_request(items=(b.return_item(item=b.item(purchased_at=b.at("2024-12-01"))),))
    (d,) = evaluate(early).items  # type: ignore[union-attr]
    assert (d.outcome.value, d.policy_version) == ("needs_review", "none")
    assert d.reasons[0].code == "no_policy_version_in_force"
    (raw,) = evaluate(early, default_policy()).items  # type: ignore[union-attr]
    assert (raw.outcome.value, raw.policy_version) == ("eligible_pending_inspection", "2025-01-12")
    (same,) = evaluate(b.return_request()).items  # type: ignore[union-attr]
    assert same.policy_version == "2025-01-12"


def test_named_version_of_a_decision() -> None:
    """`named` gives the version a decision names: one id, the latest of "A or B", the first
    for "none"; anything else is an InputError."""
    assert VERSIONS_TWO.named("2026-01-01").version == "2026-01-01"
    assert VERSIONS_TWO.named("2025-01-12 or 2026-01-01").version == "2026-01-01"
    assert VERSIONS_TWO.named("none").version == "2025-01-12"
    with pytest.raises(InputError, match="`policy_version`"):
        VERSIONS_TWO.named("2030-01-01")
    from atlier_policy.versions import policy_named

    with pytest.raises(InputError, match="`policy`"):
        policy_named("x", "2025-01-12", "test")  # type: ignore[arg-type]


VERSIONS_TWO = default_versions().with_version(
    default_policy(version="2026-01-01", effective_date=date(2026, 1, 1), return_window_days=14)
)
