"""The store's time zone: IANA names of the tz database only; no other file is ever read."""

from __future__ import annotations

import os
import sys
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atlier_policy import InputError, PolicyTerms
from atlier_policy import terms as terms_module
from atlier_policy.termsfile import terms_from_toml

# Audit hooks cannot be removed: this one records only while a test asks it to.
_EVENTS = ("open", "os.listdir", "os.scandir")
_recorded: list[tuple[str, tuple[Any, ...]]] | None = None


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _recorded is not None and event in _EVENTS:
        _recorded.append((event, args))


sys.addaudithook(_hook)


@contextmanager
def files_touched() -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """Every file opened and folder listed in the block (Python's audit events)."""
    global _recorded
    events: list[tuple[str, tuple[Any, ...]]] = []
    _recorded = events
    try:
        yield events
    finally:
        _recorded = None


HOSTILE = [
    "/etc/passwd",
    "../../../../etc/localtime",
    "/usr/share/zoneinfo/Europe/Paris",
    "file:///etc/localtime",
    "file:/etc/passwd",
    "Europe/../../../etc/passwd",
    "Europe/Paris/..",
    "./UTC",
    "UTC/",
    "//UTC",
    "Europe//Paris",
    "C:\\Windows\\win.ini",
    "\\\\server\\share\\zone",
    "~/zone",
    "Etc/GMT+14",  # looks like a zone, is none
    "Mars/Olympus",
    "localtime",  # a link to the machine's zone, not an IANA name
    "Factory",  # the database's "no zone configured" placeholder (it was accepted)
    "posixrules",
    "zone.tab",
    "tzdata.zi",
    "+VERSION",
    "-UTC",
    "America",  # a folder of the database
    "",
    " UTC",
    "UTC\n",
    "UTC\x00",
    "ＵＴＣ",
    "A" * 65,
    5,
    None,
    ["UTC"],
    {"name": "UTC"},
]


@pytest.fixture(autouse=True)
def _zone_names_loaded() -> None:
    terms_module._zones()  # the database's names are listed once, at first use of the list


@pytest.mark.parametrize("value", HOSTILE, ids=[repr(v)[:30] for v in HOSTILE])
def test_no_store_timezone_opens_a_file(value: object) -> None:
    """Paths, "..", absolute paths, file: URLs and names that are not zones are refused
    with our error, and nothing is opened or listed to refuse them."""
    with files_touched() as touched, pytest.raises(InputError) as info:
        PolicyTerms(store_timezone=value)  # type: ignore[arg-type]
    assert touched == []
    assert [p[0] for p in info.value.problems] == ["store_timezone"]


@given(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(["/", "../", "./", "file:", "~/", "Europe/"]).flatmap(
            lambda prefix: st.text(max_size=30).map(lambda rest: prefix + rest)
        ),
    )
)
def test_any_name_opens_only_the_tz_database(name: str) -> None:
    """Whatever the name, only a file of the time-zone database can be opened, and only
    for a name that the database lists."""
    names, _ = terms_module._zones()
    with files_touched() as touched:
        try:
            PolicyTerms(store_timezone=name)
        except InputError:
            assert name not in names
    for _event, args in touched:
        path = os.path.realpath(str(args[0]))
        assert any(path.startswith(os.path.realpath(d) + os.sep) for d in zoneinfo.TZPATH)


def test_real_zones_are_read_from_the_database() -> None:
    """A real zone opens its file inside the tz database and keeps its rules."""
    zoneinfo.ZoneInfo.clear_cache()
    with files_touched() as touched:
        terms = PolicyTerms(store_timezone="Asia/Kathmandu")
    assert terms.tz.utcoffset(datetime(2025, 1, 1)) == timedelta(hours=5, minutes=45)
    opened = [str(args[0]) for event, args in touched if event == "open"]
    assert opened
    assert all(path.endswith(os.path.join("Asia", "Kathmandu")) for path in opened)


def test_terms_files_refuse_paths_too() -> None:
    """A terms file naming a path as its zone is refused by key, like the Python API."""
    with pytest.raises(InputError) as info:
        terms_from_toml("store_timezone = '../../../../etc/localtime'")
    assert info.value.problems[0][0] == "store_timezone"


def test_dateutil_fallback_opens_nothing_for_hostile_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a tz database the names come from dateutil's bundled copy: a real zone is read
    from it by name, and a path is refused before anything is opened."""
    monkeypatch.setattr("zoneinfo.available_timezones", set)
    monkeypatch.setattr("zoneinfo._tzpath.TZPATH", ())  # and no zone file
    terms_module._zones.cache_clear()
    try:
        assert PolicyTerms(store_timezone="Asia/Tokyo").tz.utcoffset(
            datetime(2025, 1, 1)
        ) == timedelta(hours=9)
        with files_touched() as touched, pytest.raises(InputError):
            PolicyTerms(store_timezone="../../../../etc/localtime")
        assert touched == []
        with pytest.raises(InputError, match="store_timezone"):
            PolicyTerms(store_timezone="Factory")
    finally:
        terms_module._zones.cache_clear()


def test_every_zone_of_the_database_passes_the_name_gate() -> None:
    """The syntax gate refuses paths, never a real zone: every listed name passes it."""
    names, _ = terms_module._zones()
    assert "America/New_York" in names
    assert all(terms_module._ZONE_NAME.fullmatch(name) for name in names)
