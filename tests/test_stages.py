"""The stage table (atlier_policy.stages), and a toy stage and a toy clause defined here.

A stage is one entry: the toy stage below (a refund of gift wrapping, which the text
does not have) works with evaluate, the JSON codec, the timeline, the customer
messages and "how to qualify" without any change to the library. Last, what any
stage's decision holds: every failing reason, one decision per item, its words.

The text's own clauses are tested by section, in tests/clauses/ (one file per §).
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any

import pytest

from atlier_policy import DefectClaim, InputError, Item, default_policy, evaluate
from atlier_policy.advice import Blocker, Change, FixContext, FixKind, Suggestion, View
from atlier_policy.cases import ReturnItem, ReturnRequest, SaleEvent
from atlier_policy.codec import case_from_dict, case_to_dict, decision_from_dict, decision_to_dict
from atlier_policy.decision import (
    Decision,
    InspectionOutcome,
    Notice,
    Obligations,
    Outcome,
    ParcelOutcome,
    ReturnOutcome,
    Role,
    Stage,
)
from atlier_policy.errors import PolicyDefinitionError
from atlier_policy.messages import DEFAULT_TEMPLATES, Templates, customer_message
from atlier_policy.policy import Policy
from atlier_policy.qualify import how_to_qualify
from atlier_policy.rules import AllOf, Check, Clause, Context, Deadline, Explanation, Finding, Then
from atlier_policy.stages import STAGES, Consequence, Event, StageSpec
from atlier_policy.terms import PolicyTerms
from atlier_policy.timelines import timeline
from builders import (
    DELIVERED,
    at,
    condition,
    defect_inspection,
    inspection,
    item,
    parcel,
    return_item,
    return_request,
    usd,
)
from tables import NOT, decided

# --- a toy stage, defined outside the library ------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class WrapRefund:
    """A customer asks for the gift-wrapping fee back (the toy stage's case)."""

    order_id: str
    item: Item
    asked_at: datetime
    wrapping_opened: bool | None = None


class WrapOutcome(Outcome):
    REFUNDED = "refunded", Role.GRANTED
    KEPT = "kept", Role.REFUSED
    NEEDS_REVIEW = "needs_review", Role.REVIEW


def _wrapping(ctx: Context[WrapRefund]) -> Check:
    opened = ctx.case.wrapping_opened
    if opened is None:
        return Check.unknown("not known whether the wrapping was opened", "wrapping_opened")
    if opened:
        return Check.failed("the wrapping was opened", opened=True)
    return Check.passed("the wrapping is unopened", opened=False)


def _wrapping_fix(c: FixContext) -> Suggestion | Blocker:
    """The toy clause's own fix: it knows how its reason is lifted, not the library."""
    if c.failed:
        return c.block("opened wrapping cannot be unopened")
    return c.fix(
        FixKind.RECORD, "record whether the wrapping was opened", ("wrapping_opened", False)
    )


def _two_days(delivered: Any, terms: PolicyTerms) -> Any:
    from datetime import timedelta

    return delivered + timedelta(days=2)


WRAP_CLAUSE = Clause(
    "acme.unopened_wrapping",
    "acme",
    "The gift-wrapping fee is refunded if the wrapping is unopened.",
    "wrapping_opened",
    _wrapping,
    deadline=Deadline("last_day_to_claim_wrapping", "last day to claim the wrapping", _two_days),
    fix=_wrapping_fix,
)


def _consequence(terms: PolicyTerms, case: WrapRefund, item: Any, o: Outcome) -> Consequence:
    if o.role is not Role.GRANTED:
        return Consequence(Obligations())
    notice = Notice(code="wrap_refund", clause_id=WRAP_CLAUSE.id, section="acme", message="refund")
    return Consequence(Obligations(refund_amount=usd("5.00"), notices=(notice,)))


TOY = StageSpec(
    name="wrap_refund",
    case=WrapRefund,
    outcomes=WrapOutcome,
    rule=WRAP_CLAUSE,
    items=lambda case: (case,),
    subject=lambda case, _: (case.order_id, case.item.sku),
    consequence=_consequence,
    pieces=lambda case: (ReturnItem(item=case.item),),
    events=lambda case: (Event("asked", "wrapping refund asked", case.asked_at),),
    view=lambda case, index: View(item="item"),
)
POLICY = default_policy().with_stage(TOY)
CASE = WrapRefund(order_id="W-1", item=item(), asked_at=at("2025-03-04"), wrapping_opened=False)


def test_a_toy_stage_is_judged_by_evaluate() -> None:
    """One entry: its case is judged by its own rule set, with the outcome its role gives."""
    d = evaluate(CASE, POLICY)
    assert isinstance(d, Decision)
    assert (d.stage, d.outcome, d.granted) == ("wrap_refund", WrapOutcome.REFUNDED, True)
    assert d.obligations.refund_amount == usd("5.00")
    kept = POLICY.evaluate(replace(CASE, wrapping_opened=True))
    assert kept.outcome is WrapOutcome.KEPT
    assert kept.reasons[0].clause_id == "acme.unopened_wrapping"
    unknown = POLICY.evaluate(replace(CASE, wrapping_opened=None))
    assert (unknown.outcome, unknown.missing) == (WrapOutcome.NEEDS_REVIEW, ("wrapping_opened",))


def test_a_toy_stage_goes_through_the_codec() -> None:
    """Cases and decisions of the toy stage encode and decode both ways with its table."""
    doc = case_to_dict(CASE, stages=POLICY.stages)
    assert doc["stage"] == "wrap_refund"
    assert case_from_dict(doc, stages=POLICY.stages) == CASE
    assert evaluate(doc, POLICY) == evaluate(CASE, POLICY)
    decision = POLICY.evaluate(CASE)
    assert decision_from_dict(decision_to_dict(decision), stages=POLICY.stages) == decision
    with pytest.raises(InputError, match="`stage` must be one of"):
        case_from_dict(doc)  # the text's own table does not know it


def test_a_toy_stage_has_a_timeline() -> None:
    """Its pieces, its events and its clause's own deadline, in order."""
    entries = timeline(CASE, policy=POLICY)
    keys = [e.key for e in entries]
    assert keys.index("delivered") < keys.index("asked") < keys.index("last_day_to_claim_wrapping")
    assert "last_day_to_request_return" in keys  # the text's deadlines for the same piece
    # Another added stage's deadline is not one of a return request's.
    others = {e.key for e in timeline(return_request(), policy=POLICY)}
    assert "last_day_to_claim_wrapping" not in others
    assert "last_day_to_request_return" in others


def test_a_toy_stage_has_its_messages() -> None:
    """Templates for its outcomes are all it needs to be worded."""
    templates = Templates.of(
        "en",
        {
            **{k: DEFAULT_TEMPLATES[k] for k in DEFAULT_TEMPLATES},
            "outcome.wrap_refund.refunded": "Your wrapping fee for {sku} is refunded.",
            "notice.wrap_refund": "It comes back with your next statement.",
        },
    )
    text = customer_message(POLICY.evaluate(CASE), templates, policy=POLICY)
    assert "Your wrapping fee for RING-7 is refunded." in text
    assert "It comes back with your next statement." in text
    # Without a template of its own, the notice reads its own message (notice.other).
    bare = Templates.of("en", {k: v for k, v in templates.entries if k != "notice.wrap_refund"})
    text = customer_message(POLICY.evaluate(CASE), bare, policy=POLICY)
    assert "Your wrapping fee for RING-7 is refunded. refund" in text.replace("\n", " ")
    worded = bare.with_overrides({"notice.other": "Note: {message} ({order_id})."})
    assert "Note: refund (W-1)." in customer_message(POLICY.evaluate(CASE), worded, policy=POLICY)
    # A variant for the outcome alone is the notice's wording: no fallback.
    variant = Templates.of(
        "en", {**dict(bare.entries), "notice.wrap_refund.refunded": "VARIANT: on your statement."}
    )
    text = customer_message(POLICY.evaluate(CASE), variant, policy=POLICY)
    assert "VARIANT: on your statement." in text
    assert "refunded. refund" not in text.replace("\n", " ")


def test_a_toy_stage_says_how_to_qualify() -> None:
    """how_to_qualify calls the toy clause's own fix, applies it and evaluates again."""
    (q,) = how_to_qualify(replace(CASE, wrapping_opened=None), policy=POLICY)
    (s,) = q.suggestions
    assert (s.clause_id, s.kind, s.message) == (
        "acme.unopened_wrapping",
        FixKind.RECORD,
        "record whether the wrapping was opened",
    )
    assert (q.outcome, q.outcome_if_changed) == (WrapOutcome.NEEDS_REVIEW, WrapOutcome.REFUNDED)
    assert q.case == CASE
    (opened,) = how_to_qualify(replace(CASE, wrapping_opened=True), policy=POLICY)
    assert [b.message for b in opened.blockers] == ["opened wrapping cannot be unopened"]
    assert opened.case is None
    # Without a fix of its own, the clause's reason is one nothing known lifts.
    bare = POLICY.replace_clause("acme.unopened_wrapping", replace(WRAP_CLAUSE, fix=None))
    (q,) = how_to_qualify(replace(CASE, wrapping_opened=None), policy=bare)
    assert [b.code for b in q.blockers] == ["wrapping_opened"]
    assert "no known change of facts lifts wrapping_opened" in q.blockers[0].message


def test_a_stage_is_added_once_with_its_own_rule() -> None:
    """with_stage refuses a stage without a rule set of its own, or one that exists."""
    with pytest.raises(PolicyDefinitionError, match="with a rule"):
        default_policy().with_stage(replace(TOY, rule=None))
    with pytest.raises(PolicyDefinitionError, match="exists already"):
        POLICY.with_stage(TOY)
    with pytest.raises(PolicyDefinitionError, match="`stages`"):
        Policy(stages=("not a stage",))  # type: ignore[arg-type]


def test_a_toy_stage_follows_clause_changes() -> None:
    """Removing or replacing its clause reaches the stage's own rule set too."""
    lenient = POLICY.replace_clause(
        "acme.unopened_wrapping", replace(WRAP_CLAUSE, check=lambda ctx: Check.passed("ok"))
    )
    assert lenient.evaluate(replace(CASE, wrapping_opened=True)).granted
    gone = POLICY.without_clause("acme.unopened_wrapping")
    assert gone.evaluate(CASE).outcome is WrapOutcome.NEEDS_REVIEW  # nothing applicable


# --- the text's table ------------------------------------------------------------------


def test_the_table_lists_the_six_stages_once() -> None:
    """One entry per stage of the text, named by Stage, each case class once."""
    assert [s.name for s in STAGES] == list(Stage)
    assert len({s.case for s in STAGES}) == len(STAGES)
    for spec in STAGES:
        roles = {o.role for o in spec.outcomes}
        assert {Role.GRANTED, Role.REFUSED, Role.REVIEW} <= roles, spec.name


def test_every_outcome_declares_its_role() -> None:
    """Only a granted outcome grants; an outcome that names no role reviews."""
    assert ReturnOutcome.ELIGIBLE_PENDING_INSPECTION.role is Role.GRANTED
    assert ParcelOutcome.AWAITING_PARCEL.role is Role.REVIEW
    assert [o for o in InspectionOutcome if o.role is Role.GRANTED] == [
        InspectionOutcome.REFUND_APPROVED,
        InspectionOutcome.REPAIR_OR_REPLACE,
        InspectionOutcome.PARTIAL_REFUND_OR_STORE_CREDIT,
    ]


def test_a_check_selects_an_outcome_of_its_role() -> None:
    """A parcel on its way is awaited (the check selects it); unknown status: review."""
    assert default_policy().evaluate(parcel(status=None)).outcome is ParcelOutcome.NEEDS_REVIEW


def test_the_stages_by_name_are_the_same_evaluation() -> None:
    """Policy.return_request etc. are Policy.evaluate, with the case type checked."""
    policy = default_policy()
    assert policy.return_request(return_request()) == policy.evaluate(return_request())
    with pytest.raises(InputError, match="a ReturnRequest"):
        policy.return_request(parcel())  # type: ignore[arg-type]


# --- the evaluation record -----------------------------------------------------------------


def test_then_reads_and_rewrites_like_the_other_combinators() -> None:
    """`a.then(b)`: a passes, then b decides; it prints, lists its parts and is rewritten."""
    yes = Clause("t.yes", "0", "Yes.", "yes", lambda ctx: Check.passed("y"))
    no = Clause("t.no", "0", "No.", "no", lambda ctx: Check.failed("n"))
    rule = yes.then(no)
    assert isinstance(rule, Then)
    assert str(rule) == "(t.yes then t.no)"
    assert rule.parts() == (yes, no)
    assert rule.evaluate(Context(None)).finding is Finding.FAILED
    assert no.then(yes).evaluate(Context(None)).finding is Finding.FAILED  # b not asked
    assert len(no.then(yes).evaluate(Context(None)).parts) == 0


def test_an_explanation_is_a_value() -> None:
    """Equal, hashed and pickled by its three tuples, derived or given."""
    d = default_policy().inspection(defect_inspection())
    given = Explanation.given(d.reasons, d.trace, d.missing)
    assert d.explanation == given
    assert hash(d.explanation) == hash(given)
    assert pickle.loads(pickle.dumps(d.explanation)) == d.explanation
    assert "reasons=" in repr(given)


def test_a_decision_shows_itself_through_the_display_adapter() -> None:
    """Jupyter asks the value for HTML; the display adapter writes it (no warning)."""
    import warnings

    from atlier_policy import display

    d = default_policy().inspection(defect_inspection())
    od = default_policy().return_request(return_request())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert d._repr_html_() == display.decision_html(d)
        assert od._repr_html_() == display.order_html(od)
    assert all(display.decision_html(item) in display.order_html(od) for item in od.items)


def test_the_deprecated_records_function_of_decision_delegates() -> None:
    """decision.to_records warns and gives records.to_records' rows."""
    from atlier_policy import decision, records

    od = default_policy().return_request(return_request())
    with pytest.warns(DeprecationWarning, match="atlier_policy.records.to_records"):
        assert decision.to_records([od]) == records.to_records([od])


def test_each_stage_says_when_the_customer_asked() -> None:
    """A request's, a report's, an inspected request's day: what the messages date from."""
    from atlier_policy.stages import STAGES as TABLE

    by_name = {s.name: s for s in TABLE}
    claim = defect_inspection().request
    assert by_name["defect_claim"].asked(claim) == claim.reported_at  # type: ignore[misc]
    insp = defect_inspection()
    assert by_name["inspection"].asked(insp) == insp.request.reported_at  # type: ignore[misc,union-attr]
    assert by_name["lost_parcel"].asked is None


# --- a stage's decision: every reason, several items, in words ---------------------------


TEXT = default_policy()  # the text's policy, without the toy stage


def test_every_failing_reason_is_reported() -> None:
    """A late, worn, engraved clearance piece gets all four reasons, not only the first."""
    bad = return_item(
        item=item(engraved=True, sale_event=SaleEvent.CLEARANCE), condition=condition(unworn=False)
    )
    d = decided(TEXT.return_request(return_request(at("2025-03-12"), items=(bad,))))
    assert d.outcome is NOT
    assert {r.clause_id for r in d.reasons} == {
        "s1.return_window",
        "s1.unworn",
        "s2.engraved",
        "s2.sale_item",
    }
    assert all(r.finding is Finding.FAILED for r in d.reasons)


def test_multi_item_order_summary() -> None:
    """A request with several items is decided per item, with counts per outcome."""
    items = (
        return_item(),
        return_item(item=item(sku="N-2", engraved=True)),
        return_item(item=item(sku="E-3", kind=None)),
    )
    od = TEXT.return_request(return_request(items=items))
    assert [d.sku for d in od.items] == ["RING-7", "N-2", "E-3"]
    assert od.counts == {"eligible_pending_inspection": 1, "not_eligible": 1, "needs_review": 1}
    assert not od.all_granted


def test_decision_str_is_readable() -> None:
    """str(decision) names the outcome, the clause (its reason marked: ✗ failed, ✓
    passed), the dates and the policy version, in words, never an enum's value."""
    text = str(decided(TEXT.return_request(return_request(at("2025-03-11")))))
    assert "not eligible" in text
    assert "  ✗ [§1 s1.return_window] requested 1 day(s) late" in text
    assert "_" not in text.replace("s1.return_window", "")
    assert "last day to request a return: 2025-03-10" in text
    assert "policy version 2025-01-12" in text


def test_delivered_constant_is_a_monday() -> None:
    """The builders' delivery date is the Monday the tables count from."""
    assert DELIVERED.date() == date(2025, 3, 3)
    assert replace(item(), sku="X").sku == "X"


@dataclass(frozen=True, slots=True, kw_only=True)
class _StoreRequest(ReturnRequest):
    """A store's own return request, with a note the policy does not read."""

    note: str = ""


def test_a_subclass_of_a_case_is_a_case_of_its_stage() -> None:
    """A store's subclass of a case is judged as its base class, by every entry point."""
    base = return_request()
    mine = _StoreRequest(**{f.name: getattr(base, f.name) for f in fields(base)}, note="VIP")
    policy = default_policy()
    assert policy.evaluate(mine) == policy.evaluate(base)
    assert evaluate(mine) == evaluate(base)
    insp = inspection(mine)
    assert evaluate(insp) == evaluate(inspection(base))
    assert timeline(insp, policy=policy) == timeline(inspection(base), policy=policy)


def test_a_toy_stage_works_through_a_registry_and_compare() -> None:
    """A registry of versions knows the stages of its versions: its tools accept the toy
    stage's cases and documents as the policy does."""
    from atlier_policy.versions import PolicyVersions
    from atlier_policy.whatif import compare_case

    registry = PolicyVersions((POLICY,))
    assert registry.evaluate(CASE) == POLICY.evaluate(CASE)
    assert evaluate(case_to_dict(CASE, stages=POLICY.stages), registry) == POLICY.evaluate(CASE)
    assert timeline(CASE, policy=registry) == timeline(CASE, policy=POLICY)
    assert how_to_qualify(CASE, policy=registry) == how_to_qualify(CASE, policy=POLICY)
    (pair,) = compare_case(CASE, POLICY, POLICY.with_terms(return_window_days=14))
    assert (pair.stage, pair.baseline, pair.candidate) == ("wrap_refund",) + (
        WrapOutcome.REFUNDED,
    ) * 2


def test_a_stage_is_checked_when_it_is_defined() -> None:
    """A stage without a review outcome, with outcomes that declare no roles, or without
    a name is refused at once; one whose items give nothing to judge, when evaluated."""

    class NoReview(Outcome):
        DONE = "done", Role.GRANTED

    import enum

    class Plain(enum.StrEnum):
        DONE = "done"

    for changes, match in (
        ({"outcomes": NoReview}, "review outcome"),
        ({"outcomes": Plain}, "Outcome enum"),
        ({"name": ""}, "non-empty str"),
        ({"case": "WrapRefund"}, "must be a class"),
    ):
        with pytest.raises(PolicyDefinitionError, match=match):
            replace(TOY, **changes)
    empty = default_policy().with_stage(replace(TOY, items=lambda case: ()))
    with pytest.raises(PolicyDefinitionError, match="gave nothing to judge"):
        empty.evaluate(CASE)


def _raises(c: FixContext) -> Suggestion:
    raise RuntimeError("the store's code is broken")


def _gives_text(c: FixContext) -> Any:
    return "record it"


def _bad_path(c: FixContext) -> Suggestion:
    return Suggestion(
        code=c.reason.code,
        clause_id=c.reason.clause_id,
        section="acme",
        kind=FixKind.RECORD,
        message="record the colour",
        changes=(Change(path="wrapping_colour", old=None, new="red"),),
    )


@pytest.mark.parametrize(
    ("fix", "match"),
    [
        (_raises, "its fix failed \\(RuntimeError: the store's code is broken\\)"),
        (_gives_text, "its fix must give a Suggestion, a Blocker or None \\(got str\\)"),
        (_bad_path, "its fix changes `wrapping_colour`, which the case cannot take"),
    ],
)
def test_a_broken_fix_is_named_by_its_clause(fix: Any, match: str) -> None:
    """A store's fix that fails, gives something else or names a fact the case has not is
    our PolicyDefinitionError naming the clause, never a bare exception."""
    broken = POLICY.replace_clause("acme.unopened_wrapping", replace(WRAP_CLAUSE, fix=fix))
    with pytest.raises(PolicyDefinitionError, match=f"clause acme.unopened_wrapping: {match}"):
        how_to_qualify(replace(CASE, wrapping_opened=None), policy=broken)


@dataclass(frozen=True, slots=True, kw_only=True)
class _StoreClaim(DefectClaim):
    """A store's own defect claim, with a channel reference the policy does not read."""

    ticket: str = ""


def test_a_claim_is_judged_as_of_its_inspection_whatever_its_class() -> None:
    """At the inspection a claim is judged as of the inspection: the same view as
    ``replace(claim, as_of=inspected_at)``, for the text's class and a store's subclass."""
    from atlier_policy.stages import claim_at_inspection

    insp = defect_inspection()
    claim = insp.request
    assert claim_at_inspection(insp) == replace(claim, as_of=insp.inspected_at)
    mine = _StoreClaim(**{f.name: getattr(claim, f.name) for f in fields(claim)}, ticket="T-9")
    viewed = claim_at_inspection(replace(insp, request=mine))
    assert (type(viewed), viewed.ticket, viewed.as_of) == (_StoreClaim, "T-9", insp.inspected_at)


class WrapCredit(Outcome):
    REFUNDED = "refunded", Role.GRANTED
    CREDITED = "credited", Role.GRANTED
    KEPT = "kept", Role.REFUSED
    NEEDS_REVIEW = "needs_review", Role.REVIEW


@dataclass(frozen=True, slots=True, kw_only=True)
class WrapSelected(WrapRefund):
    """The toy case again, for a second toy stage."""


def test_a_stage_whose_only_clause_selects_gets_that_outcome() -> None:
    """A clause that declares an outcome selects it when it passes, also when it is the
    whole of its stage's rule set: not the stage's first granted outcome."""
    selecting = replace(WRAP_CLAUSE, outcome=WrapCredit.CREDITED.value)
    stage = replace(TOY, name="wrap_credit", case=WrapSelected, outcomes=WrapCredit, rule=selecting)
    policy = default_policy().with_stage(stage)
    case = WrapSelected(
        order_id="W-2", item=item(), asked_at=at("2025-03-04"), wrapping_opened=False
    )
    assert policy.evaluate(case).outcome is WrapCredit.CREDITED


def _always(finding: Finding) -> Clause:
    word = finding.value
    return Clause(
        f"acme.always_{word}",
        "acme",
        f"A toy clause that is always {word}.",
        f"always_{word}",
        lambda ctx: Check(finding, word),
    )


@pytest.mark.parametrize("passing_first", [True, False])
def test_a_pass_under_a_not_does_not_hide_the_clause_that_selects(passing_first: bool) -> None:
    """A "not" whose inner rule fails passes, selects nothing, and the walk goes on to the
    clause after it that declares an outcome."""
    selecting = replace(WRAP_CLAUSE, outcome=WrapCredit.CREDITED.value)
    negated = ~_always(Finding.FAILED)
    parts = (negated, selecting) if passing_first else (selecting, negated)
    stage = replace(
        TOY, name="wrap_credit", case=WrapSelected, outcomes=WrapCredit, rule=AllOf.of(*parts)
    )
    policy = default_policy().with_stage(stage)
    case = WrapSelected(
        order_id="W-2", item=item(), asked_at=at("2025-03-04"), wrapping_opened=False
    )
    assert policy.evaluate(case).outcome is WrapCredit.CREDITED


def test_a_stage_that_needs_a_selection_reviews_when_its_then_fails_inside() -> None:
    """A stage with no outcome of its own to grant (a remedy must be chosen) sends a case to
    a person when the rule a "then" decides by fails, also when that "then" is one part of
    the stage's rule set: no rung applied, which is not a refusal."""
    ladder = _always(Finding.PASSED).then(_always(Finding.FAILED))
    rule = AllOf.of(WRAP_CLAUSE, ladder)
    stage = replace(
        TOY,
        name="wrap_credit",
        case=WrapSelected,
        outcomes=WrapCredit,
        rule=rule,
        grant=lambda case: None,
    )
    policy = default_policy().with_stage(stage)
    case = WrapSelected(
        order_id="W-2", item=item(), asked_at=at("2025-03-04"), wrapping_opened=False
    )
    assert policy.evaluate(case).outcome is WrapCredit.NEEDS_REVIEW


class StoreReturn(ReturnRequest):
    """A store's own kind of return request, judged by a rule set only its policy names."""


class StorePolicy(Policy):
    """A store's policy that serves one more rule set by name (an overridden ``rule``)."""

    def rule(self, name: str) -> Any:
        return self.return_rule if name == "store_returns" else Policy.rule(self, name)


def test_a_rule_set_named_only_by_an_overridden_rule_is_judged() -> None:
    """A stage whose rule set only a store's ``Policy.rule`` knows is judged by that rule
    set, as the text's return requests are by theirs."""
    spec = replace(STAGES[0], name="store_return", case=StoreReturn, rule_set="store_returns")
    policy = StorePolicy(default_policy().terms, stages=(*STAGES, spec))
    base = return_request(at("2025-03-12"))  # a day late
    late = StoreReturn(order_id=base.order_id, requested_at=base.requested_at, items=base.items)
    (line,) = policy.evaluate(late).items  # type: ignore[union-attr]
    assert line.outcome is ReturnOutcome.NOT_ELIGIBLE
    assert [r.clause_id for r in line.reasons if r.finding is Finding.FAILED] == [
        "s1.return_window"
    ]


def test_a_policy_refuses_stages_that_overlap() -> None:
    """Two stages with one name or one case class, or a stage for every object, would
    send a case to the wrong stage without an error: the policy refuses them."""
    terms = default_policy().terms
    renamed = replace(TOY, name="wrap_again", case=WrapSelected)
    with pytest.raises(PolicyDefinitionError) as e:
        Policy(terms, stages=(*STAGES, TOY, replace(renamed, name="wrap_refund")))
    assert str(e.value) == "policy: a stage named 'wrap_refund' exists already"
    with pytest.raises(PolicyDefinitionError) as e:
        Policy(terms, stages=(*STAGES, TOY, replace(renamed, case=WrapRefund)))
    assert str(e.value) == "policy: a stage for WrapRefund cases exists already"
    with pytest.raises(PolicyDefinitionError) as e:
        default_policy().with_stage(replace(TOY, case=object))
    assert str(e.value) == "policy: stage 'wrap_refund' must judge a case class, not every object"
    assert Policy(terms, stages=(*STAGES, TOY, renamed)).stages[-1] is renamed


class _Unhashable(type):
    __hash__ = None  # type: ignore[assignment]


class NotACase(metaclass=_Unhashable):
    """An object whose class cannot be hashed."""


def test_an_object_of_an_unhashable_class_is_no_case() -> None:
    """Whatever its class, an object that is not a case is refused as input."""
    with pytest.raises(InputError, match="`case` must be a case of one of the stages"):
        default_policy().evaluate(NotACase())


class CreditPolicy(Policy):
    """A store's policy whose own rule set, served by name, has a clause that selects."""

    def rule(self, name: str) -> Any:
        if name == "credit_rules":
            return replace(WRAP_CLAUSE, outcome=WrapCredit.CREDITED.value)
        return Policy.rule(self, name)


def test_a_clause_selects_in_a_rule_set_named_only_by_an_overridden_rule() -> None:
    """The outcome a passing clause declares is found also in a rule set the policy did
    not know when it was built (a store's ``rule`` serves it by name)."""
    stage = replace(
        TOY,
        name="wrap_credit",
        case=WrapSelected,
        outcomes=WrapCredit,
        rule=None,
        rule_set="credit_rules",
    )
    policy = CreditPolicy(default_policy().terms, stages=(*STAGES, stage))
    case = WrapSelected(
        order_id="W-2", item=item(), asked_at=at("2025-03-04"), wrapping_opened=False
    )
    assert policy.evaluate(case).outcome is WrapCredit.CREDITED
