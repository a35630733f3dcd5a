"""Strings from outside: what a text field may hold, and one line for any string."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atlier_policy import Decision, InputError, OrderDecision, evaluate
from atlier_policy.errors import _shown
from atlier_policy.strings import has_controls, has_surrogates, one_line, valid_text

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("A-1", "A-1"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("\x1b[2J\x00\x7f", "\\x1b[2J\\x00\\x7f"),
        ("\x85\x9b", "\\x85\\x9b"),  # NEL and the C1 CSI
        ("a\u2028b\u2029c", "a\\u2028b\\u2029c"),
        ("\u202egnp.exe", "\\u202egnp.exe"),  # a bidi override reorders what is shown
        ("\ud800", "\\ud800"),
        ("§1 – café ✓", "§1 – café ✓"),  # printable text is left alone
    ],
)
def test_one_line_escapes_controls_separators_and_surrogates(text: str, shown: str) -> None:
    """C0, DEL, C1 (NEL), U+2028/U+2029, bidi controls and lone surrogates are escaped."""
    assert one_line(text) == shown


@given(st.text())
def test_one_line_is_one_clean_printable_line(text: str) -> None:
    """Whatever the text, one_line gives one line with no unsafe character, and is idempotent."""
    shown = one_line(text)
    assert not UNSAFE.search(shown)
    assert len(shown.splitlines()) <= 1
    assert one_line(shown) == shown
    shown.encode("utf-8")  # writable


def test_text_checks() -> None:
    """valid_text: a visible character, a length, valid Unicode, controls only if allowed."""
    assert valid_text("A-1", 3)
    assert not valid_text("A-12", 3)
    assert not valid_text(" \u3000", 3)  # Unicode spaces only
    assert not valid_text("A\ud800", 3)
    assert not valid_text(5, 3)
    assert valid_text("a\x1bb", 3)
    assert not valid_text("a\x1bb", 3, controls=False)
    assert [has_surrogates(t) for t in ("\udfff", "é", "x")] == [True, False, False]
    assert [has_controls(t) for t in ("\x85", "\u2028", "é")] == [True, True, False]


def test_error_messages_are_one_clean_line() -> None:
    """Keys and values holding CR, ESC or U+2028 reach the message and its problems escaped."""
    with pytest.raises(InputError) as info:
        evaluate({"stage": "lost_parcel", "order_id": "A", "x\r\x1b[31m": "\u2028\x85"})
    ((field, _, given_),) = info.value.problems
    assert field == "x\\r\\x1b[31m"
    assert given_ == '"\\u2028\\u0085"'  # JSON's own escapes
    assert not UNSAFE.search(str(info.value))


def test_huge_integers_are_shown_by_size() -> None:
    """An integer past Python's digit limit is named by its size, not by a ValueError."""
    assert _shown(10**5000) == "an integer of about 5001 digits"
    assert _shown(-(10**77)) == repr(-(10**77))
    with pytest.raises(InputError, match="an integer of about 5001 digits"):
        evaluate({"stage": "lost_parcel", "order_id": 10**5000})


def test_decision_text_escapes_the_case_strings() -> None:
    """`str(decision)` keeps one line per entry, whatever the order id and sku hold."""
    parcel = evaluate(
        {
            "stage": "lost_parcel",
            "order_id": "A\n\x1b[2J",
            "status": "lost",
            "shipped_at": "2025-03-06T12:00:00-05:00",
        }
    )
    assert isinstance(parcel, Decision)
    text = str(parcel)
    assert text.split("\n")[0] == "lost parcel (order A\\n\\x1b[2J): no refund parcel lost"
    assert not UNSAFE.search(text.replace("\n", ""))
    order = evaluate(
        {
            "stage": "return_request",
            "order_id": "O\u2028",
            "requested_at": "2025-03-05T12:00:00-05:00",
            "items": [{"item": {"sku": "S\x85"}}],
        }
    )
    assert isinstance(order, OrderDecision)
    lines = str(order).split("\n")
    assert lines[0].startswith("order O\\u2028: ")
    assert "item S\\x85" in lines[1]
    assert not UNSAFE.search(str(order).replace("\n", ""))
