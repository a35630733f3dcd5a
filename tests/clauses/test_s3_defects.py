"""§3 Manufacturing Defects & Repairs: the section's tables, properties and
mutation-killing tests.

The clauses of ``atlier_policy.clauses.defects`` (``s3.*``): a damaged or defective
piece reported within 3 days of delivery, by e-mail, with clear photos (the defect
claim, and the claim judged again at the inspection); the causes not covered; the
remedy ladder, free repair or replacement, else partial refund or store credit. Each
row of a table names the sentence it exercises (tests/tables.py); the fix rows say how
``how_to_qualify`` lifts each reason (tests/qualify_laws.py).
"""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atlier_policy import NOT_YET, DefectClaim, default_policy
from atlier_policy.cases import DefectCause, DefectKind, ItemKind, NoticeChannel
from atlier_policy.decision import DefectClaimOutcome, InspectionOutcome
from atlier_policy.qualify import FixKind, how_to_qualify
from atlier_policy.rules import Finding
from builders import UNKNOWN_DELIVERY, at, defect_claim, defect_inspection, inspection, item
from qualify_laws import FIX_ROW, check_fix, one, only_suggestion
from strategies import complete_defect_claims
from tables import (
    S3_EXCLUSIONS,
    S3_NOTICE,
    S3_PARTIAL,
    S3_REPAIR,
    check_row,
    reason_of,
    said,
    table,
)

POLICY = default_policy()

# --- the decisions, stage by stage -----------------------------------------------------

ACC = DefectClaimOutcome.ACCEPTED_PENDING_INSPECTION

DEFECT_ROWS = [
    (
        "day 3",
        S3_NOTICE,
        defect_claim(reported_at=at("2025-03-06", 23), photos_sent_at=at("2025-03-06", 23)),
        ACC,
        ("s3.notice_window",),
    ),
    (
        "day 4",
        S3_NOTICE,
        defect_claim(reported_at=at("2025-03-07", 0), photos_sent_at=at("2025-03-07", 1)),
        DefectClaimOutcome.NOT_COVERED,
        ("s3.notice_window",),
    ),
    (
        "arrived damaged",
        S3_NOTICE,
        defect_claim(kind=None),
        DefectClaimOutcome.INCOMPLETE,
        ("s3.defect_kind",),
    ),
    (
        "no photos yet, days still running",
        S3_NOTICE,
        defect_claim(photos_sent_at=NOT_YET, as_of=at("2025-03-05")),
        DefectClaimOutcome.INCOMPLETE,
        ("s3.photos",),
    ),
    (
        "no photos after the 3 days",
        S3_NOTICE,
        defect_claim(photos_sent_at=NOT_YET, as_of=at("2025-03-07")),
        DefectClaimOutcome.NOT_COVERED,
        ("s3.photos",),
    ),
    (
        "photos after the 3 days",
        S3_NOTICE,
        defect_claim(photos_sent_at=at("2025-03-07")),
        DefectClaimOutcome.NOT_COVERED,
        ("s3.photos",),
    ),
    (
        "notified by phone",
        S3_NOTICE,
        defect_claim(channel=NoticeChannel.OTHER),
        DefectClaimOutcome.INCOMPLETE,
        ("s3.notice_by_email",),
    ),
    (
        "custom piece (covered by default)",
        S3_NOTICE,
        defect_claim(item=item(kind=ItemKind.CUSTOM_MADE)),
        ACC,
        ("s3.covered_piece",),
    ),
    (
        "delivery unknown",
        S3_NOTICE,
        defect_claim(item=item(delivered_at=None, purchased_at=None)),
        DefectClaimOutcome.NEEDS_REVIEW,
        ("s3.notice_window",),
    ),
]


@table(DEFECT_ROWS)
def test_defect_claim(sentence: str, case: Any, outcome: Any, clauses: tuple[str, ...]) -> None:
    """Stage 2: the 3-day notice by e-mail with photos (§3)."""
    check_row(POLICY.defect_claim(case), outcome, clauses, sentence)


def test_incomplete_defect_claim_says_by_when() -> None:
    """A claim without photos is incomplete and names the last day to send them."""
    d = POLICY.defect_claim(defect_claim(photos_sent_at=NOT_YET))
    assert d.missing == ("photos_sent_at",)
    assert "needed by 2025-03-06" in d.reasons[0].message
    assert d.obligations.return_shipping_paid_by is None


def test_custom_piece_excluded_when_configured() -> None:
    """With defect_remedy_covers_custom=False a custom piece's defect claim is not covered."""
    p = default_policy(defect_remedy_covers_custom=False)
    d = p.defect_claim(defect_claim(item=item(kind=ItemKind.CUSTOM_MADE)))
    assert d.outcome is DefectClaimOutcome.NOT_COVERED
    assert [r.clause_id for r in d.reasons] == ["s3.covered_piece"]


def test_custom_exclusion_needs_known_kind() -> None:
    """With custom pieces excluded from the defect remedy, a piece of unknown kind needs review."""
    policy = default_policy(defect_remedy_covers_custom=False)
    assert (
        policy.defect_claim(defect_claim(item=item(kind=None))).outcome
        is DefectClaimOutcome.NEEDS_REVIEW
    )
    assert (
        policy.defect_claim(defect_claim()).outcome
        is DefectClaimOutcome.ACCEPTED_PENDING_INSPECTION
    )


# "Incomplete" only while the customer can still act (seam class 7 of tests/test_seams.py).


CURE_ROWS = [
    # (id, claim, outcome, code)
    (
        "by phone on day 1, judged on day 2: e-mail by day 3",
        defect_claim(channel=NoticeChannel.OTHER, as_of=at("2025-03-05")),
        DefectClaimOutcome.INCOMPLETE,
        "defect_notice_email",
    ),
    (
        "by phone on day 1, judged on day 10: not covered",
        defect_claim(channel=NoticeChannel.OTHER, as_of=at("2025-03-13")),
        DefectClaimOutcome.NOT_COVERED,
        "defect_notice_not_by_email",
    ),
    (
        "channel unknown, judged on day 10: review",
        defect_claim(channel=None, as_of=at("2025-03-13")),
        DefectClaimOutcome.NEEDS_REVIEW,
        "defect_notice_channel_unknown",
    ),
    (
        "kind not said, judged on day 2: tell us by day 3",
        defect_claim(kind=None, as_of=at("2025-03-05")),
        DefectClaimOutcome.INCOMPLETE,
        "defect_kind",
    ),
    (
        "kind not said, judged on day 10: review",
        defect_claim(kind=None, as_of=at("2025-03-13")),
        DefectClaimOutcome.NEEDS_REVIEW,
        "defect_kind_unknown",
    ),
]


@table(CURE_ROWS, ("claim", "outcome", "code"))
def test_incomplete_only_while_the_customer_can_act(
    claim: Any, outcome: DefectClaimOutcome, code: str
) -> None:
    """Class 7 of tests/test_seams.py (S3_NOTICE): what can no longer be sent in time is not "incomplete"."""
    d = POLICY.defect_claim(claim)
    assert d.outcome is outcome, str(d)
    (reason,) = [r for r in d.reasons if r.code == code]
    assert reason.sentence == S3_NOTICE


def test_what_the_notice_lacks_is_named_for_review_past_the_three_days() -> None:
    """Class 7 of tests/test_seams.py (S3_NOTICE): judged on day 10, an unknown kind, channel or
    photos each needs review with its own code and the day judged; no one asks the customer
    for them any more."""
    late = at("2025-03-13")
    kind = POLICY.defect_claim(defect_claim(kind=None, as_of=late))
    assert said(kind, "s3.defect_kind") == (
        "defect_kind_unknown",
        "the claim does not say whether the piece arrived damaged or is defective",
        (("as_of", "2025-03-13"),),
        ("kind",),
    )
    channel = POLICY.defect_claim(defect_claim(channel=None, as_of=late))
    assert said(channel, "s3.notice_by_email") == (
        "defect_notice_channel_unknown",
        "not known whether the customer notified us by e-mail to support@atlierjewelry.com in time",
        (("channel", "unknown"), ("as_of", "2025-03-13")),
        ("channel",),
    )
    photos = POLICY.defect_claim(defect_claim(photos_sent_at=None, as_of=late))
    assert said(photos, "s3.photos") == (
        "defect_photos_unknown",
        "not known whether clear photos reached us by the last day to report 2025-03-06",
        (("last_day_to_report", "2025-03-06"), ("as_of", "2025-03-13")),
        ("photos_sent_at",),
    )
    for d in (kind, channel, photos):
        assert d.outcome is DefectClaimOutcome.NEEDS_REVIEW


def test_on_the_last_day_to_report_the_customer_can_still_complete_the_notice() -> None:
    """Class 7 of tests/test_seams.py (S3_NOTICE "within 3 days of delivery"): judged on day 3
    itself, a missing kind or a notice by phone is still incomplete, with the day to act by;
    with no delivery date (no last day) the e-mail is still asked for."""
    last_day = at("2025-03-06", 22)
    kind = POLICY.defect_claim(defect_claim(kind=None, as_of=last_day))
    assert kind.outcome is DefectClaimOutcome.INCOMPLETE
    assert said(kind, "s3.defect_kind") == (
        "defect_kind",
        "the claim does not say whether the piece arrived damaged or is defective: "
        "tell us by 2025-03-06",
        (("last_day_to_report", "2025-03-06"),),
        ("kind",),
    )
    phone = POLICY.defect_claim(defect_claim(channel=NoticeChannel.OTHER, as_of=last_day))
    assert phone.outcome is DefectClaimOutcome.INCOMPLETE
    assert said(phone, "s3.notice_by_email")[:2] == (
        "defect_notice_email",
        "the notice must be sent by e-mail to support@atlierjewelry.com by 2025-03-06",
    )
    undated = POLICY.defect_claim(
        defect_claim(channel=NoticeChannel.OTHER, item=item(delivered_at=None))
    )
    assert said(undated, "s3.notice_by_email")[:2] == (
        "defect_notice_email",
        "the notice must be sent by e-mail to support@atlierjewelry.com",
    )


INSPECTION_ROWS = [
    (
        "repair possible",
        S3_REPAIR,
        defect_inspection(),
        InspectionOutcome.REPAIR_OR_REPLACE,
        ("s3.repair_or_replace",),
    ),
    (
        "replacement only",
        S3_REPAIR,
        defect_inspection(repair_possible=False),
        InspectionOutcome.REPAIR_OR_REPLACE,
        ("s3.repair_or_replace",),
    ),
    (
        "neither possible",
        S3_PARTIAL,
        defect_inspection(repair_possible=False, replacement_possible=False),
        InspectionOutcome.PARTIAL_REFUND_OR_STORE_CREDIT,
        ("s3.partial_refund_or_credit",),
    ),
    (
        "remedy unknown",
        S3_REPAIR,
        defect_inspection(repair_possible=None, replacement_possible=False),
        InspectionOutcome.NEEDS_REVIEW,
        ("s3.repair_or_replace",),
    ),
    *[
        (
            cause.value,
            S3_EXCLUSIONS,
            defect_inspection(cause=cause),
            InspectionOutcome.REFUND_REJECTED,
            ("s3.cause_covered",),
        )
        for cause in (
            DefectCause.MISUSE,
            DefectCause.ACCIDENT,
            DefectCause.WEAR_AND_TEAR,
            DefectCause.NONE_FOUND,
        )
    ],
    (
        "cause not recorded",
        S3_EXCLUSIONS,
        defect_inspection(cause=None),
        InspectionOutcome.NEEDS_REVIEW,
        ("s3.cause_covered",),
    ),
    (
        "arrived damaged confirmed",
        S3_NOTICE,
        defect_inspection(cause=DefectCause.ARRIVED_DAMAGED),
        InspectionOutcome.REPAIR_OR_REPLACE,
        ("s3.cause_covered",),
    ),
]


@table(INSPECTION_ROWS)
def test_inspection(sentence: str, case: Any, outcome: Any, clauses: tuple[str, ...]) -> None:
    """Stage 4: the quality team's findings decide refund, rejection or remedy."""
    check_row(POLICY.inspection(case), outcome, clauses, sentence)


def test_partial_refund_has_window_but_no_amount() -> None:
    """§3 (S3_PARTIAL): the partial refund option has the §4 window and the store's amount; store credit has neither."""
    d = POLICY.inspection(defect_inspection(repair_possible=False, replacement_possible=False))
    partial, credit = d.obligations.options
    assert (partial.code, partial.refund_to) == ("partial_refund", "original payment method")
    assert (partial.refund_earliest, partial.refund_latest) == (
        date(2025, 3, 25),
        date(2025, 3, 28),
    )
    assert (credit.code, credit.refund_to, credit.refund_earliest) == ("store_credit", None, None)
    assert d.obligations.refund_amount is None
    assert d.obligations.refund_to is None  # the store has not chosen: nothing is promised


def test_partial_refund_or_store_credit_says_what_each_means() -> None:
    """Class 6 of tests/test_seams.py (S3_PARTIAL, S4_WINDOW): the refund goes to the original payment method within
    the window; store credit is credit with the store; nothing is promised before the choice."""
    d = POLICY.inspection(defect_inspection(repair_possible=False, replacement_possible=False))
    assert d.outcome is InspectionOutcome.PARTIAL_REFUND_OR_STORE_CREDIT
    ob = d.obligations
    assert (ob.refund_to, ob.refund_earliest, ob.refund_latest) == (None, None, None)
    refund, credit = ob.options
    assert refund.refund_to == "original payment method"
    assert refund.refund_earliest is not None
    assert credit.refund_to is None
    assert "credit with the store" in credit.message
    assert {refund.clause_id, credit.clause_id} == {"s3.partial_refund_or_credit"}
    repair = POLICY.inspection(defect_inspection(replacement_possible=False))
    assert [o.code for o in repair.obligations.options] == ["repair"]


# --- mutation-killing tests (docs/quality.md, "Mutation testing") ---------------------


def test_defect_claim_must_say_damaged_or_defective() -> None:
    """§3 "arrives damaged or contains a manufacturing defect": a claim saying neither is incomplete."""
    decision = POLICY.defect_claim(defect_claim(kind=None))
    assert decision.outcome is DefectClaimOutcome.INCOMPLETE
    reason = reason_of(decision, "s3.defect_kind")
    assert reason.message == (
        "the claim does not say whether the piece arrived damaged or is defective: "
        "tell us by 2025-03-06"
    )
    assert reason.missing == ("kind",)


def test_defect_notice_counts_from_the_new_york_delivery_date() -> None:
    """§3: a piece delivered late on 3 March in New York (4 March UTC) must be reported by 6 March."""
    late_evening = datetime(2025, 3, 4, 3, 30, tzinfo=UTC)  # 22:30 on 3 March in New York
    claim = defect_claim(
        item=item(purchased_at=at("2025-02-27"), delivered_at=late_evening),
        reported_at=at("2025-03-07"),
        photos_sent_at=at("2025-03-07"),
    )
    decision = POLICY.defect_claim(claim)
    assert decision.obligations.last_day_to_report_defect == date(2025, 3, 6)
    assert decision.outcome is DefectClaimOutcome.NOT_COVERED
    assert reason_of(decision, "s3.notice_window").facts == (
        ("delivered", "2025-03-03"),
        ("last_day_to_report", "2025-03-06"),
        ("reported", "2025-03-07"),
    )


def test_photos_can_still_come_late_on_the_last_new_york_day() -> None:
    """§3: a claim without photos made at 22:00 New York time on day 3 is still incomplete, not refused."""
    last_evening = datetime(2025, 3, 7, 3, 0, tzinfo=UTC)  # 6 March, 22:00 in New York
    claim = defect_claim(reported_at=last_evening, photos_sent_at=NOT_YET)
    decision = POLICY.defect_claim(claim)
    assert decision.outcome is DefectClaimOutcome.INCOMPLETE
    reason = reason_of(decision, "s3.photos")
    assert reason.facts == (("last_day_to_report", "2025-03-06"), ("as_of", "2025-03-06"))


def test_defect_remedy_for_custom_pieces_when_the_terms_exclude_them() -> None:
    """§3 read narrowly (defect_remedy_covers_custom=False): custom or modified pieces are not covered."""
    narrow = default_policy(defect_remedy_covers_custom=False)
    covered = narrow.defect_claim(defect_claim())
    assert covered.outcome is DefectClaimOutcome.ACCEPTED_PENDING_INSPECTION
    reason = reason_of(covered, "s3.covered_piece")
    assert reason.message == "a ready-made, unmodified piece: covered by the defect remedy"
    assert reason.facts == (("custom", "no"),)
    for piece in (item(kind=ItemKind.CUSTOM_MADE), item(engraved=True), item(resized=True)):
        refused = narrow.defect_claim(defect_claim(item=piece))
        assert refused.outcome is DefectClaimOutcome.NOT_COVERED
        reason = reason_of(refused, "s3.covered_piece")
        assert reason.message == "custom or modified pieces are excluded from the defect remedy"
        assert reason.facts == (("custom", "yes"),)
    unknown = narrow.defect_claim(defect_claim(item=item(kind=None)))
    assert unknown.outcome is DefectClaimOutcome.NEEDS_REVIEW
    reason = reason_of(unknown, "s3.covered_piece")
    assert reason.message == "not known whether the piece is custom or modified"
    assert reason.missing == ("item.kind",)
    for flag in ("personalized", "engraved", "resized", "altered"):
        unknown = narrow.defect_claim(defect_claim(item=item(**{flag: None})))
        assert unknown.outcome is DefectClaimOutcome.NEEDS_REVIEW
        assert reason_of(unknown, "s3.covered_piece").missing == (f"item.{flag}",)
    unknown = narrow.defect_claim(defect_claim(item=item(kind=None, engraved=None)))
    assert reason_of(unknown, "s3.covered_piece").missing == ("item.kind", "item.engraved")


def test_a_defect_claim_is_judged_again_as_of_the_inspection() -> None:
    """§3: photos still missing when the team inspects, after the 3 days, mean not covered."""
    claim = defect_claim(photos_sent_at=NOT_YET)  # reported on 4 March, in time, without photos
    assert POLICY.defect_claim(claim).outcome is DefectClaimOutcome.INCOMPLETE
    decision = POLICY.inspection(inspection(claim, cause=DefectCause.MANUFACTURING_DEFECT))
    assert decision.outcome is InspectionOutcome.REFUND_REJECTED
    assert "defect_photos_missing" in {r.code for r in decision.reasons}


def test_inspection_needs_a_cause_before_a_defect_remedy() -> None:
    """§3 exclusions: until the quality team records a cause, the defect route needs review."""
    decision = POLICY.inspection(defect_inspection(cause=None))
    assert decision.outcome is InspectionOutcome.NEEDS_REVIEW
    reason = reason_of(decision, "s3.cause_covered")
    assert reason.message == "the quality team has not recorded a cause"
    assert reason.missing == ("cause",)
    assert reason.facts == (("cause", "unknown"),)
    assert decision.missing == ("cause",)
    # §4: the customer still gets the e-mail about the approval or rejection.
    assert [n.code for n in decision.obligations.notices] == ["decision_email"]


def test_remedy_reason_says_which_free_remedy_is_possible() -> None:
    """§3 "Free repair or replacement": the reason says whether repair or replacement is offered."""
    for repair, replacement, what in [
        (True, False, "repair"),
        (True, True, "repair"),
        (False, True, "replacement"),
    ]:
        decision = POLICY.inspection(
            defect_inspection(repair_possible=repair, replacement_possible=replacement)
        )
        assert decision.outcome is InspectionOutcome.REPAIR_OR_REPLACE
        reason = reason_of(decision, "s3.repair_or_replace")
        assert reason.message == f"free {what} is possible"
        assert reason.facts == (
            ("repair_possible", "yes" if repair else "no"),
            ("replacement_possible", "yes" if replacement else "no"),
        )


def test_remedy_waits_for_the_team_to_say_whether_repair_or_replacement_is_possible() -> None:
    """§3: the remedy ladder cannot be climbed while repair or replacement is undetermined."""
    for repair, replacement, missing in [
        (None, None, ("repair_possible", "replacement_possible")),
        (False, None, ("replacement_possible",)),
        (None, False, ("repair_possible",)),
    ]:
        decision = POLICY.inspection(
            defect_inspection(repair_possible=repair, replacement_possible=replacement)
        )
        assert decision.outcome is InspectionOutcome.NEEDS_REVIEW
        assert decision.missing == missing
        reason = reason_of(decision, "s3.repair_or_replace")
        assert reason.message == "not known whether repair or replacement is possible"
        assert reason.missing == missing


def test_without_the_partial_refund_rung_an_irreparable_piece_goes_to_review() -> None:
    """§3 ladder as a variant without its second rung: the reason says neither remedy is possible."""
    policy = default_policy().without_clause("s3.partial_refund_or_credit")
    decision = policy.inspection(
        defect_inspection(repair_possible=False, replacement_possible=False)
    )
    assert decision.outcome is InspectionOutcome.NEEDS_REVIEW
    reason = reason_of(decision, "s3.repair_or_replace")
    assert reason.finding is Finding.FAILED
    assert reason.message == "neither repair nor replacement is possible"
    assert reason.facts == (("repair_possible", "no"), ("replacement_possible", "no"))


def test_partial_refund_remedy_survives_pickling_the_policy() -> None:
    """§3: a policy copied to another process still offers partial refund when repair and replacement are impossible."""
    clone = pickle.loads(pickle.dumps(POLICY))
    case = defect_inspection(repair_possible=False, replacement_possible=False)
    assert clone.inspection(case).outcome is InspectionOutcome.PARTIAL_REFUND_OR_STORE_CREDIT
    assert POLICY.inspection(case).outcome is InspectionOutcome.PARTIAL_REFUND_OR_STORE_CREDIT


# --- properties -------------------------------------------------------------------------


@given(complete_defect_claims(), st.integers(min_value=0, max_value=10 * 24))
def test_monotone_in_report_time(case: DefectClaim, hours_later: int) -> None:
    """A later report (photos and evaluation moving with it) never turns a refusal into acceptance."""
    shift = timedelta(hours=hours_later)
    later = DefectClaim(
        order_id=case.order_id,
        item=case.item,
        reported_at=case.reported_at + shift,
        kind=case.kind,
        channel=case.channel,
        photos_sent_at=(
            case.photos_sent_at + shift
            if isinstance(case.photos_sent_at, datetime)
            else case.photos_sent_at
        ),
        as_of=case.as_of and case.as_of + shift,
    )
    assert POLICY.evaluate(case).granted or not POLICY.evaluate(later).granted


# --- how to qualify: each clause's fix ------------------------------------------------

SAME_DAY = default_policy(defect_notice_days=0)  # a store that wants notice on the day itself
EVENING = item(delivered_at=at("2025-03-03", 18))


def test_a_late_report_is_never_moved_before_the_delivery() -> None:
    """§3 with 0 days to report: the report that would have been in time is on the delivery
    day, not before the delivery itself (18:00), and so are the photos that go with it."""
    late = defect_claim(item=EVENING, reported_at=at("2025-03-05"), photos_sent_at=NOT_YET)
    (q,) = how_to_qualify(late, policy=SAME_DAY)
    moved = {c.path: c.new for s in q.suggestions for c in s.changes}
    assert moved["reported_at"] == at("2025-03-03", 18)
    assert moved["photos_sent_at"] == at("2025-03-03", 18)
    assert {s.deadline for s in q.suggestions} == {date(2025, 3, 3)}


def test_a_notice_by_email_passes_naming_its_channel() -> None:
    """§3 "notify us ... at support@atlierjewelry.com": an e-mail notice passes, and says so."""
    d = POLICY.defect_claim(defect_claim())
    reason = reason_of(d, "s3.notice_by_email")
    assert reason.finding is Finding.PASSED
    assert reason.facts == (("channel", "email"),)
    assert reason.message == "notified by e-mail to support@atlierjewelry.com"


def test_missing_photos_send_by_the_last_day() -> None:
    """§3: a claim without photos while the 3 days run: send photos by delivery + 3."""
    q = one(defect_claim(photos_sent_at=NOT_YET))
    message, kind, changes = only_suggestion(q)
    assert message.startswith("send clear photos of the issue to support@atlierjewelry.com")
    assert "by 2025-03-06 to complete the defect claim" in message
    assert kind is FixKind.ACT
    assert set(changes) == {"photos_sent_at"}
    assert q.outcome.value == "incomplete"
    assert q.outcome_if_changed is not None
    assert q.outcome_if_changed.value == ("accepted_pending_inspection")


def test_late_notice_by_another_channel_is_not_asked_by_a_past_date() -> None:
    """§3: reported by phone on 2025-03-09, after the last day (2025-03-06): the e-mail
    notice is what *would have* been in time, not something to do by a past date."""
    q = one(defect_claim(reported_at=at("2025-03-09"), channel=NoticeChannel.OTHER))
    (s,) = [s for s in q.suggestions if s.code == "defect_notice_not_by_email"]
    assert s.kind is FixKind.WOULD_HAVE
    assert s.message == (
        "a notice by e-mail to support@atlierjewelry.com by 2025-03-06 would have been in time"
    )


def test_photos_never_suggested_before_the_report() -> None:
    """§3: reported at 18:00 on the last day without photos: photos by that day, not before
    the report (noon would precede it)."""
    reported = at("2025-03-06", 18)
    q = one(defect_claim(reported_at=reported, photos_sent_at=NOT_YET))
    (s,) = q.suggestions
    (change,) = s.changes
    assert change.new == reported
    assert q.outcome_if_changed is not None
    assert q.outcome_if_changed.value == "accepted_pending_inspection"


NARROW = default_policy(defect_remedy_covers_custom=False)  # §3 for ready-made pieces only

FIX_ROWS: list[tuple[str, Any, str, FixKind | None, str]] = [
    # (id, case, reason code, kind or None for a blocker, a fragment of the message)
    ("claim kind unknown", defect_claim(kind=None), "defect_kind", FixKind.ACT, "arrived damaged"),
    (
        "claim by phone",
        defect_claim(channel=NoticeChannel.OTHER),
        "defect_notice_email",
        FixKind.ACT,
        "by e-mail to support@atlierjewelry.com by 2025-03-06",
    ),
    (
        "claim late",
        defect_claim(reported_at=at("2025-03-08"), photos_sent_at=at("2025-03-05")),
        "defect_notice_late",
        FixKind.WOULD_HAVE,
        "reported by 2025-03-06",
    ),
    (
        "claim delivery unknown",
        defect_claim(item=item(**UNKNOWN_DELIVERY)),
        "defect_notice",
        FixKind.RECORD,
        "record the delivery date",
    ),
    (
        "claim by phone, delivery unknown",
        defect_claim(item=item(**UNKNOWN_DELIVERY), channel=None),
        "defect_notice_email",
        FixKind.ACT,
        "by e-mail to support@atlierjewelry.com",
    ),
    (
        "claim by phone on the last day",
        defect_claim(reported_at=at("2025-03-06"), channel=NoticeChannel.OTHER),
        "defect_notice_email",
        FixKind.ACT,  # the last day is still a day to act on
        "send the notice by e-mail to support@atlierjewelry.com by 2025-03-06",
    ),
    (
        "claim by phone in time, judged after the last day",
        defect_claim(channel=NoticeChannel.OTHER, as_of=at("2025-03-09")),
        "defect_notice_not_by_email",
        FixKind.WOULD_HAVE,
        "a notice by e-mail to support@atlierjewelry.com by 2025-03-06 would have been in time",
    ),
    (
        "channel unknown, judged after the last day",
        defect_claim(channel=None, as_of=at("2025-03-09")),
        "defect_notice_channel_unknown",
        FixKind.RECORD,
        "record how the customer notified us: a notice by e-mail to "
        "support@atlierjewelry.com by 2025-03-06 is in time",
    ),
    (
        "return inspected, misuse found",
        inspection(cause=DefectCause.MISUSE),
        "damage_not_covered",
        None,
        "the quality team's finding stands",
    ),
    (
        "return inspected, nothing recorded",
        inspection(cause=None),
        "inspection_cause",
        FixKind.RECORD,
        "the quality team must record what it found",
    ),
    (
        "photos late",
        defect_claim(photos_sent_at=at("2025-03-09")),
        "defect_photos_late",
        FixKind.WOULD_HAVE,
        "photos sent by 2025-03-06",
    ),
    (
        "photos missing",
        defect_claim(photos_sent_at=NOT_YET, as_of=at("2025-03-09")),
        "defect_photos_missing",
        FixKind.WOULD_HAVE,
        "photos sent by 2025-03-06",
    ),
    (
        "custom defect",
        (defect_claim(item=item(kind=ItemKind.CUSTOM_MADE)), NARROW),
        "defect_covered_piece",
        None,
        "custom-made or modified",
    ),
    (
        "custom defect unknown, delivery unknown",
        (defect_claim(item=item(kind=None, **UNKNOWN_DELIVERY)), NARROW),
        "defect_covered_piece",
        FixKind.RECORD,
        "ready-made, unmodified",
    ),
    (
        "engraving unknown, defect",
        (defect_claim(item=item(engraved=None)), NARROW),
        "defect_covered_piece",
        FixKind.RECORD,
        "ready-made, unmodified",
    ),
    (
        "custom defect unknown",
        (defect_claim(item=item(kind=None, engraved=None)), NARROW),
        "defect_covered_piece",
        FixKind.RECORD,
        "ready-made, unmodified",
    ),
    (
        "no defect found",
        defect_inspection(cause=DefectCause.NONE_FOUND),
        "no_defect_found",
        None,
        "finding stands",
    ),
    (
        "misuse",
        defect_inspection(cause=DefectCause.MISUSE),
        "damage_not_covered",
        None,
        "finding stands",
    ),
    (
        "cause unknown",
        defect_inspection(cause=None),
        "defect_cause",
        FixKind.RECORD,
        "record the cause",
    ),
    (
        "cause unknown, arrived damaged",
        inspection(defect_claim(kind=DefectKind.ARRIVED_DAMAGED), cause=None, repair_possible=True),
        "defect_cause",
        FixKind.RECORD,
        "record the cause",
    ),
    (
        "remedy unknown",
        defect_inspection(repair_possible=None, replacement_possible=None),
        "repair_or_replace",
        FixKind.RECORD,
        "partial refund",
    ),
    (
        "claim photos at inspection",
        inspection(
            defect_claim(photos_sent_at=NOT_YET),
            inspected_at=at("2025-03-05"),
            cause=DefectCause.MANUFACTURING_DEFECT,
            repair_possible=True,
        ),
        "defect_photos",
        FixKind.ACT,
        "send clear photos",
    ),
    (
        "inspected, cause unknown",
        inspection(cause=None),
        "inspection_cause",
        FixKind.RECORD,
        "the quality team must record what it found",
    ),
    (
        "claim channel unknown after the days",
        defect_claim(channel=None, as_of=at("2025-03-13")),
        "defect_notice_channel_unknown",
        FixKind.RECORD,
        "record how the customer notified us",
    ),
    (
        "photos unknown after the days",
        defect_claim(photos_sent_at=None, as_of=at("2025-03-09")),
        "defect_photos_unknown",
        FixKind.RECORD,
        "record whether clear photos reached us",
    ),
    (
        "kind unknown after the days",
        defect_claim(kind=None, as_of=at("2025-03-09")),
        "defect_kind_unknown",
        FixKind.RECORD,
        "the support team must read the notice",
    ),
]


@table(FIX_ROWS, FIX_ROW)
def test_each_reason(
    case: Any, code: str, kind: FixKind | None, fragment: str, request: pytest.FixtureRequest
) -> None:
    """Each §3 reason code gets its suggestion (with its kind) or its blocker, in plain words."""
    check_fix(case, code, kind, fragment, ("s3", request.node.callspec.id))


def test_notice_days_both_come_from_the_evaluation_zone() -> None:
    """§3 "within 3 days of delivery": the delivery day and the last day to report are
    both days of the zone the rule is evaluated in. Delivered 22:30 in New York on
    2025-03-03 is 2025-03-04 in UTC: a rule evaluated in UTC counts from the 4th, so a
    report at noon New York time on the 7th is in time (the last day computed in the
    terms' zone, the 6th, would have refused it)."""
    from atlier_policy.clauses.defects import NOTICE_WINDOW
    from atlier_policy.rules import Context

    terms = default_policy().terms
    claim = defect_claim(
        item=item(delivered_at=at("2025-03-03", 22).replace(minute=30)),
        reported_at=at("2025-03-07"),
    )
    check = NOTICE_WINDOW.check(Context(claim, terms, terms.calendar, UTC))
    assert check.finding is Finding.PASSED
    assert check.message == (
        "reported in time: delivered 2025-03-04, last day to report 2025-03-07, reported 2025-03-07"
    )
    in_store = NOTICE_WINDOW.check(Context(claim, terms, terms.calendar, terms.tz))
    assert in_store.finding is Finding.FAILED
    assert "delivered 2025-03-03, last day to report 2025-03-06" in in_store.message
