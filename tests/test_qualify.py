"""How to qualify: the smallest change of facts that changes a decision, stated with dates.

The mechanism and its laws. What each clause's own fix says (one row per reason code,
and the examples of the issue) is tested with the clause's section, in tests/clauses/.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from atlier_policy import InputError, default_policy
from atlier_policy.advice import get_path
from atlier_policy.cases import NoticeChannel, SaleEvent
from atlier_policy.decision import Role
from atlier_policy.qualify import format_qualification, how_to_qualify
from atlier_policy.rules import Check, Clause
from atlier_policy.versions import default_versions
from builders import DELIVERED, at, defect_claim, exchange, item, return_item, return_request
from qualify_laws import laws, one
from strategies import any_complete_case, set_path
from test_policy_properties import DEFECT_REQUIRED, EXCHANGE_REQUIRED, RETURN_REQUIRED, _blank

POLICY = default_policy()


# --- the mechanism: cases, versions, several reasons and items, rounds -----------------


def test_dict_cases_and_bad_policies() -> None:
    doc = {
        "stage": "lost_parcel",
        "order_id": "P-1",
        "status": "in_transit",
        "shipped_at": "2025-03-06T12:00:00-05:00",
    }
    with pytest.warns(DeprecationWarning, match="codec"):
        (q,) = how_to_qualify(doc)
    assert q.suggestions[0].code == "return_parcel"
    with pytest.raises(InputError, match="policy"):
        how_to_qualify(return_request(), policy="x")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="case"):
        how_to_qualify(42)  # type: ignore[arg-type]


LATER = default_policy(version="2026-01-01", effective_date=date(2026, 1, 1), return_window_days=14)
VERSIONS = default_versions().with_version(LATER)


def test_suggestions_use_the_version_the_decision_names() -> None:
    """A 14-day version from 2026-01-01: an order bought under it is told its own last day."""
    bought, delivered = at("2026-01-02"), at("2026-01-05")
    late = return_request(
        at("2026-01-21"),
        items=(return_item(item=item(purchased_at=bought, delivered_at=delivered)),),
    )
    (q,) = how_to_qualify(late, policy=VERSIONS)
    assert q.suggestions[0].message == "a return requested by 2026-01-19 would have been in time"
    assert q.outcome_if_changed is not None
    assert q.outcome_if_changed.value == "eligible_pending_inspection"
    older = return_request(at("2025-03-12"))  # bought 2025-02-27: the text's 7 days
    (q,) = how_to_qualify(older, policy=VERSIONS)
    assert q.suggestions[0].message == "a return requested by 2025-03-10 would have been in time"


def test_every_failing_reason_is_answered() -> None:
    """Late and engraved: the date alone would not do; the engraving cannot be undone."""
    line = return_item(item=item(engraved=True))
    q = one(return_request(at("2025-03-12"), items=(line,)))
    assert [s.code for s in q.suggestions] == ["return_window_expired"]
    assert [b.code for b in q.blockers] == ["engraved"]
    assert q.case is None
    text = format_qualification(q)
    assert "- cannot qualify: a piece that was engraved cannot be returned" in text


def test_granted_needs_nothing() -> None:
    q = one(return_request())
    assert (q.suggestions, q.blockers, q.case) == ((), (), None)
    assert format_qualification(q).endswith("eligible pending inspection: nothing to change")
    # One line per entry, whatever the order id holds (escaped, as str(decision) does).
    hostile = one(return_request(order_id="A-1\nforged line\x1b[2J"))
    assert format_qualification(hostile) == (
        "order A-1\\nforged line\\x1b[2J, item RING-7: eligible pending inspection: "
        "nothing to change"
    )


def test_multi_item_each_item_its_own() -> None:
    """One qualification per item; a change for one item leaves the others' facts alone."""
    lines = (return_item(), return_item(item=item(sku="NECK-2", sale_event=SaleEvent.SALE)))
    first, second = how_to_qualify(return_request(items=lines))
    assert first.suggestions == ()
    assert [c.path for s in second.suggestions for c in s.changes] == ["items[1].defect_confirmed"]


def test_hidden_unknown_is_found_after_the_failure() -> None:
    """A refusal reports only the failures; the unknown sale status shows once the date is fixed,
    and the smallest change that qualifies fixes both."""
    line = return_item(item=item(sale_event=None))
    q = one(return_request(at("2025-03-12"), items=(line,)))
    assert [s.code for s in q.suggestions] == ["return_window_expired", "sale_item"]
    assert q.outcome_if_changed is not None
    assert q.outcome_if_changed.value == ("eligible_pending_inspection")


def test_one_round_does_not_see_the_hidden_unknown() -> None:
    """Why the search goes round by round: after one round the unknown sale status still
    keeps the item from being granted."""
    from atlier_policy.qualify import _qualify

    case = return_request(at("2025-03-12"), items=(return_item(item=item(sale_event=None)),))
    (d,) = POLICY.return_request(case).items
    q = _qualify(case, 0, d, POLICY, rounds=1)
    assert q.outcome_if_changed is not None
    assert q.outcome_if_changed.value == "needs_review"
    assert "with these changes: needs review" in format_qualification(q)


def test_changes_are_reported_against_the_given_case() -> None:
    q = one(return_request(at("2025-03-12")))
    (change,) = q.suggestions[0].changes
    assert change.old == at("2025-03-12")


# --- a store's own clause; a change that does not fit the case -----------------------


def test_a_store_clause_has_no_known_fix() -> None:
    """A clause of the store's own: stated as a blocker, never guessed."""
    gift = Clause(
        "x.gift_card", "x", "Gift cards are final.", "gift_card", lambda ctx: Check.failed("no")
    )
    policy = default_policy().with_rule("return_rule", gift)
    (q,) = how_to_qualify(return_request(), policy=policy)
    (b,) = q.blockers
    assert b.code == "gift_card"
    assert "no known change" in b.message


def test_changes_that_do_not_fit_the_case() -> None:
    """A change that would make the case invalid (a request before another item's delivery)
    is not offered as a changed case."""
    late_delivery = return_item(item=item(sku="NECK-2", delivered_at=at("2025-03-11")))
    q = how_to_qualify(return_request(at("2025-03-12"), items=(return_item(), late_delivery)))[0]
    assert q.suggestions[0].code == "return_window_expired"
    assert q.case is None


# --- the laws ---------------------------------------------------------------------------
# (stated once, in tests/qualify_laws.py: `laws`, which every fix row checks too)


@given(any_complete_case)
def test_laws_on_complete_cases(case: Any) -> None:
    """For any case: every failing reason is answered; the changed case differs in outcome;
    with no blocker, applying all suggested changes grants the item."""
    quals = how_to_qualify(case, policy=POLICY)
    laws(case, POLICY.evaluate(case), quals)
    for q in quals:
        event("changed case" if q.case is not None else "no changed case")


@given(any_complete_case)
def test_no_blocker_means_qualifies(case: Any) -> None:
    """The law the customer relies on: unless a blocker stands (or the store must supply a
    value nobody recorded), doing every suggested change makes the item granted."""
    for q in how_to_qualify(case, policy=POLICY):
        if not q.granted_already and not q.blockers and all(s.changes for s in q.suggestions):
            assert q.case is not None
            assert q.outcome_if_changed is not None
            assert q.outcome_if_changed.role is Role.GRANTED


BLANKABLE = (
    [("return", p) for p in RETURN_REQUIRED]
    + [("defect", p) for p in DEFECT_REQUIRED]
    + [("exchange", p) for p in EXCHANGE_REQUIRED]
)
BUILD = {"return": return_request, "defect": defect_claim, "exchange": exchange}


@given(data=st.data(), blank=st.sampled_from(BLANKABLE))
def test_laws_with_an_unknown_fact(data: st.DataObject, blank: tuple[str, str]) -> None:
    """The laws hold with any one required fact unknown (on top of a drawn case)."""
    stage, path = blank
    from strategies import complete_defect_claims, complete_exchanges, complete_return_requests

    drawn = {
        "return": complete_return_requests(max_items=1),
        "defect": complete_defect_claims(),
        "exchange": complete_exchanges(),
    }[stage]
    case = _blank(data.draw(drawn), path)
    laws(case, POLICY.evaluate(case), how_to_qualify(case, policy=POLICY))
    base = _blank(BUILD[stage](), path)
    q = how_to_qualify(base, policy=POLICY)
    laws(base, POLICY.evaluate(base), q)
    assert q[0].outcome_if_changed is not None
    assert q[0].outcome_if_changed.value in {
        "eligible_pending_inspection",
        "accepted_pending_inspection",
        "approved_pending_inspection",
    }


def test_set_path_agrees_with_strategies() -> None:
    """The qualify paths are the same dotted paths the test strategies use."""
    case = return_request()
    assert set_path(case, "items[0].item.engraved", True).items[0].item.engraved is True
    assert get_path(case, "items[0].item.engraved") is False


# Assume-free construction of cases a change of facts can fix: the builders' granted
# cases with one to three fixable facts spoiled, so laws 2 and 3 are exercised every time.
FIXABLE = {
    "return": (
        return_request,
        [
            ("requested_at", st.integers(8, 30).map(lambda n: DELIVERED + timedelta(days=n))),
            ("proof_of_purchase", st.just(None)),
            ("items[0].condition.tags_included", st.sampled_from([None, False])),
            ("items[0].condition.original_packaging", st.sampled_from([None, False])),
            ("items[0].item.engraved", st.just(None)),
            ("items[0].item.sale_event", st.just(None)),
            ("items[0].item.channel", st.just(None)),
        ],
    ),
    "defect": (
        defect_claim,
        [
            ("reported_at", st.integers(4, 30).map(lambda n: DELIVERED + timedelta(days=n))),
            ("photos_sent_at", st.just(None)),
            ("channel", st.just(NoticeChannel.OTHER)),
            ("kind", st.just(None)),
        ],
    ),
    "exchange": (
        exchange,
        [
            (
                "returned_at",
                st.integers(1, 48).map(lambda h: at("2025-03-05") - timedelta(hours=h)),
            ),
            ("wanted_available", st.just(None)),
            ("proof_of_purchase", st.just(None)),
            ("item.condition.accessories_included", st.sampled_from([None, False])),
        ],
    ),
}


@st.composite
def fixable_cases(draw: st.DrawFn) -> Any:
    build, spoilers = FIXABLE[draw(st.sampled_from(sorted(FIXABLE)))]
    case = build()
    chosen = draw(
        st.lists(st.sampled_from(spoilers), min_size=1, max_size=3, unique_by=lambda x: x[0])
    )
    for path, values in chosen:
        case = set_path(case, path, draw(values))
    return case


@given(fixable_cases())
def test_laws_on_fixable_cases(case: Any) -> None:
    """Cases only fixable facts keep from being granted: every one gets a changed case
    (laws 2 and 3 never skipped), and that case is granted."""
    quals = how_to_qualify(case, policy=POLICY)
    laws(case, POLICY.evaluate(case), quals)
    (q,) = quals
    assert q.case is not None, format_qualification(q)
    assert q.outcome_if_changed is not None
    assert q.outcome_if_changed.role is Role.GRANTED
