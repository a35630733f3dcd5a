"""Notebook display: comparisons, timelines and qualifications as HTML, short reprs.

The values hand over to the display adapter (``atlier_policy.display``), as decisions
do; every string from a case is escaped. The what-if example of docs/notebooks.md runs
and changes what it says it changes.
"""

from __future__ import annotations

import importlib.util
import re
import warnings
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests import builders as b

from atlier_policy import InputError, default_policy, display
from atlier_policy.qualify import Qualification, Qualifications, how_to_qualify
from atlier_policy.terms import PolicyTerms
from atlier_policy.timelines import Timeline, timeline, timeline_of_dates
from atlier_policy.whatif import Comparison, compare

ROOT = Path(__file__).parent.parent
TEXT = default_policy()
LONGER = default_policy(version="14-day", return_window_days=14)
HOSTILE = "<script>alert('x')</script>&"


def _late(days_after: int, order_id: str = "A-1001", sku: str = "RING-7") -> Any:
    """A return of one ring requested ``days_after`` its delivery (2025-03-03)."""
    piece = b.return_item(item=b.item(sku=sku))
    return b.return_request(b.DELIVERED + b.days(days_after), items=(piece,), order_id=order_id)


def _rows(html: str, title: str) -> list[str]:
    """The body rows of the table after ``<p><b>title</b></p>``."""
    table = html.split(f"<p><b>{title}</b></p>", 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td>.*?</tr>", table)


# --- comparisons ---------------------------------------------------------------------------


def test_a_comparison_shows_itself_through_the_display_adapter() -> None:
    """Jupyter asks the comparison for HTML; the display adapter writes it (no warning)."""
    result = compare([_late(10)], TEXT, LONGER)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert result._repr_html_() == display.comparison_html(result)


def test_a_comparison_counts_each_kind_of_change() -> None:
    """The counts by change, as the summary gives them, then the groups by reason code."""
    result = compare([_late(n) for n in range(1, 15)] + [b.parcel()], TEXT, LONGER)
    html = result._repr_html_()
    assert "<b>what-if</b>: version 2025-01-12 &rarr; version 14-day" in html
    for label, count in (
        ("cases", 15),
        ("item decisions", 15),
        ("change outcome", 7),
        ("change reasons only", 0),
        ("change obligations only", 7),
        ("unchanged", 1),
    ):
        assert f"<th style='text-align:left'>{label}</th><td>{count}</td>" in html
    assert "cases with errors" not in html
    assert "blank lines" not in html
    (group,) = _rows(html, "by outcome and reason code")
    assert group == (
        "<tr><td>7</td><td>return request</td><td>not eligible</td>"
        "<td>eligible pending inspection</td><td><code>-return_window_expired</code></td></tr>"
    )
    assert len(_rows(html, "changes")) == 7
    assert len(_rows(html, "obligations only")) == 7
    assert "more</p>" not in html


def test_a_long_list_of_changes_ends_with_and_n_more() -> None:
    """At most ``limit`` rows per list (20 by default), then "… and N more"."""
    result = compare([_late(n) for n in range(1, 15)], TEXT, LONGER)
    html = display.comparison_html(result, limit=3)
    assert len(_rows(html, "changes")) == 3
    assert len(_rows(html, "obligations only")) == 3
    assert html.count("<p>&hellip; and 4 more</p>") == 2
    exact = display.comparison_html(result, limit=7)
    assert "more</p>" not in exact
    many = compare([_late(10, order_id=f"L-{n}") for n in range(25)], TEXT, LONGER)
    html = many._repr_html_()
    assert len(_rows(html, "changes")) == display.LIMIT == 20
    assert "<p>&hellip; and 5 more</p>" in html
    # The first rows, in the order of the cases.
    first = re.findall(r"<tr><td>(\d+)</td><td>(L-\d+)</td>", html)
    assert first[:2] == [("0", "L-0"), ("1", "L-1")]
    # 0: the counts and the groups, every change counted in "and N more".
    none = display.comparison_html(result, limit=0)
    assert _rows(none, "changes") == []
    assert none.count("<p>&hellip; and 7 more</p>") == 2
    for bad in (-1, 2.5, True, "3"):
        with pytest.raises(InputError, match="`limit` must be a whole number, 0 or more"):
            display.comparison_html(result, limit=bad)  # type: ignore[arg-type]


def test_a_comparison_escapes_every_string_of_a_case() -> None:
    """An order id, a SKU, a policy's name and an error message are escaped."""
    result = compare(
        [_late(10, order_id=HOSTILE, sku=HOSTILE)],
        TEXT,
        LONGER,
        baseline_name=HOSTILE,
        candidate_name="<i>b</i>",
    )
    hostile = Comparison(
        baseline="a",
        candidate="b",
        cases=1,
        decisions=result.decisions,
        errors=((1, f"bad {HOSTILE}"),),
        blank_lines=2,
    )
    for html in (result._repr_html_(), hostile._repr_html_()):
        assert "<script>" not in html
        assert "<i>" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;" in html
    html = hostile._repr_html_()
    assert "<th style='text-align:left'>cases with errors</th><td>1</td>" in html
    assert "<th style='text-align:left'>blank lines</th><td>2</td>" in html
    assert _rows(html, "errors") == [
        "<tr><td>1</td><td>bad &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;</td></tr>"
    ]


def test_an_outcome_that_changes_with_the_same_codes() -> None:
    """A group without a differing code reads "(same reason codes)"; no list is empty."""

    class Flip:
        def evaluate(self, case: Any) -> Any:
            from dataclasses import replace

            from atlier_policy.decision import DefectClaimOutcome

            return replace(TEXT.evaluate(case), outcome=DefectClaimOutcome.NEEDS_REVIEW)

    html = compare([b.defect_claim()], TEXT, Flip())._repr_html_()
    assert "<td>(same reason codes)</td>" in html
    assert "<p><b>obligations only</b></p>" not in html
    assert "<p><b>errors</b></p>" not in html
    same = compare([_late(1)], TEXT, TEXT)._repr_html_()
    assert "<p><b>changes</b></p>" not in same
    assert "by outcome and reason code" not in same


# --- timelines -----------------------------------------------------------------------------


def test_a_timeline_is_a_tuple_with_a_short_repr_and_a_table() -> None:
    """A timeline equals the plain tuple of its entries; Jupyter shows a dated table."""
    entries = timeline(_late(5), policy=TEXT)
    assert isinstance(entries, Timeline)
    assert entries == tuple(entries)
    assert repr(entries) == "Timeline(5 dates, 2025-02-27 to 2025-03-10)"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        html = entries._repr_html_()
    assert html == display.timeline_html(entries)
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td>", html)
    assert rows == [
        ("2025-02-27", "Thursday", "event"),
        ("2025-03-03", "Monday", "event"),
        ("2025-03-06", "Thursday", "deadline"),
        ("2025-03-08", "Saturday", "event"),
        ("2025-03-10", "Monday", "deadline"),
    ]
    assert "<td>last day to request a return (§1)</td><td>§1</td>" in html
    dates = timeline_of_dates(PolicyTerms(), approved=date(2025, 3, 14))
    assert isinstance(dates, Timeline)
    assert repr(Timeline(dates[:1])) == "Timeline(1 date, 2025-03-14 to 2025-03-14)"
    assert repr(Timeline()) == "Timeline(no dates)"
    assert Timeline()._repr_html_() == "<div class='atlier-timeline'><p>no dates</p></div>"


def test_a_timeline_escapes_its_labels_and_greys_a_deadline_that_does_not_apply() -> None:
    """A SKU in a label is escaped; a last day the piece cannot use is greyed out."""
    two = b.return_request(
        b.at("2025-03-05"),
        items=(
            b.return_item(item=b.item(sku=HOSTILE, engraved=True)),
            b.return_item(item=b.item(sku="RING-8", delivered_at=b.at("2025-03-04"))),
        ),
    )
    html = timeline(two, policy=TEXT)._repr_html_()
    assert "<script>" not in html
    assert "(&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;)" in html
    assert "<span style='color:#57606a'>last day to request a return (§1; does not apply" in html


# --- qualifications ------------------------------------------------------------------------


def test_qualifications_show_steps_with_dates() -> None:
    """Each item: the steps that would qualify it with their dates, what nothing lifts,
    and the outcome once every step is taken."""
    late = how_to_qualify(_late(10), policy=TEXT)
    assert isinstance(late, Qualifications)
    assert late == tuple(late)
    (q,) = late
    assert repr(q) == (
        "Qualification(order 'A-1001', item 'RING-7', not_eligible -> "
        "eligible_pending_inspection, 1 suggestion, 0 blockers)"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert q._repr_html_() == display.qualification_html(q)
        assert late._repr_html_() == f"<div>{display.qualification_html(q)}</div>"
    html = q._repr_html_()
    assert "<p>order A-1001, item RING-7: <b>not eligible</b></p>" in html
    (step,) = re.findall(r"<tr><td>1</td>.*?</tr>", html)
    assert "<td>2025-03-10</td><td>would have</td><td>§1</td>" in step
    assert "<code>requested_at</code>: 2025-03-13 12:00:00-04:00 &rarr; " in step
    assert html.endswith("<p>with these changes: <b>eligible pending inspection</b></p></div>")


def test_a_blocker_and_nothing_to_change() -> None:
    """A reason nothing lifts is a row of its own; a granted item has nothing to change."""
    engraved = b.return_item(item=b.item(sku=HOSTILE, engraved=True))
    (q,) = how_to_qualify(b.return_request(items=(engraved,), order_id=HOSTILE), policy=TEXT)
    assert q.blockers
    assert repr(q).startswith("Qualification(order \"<script>alert('x')</script>&\", item ")
    html = q._repr_html_()
    assert "<script>" not in html
    assert "<td>&ndash;</td><td>cannot qualify: " in html
    assert "with these changes" not in html
    (granted,) = how_to_qualify(_late(2), policy=TEXT)
    assert repr(granted) == (
        "Qualification(order 'A-1001', item 'RING-7', eligible_pending_inspection, "
        "0 suggestions, 0 blockers)"
    )
    assert granted._repr_html_() == (
        "<div class='atlier-qualification'><p>order A-1001, item RING-7: "
        "<b>eligible pending inspection</b>: nothing to change</p></div>"
    )
    parcel = Qualification(
        stage="lost_parcel", order_id="P-1", sku=None, outcome=TEXT.evaluate(b.parcel()).outcome
    )
    assert "item" not in repr(parcel)
    assert "item" not in parcel._repr_html_()


# --- docs/notebooks.md ---------------------------------------------------------------------

NOTEBOOKS = (ROOT / "docs" / "notebooks.md").read_text(encoding="utf-8")
WHAT_IF = NOTEBOOKS.split("## What-if over past cases", 1)[1].split("\n## ", 1)[0]
BLOCKS = re.findall(r"```python\n(.*?)```", WHAT_IF, re.S)
FRAME = re.findall(r"```text\n(.*?)```", WHAT_IF, re.S)


def test_the_notebook_what_if_example_changes_what_it_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """docs/notebooks.md: the what-if example replays requests the longer window reaches,
    so its frame is not empty: the requests of days 8 to 14 change, and the doc shows
    those rows. The pandas step runs where pandas is installed (not a dependency)."""
    assert len(BLOCKS) == 2
    assert "import pandas" not in BLOCKS[0]
    monkeypatch.chdir(ROOT)  # the example reads examples/ from the repository root
    ns: dict[str, Any] = {}
    exec(BLOCKS[0], ns)
    result = ns["result"]
    assert repr(result) in " ".join(WHAT_IF.split())
    rows = [
        (r["order_id"], r["baseline_outcome"], r["candidate_outcome"])
        for r in result.to_records()
        if r["outcome_changed"]
    ]
    assert rows == [
        (f"DAY-{n:02}", "not_eligible", "eligible_pending_inspection") for n in range(8, 15)
    ]
    (frame,) = FRAME
    shown = [tuple(line.split()[1:]) for line in frame.splitlines()[1:]]
    assert shown == rows
    assert "<td>DAY-14</td>" in result._repr_html_()
    if importlib.util.find_spec("pandas") is not None:
        exec(BLOCKS[1], ns)
        assert f"{ns['frame']}\n" == frame
