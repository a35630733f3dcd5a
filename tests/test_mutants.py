"""Tests added from mutation testing (docs/quality.md, "Mutation testing").

Each test pins a reading of the policy text that a surviving mutant showed the
suite did not check. They go through the public API and assert what the text
says, not how the code says it.

The first test is listed first on purpose: mutmut attributes code that runs at
import time (the clauses are built when the package is imported) to the first
test it runs, so that test checks every yes/no clause of the text.

The tests of this kind that are about one section of the text are with that
section's tests, in tests/clauses/; here are the first test and those about the
evaluators, the rule algebra, the deadlines and the calendar.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import holidays
import pytest

from atlier_policy import (
    BusinessCalendar,
    DateOutOfRangeError,
    InputError,
    Policy,
    PolicyDefinitionError,
    default_policy,
)
from atlier_policy.cases import (
    ItemKind,
    ParcelStatus,
    SaleEvent,
    SalesChannel,
)
from atlier_policy.clauses import eligibility
from atlier_policy.deadlines import last_day_to_report_defect, last_day_to_request_return
from atlier_policy.decision import (
    CancellationOutcome,
    InspectionOutcome,
    ParcelOutcome,
    ReturnOutcome,
)
from atlier_policy.qualify import how_to_qualify
from atlier_policy.rules import AllOf, AnyOf, Check, Clause, Context, Finding
from atlier_policy.timelines import timeline
from builders import (
    at,
    cancellation,
    condition,
    defect_claim,
    defect_inspection,
    exchange,
    inspection,
    item,
    parcel,
    return_item,
    return_request,
)
from tables import S1_CONDITION, S2_MODIFIED, S2_SALE, reason_of, return_line

POLICY = default_policy()


# (fact, clause id, sentence, message when the fact is against the customer,
#  message when it is for them, whether the customer can supply it)
S1_FLAGS = [
    ("unused", "s1.unused", "the piece has been used", "the piece is unused"),
    ("unworn", "s1.unworn", "the piece has been worn", "the piece is unworn"),
    (
        "original_packaging",
        "s1.original_packaging",
        "the original packaging is missing",
        "the piece is in its original packaging",
    ),
    (
        "certificates_included",
        "s1.certificates",
        "certificates are missing",
        "all certificates are included",
    ),
    ("tags_included", "s1.tags", "tags are missing", "all tags are included"),
    (
        "accessories_included",
        "s1.accessories",
        "accessories are missing",
        "all accessories are included",
    ),
]
S2_FLAGS = [
    ("engraved", "s2.engraved", "the piece is engraved", "the piece is not engraved"),
    ("resized", "s2.resized", "the piece was resized", "the piece was not resized"),
    (
        "altered",
        "s2.altered",
        "the piece was altered from its original design",
        "the piece was not altered",
    ),
]


def test_every_yes_no_condition_of_sections_1_and_2_decides_on_its_own() -> None:
    """§1 condition and §2 modification facts each refuse alone, cite their sentence, and pass when met."""
    eligible = return_line(return_request())
    assert eligible.outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
    passed = {r.clause_id: r for r in eligible.reasons}

    for fact, clause_id, against, for_customer in S1_FLAGS:
        # The customer declares the condition: "no" refuses, "not said" is incomplete.
        refused = return_line(
            return_request(items=(return_item(condition=condition(**{fact: False})),))
        )
        assert refused.outcome is ReturnOutcome.NOT_ELIGIBLE, fact
        reason = reason_of(refused, clause_id)
        assert (reason.code, reason.section, reason.sentence) == (
            clause_id.split(".")[1],
            "1",
            S1_CONDITION,
        )
        assert (reason.finding, reason.message, reason.facts) == (
            Finding.FAILED,
            against,
            ((fact, "no"),),
        )
        assert (passed[clause_id].message, passed[clause_id].facts) == (
            for_customer,
            ((fact, "yes"),),
        )
        unknown = return_line(
            return_request(items=(return_item(condition=condition(**{fact: None})),))
        )
        assert unknown.outcome is ReturnOutcome.INCOMPLETE, fact
        reason = reason_of(unknown, clause_id)
        assert reason.finding is Finding.UNKNOWN
        assert reason.missing == (f"condition.{fact}",)
        assert reason.message == f"not known whether {for_customer}"
        assert reason.facts == ((fact, "unknown"),)
        assert unknown.missing == (f"condition.{fact}",)

    for fact, clause_id, against, for_customer in S2_FLAGS:
        # Modifications are recorded at purchase: "yes" refuses, unknown needs review.
        refused = return_line(return_request(items=(return_item(item=item(**{fact: True})),)))
        assert refused.outcome is ReturnOutcome.NOT_ELIGIBLE, fact
        reason = reason_of(refused, clause_id)
        assert (reason.code, reason.section, reason.sentence) == (
            clause_id.split(".")[1],
            "2",
            S2_MODIFIED,
        )
        assert (reason.message, reason.facts) == (against, ((fact, "yes"),))
        assert (passed[clause_id].message, passed[clause_id].facts) == (
            for_customer,
            ((fact, "no"),),
        )
        unknown = return_line(return_request(items=(return_item(item=item(**{fact: None})),)))
        assert unknown.outcome is ReturnOutcome.NEEDS_REVIEW, fact
        assert reason_of(unknown, clause_id).missing == (f"item.{fact}",)

    # "(unless defective)": a confirmed defect lifts the sale exclusion, an unknown one
    # leaves it open, a denied one keeps it.
    sale = item(sale_event=SaleEvent.CLEARANCE)
    lifted = return_line(return_request(items=(return_item(item=sale, defect_confirmed=True),)))
    assert lifted.outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
    exception = reason_of(lifted, "s2.sale_defect_exception")
    assert (exception.code, exception.section, exception.sentence) == (
        "sale_defect_exception",
        "2",
        S2_SALE,
    )
    assert exception.message == (
        "a defect was recorded, which lifts the sale exclusion until the inspection"
    )
    open_ = return_line(return_request(items=(return_item(item=sale, defect_confirmed=None),)))
    assert open_.outcome is ReturnOutcome.NEEDS_REVIEW
    assert reason_of(open_, "s2.sale_defect_exception").missing == ("defect_confirmed",)
    kept = return_line(return_request(items=(return_item(item=sale, defect_confirmed=False),)))
    assert kept.outcome is ReturnOutcome.NOT_ELIGIBLE
    assert [r.clause_id for r in kept.reasons] == ["s2.sale_item"]

    _every_value_of_the_enumerated_facts()
    _what_each_policy_builds_once()
    _which_yes_no_failures_are_for_good()
    _each_yes_no_clause_says_how_to_lift_its_unknown()
    _the_reasons_of_precomputed_results_are_shared()


def _the_reasons_of_precomputed_results_are_shared() -> None:
    """The yes/no and enumerated clauses build their results' reasons once, at import (so
    part of the first test): two decisions cite one reason, not two equal copies."""
    first = return_line(return_request())
    second = return_line(return_request(at("2025-03-05")))
    for clause_id in [c for _, c, _a, _f in S1_FLAGS + S2_FLAGS] + [
        "s1.website_purchase",
        "s1.proof_of_purchase",
        "s2.custom_or_personalized",
        "s2.sale_item",
    ]:
        assert reason_of(first, clause_id) is reason_of(second, clause_id), clause_id


def _each_yes_no_clause_says_how_to_lift_its_unknown() -> None:
    """An unknown §1 condition or §2 modification is lifted by recording or confirming the
    fact: each yes/no clause brings its own fix (built at import, so part of the first test)."""
    cases = [
        (clause_id, fact, True, return_item(condition=condition(**{fact: None})))
        for fact, clause_id, _against, _for in S1_FLAGS
    ] + [
        (clause_id, fact, False, return_item(item=item(**{fact: None})))
        for fact, clause_id, _against, _for in S2_FLAGS
    ]
    for clause_id, fact, required, line in cases:
        (q,) = how_to_qualify(return_request(items=(line,)))
        assert q.blockers == (), clause_id
        (s,) = q.suggestions
        assert s.clause_id == clause_id
        assert [(c.path.rsplit(".", 1)[-1], c.new) for c in s.changes] == [(fact, required)]


def _which_yes_no_failures_are_for_good() -> None:
    """Use, wear and modifications exclude a piece for good; a missing box or tag does not.

    Part of the first test: the yes/no clauses declare it when they are built, at import.
    The timeline marks §1's return deadline as not applying to a piece excluded for good.
    """
    for fact, clause_id, _against, _for_customer in S1_FLAGS:
        request = return_request(items=(return_item(condition=condition(**{fact: False})),))
        (last,) = [e for e in timeline(request) if e.key == "last_day_to_request_return"]
        for_good = fact in ("unused", "unworn")  # nothing undoes use or wear
        assert last.applies is not for_good, clause_id
        assert ("does not apply: §1 excludes this piece" in last.label) is for_good, clause_id
    for fact, clause_id, _against, _for_customer in S2_FLAGS:
        request = return_request(items=(return_item(item=item(**{fact: True})),))
        (last,) = [e for e in timeline(request) if e.key == "last_day_to_request_return"]
        assert not last.applies, clause_id
        assert "does not apply: §2 excludes this piece" in last.label, clause_id


def _what_each_policy_builds_once() -> None:
    """The stages' combined rules and the §6 contact notice, built when a policy is made.

    Part of the first test: the test modules make their policies at import.
    """
    policy = default_policy(support_email="help@example.com")
    labels = {
        "inspected item": policy.inspection(inspection()),
        "defect claim": policy.inspection(defect_inspection()),
        "item": policy.exchange(exchange()),
    }
    for name, decision in labels.items():
        # The §1/§2 (or §3) rules judged again, on the inspected item or the claim.
        assert [t.rule for t in decision.trace if t.rule.startswith("on ")] == [f"on {name}"]
    refused = policy.exchange(exchange(wanted_available=False))
    (contact,) = refused.obligations.notices
    assert (contact.code, contact.clause_id, contact.section) == ("contact", "s6.contact", "6")
    assert contact.message == "questions: help@example.com, +00 012 345 6789"


def _every_value_of_the_enumerated_facts() -> None:
    """Where the piece was bought, custom or personalized, sale event, proof: every value.

    Part of the first test: these clauses' results are computed once, at import.
    """

    def judged(clause_id: str, policy: Policy = POLICY, **facts: Any) -> tuple[Any, ...]:
        proof = facts.pop("proof_of_purchase", "order_confirmation")
        request = return_request(items=(return_item(item=item(**facts)),))
        request = replace(
            request, proof_of_purchase=proof and type(request.proof_of_purchase)(proof)
        )
        (decision,) = policy.return_request(request).items
        r = [r for r in decision.reasons if r.clause_id == clause_id]
        if not r:  # a passing clause is listed only when the whole item passes
            return (decision.outcome,)
        return (decision.outcome, r[0].finding, r[0].message, r[0].facts, r[0].missing)

    eligible, refused = ReturnOutcome.ELIGIBLE_PENDING_INSPECTION, ReturnOutcome.NOT_ELIGIBLE
    review = ReturnOutcome.NEEDS_REVIEW
    for channel in SalesChannel:
        name = channel.value.replace("_", " ")
        if channel is SalesChannel.WEBSITE:
            expected = (
                eligible,
                Finding.PASSED,
                f"bought on the {name}",
                (("channel", "website"),),
                (),
            )
        else:
            message = f"bought on the {name}, not directly from our website"
            expected = (refused, Finding.FAILED, message, (("channel", channel.value),), ())
        assert judged("s1.website_purchase", channel=channel) == expected
        # A store that also accepts this channel: the same facts pass.
        wider = default_policy(eligible_channels=frozenset({SalesChannel.WEBSITE, channel}))
        assert judged("s1.website_purchase", wider, channel=channel) == (
            eligible,
            Finding.PASSED,
            f"bought on the {name}",
            (("channel", channel.value),),
            (),
        )
    assert judged("s1.website_purchase", channel=None) == (
        review,
        Finding.UNKNOWN,
        "not known where the piece was bought",
        (("channel", "unknown"),),
        ("item.channel",),
    )

    custom = "a custom-made piece (made to the customer's specifications)"
    ready = ItemKind.READY_MADE
    for personalized in (True, False, None):
        assert judged(
            "s2.custom_or_personalized", kind=ItemKind.CUSTOM_MADE, personalized=personalized
        ) == (
            refused,
            Finding.FAILED,
            custom,
            (("kind", "custom_made"),),
            (),
        )
    assert judged("s2.custom_or_personalized", kind=ready, personalized=True) == (
        refused,
        Finding.FAILED,
        "a personalized piece",
        (("kind", "ready_made"), ("personalized", "yes")),
        (),
    )
    assert judged("s2.custom_or_personalized", kind=ready, personalized=False) == (
        eligible,
        Finding.PASSED,
        "a ready-made piece, not personalized",
        (("kind", "ready_made"), ("personalized", "no")),
        (),
    )
    unsure = "not known whether the piece is ready-made and not personalized"
    for kind, personalized, missing in (
        (None, False, ("item.kind",)),
        (ready, None, ("item.personalized",)),
        (None, None, ("item.kind", "item.personalized")),
    ):
        assert judged("s2.custom_or_personalized", kind=kind, personalized=personalized) == (
            review,
            Finding.UNKNOWN,
            unsure,
            (),
            missing,
        )

    for event in SaleEvent:
        if event is SaleEvent.NONE:
            expected = (
                eligible,
                Finding.PASSED,
                "bought at full price, not in a sale",
                (("sale_event", "none"),),
                (),
            )
        else:
            message = f"bought in a {event.value} event: final sale"
            expected = (refused, Finding.FAILED, message, (("sale_event", event.value),), ())
        assert judged("s2.sale_item", sale_event=event) == expected
    assert judged("s2.sale_item", sale_event=None) == (
        review,
        Finding.UNKNOWN,
        "not known whether the piece was bought in a sale",
        (("sale_event", "unknown"),),
        ("item.sale_event",),
    )

    for proof, expected in (
        (
            "order_confirmation",
            (
                eligible,
                Finding.PASSED,
                "proof of purchase: order confirmation",
                (("proof_of_purchase", "order_confirmation"),),
                (),
            ),
        ),
        (
            "invoice",
            (
                eligible,
                Finding.PASSED,
                "proof of purchase: invoice",
                (("proof_of_purchase", "invoice"),),
                (),
            ),
        ),
        (
            "none",
            (
                refused,
                Finding.FAILED,
                "no order confirmation or invoice",
                (("proof_of_purchase", "none"),),
                (),
            ),
        ),
        (
            None,
            (
                ReturnOutcome.INCOMPLETE,
                Finding.UNKNOWN,
                "proof of purchase (order confirmation or invoice) not yet provided",
                (("proof_of_purchase", "unknown"),),
                ("proof_of_purchase",),
            ),
        ),
    ):
        assert judged("s1.proof_of_purchase", proof_of_purchase=proof) == expected, proof


# --- deadlines: days are store dates ------------------------------------------------


def test_a_store_date_counts_as_delivery_day_zero() -> None:
    """§1/§3: a delivery given as a bare store date is day 0 of the 7- and 3-day windows."""
    terms = POLICY.terms
    assert last_day_to_request_return(date(2025, 3, 3), terms) == date(2025, 3, 10)
    assert last_day_to_report_defect(date(2025, 3, 3), terms) == date(2025, 3, 6)


def test_a_delivery_instant_counts_from_its_new_york_date() -> None:
    """§1/§3: delivered at 22:30 on 3 March in New York (4 March UTC), day 0 is 3 March."""
    late_evening = datetime(2025, 3, 4, 3, 30, tzinfo=UTC)
    terms = POLICY.terms
    assert last_day_to_request_return(late_evening, terms) == date(2025, 3, 10)
    assert last_day_to_report_defect(late_evening, terms) == date(2025, 3, 6)


# --- the evaluators: outcomes, notices, errors ------------------------------------------


@pytest.mark.parametrize(
    ("evaluator", "case_type", "context"),
    [
        ("return_request", "ReturnRequest", "return request"),
        ("defect_claim", "DefectClaim", "defect claim"),
        ("lost_parcel", "LostParcelReport", "lost parcel report"),
        ("inspection", "Inspection", "inspection"),
        ("cancellation", "CustomOrderCancellation", "custom order cancellation"),
        ("exchange", "ExchangeRequest", "exchange request"),
    ],
)
def test_each_stage_refuses_a_case_of_another_stage(
    evaluator: str, case_type: str, context: str
) -> None:
    """Each stage's evaluator names the case type it expects and the stage when given another."""
    with pytest.raises(InputError) as info:
        getattr(POLICY, evaluator)(parcel() if evaluator != "lost_parcel" else return_request())
    given = "'LostParcelReport'" if evaluator != "lost_parcel" else "'ReturnRequest'"
    assert info.value.problems == (("case", f"a {case_type}", given),)
    assert info.value.context == context


def test_replacing_one_clause_keeps_the_others() -> None:
    """Swapping the §1 window for a 30-day one leaves every other condition of the text in force."""
    thirty = Clause(
        "acme.thirty_days", "merchant", "Thirty days to return.", "thirty_days", _thirty_days
    )
    policy = default_policy().replace_clause("s1.return_window", thirty)
    assert "s1.return_window" not in {c.id for c in policy.clauses()}
    assert {c.id for c in policy.clauses()} == {c.id for c in POLICY.clauses()} - {
        "s1.return_window"
    } | {"acme.thirty_days"}
    late = return_request(at("2025-03-20"))
    assert return_line(late).outcome is ReturnOutcome.NOT_ELIGIBLE
    assert policy.return_request(late).items[0].outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
    worn = return_request(at("2025-03-20"), items=(return_item(condition=condition(unworn=False)),))
    (decision,) = policy.return_request(worn).items
    assert decision.outcome is ReturnOutcome.NOT_ELIGIBLE
    assert [r.clause_id for r in decision.reasons] == ["s1.unworn"]


def _thirty_days(ctx: Context[Any]) -> Check:
    return Check.passed("within thirty days")


def test_with_terms_changes_only_the_terms() -> None:
    """A 14-day variant accepts day 14 and refuses day 15; the text's policy is unchanged."""
    fourteen = POLICY.with_terms(return_window_days=14)
    assert fourteen.terms.return_window_days == 14
    assert fourteen.terms.defect_notice_days == 3
    assert fourteen.return_rule == POLICY.return_rule
    on_day_14 = return_request(at("2025-03-17"))
    on_day_15 = return_request(at("2025-03-18"))
    assert fourteen.return_request(on_day_14).items[0].granted
    assert not fourteen.return_request(on_day_15).items[0].granted
    assert not POLICY.return_request(on_day_14).items[0].granted
    assert POLICY.terms.return_window_days == 7


def test_a_policy_is_built_from_terms_and_rules_only() -> None:
    """Policy() names the wrong field and the type it got."""
    with pytest.raises(PolicyDefinitionError, match=r"`terms` must be PolicyTerms \(got str\)"):
        Policy(terms="2025-01-12")  # type: ignore[arg-type]
    with pytest.raises(PolicyDefinitionError, match=r"`return_rule` must be a Rule \(got int\)"):
        Policy(return_rule=7)  # type: ignore[arg-type]


# --- the rule algebra ----------------------------------------------------------------------


def test_combining_a_rule_with_a_non_rule_names_the_operator_and_the_type() -> None:
    """`&`, `|` and `unless` with a non-rule on either side raise, naming the operator and the type."""
    rule = eligibility.RETURN_WINDOW
    cases = [
        (lambda: rule & True, "&", "bool"),
        (lambda: True & rule, "&", "bool"),
        (lambda: rule | 1, "|", "int"),
        (lambda: 1 | rule, "|", "int"),
        (lambda: rule.unless("x"), "unless", "str"),  # type: ignore[arg-type]
        (lambda: AllOf.of(rule, None), "&", "NoneType"),  # type: ignore[arg-type]
        (lambda: AnyOf.of(rule, None), "|", "NoneType"),  # type: ignore[arg-type]
    ]
    for make, op, got in cases:
        with pytest.raises(PolicyDefinitionError) as info:
            make()
        assert str(info.value) == (
            f"rule algebra: both sides of `{op}` must be rules (got {got})"
        ), str(info.value)


# --- the business calendar -------------------------------------------------------------------


def test_calendar_errors_name_the_field_and_the_calendar() -> None:
    """A datetime for a date, or a year outside the data, is refused naming the field and the calendar."""
    us = BusinessCalendar("US")
    when = datetime(2025, 3, 3, 12, tzinfo=UTC)
    for call, field in [
        (lambda: us.add_business_days(when, 1), "d"),  # type: ignore[arg-type]
        (lambda: us.is_business_day(when), "d"),  # type: ignore[arg-type]
        (lambda: us.business_days_between(when, date(2025, 3, 4)), "start"),  # type: ignore[arg-type]
        (lambda: us.business_days_between(date(2025, 3, 4), when), "end"),  # type: ignore[arg-type]
        (lambda: BusinessCalendar("US", extra_closed={when}), "extra_closed[]"),  # type: ignore[arg-type]
    ]:
        with pytest.raises(InputError) as info:
            call()
        assert info.value.problems == ((field, "a date (not a datetime)", repr(when)),)
        assert info.value.context == "business calendar"
    lo, hi = us.supported_years
    for calendar, label in [(us, "US"), (BusinessCalendar("US", "CA"), "US-CA")]:
        with pytest.raises(DateOutOfRangeError) as info:
            calendar.add_business_days(date(lo - 1, 6, 1), 1)
        assert info.value.problems == (
            (
                "date",
                f"in the years {lo}-{hi} covered by the {label} holiday data",
                repr(date(lo - 1, 6, 1)),
            ),
        )


# --- the evaluators and the calendar, continued -------------------------------------------


@pytest.mark.parametrize(
    ("decide", "field"),
    [
        (lambda when: POLICY.cancellation(cancellation(cancelled_at=when)), "cancelled_at"),
        (lambda when: POLICY.inspection(inspection(inspected_at=when)), "inspected_at"),
        (
            lambda when: POLICY.inspection(
                defect_inspection(
                    repair_possible=False, replacement_possible=False, inspected_at=when
                )
            ),
            "inspected_at",
        ),
    ],
)
def test_refund_window_past_the_holiday_data_names_the_case_field(decide: Any, field: str) -> None:
    """A refund window that would end after the last year of holiday data names the case's own field."""
    with pytest.raises(DateOutOfRangeError) as info:
        decide(at("2100-12-30"))
    ((named, expected, given),) = info.value.problems
    assert named == field
    assert given == "'2100-12-30'"
    assert "10th business day after it" in expected
    assert "years 1777-2100" in expected
    assert info.value.context == "business calendar"


def _ask_the_customer(ctx: Context[Any]) -> Check:
    return Check.incomplete("the customer must send a receipt", "receipt")


ASK = Clause("acme.receipt", "merchant", "Keep the receipt.", "receipt", _ask_the_customer)


@pytest.mark.parametrize(
    ("rule_set", "decide", "review"),
    [
        (
            "parcel_rule",
            lambda p: p.lost_parcel(parcel(status=ParcelStatus.DELIVERED_TO_STORE)),
            ParcelOutcome.NEEDS_REVIEW,
        ),
        ("cancellation_rule", lambda p: p.cancellation(cancellation()), None),
        ("inspection_rule", lambda p: p.inspection(inspection()), InspectionOutcome.NEEDS_REVIEW),
        (
            "defect_inspection_rule",
            lambda p: p.inspection(defect_inspection()),
            InspectionOutcome.NEEDS_REVIEW,
        ),
    ],
)
def test_stages_after_the_request_have_no_incomplete_outcome(
    rule_set: Any, decide: Any, review: Any
) -> None:
    """After the customer's request, a fact only the customer can give still means review, never approval."""
    decision = decide(default_policy().with_rule(rule_set, ASK))
    assert decision.outcome == (review or CancellationOutcome.NEEDS_REVIEW)
    assert not decision.granted


def test_counting_business_days_names_the_date_outside_the_holiday_data() -> None:
    """business_days_between names whichever of its two dates lies outside the data's years."""
    us = BusinessCalendar("US")
    lo, hi = us.supported_years
    inside, first_year = date(2025, 1, 1), date(lo, 1, 1)
    before, after = date(lo - 1, 12, 31), date(hi + 1, 1, 1)
    for start, end, bad in [
        (before, inside, before),
        (inside, before, before),
        (after, inside, after),
        (inside, after, after),
        (first_year, after, after),
        (after, first_year, after),
        (before, after, before),
    ]:
        with pytest.raises(DateOutOfRangeError) as info:
            us.business_days_between(start, end)
        ((_field, _expected, given),) = info.value.problems
        assert given == repr(bad), (start, end)


def test_a_calendar_counts_from_a_saturday_on_its_first_use() -> None:
    """§4 counting: the 1st business day after a Saturday is the Monday, before any year is loaded."""
    # A configuration no other test uses, so that its business days are not loaded yet.
    fresh = BusinessCalendar("US", extra_closed=frozenset({date(1999, 12, 24)}))
    assert fresh.add_business_days(date(2025, 3, 8), 1) == date(2025, 3, 10)
    fresh = BusinessCalendar("US", extra_closed=frozenset({date(1999, 12, 23)}))
    assert fresh.add_business_days(date(2025, 3, 7), 1) == date(2025, 3, 10)  # a Friday


# --- evaluate, merchant clauses and the calendar ------------------------------------------


def test_evaluate_refuses_what_is_not_a_case() -> None:
    """Policy.evaluate names the field, the stages of its table and what it got instead of a case."""
    with pytest.raises(InputError) as info:
        POLICY.evaluate("a return, please")  # type: ignore[arg-type]
    names = "return_request, defect_claim, lost_parcel, inspection, cancellation, exchange"
    assert info.value.problems == (("case", f"a case of one of the stages ({names})", "'str'"),)
    assert info.value.context == "evaluate"


def _requested_on_a_business_day(ctx: Context[Any]) -> Check:
    asked = ctx.case.requested_at.astimezone(ctx.tz).date()
    if ctx.calendar.is_business_day(asked):
        return Check.passed(f"requested on business day {asked}")
    return Check.failed(f"requested on {asked}, not a business day")


def test_merchant_clauses_see_the_policys_business_calendar() -> None:
    """A merchant's clause reads the policy's calendar from its context (here: Thanksgiving is closed)."""
    weekdays = Clause(
        "acme.business_days",
        "merchant",
        "Returns are requested on business days.",
        "business_days",
        _requested_on_a_business_day,
    )
    policy = default_policy().with_rule("return_rule", weekdays)
    delivered = item(purchased_at=at("2025-11-20"), delivered_at=at("2025-11-24"))
    for day, granted in [("2025-11-26", True), ("2025-11-27", False)]:
        request = return_request(at(day), items=(return_item(item=delivered),))
        (decision,) = policy.return_request(request).items
        assert decision.granted is granted, day


def _open_every_day() -> BusinessCalendar:
    """A store open every day of the year, holidays included (a 7-day calendar)."""
    us = BusinessCalendar("US")
    lo, hi = us.supported_years
    years = [*range(lo, lo + 15), *range(hi - 15, hi + 1)]
    opened = frozenset(holidays.country_holidays("US", years=years))
    return BusinessCalendar("US", weekend=frozenset(), extra_open=opened)


def test_the_first_and_last_supported_days_can_be_reached() -> None:
    """Counting reaches exactly 1 January of the first and 31 December of the last supported year."""
    every = _open_every_day()
    lo, hi = every.supported_years
    start = date(lo + 13, 1, 5)
    back = (start - date(lo, 1, 1)).days
    assert every.add_business_days(start, -back) == date(lo, 1, 1)
    start = date(hi - 13, 12, 20)
    ahead = (date(hi, 12, 31) - start).days
    assert every.add_business_days(start, ahead) == date(hi, 12, 31)
    with pytest.raises(DateOutOfRangeError) as info:
        every.add_business_days(start, ahead + 1)
    ((field, _expected, given),) = info.value.problems
    assert (field, given) == ("n", str(ahead + 1))


def test_counting_across_the_loaded_years_gives_the_same_days() -> None:
    """A few business days across a decade boundary are the same on a calendar's first use."""
    fresh = BusinessCalendar("US", extra_closed=frozenset({date(1999, 12, 22)}))
    assert fresh.add_business_days(date(2030, 1, 2), -5) == date(2029, 12, 24)
    fresh = BusinessCalendar("US", extra_closed=frozenset({date(1999, 12, 21)}))
    assert fresh.add_business_days(date(2039, 12, 27), 5) == date(2040, 1, 4)


def test_a_calendar_without_business_days_refuses_to_count() -> None:
    """A calendar whose every day is a weekend raises for any count instead of searching forever."""
    never = BusinessCalendar("US", weekend=frozenset(range(7)))
    for n in (1, 0, -1):
        with pytest.raises(DateOutOfRangeError) as info:
            never.add_business_days(date(2025, 3, 3), n)
        ((field, _expected, given),) = info.value.problems
        assert (field, given) == ("n", str(n))


def test_an_unknown_subdivision_is_refused_by_name() -> None:
    """A subdivision code the holiday data does not know is refused at once, naming subdiv and the code."""
    with pytest.raises(InputError) as info:
        BusinessCalendar("US", "XX")
    ((field, expected, given),) = info.value.problems
    assert (field, given) == ("subdiv", "'XX'")
    assert expected.startswith("a code supported by holidays (")
    assert info.value.context == "business calendar"


def test_a_subdivision_code_with_a_control_character_is_refused_as_such() -> None:
    """A subdivision code holding a line break is not a code: refused as one, naming subdiv."""
    with pytest.raises(InputError) as info:
        BusinessCalendar("US", "NY\n")
    assert info.value.problems == (("subdiv", "a subdivision code or None", "'NY\\n'"),)
    assert info.value.context == "business calendar"


def test_a_calendar_is_configured_with_valid_codes_and_weekdays() -> None:
    """BusinessCalendar names the bad field and value; Monday (0) to Sunday (6) can all be weekend days."""
    for kwargs, problem in [
        (
            {"country": "XX"},
            ("country", "an ISO 3166 country code supported by holidays", "'XX'"),
        ),
        ({"country": "US", "subdiv": 5}, ("subdiv", "a subdivision code or None", "5")),
        (
            {"country": "US", "weekend": frozenset({7})},
            ("weekend", "weekday numbers 0 (Mon) to 6 (Sun)", "frozenset({7})"),
        ),
        (
            {"country": "US", "extra_closed": "2025-03-03"},
            ("extra_closed", "a set of dates", "'2025-03-03'"),
        ),
        (
            {
                "country": "US",
                "extra_closed": frozenset({date(2025, 3, 3)}),
                "extra_open": frozenset({date(2025, 3, 3)}),
            },
            ("extra_open", "disjoint from extra_closed", "'2025-03-03'"),
        ),
    ]:
        with pytest.raises(InputError) as info:
            BusinessCalendar(**kwargs)  # type: ignore[arg-type]
        assert info.value.problems == (problem,)
        assert info.value.context == "business calendar"
    sunday_and_monday = BusinessCalendar("US", weekend=frozenset({6, 0}))
    assert not sunday_and_monday.is_business_day(date(2025, 3, 3))  # a Monday
    assert sunday_and_monday.is_business_day(date(2025, 3, 8))  # a Saturday
    lo, _hi = sunday_and_monday.supported_years
    with pytest.raises(DateOutOfRangeError) as out:
        sunday_and_monday.is_business_day(date(lo - 1, 3, 3))
    assert out.value.problems[0][2] == repr(date(lo - 1, 3, 3))
    assert out.value.context == "business calendar"


def test_a_count_of_business_days_is_a_whole_number() -> None:
    """add_business_days refuses 1.5 or True as a count, naming n and the value."""
    us = BusinessCalendar("US")
    for n, shown in [(1.5, "1.5"), (True, "True")]:
        with pytest.raises(InputError) as info:
            us.add_business_days(date(2025, 3, 3), n)  # type: ignore[arg-type]
        assert info.value.problems == (("n", "an integer", shown),)
        assert info.value.context == "business calendar"


# --- the policy's own checks of what a store builds -----------------------------------


def test_a_store_building_a_policy_wrongly_is_told_what_is_wrong() -> None:
    """Each refusal names what was expected: a tuple of stages, a stage with its own rule,
    a stage whose name *or* case type is new, a rule set that exists, rules on both sides."""
    from atlier_policy.stages import STAGES

    with pytest.raises(PolicyDefinitionError) as e:
        Policy(stages=list(STAGES))  # type: ignore[arg-type]
    assert str(e.value) == "policy: `stages` must be a tuple of StageSpec"
    with pytest.raises(PolicyDefinitionError) as e:
        POLICY.with_stage("return_request")  # type: ignore[arg-type]
    assert str(e.value) == "policy: a stage added must be a StageSpec with a rule"
    first = STAGES[0]
    renamed = replace(first, name="return_request_again", rule=eligibility.RETURN_WINDOW)
    with pytest.raises(PolicyDefinitionError, match="exists already"):
        POLICY.with_stage(renamed)  # a new name, but the same case type
    with pytest.raises(PolicyDefinitionError) as e:
        POLICY.rule("no_such_rules")
    assert str(e.value) == "policy: no rule set named 'no_such_rules'"
    with pytest.raises(PolicyDefinitionError) as e:
        eligibility.RETURN_WINDOW.then(42)  # type: ignore[arg-type]
    assert str(e.value) == "rule algebra: both sides of `then` must be rules (got int)"


def test_explanations_of_different_decisions_differ() -> None:
    """Two decisions that give different reasons are not equal, down to their explanations."""
    late = return_line(return_request(at("2025-03-12")))
    in_time = return_line(return_request())
    assert late.explanation != in_time.explanation
    assert late.explanation == return_line(return_request(at("2025-03-12"))).explanation


def test_a_rule_set_is_recorded_under_the_policys_zone_and_calendar() -> None:
    """Policy.record judges as evaluate does: a report at 21:00 in New York on the last day
    (already the next day in UTC) is in time, and a store's clause sees the policy's
    business calendar."""
    evening = defect_claim(reported_at=at("2025-03-06", 21))
    ev = POLICY.record("defect_rule", evening)
    (window,) = [leaf for leaf in ev.leaves() if leaf.rule.id == "s3.notice_window"]  # type: ignore[attr-defined]
    assert window.finding is Finding.PASSED

    def _sees_calendar(ctx: Context[Any]) -> Check:
        if ctx.calendar is ctx.terms.calendar:
            return Check.passed("the policy's calendar")
        return Check.failed("another calendar")

    sees = Clause("acme.calendar", "acme", "A store's own sentence.", "calendar", _sees_calendar)
    policy = POLICY.with_rule("defect_rule", sees)
    (leaf,) = [
        x for x in policy.record("defect_rule", evening).leaves() if x.rule.id == "acme.calendar"
    ]  # type: ignore[attr-defined]
    assert leaf.finding is Finding.PASSED
