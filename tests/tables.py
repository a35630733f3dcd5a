"""What the clause tables share: the sentences they quote, and the checks of a row.

The sentences are copied from the policy text, not taken from the clauses, so that a
clause quoting the wrong sentence fails its table. A row of a table names the sentence
it exercises; ``check_row`` asserts the outcome, the clauses among the reasons and,
for a decision that does not grant, that those reasons quote the row's sentence.
"""

from __future__ import annotations

from typing import Any

import pytest

from atlier_policy import default_policy
from atlier_policy.decision import Decision, OrderDecision, ReturnOutcome

# §1 Eligibility for Returns
S1_SCOPE = "We accept returns for ready-made jewelry purchased directly from our website under the following conditions:"
S1_WINDOW = "The item must be returned within 7 days of delivery."
S1_CONDITION = "The jewelry must be unused, unworn, and in its original packaging, with all certificates, tags, and accessories included."
S1_PROOF = "Proof of purchase (order confirmation or invoice) is required."
S1_APPROVAL = "If your return meets the above conditions, we will issue a refund or exchange after the returned item has been inspected and approved by our quality team."
# §2 Non-Returnable & Non-Refundable Items
S2_CUSTOM = "Custom-made or personalized jewelry, including any item made to your specifications or modified from its original design."
S2_MODIFIED = "Engraved, resized, or altered items."
S2_SALE = (
    "Items purchased during special sales, promotions, or clearance events (unless defective)."
)
S2_PRODUCTION = "Custom jewelry orders are non-refundable once production has begun."
# §3 Manufacturing Defects & Repairs
S3_NOTICE = "If your jewelry arrives damaged or contains a manufacturing defect, please notify us within 3 days of delivery at support@atlierjewelry.com with clear photos of the issue."
S3_REPAIR = "Free repair or replacement of the defective item."
S3_PARTIAL = "Partial refund or store credit, if repair or replacement is not possible."
S3_EXCLUSIONS = (
    "Damage caused by misuse, accidents, or normal wear and tear is not covered under this policy."
)
# §4 Return Shipping Instructions
S4_COST = "Customers are responsible for the return shipping cost, except in cases of a confirmed defect or error on our part."
S4_LOST = "We recommend using insured, trackable shipping when returning items, as Atlier Jewelry cannot be held responsible for lost packages."
S4_WINDOW = (
    "Approved refunds will be processed within 7–10 business days to your original payment method."
)
# §5 Exchanges
S5_CONTACT = "If you wish to exchange an eligible item for another product, please contact us before returning it."
S5_TERMS = (
    "Exchange requests are accepted based on product availability and price differences (if any)."
)

ROW = ("sentence", "case", "outcome", "clauses")

# The return tables' outcomes, short.
ELIG = ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
NOT = ReturnOutcome.NOT_ELIGIBLE
INC = ReturnOutcome.INCOMPLETE
REV = ReturnOutcome.NEEDS_REVIEW

POLICY = default_policy()


def table(rows: list[tuple[Any, ...]], names: tuple[str, ...] = ROW) -> pytest.MarkDecorator:
    """Parametrize a test by a table whose rows start with their id."""
    return pytest.mark.parametrize(names, [r[1:] for r in rows], ids=[r[0] for r in rows])


def decided(decision: Any) -> Decision:
    """The decision of a case of one item: an order's first line, or the decision itself."""
    return decision.items[0] if hasattr(decision, "items") else decision


def decisions(result: Decision | OrderDecision) -> tuple[Decision, ...]:
    """Every item's decision: an order's lines, or the one decision."""
    return result.items if isinstance(result, OrderDecision) else (result,)


def check_row(decision: Decision, outcome: Any, clauses: tuple[str, ...], sentence: str) -> None:
    """The row's outcome, its clauses among the reasons, its sentence quoted by a refusal."""
    assert decision.outcome is outcome, str(decision)
    ids = [r.clause_id for r in decision.reasons]
    for clause_id in clauses:
        assert clause_id in ids, f"{clause_id} not among {ids}"
    if clauses and not decision.granted:
        # The sentence the row exercises is quoted by the reason it gives.
        assert sentence in {r.sentence for r in decision.reasons if r.clause_id in clauses}


def return_line(request: Any) -> Any:
    """The decision of a return request's one line, under the text's policy."""
    (decision,) = POLICY.return_request(request).items
    return decision


def reason_of(decision: Any, clause_id: str) -> Any:
    """The one reason a decision gives under ``clause_id``."""
    (reason,) = [r for r in decision.reasons if r.clause_id == clause_id]
    return reason


def said(decision: Any, clause_id: str) -> tuple[Any, ...]:
    """What a decision says under ``clause_id``: its reason's code, message, facts, missing."""
    r = reason_of(decision, clause_id)
    return (r.code, r.message, r.facts, r.missing)
