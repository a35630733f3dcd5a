"""Strings from outside: what a text field may hold, and one line for any string."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atlier_policy import Decision, InputError, OrderDecision, evaluate
from atlier_policy.cases import LostParcelReport
from atlier_policy.errors import _shown
from atlier_policy.strings import (
    has_controls,
    has_surrogates,
    has_visible,
    one_line,
    text_problem,
    valid_text,
)

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


INVISIBLE = [
    "\x00",
    "\x00\x00 ",
    "\u200b",  # zero-width space
    "\u200b\u200d\u200c",  # zero-width space, joiner, non-joiner
    "\ufeff",  # byte order mark
    "\u00ad",  # soft hyphen
    "\u202e\u2066",  # bidi controls
    "\u3164",  # Hangul filler: a letter drawn blank
    "\u2800",  # braille blank
    "\u0301",  # a combining accent with nothing to sit on
    "\u3000\u00a0\t",
]


@pytest.mark.parametrize("text", INVISIBLE, ids=[repr(t) for t in INVISIBLE])
def test_an_identifier_needs_a_visible_character(text: str) -> None:
    """An order id or a SKU of NUL, zero-width, format or blank characters only is refused,
    by the case class and by the decoder, naming the field (they were accepted)."""
    assert not has_visible(text)
    assert not valid_text(text, 200)
    with pytest.raises(InputError, match="`order_id` must be a visible character"):
        LostParcelReport(order_id=text)
    with pytest.raises(InputError) as info:
        evaluate(
            {
                "stage": "return_request",
                "order_id": "A-1",
                "requested_at": "2025-03-05T12:00:00-05:00",
                "items": [{"item": {"sku": text}}],
            }
        )
    assert [p[0] for p in info.value.problems] == ["items[0].item.sku"]


@pytest.mark.parametrize("text", ["A", "A\u200bB", "é", "\u65e5\u672c", "\u0915\u093f", "\x00-1"])
def test_an_identifier_with_a_visible_character(text: str) -> None:
    """One visible character is enough, whatever else the identifier holds."""
    assert has_visible(text)
    assert LostParcelReport(order_id=text).order_id == text


def test_a_lone_surrogate_is_named_as_such() -> None:
    """A lone surrogate in an identifier or any string: the error names the field and says
    the text is not valid Unicode (it said "a non-empty string of at most 200 characters",
    or "of at most 1000 characters", of a short, non-empty string)."""
    with pytest.raises(InputError) as info:
        LostParcelReport(order_id="A\ud800")
    assert info.value.problems == (
        ("order_id", "valid Unicode text, without a lone surrogate", "'A\\ud800'"),
    )
    with pytest.raises(InputError) as info:
        evaluate({"stage": "lost_parcel", "order_id": "A\udfff"})
    assert info.value.problems == (
        ("order_id", "valid Unicode text, without a lone surrogate", '"A\\udfff"'),
    )
    assert "lone surrogate" in str(info.value)
    assert text_problem("A" * 201, 200) == "a string of 1 to 200 characters"
    assert text_problem(7, 200) == "a string of 1 to 200 characters"
