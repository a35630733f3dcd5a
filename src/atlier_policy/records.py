"""Flat records of decisions, one row per item decision, for DataFrames (an adapter).

``pandas.DataFrame(to_records(decisions))``; no pandas dependency here.

A record carries what its :class:`~atlier_policy.codec.Level` does. It never held a
quoted sentence, a message or the trace, so ``full`` and ``reasons`` give the same
columns; ``outcome`` keeps the identifying columns, the outcome, ``granted``, the
``reason_codes`` and the four key dates, and drops the clause ids, the missing facts,
who pays, the refund and the settlement.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from atlier_policy.codec import Level
from atlier_policy.decision import Decision, OrderDecision
from atlier_policy.rules import Finding

__all__ = ["OUTCOME_COLUMNS", "to_record", "to_records"]


def to_record(d: Decision, *, level: Level | str = Level.FULL) -> dict[str, Any]:
    """One flat row (scalars only): the outcome, the determining codes and clauses, the
    missing facts, who pays, the refund and its window, the last days, the settlement
    and its currency (at ``level="outcome"``: the outcome, the codes and the last days only)."""
    ob = d.obligations
    codes = ";".join(r.code for r in d.reasons if r.finding is not Finding.PASSED)
    record = {
        "stage": str(d.stage),  # a plain string: a record holds scalars only
        "order_id": d.order_id,
        "sku": d.sku,
        "outcome": d.outcome.value,
        "granted": d.granted,
        "reason_codes": codes,
        "clause_ids": ";".join(r.clause_id for r in d.reasons),
        "missing": ";".join(d.missing),
        "return_shipping_paid_by": ob.return_shipping_paid_by and ob.return_shipping_paid_by.value,
        "refund_amount": ob.refund_amount and ob.refund_amount.amount,
        "refund_currency": ob.refund_amount and ob.refund_amount.currency,
        "refund_earliest": ob.refund_earliest,
        "refund_latest": ob.refund_latest,
        "last_day_to_request_return": ob.last_day_to_request_return,
        "last_day_to_report_defect": ob.last_day_to_report_defect,
        "customer_pays": d.settlement and d.settlement.customer_pays.amount,
        "store_refunds": d.settlement and d.settlement.store_refunds.amount,
        "settlement_currency": d.settlement and d.settlement.store_refunds.currency,
        "policy_version": d.policy_version,
    }
    if Level.of(level) is Level.OUTCOME:
        return {k: record[k] for k in OUTCOME_COLUMNS}
    return record


# The columns of the outcome level: the row's identity, its outcome and codes, the days.
OUTCOME_COLUMNS = (
    "stage",
    "order_id",
    "sku",
    "outcome",
    "granted",
    "reason_codes",
    "refund_earliest",
    "refund_latest",
    "last_day_to_request_return",
    "last_day_to_report_defect",
    "policy_version",
)


def to_records(
    decisions: Iterable[Decision | OrderDecision], *, level: Level | str = Level.FULL
) -> list[dict[str, Any]]:
    """Flat rows, one per item decision, that load straight into a DataFrame."""
    chosen = Level.of(level)
    rows: list[dict[str, Any]] = []
    for d in decisions:
        items = d.items if isinstance(d, OrderDecision) else (d,)
        rows.extend(to_record(item, level=chosen) for item in items)
    return rows
