"""The ``fast`` extra: compact JSON by orjson, byte for byte the standard library's.

The `test` extra installs orjson, so that these tests compare the two encoders in CI;
``_compact`` and ``_compact_bytes`` take the encoder (``None``: the standard library's).
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from atlier_policy import evaluate
from atlier_policy.codec import (
    _JSON_ESCAPES,
    Level,
    _compact,
    _compact_bytes,
    _encoder,
    decision_to_dict,
    dumps,
    dumps_bytes,
    loads,
)

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
FAST = _encoder()
assert FAST is not None  # the `test` extra installs orjson

# Characters that test an encoder's escapes: C0 controls, the quote and backslash, DEL,
# C1 controls (NEL), U+2028/2029, a BOM, a private-use character, a character outside the
# BMP, lone surrogates of either half, and letters with accents.
HOSTILE = st.one_of(
    st.sampled_from(
        [
            *("\x00", "\x08", "\n", "\x1b", "\x1f", '"', "\\", "/", "\x7f", "\x80", "\x85"),
            *("\x9f", "\xa0", "\u2028", "\u2029", "\ufeff", "\ue000", "😀", "é", "ü", "\u0301"),
        ]
    ),
    st.integers(0xD800, 0xDFFF).map(chr),
    st.characters(),
)
STRINGS = st.text(HOSTILE, max_size=12)
# Whole numbers around orjson's limits (64 bits signed and unsigned) and far past them.
INTEGERS = st.one_of(
    st.integers(),
    st.sampled_from([0, -1, 2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), -(2**63) - 1]),
    st.integers(min_value=-(10**30), max_value=10**30),
)
SCALARS = st.one_of(st.none(), st.booleans(), INTEGERS, STRINGS)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(STRINGS, inner, max_size=4),
    ),
    max_leaves=30,
)


@given(st.dictionaries(STRINGS, DOCUMENTS, max_size=5))
def test_orjson_writes_the_standard_librarys_bytes(doc: dict[str, Any]) -> None:
    """Any document of JSON's types (no floats), hostile strings, lone surrogates, big
    integers and empty containers included: the same text and bytes by either encoder,
    and by ``dumps``/``dumps_bytes``; the text is valid JSON, of one line."""
    text = _compact(doc, None)
    assert _compact(doc, FAST) == text
    assert _compact_bytes(doc, FAST) == _compact_bytes(doc, None) == text.encode()
    assert dumps(doc) == text
    assert dumps_bytes(doc) == text.encode()
    assert len(text.splitlines()) == 1
    assert not any(chr(c) in text for c in _JSON_ESCAPES)
    assert isinstance(json.loads(text), dict)  # valid JSON (surrogate pairs read as one)


@given(DOCUMENTS)
def test_any_top_level_value(value: Any) -> None:
    """A bare array, string or number too (``dumps`` is typed for objects, the encoders
    take any JSON value)."""
    assert _compact_bytes(value, FAST) == _compact_bytes(value, None)


@pytest.mark.parametrize(
    "doc",
    [
        {"lone": "\ud800", "pair": "\ud83d\ude00"},
        {"\udfff": 1},
        {"big": 2**64, "small": -(2**63) - 1},
        {"u64": 2**64 - 1, "i64": -(2**63)},
        {1: "a", False: "b", None: "c", 2: 3},
        {"deep": json.loads("[" * 300 + "]" * 300)},
        {"escaped": "".join(chr(c) for c in _JSON_ESCAPES if not 0xD800 <= c < 0xE000)},
        {"e": [{}, [], {"x": []}, [[]]], "": ""},
        {},
    ],
    ids=[
        "lone-surrogates",
        "surrogate-key",
        "past-64-bits",
        "64-bit-limits",
        "non-string-keys",
        "deep",
        "every-escape",
        "empty-containers",
        "empty",
    ],
)
def test_documents_at_orjsons_limits(doc: dict[Any, Any]) -> None:
    """What orjson refuses (lone surrogates, integers past 64 bits, keys that are not
    strings, nesting past 255) the standard library writes; the bytes are the same."""
    expected = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    expected = expected.translate(_JSON_ESCAPES)
    assert _compact(doc, FAST) == _compact(doc, None) == expected
    assert _compact_bytes(doc, FAST) == expected.encode()


def test_every_escaped_character_is_escaped_by_orjsons_path() -> None:
    """DEL, each C1 control and U+2028/2029 (orjson writes them raw) come out as ``\\u``
    escapes, alone or amid other text."""
    for code in _JSON_ESCAPES:
        if 0xD800 <= code < 0xE000:
            continue
        for text in (chr(code), f"é{chr(code)}x", f"a{chr(code)}"):
            out = _compact_bytes({"k": text}, FAST)
            assert f"\\u{code:04x}".encode() in out
            assert chr(code).encode() not in out
            assert out == _compact_bytes({"k": text}, None)


@dataclasses.dataclass
class _Point:
    x: int


@pytest.mark.parametrize("value", [date(2025, 3, 3), _Point(1), {1, 2}, 1j])
def test_what_the_standard_library_refuses_is_refused(value: Any) -> None:
    """A date, a dataclass or a set is no JSON: refused with the standard library's
    TypeError on either path (orjson would write a date or a dataclass)."""
    for encoder in (FAST, None):
        with pytest.raises(TypeError, match="is not JSON serializable"):
            _compact({"v": value}, encoder)


@pytest.mark.parametrize("level", list(Level))
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_decision_documents_are_the_same_bytes(path: Path, level: Level) -> None:
    """Every example's decision, at every level: the same bytes by either encoder."""
    doc = decision_to_dict(evaluate(json.loads(path.read_text())), level=level)
    assert _compact_bytes(doc, FAST) == _compact(doc, None).encode()
    assert loads(_compact_bytes(doc, FAST)) == json.loads(json.dumps(doc))


def test_the_encoder_is_chosen_once_at_first_use() -> None:
    """orjson where it is installed (the same encoder every time), the standard library
    where it is not; importing the codec does not import orjson, writing a document does."""
    assert _encoder() is FAST
    assert FAST({"a": [1]}) == orjson.dumps({"a": [1]})
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "orjson", None)  # `import orjson` raises ImportError
        assert _encoder.__wrapped__() is None
    code = (
        "import sys\n"
        "from atlier_policy import codec\n"
        "print('orjson' in sys.modules)\n"
        "codec.dumps({})\n"
        "print('orjson' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "True"]


def test_indented_text_stays_on_the_standard_library() -> None:
    """``indent`` is for people: the standard library writes it, with the same escapes."""
    doc = {"a": ["\u2028", {}], "b": "\x85"}
    assert dumps(doc, indent=1) == '{\n "a": [\n  "\\u2028",\n  {}\n ],\n "b": "\\u0085"\n}'


def test_the_encoders_bytes_are_kept_when_nothing_needs_escaping() -> None:
    """The encoder's own bytes are the result when they hold nothing to escape (no
    decoding round trip); with something to escape, they are escaped; when the encoder
    refuses the document, the standard library writes it."""
    plain = FAST({"a": "é", "b": [1, {}]})
    assert _compact_bytes({"ignored": 1}, lambda _: plain) is plain
    assert _compact_bytes({}, lambda _: '{"a":"\u2028"}'.encode()) == b'{"a":"\\u2028"}'

    def refuses(_: Any) -> bytes:
        raise orjson.JSONEncodeError("no")

    assert _compact_bytes({"a": "\ud800"}, refuses) == b'{"a":"\\ud800"}'
