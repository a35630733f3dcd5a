"""Decisions: the outcome, the reasons, the trace and the obligations.

A decision is an immutable value. ``reasons`` are the determining ones (every
failing clause, not only the first); ``trace`` lists every rule evaluated with
its finding; ``obligations`` says what follows (who pays return shipping, where
the refund goes and by when, the last days to act). Every reason and
obligation cites the clause (id, section, quoted sentence) it comes from.

A decision keeps its :class:`~atlier_policy.rules.Explanation`: the reasons, trace
and missing facts are derived from the evaluation on first read (a caller that needs
only the outcome and obligations never pays for them), and are equal, hashed and
pickled alike however the decision was made. Each outcome declares its role (granted,
refused, incomplete, review): the stage table lists the outcomes of each stage.

Formats are adapters around these values: JSON in :mod:`atlier_policy.codec`, flat
records in :mod:`atlier_policy.records`.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Self

from atlier_policy._values import value_class
from atlier_policy.errors import InputError, warn_deprecated
from atlier_policy.money import Money
from atlier_policy.rules import Explanation, Finding, Reason, TraceEntry
from atlier_policy.strings import in_words, one_line

__all__ = [
    "FINDING_MARKS",
    "PAYER_WORDS",
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
    "Role",
    "Settlement",
    "ShippingPayer",
    "Stage",
    "TraceEntry",
]


class Stage(enum.StrEnum):
    """The names of the six stages of the text (the stage table, ``atlier_policy.stages``,
    holds what each one is; a stage defined outside the library has a name of its own)."""

    RETURN_REQUEST = "return_request"
    DEFECT_CLAIM = "defect_claim"
    LOST_PARCEL = "lost_parcel"
    INSPECTION = "inspection"
    CANCELLATION = "cancellation"
    EXCHANGE = "exchange"


class Role(enum.Enum):
    """The role an outcome plays: only a granted outcome grants anything."""

    GRANTED = "granted"
    REFUSED = "refused"
    INCOMPLETE = "incomplete"
    REVIEW = "review"

    # Identity hash, as for rules.Finding: members are singletons compared by identity.
    __hash__ = object.__hash__


class Outcome(enum.StrEnum):
    """An outcome of a stage, declared with its role: ``NAME = "value", Role.GRANTED``.

    A member that names no role plays the review role: nothing is granted by omission.

    >>> class Toy(Outcome):
    ...     YES = "yes", Role.GRANTED
    ...     LATER = "later"
    >>> Toy.YES.role, Toy.LATER.role, Toy("yes") is Toy.YES
    (<Role.GRANTED: 'granted'>, <Role.REVIEW: 'review'>, True)
    """

    _value_: str
    role: Role

    def __new__(cls, value: str, role: Role = Role.REVIEW) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.role = role
        return member


class ReturnOutcome(Outcome):
    """Stage 1. At request time the best outcome is "eligible, pending inspection" (§1)."""

    ELIGIBLE_PENDING_INSPECTION = "eligible_pending_inspection", Role.GRANTED
    NOT_ELIGIBLE = "not_eligible", Role.REFUSED
    INCOMPLETE = "incomplete", Role.INCOMPLETE
    NEEDS_REVIEW = "needs_review", Role.REVIEW


class DefectClaimOutcome(Outcome):
    """Stage 2."""

    ACCEPTED_PENDING_INSPECTION = "accepted_pending_inspection", Role.GRANTED
    NOT_COVERED = "not_covered", Role.REFUSED
    INCOMPLETE = "incomplete", Role.INCOMPLETE
    NEEDS_REVIEW = "needs_review", Role.REVIEW


class ParcelOutcome(Outcome):
    """Stage 3."""

    PROCEED_TO_INSPECTION = "proceed_to_inspection", Role.GRANTED
    NO_REFUND_PARCEL_LOST = "no_refund_parcel_lost", Role.REFUSED
    NEEDS_REVIEW = "needs_review", Role.REVIEW
    # Selected by the parcel clause while the parcel is on its way (the first outcome of
    # a role is the role's default: this one never is).
    AWAITING_PARCEL = "awaiting_parcel", Role.REVIEW


class InspectionOutcome(Outcome):
    """Stage 4: the quality team's result."""

    REFUND_APPROVED = "refund_approved", Role.GRANTED
    REFUND_REJECTED = "refund_rejected", Role.REFUSED
    REPAIR_OR_REPLACE = "repair_or_replace", Role.GRANTED
    PARTIAL_REFUND_OR_STORE_CREDIT = "partial_refund_or_store_credit", Role.GRANTED
    NEEDS_REVIEW = "needs_review", Role.REVIEW


class CancellationOutcome(Outcome):
    """Stage 5."""

    REFUNDABLE = "refundable", Role.GRANTED
    NOT_REFUNDABLE = "not_refundable", Role.REFUSED
    NEEDS_REVIEW = "needs_review", Role.REVIEW


class ExchangeOutcome(Outcome):
    """Stage 6."""

    APPROVED_PENDING_INSPECTION = "approved_pending_inspection", Role.GRANTED
    REFUSED = "refused", Role.REFUSED
    INCOMPLETE = "incomplete", Role.INCOMPLETE
    NEEDS_REVIEW = "needs_review", Role.REVIEW


class ShippingPayer(enum.StrEnum):
    """§4: who bears the return shipping cost."""

    CUSTOMER = "customer"
    STORE = "store"
    # A defect claimed but not yet confirmed: the customer pays now and is
    # reimbursed if the inspection confirms the defect.
    CUSTOMER_UNTIL_CONFIRMED = "customer_until_confirmed"


@value_class(kw_only=True)
class Notice:
    """Something to communicate to the customer, citing its provision."""

    code: str
    clause_id: str
    section: str
    message: str

    def __init__(
        self,
        *,
        code: str,
        clause_id: str,
        section: str,
        message: str,
    ) -> None:
        # Written out (a hot path): value_class's generic one is twice as slow.
        put = object.__setattr__
        put(self, "code", code)
        put(self, "clause_id", clause_id)
        put(self, "section", section)
        put(self, "message", message)


@value_class(kw_only=True)
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

    def __str__(self) -> str:
        return f"customer pays {self.customer_pays}, store refunds {self.store_refunds}"


@value_class(kw_only=True)
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

    def __init__(
        self,
        *,
        code: str,
        clause_id: str,
        section: str,
        message: str,
        refund_to: str | None = None,
        refund_earliest: date | None = None,
        refund_latest: date | None = None,
    ) -> None:
        # Written out (a hot path): value_class's generic one is twice as slow.
        put = object.__setattr__
        put(self, "code", code)
        put(self, "clause_id", clause_id)
        put(self, "section", section)
        put(self, "message", message)
        put(self, "refund_to", refund_to)
        put(self, "refund_earliest", refund_earliest)
        put(self, "refund_latest", refund_latest)


@value_class(kw_only=True)
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

    def __init__(
        self,
        *,
        return_shipping_paid_by: ShippingPayer | None = None,
        return_shipping_reimbursed: Money | None = None,
        refund_amount: Money | None = None,
        refund_to: str | None = None,
        refund_earliest: date | None = None,
        refund_latest: date | None = None,
        last_day_to_request_return: date | None = None,
        last_day_to_report_defect: date | None = None,
        notices: tuple[Notice, ...] = (),
        options: tuple[RemedyOption, ...] = (),
    ) -> None:
        # Written out (a hot path): value_class's generic one is twice as slow.
        put = object.__setattr__
        put(self, "return_shipping_paid_by", return_shipping_paid_by)
        put(self, "return_shipping_reimbursed", return_shipping_reimbursed)
        put(self, "refund_amount", refund_amount)
        put(self, "refund_to", refund_to)
        put(self, "refund_earliest", refund_earliest)
        put(self, "refund_latest", refund_latest)
        put(self, "last_day_to_request_return", last_day_to_request_return)
        put(self, "last_day_to_report_defect", last_day_to_report_defect)
        put(self, "notices", notices)
        put(self, "options", options)


@value_class(kw_only=True)
class Decision:
    """The policy's decision on one item (or one report) at one stage.

    ``stage`` is the stage's name (a :class:`Stage` for the text's six);
    ``explanation`` holds the reasons, the trace and the missing facts, read through
    the properties of the same names.
    """

    stage: str
    outcome: Outcome
    order_id: str
    sku: str | None
    obligations: Obligations
    settlement: Settlement | None = None
    policy_version: str
    explanation: Explanation

    def __init__(
        self,
        *,
        stage: str,
        outcome: Outcome,
        order_id: str,
        sku: str | None,
        obligations: Obligations,
        settlement: Settlement | None = None,
        policy_version: str,
        explanation: Explanation,
    ) -> None:
        # Written out (a hot path): value_class's generic one is twice as slow.
        put = object.__setattr__
        put(self, "stage", stage)
        put(self, "outcome", outcome)
        put(self, "order_id", order_id)
        put(self, "sku", sku)
        put(self, "obligations", obligations)
        put(self, "settlement", settlement)
        put(self, "policy_version", policy_version)
        put(self, "explanation", explanation)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """The determining reasons: every failing clause, or every one that passed."""
        return self.explanation.reasons

    @property
    def trace(self) -> tuple[TraceEntry, ...]:
        """Every rule evaluated, with its finding, depth first."""
        return self.explanation.trace

    @property
    def missing(self) -> tuple[str, ...]:
        """The facts the decision needed and did not have."""
        return self.explanation.missing

    @property
    def granted(self) -> bool:
        """Whether the outcome grants something (eligibility, approval, a remedy)."""
        return self.outcome.role is Role.GRANTED

    def to_dict(self, *, level: str = "full") -> dict[str, Any]:
        """Deprecated: ``atlier_policy.codec.decision_to_dict(decision, level=level)``."""
        return _adapter("codec", "Decision.to_dict", "decision_to_dict")(self, level=level)  # type: ignore[no-any-return]

    def to_json(self, *, level: str = "full") -> str:
        """Deprecated: ``atlier_policy.codec.to_json(decision, level=level)``."""
        return _adapter("codec", "Decision.to_json", "to_json")(self, level=level)  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Decision:
        """Deprecated: ``atlier_policy.codec.decision_from_dict(doc)``."""
        result = _adapter("codec", "Decision.from_dict", "decision_from_dict")(dict(doc))
        if not isinstance(result, Decision):
            raise InputError.single("kind", "'decision'", "order_decision", "decision")
        return result

    def to_record(self, *, level: str = "full") -> dict[str, Any]:
        """Deprecated: ``atlier_policy.records.to_record(decision, level=level)``."""
        return _adapter("records", "Decision.to_record", "to_record")(self, level=level)  # type: ignore[no-any-return]

    def _repr_html_(self) -> str:
        """A readable table in Jupyter (the HTML is the display adapter's)."""
        return _display("decision_html")(self)  # type: ignore[no-any-return]

    def __str__(self) -> str:
        """The decision for people: each reason marked (✓ passed, ✗ failed, ? unknown,
        - not applicable), outcomes, payers and destinations in words, never an enum's
        value; one line per entry, whatever the case's strings hold."""
        subject = f"order {self.order_id}" + (f", item {self.sku}" if self.sku else "")
        lines = [f"{in_words(self.stage)} ({subject}): {in_words(self.outcome.value)}"]
        lines += [f"  {FINDING_MARKS[r.finding]} {r}" for r in self.reasons]
        if self.missing:
            lines.append(f"  missing: {', '.join(self.missing)}")
        ob = self.obligations
        payer = ob.return_shipping_paid_by
        for label, value in (
            ("last day to request a return", ob.last_day_to_request_return),
            ("last day to report a defect", ob.last_day_to_report_defect),
            ("return shipping paid by", payer and PAYER_WORDS.get(payer, in_words(payer))),
            ("refund amount", ob.refund_amount),
            ("refund to", ob.refund_to and in_words(ob.refund_to)),
            (
                "refund processed between",
                ob.refund_earliest and f"{ob.refund_earliest} and {ob.refund_latest}",
            ),
        ):
            if value is not None:
                lines.append(f"  {label}: {value}")
        if self.settlement is not None:
            lines.append(f"  {self.settlement}")
        lines += [f"  note: {n.message}" for n in ob.notices]
        lines.append(f"  policy version {self.policy_version}")
        # One line each, whatever the case's strings hold (escaped, never raw).
        return "\n".join(map(one_line, lines))


# How a finding and a payer read in text: marks and words, never an enum's value.
FINDING_MARKS = {
    Finding.PASSED: "✓",
    Finding.FAILED: "✗",
    Finding.UNKNOWN: "?",
    Finding.NOT_APPLICABLE: "-",
}
PAYER_WORDS = {
    ShippingPayer.CUSTOMER: "the customer",
    ShippingPayer.STORE: "the store",
    ShippingPayer.CUSTOMER_UNTIL_CONFIRMED: "the customer, until the defect is confirmed "
    "(then reimbursed)",
}


@value_class(kw_only=True)
class OrderDecision:
    """Decisions for every item of a multi-item return request, with a summary."""

    order_id: str
    stage: str
    items: tuple[Decision, ...]
    policy_version: str

    def __init__(
        self,
        *,
        order_id: str,
        stage: str,
        items: tuple[Decision, ...],
        policy_version: str,
    ) -> None:
        # Written out (a hot path): value_class's generic one is twice as slow.
        put = object.__setattr__
        put(self, "order_id", order_id)
        put(self, "stage", stage)
        put(self, "items", items)
        put(self, "policy_version", policy_version)

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

    def to_dict(self, *, level: str = "full") -> dict[str, Any]:
        """Deprecated: ``atlier_policy.codec.decision_to_dict(decision, level=level)``."""
        return _adapter("codec", "OrderDecision.to_dict", "decision_to_dict")(self, level=level)  # type: ignore[no-any-return]

    def to_json(self, *, level: str = "full") -> str:
        """Deprecated: ``atlier_policy.codec.to_json(decision, level=level)``."""
        return _adapter("codec", "OrderDecision.to_json", "to_json")(self, level=level)  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> OrderDecision:
        """Deprecated: ``atlier_policy.codec.decision_from_dict(doc)``."""
        result = _adapter("codec", "OrderDecision.from_dict", "decision_from_dict")(dict(doc))
        if not isinstance(result, OrderDecision):
            raise InputError.single("kind", "'order_decision'", "decision", "decision")
        return result

    def _repr_html_(self) -> str:
        """A readable table per item in Jupyter (the display adapter's HTML)."""
        return _display("order_html")(self)  # type: ignore[no-any-return]

    def __str__(self) -> str:
        summary = ", ".join(f"{n} {in_words(k)}" for k, n in sorted(self.counts.items()))
        head = one_line(f"order {self.order_id}: {summary}")
        return "\n".join([head, *(str(d) for d in self.items)])


def _display(name: str) -> Any:
    # Jupyter asks the value itself for HTML; the HTML lives in the display adapter,
    # found at run time so that this module imports no format.
    return getattr(importlib.import_module("atlier_policy.display"), name)


# --- deprecated: formats moved to adapters (removed in the next release) ---------------


def _adapter(module: str, old: str, new: str) -> Any:
    """A function of an adapter module, for a deprecated method that delegates to it.

    The values import no adapter; a deprecated path finds it at run time instead, so
    that no import cycle exists while the old methods still work for one release.
    """
    warn_deprecated(f"{old} is deprecated: use atlier_policy.{module}.{new}")
    # Named literally, so that the layer test sees which adapter is reached.
    found = (
        importlib.import_module("atlier_policy.codec")
        if module == "codec"
        else importlib.import_module("atlier_policy.records")
    )
    return getattr(found, new)


def to_records(decisions: Iterable[Decision | OrderDecision]) -> list[dict[str, Any]]:
    """Deprecated: ``atlier_policy.records.to_records(decisions)``."""
    return _adapter("records", "atlier_policy.decision.to_records", "to_records")(decisions)  # type: ignore[no-any-return]
