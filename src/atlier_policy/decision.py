"""Decisions: the outcome, the reasons, the trace and the obligations.

A decision is an immutable value. ``reasons`` are the determining ones (every
failing clause, not only the first); ``trace`` lists every rule evaluated with
its finding; ``obligations`` says what follows (who pays return shipping, where
the refund goes and by when, the last days to act). Every reason and
obligation cites the clause (id, section, quoted sentence) it comes from.

An evaluator's decision keeps the record of its evaluation and derives
``reasons``, ``trace`` and ``missing`` from it on first access (a caller that
only needs the outcome and obligations never pays for them); the values, the
equality, the pickled form and the JSON document are the same as if they had
been computed up front.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeAlias

from atlier_policy.errors import InputError
from atlier_policy.money import Money
from atlier_policy.rules import Evaluation, Finding, Record
from atlier_policy.strings import one_line

__all__ = [
    "CancellationOutcome",
    "Decision",
    "DefectClaimOutcome",
    "ExchangeOutcome",
    "InspectionOutcome",
    "Notice",
    "Obligations",
    "OrderDecision",
    "Outcome",
    "ParcelOutcome",
    "Reason",
    "RemedyOption",
    "ReturnOutcome",
    "Settlement",
    "ShippingPayer",
    "Stage",
    "TraceEntry",
    "to_records",
]


class Stage(enum.StrEnum):
    """The six stages at which the policy is applied."""

    RETURN_REQUEST = "return_request"
    DEFECT_CLAIM = "defect_claim"
    LOST_PARCEL = "lost_parcel"
    INSPECTION = "inspection"
    CANCELLATION = "cancellation"
    EXCHANGE = "exchange"


class ReturnOutcome(enum.StrEnum):
    """Stage 1. At request time the best outcome is "eligible, pending inspection" (§1)."""

    ELIGIBLE_PENDING_INSPECTION = "eligible_pending_inspection"
    NOT_ELIGIBLE = "not_eligible"
    INCOMPLETE = "incomplete"
    NEEDS_REVIEW = "needs_review"


class DefectClaimOutcome(enum.StrEnum):
    """Stage 2."""

    ACCEPTED_PENDING_INSPECTION = "accepted_pending_inspection"
    NOT_COVERED = "not_covered"
    INCOMPLETE = "incomplete"
    NEEDS_REVIEW = "needs_review"


class ParcelOutcome(enum.StrEnum):
    """Stage 3."""

    PROCEED_TO_INSPECTION = "proceed_to_inspection"
    AWAITING_PARCEL = "awaiting_parcel"
    NO_REFUND_PARCEL_LOST = "no_refund_parcel_lost"
    NEEDS_REVIEW = "needs_review"


class InspectionOutcome(enum.StrEnum):
    """Stage 4: the quality team's result."""

    REFUND_APPROVED = "refund_approved"
    REFUND_REJECTED = "refund_rejected"
    REPAIR_OR_REPLACE = "repair_or_replace"
    PARTIAL_REFUND_OR_STORE_CREDIT = "partial_refund_or_store_credit"
    NEEDS_REVIEW = "needs_review"


class CancellationOutcome(enum.StrEnum):
    """Stage 5."""

    REFUNDABLE = "refundable"
    NOT_REFUNDABLE = "not_refundable"
    NEEDS_REVIEW = "needs_review"


class ExchangeOutcome(enum.StrEnum):
    """Stage 6."""

    APPROVED_PENDING_INSPECTION = "approved_pending_inspection"
    REFUSED = "refused"
    INCOMPLETE = "incomplete"
    NEEDS_REVIEW = "needs_review"


Outcome: TypeAlias = (
    ReturnOutcome
    | DefectClaimOutcome
    | ParcelOutcome
    | InspectionOutcome
    | CancellationOutcome
    | ExchangeOutcome
)

# Outcomes that grant something (eligibility, approval, a remedy, a refund).
POSITIVE: frozenset[Outcome] = frozenset(
    {
        ReturnOutcome.ELIGIBLE_PENDING_INSPECTION,
        DefectClaimOutcome.ACCEPTED_PENDING_INSPECTION,
        ParcelOutcome.PROCEED_TO_INSPECTION,
        InspectionOutcome.REFUND_APPROVED,
        InspectionOutcome.REPAIR_OR_REPLACE,
        InspectionOutcome.PARTIAL_REFUND_OR_STORE_CREDIT,
        CancellationOutcome.REFUNDABLE,
        ExchangeOutcome.APPROVED_PENDING_INSPECTION,
    }
)


class ShippingPayer(enum.StrEnum):
    """§4: who bears the return shipping cost."""

    CUSTOMER = "customer"
    STORE = "store"
    # A defect claimed but not yet confirmed: the customer pays now and is
    # reimbursed if the inspection confirms the defect.
    CUSTOMER_UNTIL_CONFIRMED = "customer_until_confirmed"


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    """Why a decision came out as it did: one clause's finding on the case."""

    code: str
    finding: Finding
    clause_id: str
    section: str
    sentence: str
    message: str
    facts: tuple[tuple[str, str], ...] = ()
    missing: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"[§{self.section} {self.clause_id}] {self.message}"


@dataclass(frozen=True, slots=True, kw_only=True)
class TraceEntry:
    """One rule evaluated, at its depth in the rule tree."""

    depth: int
    rule: str
    finding: Finding
    message: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Notice:
    """Something to communicate to the customer, citing its provision."""

    code: str
    clause_id: str
    section: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Settlement:
    """§5 price difference of an exchange: at most one side pays."""

    customer_pays: Money
    store_refunds: Money

    @classmethod
    def of(cls, price: Money, wanted: Money) -> Settlement:
        """Settle ``wanted - price``: the customer pays a positive, the store refunds a negative.

        >>> from decimal import Decimal
        >>> s = Settlement.of(Money(Decimal("120"), "USD"), Money(Decimal("95"), "USD"))
        >>> str(s.customer_pays), str(s.store_refunds)
        ('0.00 USD', '25.00 USD')
        """
        diff = wanted - price
        zero = Money.zero(price.currency)
        if diff.amount >= 0:
            return cls(customer_pays=diff, store_refunds=zero)
        return cls(customer_pays=zero, store_refunds=-diff)


@dataclass(frozen=True, slots=True, kw_only=True)
class RemedyOption:
    """One remedy the store may offer, and what it means (§3's resolutions).

    A partial refund goes to ``refund_to`` between ``refund_earliest`` and
    ``refund_latest``; store credit, a repair or a replacement has no refund.
    """

    code: str
    clause_id: str
    section: str
    message: str
    refund_to: str | None = None
    refund_earliest: date | None = None
    refund_latest: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Obligations:
    """What follows from a decision; ``None`` where it does not apply.

    Where the store picks between remedies (a partial refund or store credit),
    the refund fields stay ``None`` and ``options`` says what each remedy means.
    """

    return_shipping_paid_by: ShippingPayer | None = None
    return_shipping_reimbursed: Money | None = None
    refund_amount: Money | None = None
    refund_to: str | None = None
    refund_earliest: date | None = None
    refund_latest: date | None = None
    last_day_to_request_return: date | None = None
    last_day_to_report_defect: date | None = None
    notices: tuple[Notice, ...] = ()
    options: tuple[RemedyOption, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """The policy's decision on one item (or one report) at one stage."""

    stage: Stage
    outcome: Outcome
    order_id: str
    sku: str | None
    reasons: tuple[Reason, ...]
    trace: tuple[TraceEntry, ...]
    obligations: Obligations
    missing: tuple[str, ...] = ()
    settlement: Settlement | None = None
    policy_version: str

    @classmethod
    def _of_record(
        cls,
        record: Record,
        explain: Explainer,
        stage: Stage,
        outcome: Outcome,
        order_id: str,
        sku: str | None,
        obligations: Obligations,
        settlement: Settlement | None,
        policy_version: str,
        missing: tuple[str, ...] = (),
    ) -> Decision:
        """An evaluator's decision: ``explain`` derives its reasons, trace and missing from
        ``record``'s evaluation when they are first read; ``missing`` adds the facts its
        obligations lack (an unknown price to refund)."""
        pending: Any = _Pending(record, explain, missing)
        return cls(
            stage=stage,
            outcome=outcome,
            order_id=order_id,
            sku=sku,
            reasons=pending,
            trace=pending,
            obligations=obligations,
            missing=pending,
            settlement=settlement,
            policy_version=policy_version,
        )

    @property
    def granted(self) -> bool:
        """Whether the outcome grants something (eligibility, approval, a remedy)."""
        return self.outcome in POSITIVE

    def to_dict(self) -> dict[str, Any]:
        """The stable, versioned JSON document of this decision."""
        from atlier_policy.jsonio import decision_to_dict

        return decision_to_dict(self)

    def to_json(self) -> str:
        from atlier_policy.jsonio import dumps

        return dumps(self.to_dict())

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Decision:
        """Decode a decision document back to an equal value."""
        from atlier_policy.jsonio import decision_from_dict

        result = decision_from_dict(dict(doc))
        if not isinstance(result, Decision):
            raise InputError.single("kind", "'decision'", "order_decision", "decision")
        return result

    def to_record(self) -> dict[str, Any]:
        """One flat row (scalars only) for a DataFrame; see :func:`to_records`."""
        ob = self.obligations
        return {
            "stage": self.stage.value,
            "order_id": self.order_id,
            "sku": self.sku,
            "outcome": self.outcome.value,
            "granted": self.granted,
            "reason_codes": ";".join(
                r.code for r in self.reasons if r.finding is not Finding.PASSED
            ),
            "clause_ids": ";".join(r.clause_id for r in self.reasons),
            "missing": ";".join(self.missing),
            "return_shipping_paid_by": ob.return_shipping_paid_by
            and ob.return_shipping_paid_by.value,
            "refund_amount": ob.refund_amount and ob.refund_amount.amount,
            "refund_currency": ob.refund_amount and ob.refund_amount.currency,
            "refund_earliest": ob.refund_earliest,
            "refund_latest": ob.refund_latest,
            "last_day_to_request_return": ob.last_day_to_request_return,
            "last_day_to_report_defect": ob.last_day_to_report_defect,
            "customer_pays": self.settlement and self.settlement.customer_pays.amount,
            "store_refunds": self.settlement and self.settlement.store_refunds.amount,
            "policy_version": self.policy_version,
        }

    def _repr_html_(self) -> str:
        """A readable table in Jupyter: outcome, reasons with clauses, obligations."""
        from atlier_policy.display import decision_html

        return decision_html(self)

    def __str__(self) -> str:
        subject = f"order {self.order_id}" + (f", item {self.sku}" if self.sku else "")
        stage, outcome = self.stage.value, self.outcome.value
        lines = [f"{stage.replace('_', ' ')} ({subject}): {outcome.replace('_', ' ')}"]
        lines += [f"  - {r}" for r in self.reasons]
        if self.missing:
            lines.append(f"  missing: {', '.join(self.missing)}")
        ob = self.obligations
        for label, value in (
            ("last day to request a return", ob.last_day_to_request_return),
            ("last day to report a defect", ob.last_day_to_report_defect),
            ("return shipping paid by", ob.return_shipping_paid_by),
            ("refund amount", ob.refund_amount),
            ("refund to", ob.refund_to),
            (
                "refund processed between",
                ob.refund_earliest and f"{ob.refund_earliest} and {ob.refund_latest}",
            ),
        ):
            if value is not None:
                lines.append(f"  {label}: {value}")
        if self.settlement is not None:
            s = self.settlement
            lines.append(f"  customer pays {s.customer_pays}, store refunds {s.store_refunds}")
        lines += [f"  note: {n.message}" for n in ob.notices]
        lines.append(f"  policy version {self.policy_version}")
        # One line each, whatever the case's strings hold (escaped, never raw).
        return "\n".join(map(one_line, lines))


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderDecision:
    """Decisions for every item of a multi-item return request, with a summary."""

    order_id: str
    stage: Stage
    items: tuple[Decision, ...]
    policy_version: str

    @property
    def counts(self) -> dict[str, int]:
        """How many items got each outcome."""
        out: dict[str, int] = {}
        for d in self.items:
            out[d.outcome.value] = out.get(d.outcome.value, 0) + 1
        return out

    @property
    def all_granted(self) -> bool:
        return all(d.granted for d in self.items)

    def to_dict(self) -> dict[str, Any]:
        from atlier_policy.jsonio import decision_to_dict

        return decision_to_dict(self)

    def to_json(self) -> str:
        from atlier_policy.jsonio import dumps

        return dumps(self.to_dict())

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> OrderDecision:
        from atlier_policy.jsonio import decision_from_dict

        result = decision_from_dict(dict(doc))
        if not isinstance(result, OrderDecision):
            raise InputError.single("kind", "'order_decision'", "decision", "decision")
        return result

    def _repr_html_(self) -> str:
        from atlier_policy.display import order_html

        return order_html(self)

    def __str__(self) -> str:
        summary = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(self.counts.items()))
        head = one_line(f"order {self.order_id}: {summary}")
        return "\n".join([head, *(str(d) for d in self.items)])


Explainer: TypeAlias = Callable[
    [Evaluation], tuple[tuple[Reason, ...], tuple[TraceEntry, ...], tuple[str, ...]]
]


class _Pending:
    """Stands in a decision's reasons, trace and missing until they are first read."""

    __slots__ = ("explain", "missing", "record")

    def __init__(self, record: Record, explain: Explainer, missing: tuple[str, ...]) -> None:
        self.record = record
        self.explain = explain
        self.missing = missing

    def values(self) -> tuple[object, ...]:
        reasons, trace, missing = self.explain(self.record.evaluation())
        return reasons, trace, tuple(dict.fromkeys((*missing, *self.missing)))


_LAZY = ("reasons", "trace", "missing")


def _lazy_field(name: str) -> property:
    slot = Decision.__dict__[name]  # the slot's own descriptor

    def get(self: Decision) -> Any:
        value = slot.__get__(self, Decision)
        if type(value) is _Pending:
            # Idempotent: two threads that race here store equal values.
            for field_name, computed in zip(_LAZY, value.values(), strict=True):
                Decision.__dict__[field_name].__set__(self, computed)
            value = slot.__get__(self, Decision)
        return value

    return property(get, slot.__set__, doc=f"The decision's {name} (computed on first access).")


for _name in _LAZY:
    setattr(Decision, _name, _lazy_field(_name))


def to_records(decisions: Iterable[Decision | OrderDecision]) -> list[dict[str, Any]]:
    """Flat rows, one per item decision, that load straight into a DataFrame.

    ``pandas.DataFrame(to_records(decisions))``; no pandas dependency here.
    """
    rows: list[dict[str, Any]] = []
    for d in decisions:
        rows.extend(
            item.to_record() for item in (d.items if isinstance(d, OrderDecision) else (d,))
        )
    return rows
