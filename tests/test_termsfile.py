"""Policy terms from TOML: the same clear errors as cases, each naming its key."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from atlier_policy import InputError, Policy, PolicyTerms
from atlier_policy.cases import SalesChannel
from atlier_policy.termsfile import (
    MAX_TERMS_BYTES,
    load_policy,
    load_terms,
    load_versions,
    terms_from_mapping,
    terms_from_toml,
    versions_from_toml,
)
from atlier_policy.versions import PolicyVersions

TERMS = Path(__file__).parent.parent / "examples" / "terms"


def test_the_texts_terms_spelled_out_are_the_defaults() -> None:
    """examples/terms/text.toml states every term of the text: equal to PolicyTerms()."""
    assert load_terms(TERMS / "text.toml") == PolicyTerms()


def test_a_candidate_changes_only_what_it_names() -> None:
    """The 14-day candidate: §1's window changes, §3's 3-day notice and the rest stay."""
    terms = load_terms(TERMS / "fourteen-day-window.toml")
    assert (terms.version, terms.effective_date) == ("candidate-14-day-window", date(2026, 1, 1))
    assert terms.return_window_days == 14
    assert terms.defect_notice_days == 3
    assert terms.eligible_channels == frozenset({SalesChannel.WEBSITE})


def test_every_key_and_its_type() -> None:
    terms = terms_from_toml(
        """
        effective_date = "2025-06-01"          # an ISO string works too
        calendar_country = "GB"
        calendar_subdiv = "ENG"
        store_timezone = "Europe/London"
        eligible_channels = ["website", "marketplace"]
        defect_remedy_covers_custom = false
        refund_min_business_days = 5
        refund_max_business_days = 8
        support_email = "help@example.com"
        """
    )
    assert terms.effective_date == date(2025, 6, 1)
    assert (terms.calendar_country, terms.calendar_subdiv) == ("GB", "ENG")
    assert terms.eligible_channels == frozenset({SalesChannel.WEBSITE, SalesChannel("marketplace")})
    assert terms.defect_remedy_covers_custom is False
    assert (terms.refund_min_business_days, terms.refund_max_business_days) == (5, 8)


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("colour = 'red'", [("colour", "absent (unknown key)", "'red'")]),
        ("return_window_days = '14'", [("return_window_days", "an integer", "'14'")]),
        ("return_window_days = 14.0", [("return_window_days", "an integer", "14.0")]),
        ("return_window_days = true", [("return_window_days", "an integer", "True")]),
        (
            "defect_remedy_covers_custom = 1",
            [("defect_remedy_covers_custom", "true or false", "1")],
        ),
        ("version = 2026", [("version", "a string", "2026")]),
        (
            "effective_date = 2026-01-01T00:00:00",
            [("effective_date", "a date like 2026-01-01", "datetime.datetime(2026, 1, 1, 0, 0)")],
        ),
        (
            "effective_date = '1 Jan 2026'",
            [("effective_date", "a date like 2026-01-01", "'1 Jan 2026'")],
        ),
        ("effective_date = 20260101", [("effective_date", "a date like 2026-01-01", "20260101")]),
        # Forms date.fromisoformat reads and the documented one is not (they were accepted).
        (
            "effective_date = '20260101'",
            [("effective_date", "a date like 2026-01-01", "'20260101'")],
        ),
        (
            "effective_date = '2026-W01-4'",
            [("effective_date", "a date like 2026-01-01", "'2026-W01-4'")],
        ),
        (
            "eligible_channels = 'website'",
            [
                (
                    "eligible_channels",
                    "an array of sales channels ('website', 'marketplace', 'retail_store', 'other')",
                    "'website'",
                )
            ],
        ),
        (
            "eligible_channels = ['website', 'shop']",
            [
                (
                    "eligible_channels",
                    "an array of sales channels ('website', 'marketplace', 'retail_store', 'other')",
                    "['website', 'shop']",
                )
            ],
        ),
        # Range and cross-field checks are PolicyTerms' own, reported the same way.
        (
            "return_window_days = 400",
            [("return_window_days", "a whole number of days from 0 to 366", "400")],
        ),
        (
            "refund_min_business_days = 12",
            [("refund_min_business_days", "at most refund_max_business_days (10)", "12")],
        ),
        (
            "return_window_days = 'x'\nzzz = 1",
            [("return_window_days", "an integer", "'x'"), ("zzz", "absent (unknown key)", "1")],
        ),
    ],
)
def test_bad_terms_name_the_key(text: str, problems: list[tuple[str, str, str]]) -> None:
    """Every problem at once, each as (key, expected, given), like a bad case document."""
    with pytest.raises(InputError) as err:
        terms_from_toml(text)
    assert list(err.value.problems) == problems
    assert str(err.value).startswith("terms: `")


def test_channel_list_shown_matches_the_enum() -> None:
    choices = ", ".join(repr(c.value) for c in SalesChannel)
    with pytest.raises(InputError, match=f"an array of sales channels \\({choices}\\)"):
        terms_from_mapping({"eligible_channels": [1]})


def test_bad_toml_syntax() -> None:
    with pytest.raises(InputError) as err:
        terms_from_toml("return_window_days = \n\nversion = 1")
    ((key, expected, given),) = err.value.problems
    assert (key, expected) == ("(document)", "valid TOML")
    assert "line 1" in given


def test_unknown_time_zone_and_country_are_named() -> None:
    with pytest.raises(InputError, match="`store_timezone`"):
        terms_from_toml("store_timezone = 'Mars/Olympus'")
    with pytest.raises(InputError, match="`calendar_country`"):
        terms_from_toml("calendar_country = 'XX'")
    with pytest.raises(InputError, match="`calendar_subdiv`"):
        terms_from_toml("calendar_subdiv = 'ZZ'")


@pytest.mark.parametrize(
    "email",
    [
        "",
        "junk",
        "a@b",
        "@example.com",
        "a b@example.com",
        "a@@b.c",
        "care@shop\u202e.example",  # a bidi override: read in another order than typed
        "ca\u200bre@shop.example",  # a zero-width space: invisible, yet another address
        "care@shop.example\ufeff",  # a byte order mark at the end
        "sup\u3164port@shop.example",  # a Hangul filler: drawn blank
        "care\u034f@shop.example",  # a combining grapheme joiner
        "care\ufe0f@shop.example",  # a variation selector
        "care@shop\u2800.example",  # the braille blank
    ],
)
def test_support_email_must_be_an_address(email: str) -> None:
    """§6 names an e-mail address: the terms' support_email must be one."""
    with pytest.raises(InputError, match="`support_email` must be an e-mail address"):
        terms_from_toml(f"support_email = {json.dumps(email)}")  # TOML reads JSON's escapes
    assert terms_from_toml("support_email = 'care@shop.example'").support_email == (
        "care@shop.example"
    )


def test_not_a_document() -> None:
    with pytest.raises(InputError, match="table of terms"):
        terms_from_mapping([1, 2])  # type: ignore[arg-type]
    with pytest.raises(InputError, match="TOML text"):
        terms_from_toml(None)  # type: ignore[arg-type]


def test_key_table_is_read_only() -> None:
    from atlier_policy import termsfile

    with pytest.raises(TypeError):
        termsfile._KEYS["colour"] = termsfile._KEYS["version"]  # type: ignore[index]


def test_files(tmp_path: Path) -> None:
    """Files: the error names the file; unreadable, oversized and non-UTF-8 files are refused."""
    bad = tmp_path / "bad.toml"
    bad.write_text("return_window_days = -1\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"^terms file {bad}: `return_window_days`"):
        load_terms(bad)
    with pytest.raises(InputError, match="`file` must be a readable file"):
        load_terms(tmp_path / "missing.toml")
    big = tmp_path / "big.toml"
    big.write_text("#" * (MAX_TERMS_BYTES + 1), encoding="utf-8")
    with pytest.raises(InputError, match=f"at most {MAX_TERMS_BYTES} bytes"):
        load_terms(big)
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b"version = '\xe9'\n")
    with pytest.raises(InputError, match="`file` must be UTF-8 text"):
        load_terms(latin)


# --- versions files -----------------------------------------------------------------------


def test_versions_file() -> None:
    """examples/terms/versions.toml: the text's version and a 14-day one from 2026-01-01."""
    versions = load_versions(TERMS / "versions.toml")
    assert versions.versions == ("2025-01-12", "2026-01-01")
    assert versions.for_date(date(2026, 1, 1)).terms.return_window_days == 14
    assert versions.for_date(date(2025, 12, 31)).terms == PolicyTerms()


def test_load_policy_reads_either_kind() -> None:
    assert isinstance(load_policy(TERMS / "versions.toml"), PolicyVersions)
    policy = load_policy(TERMS / "fourteen-day-window.toml")
    assert isinstance(policy, Policy)
    assert policy.terms.return_window_days == 14


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "versions: `versions` must be one or more [[versions]] tables (got None)"),
        ("versions = []", "`versions` must be one or more [[versions]] tables (got [])"),
        ("versions = [1]", "versions: versions[0]: `(table)` must be a table of terms (got 1)"),
        (
            "return_window_days = 7\n[[versions]]\nversion = 'a'",
            "versions: `return_window_days` must be absent (unknown key) (got 7)",
        ),
        (
            "[[versions]]\nversion = 'a'\n[[versions]]\nversion = 'b'\ncolour = 1",
            "versions: versions[1]: `colour` must be absent (unknown key)",
        ),
        (
            "[[versions]]\nversion = 'a'\n[[versions]]\nversion = 'b'",
            "versions: policy versions: version 'b': `effective_date` must be a date no other",
        ),
        ("[[versions]", "`(document)` must be valid TOML"),
    ],
)
def test_bad_versions_files(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as err:
        versions_from_toml(text)
    assert fragment in str(err.value)
