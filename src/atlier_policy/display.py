"""HTML for notebooks: an adapter (the values and the tools import no format).

``Decision._repr_html_`` and ``OrderDecision._repr_html_`` hand over to these, so that
Jupyter shows a decision as a table: the outcome, each reason with its section and
clause, and the obligations. A what-if :class:`~atlier_policy.whatif.Comparison`, a
:class:`~atlier_policy.timelines.Timeline` and the results of
:func:`~atlier_policy.qualify.how_to_qualify` hand over the same way. Every string from
a case (an order id, a SKU, a message, a policy's name) is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING

from atlier_policy.decision import Decision, OrderDecision
from atlier_policy.errors import InputError
from atlier_policy.strings import in_words

if TYPE_CHECKING:  # the tools are loaded by the values that hand over to this module
    from atlier_policy.qualify import Qualification
    from atlier_policy.timelines import TimelineEntry
    from atlier_policy.whatif import Comparison, DecisionChange

__all__ = [
    "comparison_html",
    "decision_html",
    "order_html",
    "qualification_html",
    "qualifications_html",
    "timeline_html",
]

LIMIT = 20  # the changed decisions a comparison lists, per list; "… and N more" after

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
        f"<b>{_words(d.stage)}</b> &middot; order {escape(d.order_id)}"
        + (f" &middot; item {escape(d.sku)}" if d.sku else "")
        + f" &middot; <b>{_words(d.outcome.value)}</b>"
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
    counts = ", ".join(f"{n} {_words(k)}" for k, n in sorted(od.counts.items()))
    items = "".join(decision_html(d) for d in od.items)
    return f"<div><p><b>order {escape(od.order_id)}</b>: {counts}</p>{items}</div>"


def _row(label: str, value: object) -> str:
    return f"<tr><th style='text-align:left'>{escape(label)}</th><td>{escape(str(value))}</td></tr>"


def _words(value: str) -> str:
    return escape(in_words(value))


def _table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table of cells already escaped."""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _change_row(d: DecisionChange) -> list[str]:
    codes = [f"+{c}" for c in d.reasons_added] + [f"-{c}" for c in d.reasons_removed]
    return [
        str(d.case),
        escape(d.order_id),
        escape(d.sku or ""),
        _words(d.stage),
        _words(d.baseline.value),
        _words(d.candidate.value),
        " ".join(f"<code>{escape(c)}</code>" for c in codes),
    ]


def _changes(title: str, listed: Sequence[DecisionChange], limit: int) -> str:
    if not listed:
        return ""
    head = ("case", "order", "item", "stage", "baseline", "candidate", "reason codes")
    more = len(listed) - limit
    tail = f"<p>&hellip; and {more} more</p>" if more > 0 else ""
    return f"<p><b>{title}</b></p>{_table(head, (_change_row(d) for d in listed[:limit]))}{tail}"


def comparison_html(c: Comparison, limit: int = LIMIT) -> str:
    """Counts by change, the changes grouped by reason code, then the first ``limit``
    changed decisions (and those whose obligations only change), with "… and N more".
    ``limit`` is a whole number, 0 or more (0: the counts and groups only)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise InputError.single("limit", "a whole number, 0 or more", limit, "comparison_html")
    n = c.counts
    counts = [
        ("cases", n["cases"]),
        ("item decisions", n["decisions"]),
        ("change outcome", n["outcome_changed"]),
        ("change reasons only", n["reasons_only"]),
        ("change obligations only", n["obligations_only"]),
        ("unchanged", n["unchanged"]),
    ]
    if c.errors:
        counts.append(("cases with errors", n["errors"]))
    if c.blank_lines is not None:
        counts.append(("blank lines", c.blank_lines))
    groups = ""
    if c.groups:
        sign = {"added": "+", "removed": "-"}
        rows = (
            [
                str(g.count),
                _words(g.stage),
                _words(g.baseline.value),
                _words(g.candidate.value),
                f"<code>{sign[g.effect]}{escape(g.code)}</code>"
                if g.code
                else "(same reason codes)",
            ]
            for g in c.groups
        )
        head = ("count", "stage", "baseline", "candidate", "reason code")
        groups = f"<p><b>by outcome and reason code</b></p>{_table(head, rows)}"
    errors = ""
    if c.errors:
        rows = ([str(case), escape(message)] for case, message in c.errors)
        errors = f"<p><b>errors</b></p>{_table(('case', 'error'), rows)}"
    return (
        f"<div class='atlier-comparison'><p><b>what-if</b>: {escape(c.baseline)} &rarr; "
        f"{escape(c.candidate)}</p><table>{''.join(_row(k, v) for k, v in counts)}</table>"
        f"{groups}{_changes('changes', c.changes, limit)}"
        f"{_changes('obligations only', c.obligation_changes, limit)}{errors}</div>"
    )


def timeline_html(entries: Iterable[TimelineEntry]) -> str:
    """A dated table: date, weekday, kind, what happens (a deadline the piece cannot use
    greyed out), section."""
    rows = [
        [
            e.date.isoformat(),
            f"{e.date:%A}",
            escape(e.kind.value),
            escape(e.label)
            if e.applies
            else f"<span style='color:#57606a'>{escape(e.label)}</span>",
            f"§{escape(e.section)}" if e.section else "",
        ]
        for e in entries
    ]
    if not rows:
        return "<div class='atlier-timeline'><p>no dates</p></div>"
    table = _table(("date", "day", "kind", "what", "§"), rows)
    return f"<div class='atlier-timeline'>{table}</div>"


def qualification_html(q: Qualification) -> str:
    """The steps that would qualify the item, each with its date, the reasons nothing
    lifts, and the outcome once every step is taken."""
    subject = f"order {escape(q.order_id)}" + (f", item {escape(q.sku)}" if q.sku else "")
    head = f"<p>{subject}: <b>{_words(q.outcome.value)}</b>"
    steps = [
        [
            str(i),
            escape(s.message),
            s.deadline.isoformat() if s.deadline else "",
            _words(s.kind.value),
            f"§{escape(s.section)}",
            "<br>".join(
                f"<code>{escape(ch.path)}</code>: {escape(str(ch.old))} &rarr; "
                f"{escape(str(ch.new))}"
                for ch in s.changes
            ),
        ]
        for i, s in enumerate(q.suggestions, 1)
    ]
    steps += [
        ["&ndash;", f"cannot qualify: {escape(b.message)}", "", "", f"§{escape(b.section)}", ""]
        for b in q.blockers
    ]
    if not steps:
        return f"<div class='atlier-qualification'>{head}: nothing to change</p></div>"
    then = (
        f"<p>with these changes: <b>{_words(q.outcome_if_changed.value)}</b></p>"
        if q.outcome_if_changed is not None
        else ""
    )
    table = _table(("step", "what", "by", "kind", "§", "changes"), steps)
    return f"<div class='atlier-qualification'>{head}</p>{table}{then}</div>"


def qualifications_html(qs: Iterable[Qualification]) -> str:
    """One table per item decision."""
    return f"<div>{''.join(qualification_html(q) for q in qs)}</div>"
