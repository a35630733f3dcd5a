"""HTML of decisions, for notebooks: an adapter (the values import no format).

``Decision._repr_html_`` and ``OrderDecision._repr_html_`` hand over to these, so that
Jupyter shows a decision as a table: the outcome, each reason with its section and
clause, and the obligations. Every string from a case is escaped.
"""

from __future__ import annotations

from html import escape

from atlier_policy.decision import Decision, OrderDecision

__all__ = ["decision_html", "order_html"]

_COLOURS = {
    "passed": "#1a7f37",
    "failed": "#cf222e",
    "unknown": "#9a6700",
    "not_applicable": "#57606a",
}


def decision_html(d: Decision) -> str:
    """A readable table: outcome, reasons with clauses, obligations."""
    ob = d.obligations
    head = (
        f"<b>{escape(d.stage.replace('_', ' '))}</b> &middot; order {escape(d.order_id)}"
        + (f" &middot; item {escape(d.sku)}" if d.sku else "")
        + f" &middot; <b>{escape(d.outcome.value.replace('_', ' '))}</b>"
    )
    reasons = "".join(
        f"<tr><td style='color:{_COLOURS[r.finding.value]}'>{escape(r.finding.value)}</td>"
        f"<td>§{escape(r.section)}</td><td><code>{escape(r.clause_id)}</code></td>"
        f"<td>{escape(r.message)}</td></tr>"
        for r in d.reasons
    )
    rows = [
        _row(label, value)
        for label, value in (
            ("missing", ", ".join(d.missing) or None),
            ("last day to request a return", ob.last_day_to_request_return),
            ("last day to report a defect", ob.last_day_to_report_defect),
            (
                "return shipping paid by",
                ob.return_shipping_paid_by and ob.return_shipping_paid_by.value,
            ),
            ("refund", ob.refund_amount),
            ("refund to", ob.refund_to),
            (
                "refund window",
                ob.refund_earliest and f"{ob.refund_earliest} – {ob.refund_latest}",
            ),
            ("settlement", d.settlement),
            ("policy version", d.policy_version),
        )
        if value is not None
    ]
    rows += [_row("option", o.message) for o in ob.options]
    rows += [_row("note", n.message) for n in ob.notices]
    return (
        f"<div class='atlier-decision'><p>{head}</p><table><thead><tr><th>finding</th>"
        f"<th>§</th><th>clause</th><th>reason</th></tr></thead><tbody>{reasons}</tbody>"
        f"</table><table>{''.join(rows)}</table></div>"
    )


def order_html(od: OrderDecision) -> str:
    """The order's counts, then a table per item decision."""
    counts = ", ".join(f"{n} {escape(k.replace('_', ' '))}" for k, n in sorted(od.counts.items()))
    items = "".join(decision_html(d) for d in od.items)
    return f"<div><p><b>order {escape(od.order_id)}</b>: {counts}</p>{items}</div>"


def _row(label: str, value: object) -> str:
    return f"<tr><th style='text-align:left'>{escape(label)}</th><td>{escape(str(value))}</td></tr>"
