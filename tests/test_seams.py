"""The seams between stages and between facts (issue 11), one table per class.

Each row names the policy sentence it exercises. The classes: the quality team's
finding decides at inspection (1); an error on our part is confirmed like a defect
(2); impossible or contradictory facts are refused (3); null means unknown (4); a
refund states its amount or names the price as missing (5); partial refund or store
credit says what each means (6); "incomplete" only while the customer can still act
(7); outcomes follow a clause's role, not its id (8); the tools follow the policy (9);
a cancellation at the very instant production begins (10).

Classes 6, 7 and 10 are each about one section of the text, and are with that
section's tests: tests/clauses/test_s3_defects.py (6, 7) and
tests/clauses/test_s2_non_returnable.py (10).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Union

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atlier_policy import NOT_YET, InputError, Inspection, default_policy, evaluate
from atlier_policy.cases import (
    DefectCause,
    ProductionStatus,
    ReturnReason,
    ReturnRequest,
    SaleEvent,
)
from atlier_policy.clauses import defects
from atlier_policy.decision import (
    CancellationOutcome,
    Decision,
    DefectClaimOutcome,
    ExchangeOutcome,
    InspectionOutcome,
    OrderDecision,
    ReturnOutcome,
    ShippingPayer,
)
from atlier_policy.policy import Policy
from atlier_policy.qualify import FixKind, how_to_qualify
from atlier_policy.rules import AnyOf, Check, Clause, Finding
from atlier_policy.stages import inspected_line
from atlier_policy.timelines import timeline
from builders import (
    at,
    cancellation,
    custom_item,
    defect_claim,
    defect_inspection,
    exchange,
    inspection,
    item,
    return_item,
    return_request,
    usd,
)
from strategies import (
    any_complete_case,
    complete_exchanges,
    complete_inspections,
    complete_return_requests,
    set_path,
)
from tables import S2_SALE, S3_EXCLUSIONS, S3_NOTICE, S4_COST, S5_CONTACT, said

POLICY = default_policy()


SALE = item(sale_event=SaleEvent.SALE)
NOT_FOUND = (DefectCause.NONE_FOUND, DefectCause.MISUSE, DefectCause.ACCIDENT)
NOT_FOUND += (DefectCause.WEAR_AND_TEAR,)


def _one(result: Decision | OrderDecision) -> Decision:
    return result.items[0] if isinstance(result, OrderDecision) else result


def _returned(piece: Any = None, **line: Any) -> ReturnRequest:
    return return_request(items=(return_item(item=piece or item(), **line),))


def _inspect(piece: Any = None, *, line: dict[str, Any] | None = None, **found: Any) -> Decision:
    found.setdefault("return_shipping_cost", usd("9.00"))
    return POLICY.inspection(inspection(_returned(piece, **(line or {})), **found))


def _checks(rule_set: str, case: Any) -> dict[str, Check]:
    """What each clause of one of the policy's rule sets finds on ``case``, by clause id."""
    ev = POLICY.record(rule_set, case)
    return {leaf.rule.id: leaf.check for leaf in ev.leaves()}  # type: ignore[attr-defined]


# --- 1. the quality team's finding decides at inspection --------------------------------

FINDING_ROWS = [
    # (id, sentence, piece, defect recorded earlier, cause, outcome, payer, a reason code)
    (
        "sale, defect recorded, none found: §2 stands",
        S2_SALE,
        SALE,
        True,
        DefectCause.NONE_FOUND,
        InspectionOutcome.REFUND_REJECTED,
        ShippingPayer.CUSTOMER,
        "sale_item",
    ),
    (
        "sale, defect recorded, misuse found: §3's exclusion",
        S3_EXCLUSIONS,
        SALE,
        True,
        DefectCause.MISUSE,
        InspectionOutcome.REFUND_REJECTED,
        ShippingPayer.CUSTOMER,
        "damage_not_covered",
    ),
    (
        "full price, defect recorded, none found: approved, the customer pays",
        S4_COST,
        item(),
        True,
        DefectCause.NONE_FOUND,
        InspectionOutcome.REFUND_APPROVED,
        ShippingPayer.CUSTOMER,
        None,
    ),
    (
        "full price, wear found: §3's exclusion refuses the return",
        S3_EXCLUSIONS,
        item(),
        False,
        DefectCause.WEAR_AND_TEAR,
        InspectionOutcome.REFUND_REJECTED,
        ShippingPayer.CUSTOMER,
        "damage_not_covered",
    ),
    (
        "sale, no record, manufacturing defect found: (unless defective)",
        S2_SALE,
        SALE,
        False,
        DefectCause.MANUFACTURING_DEFECT,
        InspectionOutcome.REFUND_APPROVED,
        ShippingPayer.STORE,
        None,
    ),
    (
        "full price, arrived damaged found: the store pays",
        S4_COST,
        item(),
        False,
        DefectCause.ARRIVED_DAMAGED,
        InspectionOutcome.REFUND_APPROVED,
        ShippingPayer.STORE,
        None,
    ),
]


@pytest.mark.parametrize(
    ("sentence", "piece", "recorded", "cause", "outcome", "payer", "code"),
    [r[1:] for r in FINDING_ROWS],
    ids=[r[0] for r in FINDING_ROWS],
)
def test_the_finding_decides(
    sentence: str,
    piece: Any,
    recorded: bool,
    cause: DefectCause,
    outcome: InspectionOutcome,
    payer: ShippingPayer,
    code: str | None,
) -> None:
    """Class 1: the inspection's cause is the finding; a record from an earlier stage is a claim."""
    d = _inspect(piece, line={"defect_confirmed": recorded}, cause=cause)
    assert d.outcome is outcome, str(d)
    paid_by = d.obligations.return_shipping_paid_by
    assert paid_by is payer
    assert (d.obligations.return_shipping_reimbursed is not None) is (payer is ShippingPayer.STORE)
    if code is not None:
        (reason,) = [r for r in d.reasons if r.code == code]
        assert reason.sentence == sentence
    if recorded and cause in NOT_FOUND:
        # When the finding overturns the record, the decision's reasons say so.
        assert any("not confirmed" in r.message for r in d.reasons), str(d)


def test_an_unknown_finding_needs_review() -> None:
    """Class 1: no cause recorded at a return's inspection: review, the cause named missing."""
    d = _inspect(cause=None)
    assert d.outcome is InspectionOutcome.NEEDS_REVIEW
    assert "cause" in d.missing
    assert d.obligations.return_shipping_paid_by is None


def test_an_unknown_finding_is_named_by_each_clause_that_needs_it() -> None:
    """Class 1 (S3_EXCLUSIONS, S2_SALE): without the team's finding, §3's exclusion and the sale
    exception of a piece recorded defective each say what is not recorded; no clause assumes one."""
    d = _inspect(SALE, line={"defect_confirmed": True}, cause=None)
    assert d.outcome is InspectionOutcome.NEEDS_REVIEW
    assert d.missing == ("cause",)
    assert said(d, "s3.return_cause") == (
        "inspection_cause",
        "the quality team has not recorded what it found (no defect, a defect, or damage "
        "by misuse, an accident or wear)",
        (("cause", "unknown"),),
        ("cause",),
    )
    assert said(d, "s2.sale_defect_exception") == (
        "sale_defect_exception",
        "the quality team has not recorded whether the piece is defective",
        (("cause", "unknown"),),
        ("cause",),
    )
    assert defects.confirms_defect(None) is None


def test_a_finding_of_no_defect_keeps_the_sale_exclusion_and_says_what_was_found() -> None:
    """Class 1 (S2_SALE "(unless defective)"): misuse found on a sale piece: the exception fails
    on the team's finding, which it names."""
    insp = inspection(_returned(SALE), cause=DefectCause.MISUSE)
    check = _checks("return_rule", inspected_line(insp))["s2.sale_defect_exception"]
    assert check == Check.failed("the quality team found misuse: not defective", cause="misuse")


@given(complete_inspections(), st.sampled_from(NOT_FOUND))
def test_no_defect_found_never_refunds_a_sale_piece_nor_bills_the_store(
    case: Any, cause: DefectCause
) -> None:
    """Property (§2, §3, §4): no defect, misuse, accident or wear found: a sale, promotion or
    clearance piece is never refunded, and the store never pays the return shipping unless
    it confirmed an error on its part."""
    case = replace(case, cause=cause)
    d = POLICY.inspection(case)
    on_sale = case.item.sale_event is not SaleEvent.NONE
    error = isinstance(case.request, ReturnRequest) and case.store_error_confirmed is True
    if on_sale and not error:
        assert d.outcome is not InspectionOutcome.REFUND_APPROVED
    if not error:
        assert d.obligations.return_shipping_paid_by is not ShippingPayer.STORE
        assert d.obligations.return_shipping_reimbursed is None


# --- 2. "error on our part" is confirmed like a defect -----------------------------------

STORE_ERROR = {"reason": ReturnReason.STORE_ERROR}
ERROR_ROWS = [
    # (id, piece, confirmed, outcome, payer)
    ("unknown: review, never billed", item(), None, InspectionOutcome.NEEDS_REVIEW, None),
    ("confirmed: the store pays", item(), True, InspectionOutcome.REFUND_APPROVED, "store"),
    ("ruled out: the customer pays", item(), False, InspectionOutcome.REFUND_APPROVED, "customer"),
    ("sale piece sent in error, confirmed", SALE, True, InspectionOutcome.REFUND_APPROVED, "store"),
    ("sale piece, error ruled out: §2", SALE, False, InspectionOutcome.REFUND_REJECTED, "customer"),
]


@pytest.mark.parametrize(
    ("piece", "confirmed", "outcome", "payer"),
    [r[1:] for r in ERROR_ROWS],
    ids=[r[0] for r in ERROR_ROWS],
)
def test_an_error_on_our_part_is_confirmed_by_the_inspection(
    piece: Any, confirmed: bool | None, outcome: InspectionOutcome, payer: str | None
) -> None:
    """Class 2 (S4_COST, S2_SALE): the error's confirmation is a fact of the inspection."""
    d = _inspect(
        piece, line=STORE_ERROR, cause=DefectCause.NONE_FOUND, store_error_confirmed=confirmed
    )
    assert d.outcome is outcome, str(d)
    paid_by = d.obligations.return_shipping_paid_by
    assert (paid_by and paid_by.value) == payer
    if confirmed is None:
        assert "store_error_confirmed" in d.missing
        assert any(r.sentence == S4_COST for r in d.reasons)


def test_a_confirmed_defect_or_error_is_the_stores_to_ship_even_when_refused() -> None:
    """Class 1/2 (S4_COST): the store bears the shipping of a defect or an error the team
    confirmed, though the refund is rejected for another reason (a missing box, wear)."""
    worn = {"condition": replace(inspection().condition, original_packaging=False)}
    for found in (
        {"cause": DefectCause.MANUFACTURING_DEFECT},
        {"cause": DefectCause.NONE_FOUND, "store_error_confirmed": True},
    ):
        d = _inspect(line={"defect_confirmed": True}, **found, **worn)
        assert d.outcome is InspectionOutcome.REFUND_REJECTED
        assert d.obligations.return_shipping_paid_by is ShippingPayer.STORE
        assert d.obligations.return_shipping_reimbursed == usd("9.00")


def test_the_teams_confirmation_of_an_error_decides_whatever_was_claimed() -> None:
    """Class 2: an error the team confirms on a change-of-mind return counts (the finding
    decides); a confirmed defect settles the shipping whatever the error's status."""
    confirmed = _inspect(SALE, cause=DefectCause.NONE_FOUND, store_error_confirmed=True)
    assert confirmed.outcome is InspectionOutcome.REFUND_APPROVED
    assert confirmed.obligations.return_shipping_paid_by is ShippingPayer.STORE
    unknown_reason = _inspect(line={"reason": None}, cause=DefectCause.MANUFACTURING_DEFECT)
    assert unknown_reason.outcome is InspectionOutcome.REFUND_APPROVED
    assert unknown_reason.obligations.return_shipping_paid_by is ShippingPayer.STORE


def test_a_piece_sent_in_error_can_be_asked_back_though_on_sale() -> None:
    """Class 2 (S2_SALE): §2 concerns what the customer bought: a sale piece sent in error is
    eligible pending inspection, and the customer pays only until the error is confirmed."""
    d = _one(POLICY.return_request(_returned(SALE, **STORE_ERROR)))
    assert d.outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
    assert d.obligations.return_shipping_paid_by is ShippingPayer.CUSTOMER_UNTIL_CONFIRMED
    (lifted,) = [r for r in d.reasons if r.clause_id == "s2.sale_sent_in_error"]
    assert lifted.sentence == S2_SALE


def test_each_answer_about_an_error_on_our_part_gives_its_reason() -> None:
    """Class 2 (S4_COST, S2_SALE): the shipping clause and the sale exception say what the team
    found or what is not known about an error on our part, at the inspection and before it."""
    ruled_out = _inspect(line=STORE_ERROR, store_error_confirmed=False)
    assert said(ruled_out, "s4.error_on_our_part") == (
        "store_error_confirmed",
        "the quality team found no error on our part: the customer bears the return shipping",
        (("store_error_confirmed", "no"),),
        (),
    )
    why = _inspect(line={"reason": None})
    assert why.outcome is InspectionOutcome.NEEDS_REVIEW
    assert said(why, "s4.error_on_our_part") == (
        "store_error_confirmed",
        "not known whether the piece was sent back as an error on our part",
        (("reason", "unknown"),),
        ("request.items[0].reason",),
    )
    change_of_mind = inspection(_returned())
    assert _checks("inspection_rule", change_of_mind)["s4.error_on_our_part"] == (
        Check.not_applicable("not sent back as an error on our part", reason="change_of_mind")
    )
    sale_ruled_out = inspection(_returned(SALE, **STORE_ERROR), store_error_confirmed=False)
    found = _checks("return_rule", inspected_line(sale_ruled_out))["s2.sale_sent_in_error"]
    assert found == Check.failed(
        "the quality team found no error on our part", store_error_confirmed=False
    )

    asked = _one(POLICY.return_request(_returned(SALE, **STORE_ERROR)))
    assert said(asked, "s2.sale_sent_in_error") == (
        "sale_sent_in_error",
        "sent back as an error on our part, to be confirmed at the inspection: §2's sale "
        "exclusion concerns what the customer bought, not a piece sent by mistake",
        (("reason", "store_error"),),
        (),
    )
    unsaid = _one(POLICY.return_request(_returned(SALE, reason=None)))
    assert unsaid.outcome is ReturnOutcome.NEEDS_REVIEW
    assert said(unsaid, "s2.sale_sent_in_error") == (
        "sale_sent_in_error",
        "not known why the piece is sent back",
        (("reason", "unknown"),),
        ("reason",),
    )
    (line,) = _returned(SALE).lines()
    assert _checks("return_rule", line)["s2.sale_sent_in_error"] == Check.failed(
        "not a piece sent in error", reason="change_of_mind"
    )
    what = "§2's sale exclusion concerns what the customer bought, not a piece sent by mistake"
    confirmed = inspection(_returned(SALE, **STORE_ERROR), store_error_confirmed=True)
    assert _checks("return_rule", inspected_line(confirmed))["s2.sale_sent_in_error"] == (
        Check.passed(
            f"the quality team confirmed an error on our part: {what}", store_error_confirmed=True
        )
    )
    open_ = inspection(_returned(SALE, **STORE_ERROR), store_error_confirmed=None)
    assert _checks("return_rule", inspected_line(open_))["s2.sale_sent_in_error"] == (
        Check.unknown(
            "the quality team has not confirmed or ruled out the error on our part",
            "store_error_confirmed",
            store_error_confirmed=None,
        )
    )
    # Before the inspection there is no finding to read, only the claim: a confirmation
    # carried on a line not yet inspected is not the quality team's.
    early = replace(line, store_error_confirmed=True)
    assert _checks("return_rule", early)["s2.sale_sent_in_error"] == Check.failed(
        "not a piece sent in error", reason="change_of_mind"
    )


def test_a_defect_record_is_a_claim_at_request_time() -> None:
    """Class 1/2 (S4_COST): a defect recorded earlier lifts §2 until the inspection; the
    customer pays the shipping until the team confirms the defect."""
    d = _one(POLICY.return_request(_returned(SALE, defect_confirmed=True)))
    assert d.outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
    assert d.obligations.return_shipping_paid_by is ShippingPayer.CUSTOMER_UNTIL_CONFIRMED


# --- 3. impossible or contradictory facts are refused ------------------------------------

CONTRADICTIONS = [
    (
        "cancelled before it was bought",
        lambda: cancellation(cancelled_at=at("2023-01-01")),
        ("cancelled_at", "item.purchased_at"),
    ),
    (
        "a delivered custom piece whose production has not started",
        lambda: cancellation(item=custom_item(delivered_at=at("2025-03-02"))),
        ("production", "item.delivered_at"),
    ),
    (
        "photos before the delivery",
        lambda: defect_claim(photos_sent_at=at("2025-03-01")),
        ("photos_sent_at", "item.delivered_at"),
    ),
    (
        "an inspection of another order's request",
        lambda: inspection(order_id="B-9"),
        ("order_id", "'A-1001'"),
    ),
    (
        "production started after the cancellation",
        lambda: cancellation(
            production=ProductionStatus.STARTED, production_started_at=at("2025-03-04")
        ),
        ("cancelled_at", "production_started_at"),
    ),
    (
        "production started before the order",
        lambda: cancellation(production_started_at=at("2025-02-01"), production=None),
        ("production_started_at", "item.purchased_at"),
    ),
    (
        "a delivery before production began",
        lambda: cancellation(
            item=custom_item(delivered_at=at("2025-03-02")),
            production=ProductionStatus.STARTED,
            production_started_at=at("2025-03-03", 9),
            cancelled_at=at("2025-03-03", 10),
        ),
        ("item.delivered_at", "production_started_at"),
    ),
    (
        "a return asked before the purchase",
        lambda: return_request(
            at("2025-02-20"), items=(return_item(item=item(delivered_at=None)),)
        ),
        ("requested_at", "items[0].item.purchased_at"),
    ),
    (
        "a defect reported before the purchase",
        lambda: defect_claim(item=item(delivered_at=None), reported_at=at("2025-02-20")),
        ("reported_at", "item.purchased_at"),
    ),
    (
        "a piece for exchange sent back before its delivery",
        lambda: exchange(returned_at=at("2025-03-01")),
        ("returned_at", "item.item.delivered_at"),
    ),
]


@pytest.mark.parametrize(
    ("build", "fields"), [r[1:] for r in CONTRADICTIONS], ids=[r[0] for r in CONTRADICTIONS]
)
def test_contradictory_facts_are_refused_naming_both_fields(
    build: Any, fields: tuple[str, ...]
) -> None:
    """Class 3: an event before the event it follows is bad input, refused with both fields named."""
    with pytest.raises(InputError) as info:
        build()
    message = str(info.value)
    assert "\n" not in message
    for name in fields:
        assert name in message, message


def test_a_custom_piece_made_after_its_cancellation_is_possible() -> None:
    """Class 3: production not started when cancelled, the piece made and delivered later:
    consistent facts, refundable (S2_PRODUCTION); delivered before the cancellation: refused."""
    later = cancellation(item=custom_item(delivered_at=at("2025-03-20")))
    assert POLICY.cancellation(later).outcome is CancellationOutcome.REFUNDABLE


@pytest.mark.parametrize(
    "build",
    [
        lambda: return_item(item=None),
        lambda: return_item(condition=None),
        lambda: inspection(condition=None),
        lambda: Inspection(order_id="A-1001", request=None, inspected_at=at("2025-03-14")),
        lambda: exchange(item=None),
    ],
    ids=[
        "return item without item",
        "without condition",
        "inspection without condition",
        "inspection without request",
        "exchange without item",
    ],
)
def test_a_required_part_of_a_case_is_never_null(build: Any) -> None:
    """A missing piece, condition or request is our input error, not a crash later."""
    with pytest.raises(InputError):
        build()


# --- 4. null means unknown, everywhere ----------------------------------------------------

NULL_ROWS = [
    (
        "exchange: returned_at unknown needs review",
        S5_CONTACT,
        lambda: POLICY.exchange(exchange(returned_at=None)),
        ExchangeOutcome.NEEDS_REVIEW,
        ("returned_at",),
    ),
    (
        "exchange: not yet returned passes",
        S5_CONTACT,
        lambda: POLICY.exchange(exchange(returned_at=NOT_YET)),
        ExchangeOutcome.APPROVED_PENDING_INSPECTION,
        (),
    ),
    (
        "defect claim: photos unknown after the 3 days needs review",
        S3_NOTICE,
        lambda: POLICY.defect_claim(defect_claim(photos_sent_at=None, as_of=at("2025-03-09"))),
        DefectClaimOutcome.NEEDS_REVIEW,
        ("photos_sent_at",),
    ),
    (
        "defect claim: no photos yet after the 3 days is not covered",
        S3_NOTICE,
        lambda: POLICY.defect_claim(defect_claim(photos_sent_at=NOT_YET, as_of=at("2025-03-09"))),
        DefectClaimOutcome.NOT_COVERED,
        (),
    ),
]


@pytest.mark.parametrize(
    ("sentence", "decide", "outcome", "missing"),
    [r[1:] for r in NULL_ROWS],
    ids=[r[0] for r in NULL_ROWS],
)
def test_null_is_unknown_and_not_yet_is_explicit(
    sentence: str, decide: Any, outcome: Any, missing: tuple[str, ...]
) -> None:
    """Class 4: null is unknown (review); "not yet" is the explicit NOT_YET."""
    d = decide()
    assert d.outcome is outcome, str(d)
    assert d.missing == missing
    assert any(r.sentence == sentence for r in d.reasons)


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _nullable(tp: Any) -> bool:
    return typing.get_origin(tp) in (Union, types.UnionType) and type(None) in typing.get_args(tp)


def optional_paths(value: Any, prefix: str = "") -> list[str]:
    """Every optional (nullable) fact of a case, found from the types, not listed by hand."""
    paths: list[str] = []
    for f in dataclasses.fields(value):
        if not f.init:
            continue
        current = getattr(value, f.name)
        path = f"{prefix}{f.name}"
        if current is not None and _nullable(_hints(type(value))[f.name]):
            paths.append(path)
        if isinstance(current, tuple):
            for i, part in enumerate(current):
                if dataclasses.is_dataclass(part):
                    paths += optional_paths(part, f"{path}[{i}].")
        elif dataclasses.is_dataclass(current) and not isinstance(current, type):
            paths += optional_paths(current, f"{path}.")
    return paths


def test_optional_paths_come_from_the_types() -> None:
    """The generator finds nested optional facts: item flags, conditions, the request's."""
    paths = optional_paths(inspection())
    assert "request.items[0].item.engraved" in paths
    assert "condition.unworn" in paths
    assert "store_error_confirmed" not in paths  # None already: nothing to blank
    assert "request.items[0].defect_confirmed" in paths


@given(any_complete_case, st.data())
def test_null_never_turns_a_refusal_into_a_grant(case: Any, data: st.DataObject) -> None:
    """Property (fail closed): setting any optional fact of any case to null never turns a
    refusal, incomplete or review into a grant, under the policy or the default registry."""
    paths = optional_paths(case)
    path = data.draw(st.sampled_from(paths)) if paths else None
    blanked = set_path(case, path, None) if path else case
    for judge in (POLICY.evaluate, evaluate):
        before = judge(case)
        after = judge(blanked)
        items_before = before.items if isinstance(before, OrderDecision) else (before,)
        items_after = after.items if isinstance(after, OrderDecision) else (after,)
        for b, a in zip(items_before, items_after, strict=True):
            assert b.granted or not a.granted, (path, str(b), str(a))


# --- 5. a refund states its amount, or names the price as missing --------------------------


def test_a_refund_of_unknown_amount_names_the_price() -> None:
    """Class 5 (S4_WINDOW): the refund is still owed (approved, refundable), and the decision
    names the missing price instead of granting silently."""
    approved = _inspect(item(price=None), cause=DefectCause.NONE_FOUND)
    assert approved.outcome is InspectionOutcome.REFUND_APPROVED
    assert approved.obligations.refund_amount is None
    assert "item.price" in approved.missing
    assert "refund_amount_unknown" in [n.code for n in approved.obligations.notices]
    cancelled = POLICY.cancellation(cancellation(item=custom_item(price=None)))
    assert cancelled.outcome is CancellationOutcome.REFUNDABLE
    assert cancelled.missing == ("item.price",)
    priced = POLICY.cancellation(cancellation())
    assert priced.missing == ()


def test_an_unknown_shipping_cost_the_store_owes_is_named() -> None:
    """Class 5 (S4_COST): the store pays a confirmed defect's shipping; an unknown cost is named."""
    d = _inspect(cause=DefectCause.MANUFACTURING_DEFECT, return_shipping_cost=None)
    assert d.obligations.return_shipping_paid_by is ShippingPayer.STORE
    assert d.missing == ("return_shipping_cost",)


def test_an_unknown_shipping_cost_is_named_on_every_route_the_store_pays() -> None:
    """Class 5 (S4_COST): a refused return whose defect the team confirmed, a repair or
    replacement, a partial refund or store credit: the store owes the shipping, the unknown
    cost is named; when the customer pays, nothing is missing."""
    missing_box = replace(inspection().condition, original_packaging=False)
    refused = _inspect(
        line={"defect_confirmed": True},
        cause=DefectCause.MANUFACTURING_DEFECT,
        condition=missing_box,
        return_shipping_cost=None,
    )
    assert refused.outcome is InspectionOutcome.REFUND_REJECTED
    assert refused.missing == ("return_shipping_cost",)
    customer_pays = _inspect(condition=missing_box, return_shipping_cost=None)
    assert customer_pays.outcome is InspectionOutcome.REFUND_REJECTED
    assert customer_pays.missing == ()
    repair = POLICY.inspection(defect_inspection(return_shipping_cost=None))
    assert repair.outcome is InspectionOutcome.REPAIR_OR_REPLACE
    assert repair.missing == ("return_shipping_cost",)
    partial = POLICY.inspection(
        defect_inspection(
            return_shipping_cost=None, repair_possible=False, replacement_possible=False
        )
    )
    assert partial.outcome is InspectionOutcome.PARTIAL_REFUND_OR_STORE_CREDIT
    assert partial.missing == ("return_shipping_cost",)


# --- 8. outcomes follow a clause's role, never its id --------------------------------------


def test_the_remedy_follows_the_clauses_role() -> None:
    """Class 8 (S3_PARTIAL): the same check under a new id still selects partial refund or credit;
    a ladder clause that selects no outcome of the stage leaves the remedy to a person."""
    renamed = replace(defects.PARTIAL_REFUND_OR_CREDIT, id="acme.partial")
    policy = POLICY.replace_clause(defects.PARTIAL_REFUND_OR_CREDIT.id, renamed)
    case = defect_inspection(repair_possible=False, replacement_possible=False)
    assert policy.inspection(case).outcome is InspectionOutcome.PARTIAL_REFUND_OR_STORE_CREDIT
    anonymous = replace(defects.PARTIAL_REFUND_OR_CREDIT, id="acme.other", outcome=None)
    unknown = POLICY.replace_clause(defects.PARTIAL_REFUND_OR_CREDIT.id, anonymous)
    assert unknown.inspection(case).outcome is InspectionOutcome.NEEDS_REVIEW


def _rung(id: str, finding: Finding, outcome: str | None = None) -> Clause:
    """A store's remedy rung: passes or fails whatever the case, selecting ``outcome``."""
    check = {Finding.PASSED: _passes, Finding.FAILED: _fails}[finding]
    return Clause(id, "acme", "A remedy of the store's own.", id, check, outcome=outcome)


def _passes(ctx: Any) -> Check:
    return Check.passed("the store's remedy applies")


def _fails(ctx: Any) -> Check:
    return Check.failed("the store's remedy does not apply")


IRREPARABLE = defect_inspection(repair_possible=False, replacement_possible=False)


def test_a_store_rung_may_refund_a_claim_in_full() -> None:
    """Class 8 (S3_PARTIAL): a rung selecting `refund_approved` on a claim's route refunds the
    price, the store paying the return shipping of the confirmed defect (no crash)."""
    full = _rung("acme.full_refund", Finding.PASSED, "refund_approved")
    d = POLICY.replace_clause(defects.PARTIAL_REFUND_OR_CREDIT.id, full).inspection(IRREPARABLE)
    assert d.outcome is InspectionOutcome.REFUND_APPROVED
    assert d.obligations.refund_amount == IRREPARABLE.item.price
    assert d.obligations.return_shipping_paid_by is ShippingPayer.STORE


def _no_rung_applies() -> Policy:
    return POLICY.replace_clause(
        defects.PARTIAL_REFUND_OR_CREDIT.id, _rung("acme.goodwill", Finding.FAILED)
    )


def _a_remedy_condition_fails() -> Policy:
    return POLICY.with_rule("remedy_rule", _rung("acme.card", Finding.FAILED))


def _the_first_passing_rung_selects_none() -> Policy:
    goodwill = _rung("acme.goodwill", Finding.PASSED)
    return replace(POLICY, remedy_rule=AnyOf.of(goodwill, defects.REMEDY))


def _the_first_passing_rung_is_a_negation() -> Policy:
    # "not (a rung that fails)" passes; the failed rung inside it selects nothing.
    never = _rung("acme.never", Finding.FAILED, "repair_or_replace")
    return replace(POLICY, remedy_rule=AnyOf.of(~never, defects.REMEDY))


@pytest.mark.parametrize(
    ("ladder", "case"),
    [
        (_no_rung_applies, IRREPARABLE),
        (_a_remedy_condition_fails, IRREPARABLE),
        (_a_remedy_condition_fails, defect_inspection()),
        (_the_first_passing_rung_selects_none, defect_inspection()),
        (_the_first_passing_rung_is_a_negation, IRREPARABLE),
    ],
)
def test_a_ladder_that_selects_no_remedy_leaves_it_to_a_person(
    ladder: Callable[[], Policy], case: Inspection
) -> None:
    """Class 8 (S3_REPAIR, S3_PARTIAL): a confirmed defect is owed a remedy; when the ladder
    chooses none, a person decides: never a rejected refund, never a later rung's remedy."""
    assert POLICY.inspection(case).granted  # the text's own ladder chooses one
    assert ladder().inspection(case).outcome is InspectionOutcome.NEEDS_REVIEW


def test_a_failing_clause_that_names_an_outcome_still_refuses() -> None:
    """Class 8 (S1_SCOPE): a store's clause added to a return that fails refuses the item,
    whatever outcome it would select when passing: only a ladder's rungs select."""
    gift = _rung("acme.gift", Finding.FAILED, "eligible_pending_inspection")
    (d,) = POLICY.with_rule("return_rule", gift).return_request(return_request()).items
    assert d.outcome is ReturnOutcome.NOT_ELIGIBLE


CLAUSE_IDS = [c.id for c in POLICY.clauses()]


@given(any_complete_case, st.sampled_from(CLAUSE_IDS))
def test_a_clause_under_a_new_id_changes_no_outcome(case: Any, clause_id: str) -> None:
    """Property: swapping any clause for an equivalent one under a new id leaves every outcome."""
    (clause,) = [c for c in POLICY.clauses() if c.id == clause_id]
    renamed = POLICY.replace_clause(clause_id, replace(clause, id=f"merchant.{clause_id}"))
    before, after = POLICY.evaluate(case), renamed.evaluate(case)
    items_before = before.items if isinstance(before, OrderDecision) else (before,)
    items_after = after.items if isinstance(after, OrderDecision) else (after,)
    assert [d.outcome for d in items_before] == [d.outcome for d in items_after]
    assert [d.obligations for d in items_before] == [d.obligations for d in items_after]


# --- 9. the tools follow the policy ----------------------------------------------------------


def test_the_timeline_follows_a_removed_clause() -> None:
    """Class 9 (S2_MODIFIED): without s2.engraved an engraved piece is eligible, and the
    timeline's return deadline applies to it."""
    case = _returned(item(engraved=True))
    policy = POLICY.without_clause("s2.engraved")
    assert _one(policy.evaluate(case)).outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
    (last,) = [e for e in timeline(case, policy=policy) if e.key == "last_day_to_request_return"]
    assert last.applies
    (kept,) = [e for e in timeline(case, policy=POLICY) if e.key == "last_day_to_request_return"]
    assert not kept.applies
    assert "§2 excludes this piece" in kept.label


def test_no_deadline_is_drawn_where_no_version_applies() -> None:
    """Class 9: bought before the first version, the decision states no deadline, and
    neither does the timeline."""
    early = _returned(item(purchased_at=at("2024-12-01")))
    entries = timeline(early)
    assert [e.key for e in entries if e.kind.value != "event"] == []
    assert "delivered" in [e.key for e in entries]


def test_one_default_policy_for_every_tool() -> None:
    """Class 9: bought before 2025-01-12, the purchase falls under no known version: evaluate,
    timeline, how_to_qualify and the version they name agree by default."""
    early = _returned(item(purchased_at=at("2024-12-01")))
    d = _one(evaluate(early))
    assert d.outcome is ReturnOutcome.NEEDS_REVIEW
    (q,) = how_to_qualify(early)
    assert q.outcome is d.outcome
    assert [b.code for b in q.blockers] == ["no_policy_version_in_force"]
    entries = timeline(early)
    assert not any(e.kind.value == "refund" for e in entries)


VARIANTS = [
    POLICY,
    *(POLICY.without_clause(c.id) for c in POLICY.clauses() if c.section == "2" and c.final),
    default_policy(return_window_days=3),
    default_policy(return_window_days=14),
]


@given(complete_return_requests(max_items=1), st.sampled_from(VARIANTS))
def test_timeline_and_how_to_qualify_agree_with_evaluate(case: Any, policy: Any) -> None:
    """Property: under each §2 clause removed or a changed window, the timeline and how to
    qualify say what evaluate says about what is returnable and by when."""
    (d,) = _items(policy.evaluate(case))
    entries = timeline(case, d, policy=policy)
    (last,) = [e for e in entries if e.key == "last_day_to_request_return"]
    assert last.date == d.obligations.last_day_to_request_return or not d.granted
    if d.granted:
        assert last.applies
    if not last.applies:
        assert not d.granted
    (q,) = how_to_qualify(case, policy=policy)
    if q.blockers:
        assert not last.applies or any(b.code not in _FINAL_CODES for b in q.blockers)
    for s in q.suggestions:
        if s.code == "return_window_expired":
            assert (s.kind, s.deadline) == (FixKind.WOULD_HAVE, last.date)


def _items(result: Decision | OrderDecision) -> tuple[Decision, ...]:
    return result.items if isinstance(result, OrderDecision) else (result,)


# The blockers that stand for a final failure of a §1/§2 clause.
_FINAL_CODES = {c.code for c in POLICY.clauses() if c.final} | {"return_window_expired"}


@given(complete_exchanges())
def test_exchange_timeline_states_the_decisions_last_day(case: Any) -> None:
    """Property: an exchange's timeline draws the last day to request the decision states."""
    d = POLICY.evaluate(case)
    assert isinstance(d, Decision)
    (last,) = [e for e in timeline(case, d, policy=POLICY) if e.key == "last_day_to_request_return"]
    assert last.date == d.obligations.last_day_to_request_return
