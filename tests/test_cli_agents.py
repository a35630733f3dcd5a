"""The command for support agents and pipelines (issue 15): `message`, `qualify`,
`--fail-on`, one JSON style, `policy --format toml`, marked text, named arguments."""

from __future__ import annotations

import argparse
import io
import json
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from atlier_policy import cli
from atlier_policy.cli import main
from atlier_policy.policy import default_policy
from atlier_policy.termsfile import load_policy

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
LATE = str(EXAMPLES / "return_request_late.json")  # delivered 2025-03-03, engraved, late
ELIGIBLE = str(EXAMPLES / "return_request_eligible.json")
INCOMPLETE = str(EXAMPLES / "defect_claim_incomplete.json")  # photos missing
ACCEPTED = str(EXAMPLES / "defect_claim_accepted.json")
REVIEW = str(EXAMPLES / "return_request_needs_review.json")
REFUND = str(EXAMPLES / "inspection_refund_approved.json")
FOURTEEN = str(EXAMPLES / "terms" / "fourteen-day-window.toml")
PARCEL = '{"stage": "lost_parcel", "order_id": "P-1", "status": "lost", "shipped_at": "2025-03-06T12:00:00-05:00"}'


def _one_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("atlier-policy: error: ")
    assert "Traceback" not in err
    return err


# --- message ------------------------------------------------------------------------------


def test_message_is_the_customer_email(capsys: pytest.CaptureFixture[str]) -> None:
    """`message CASE`: the e-mail, with the delivery date, the last day and both reasons."""
    assert main(["message", LATE]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Dear customer,\n\n")
    assert (
        "We are sorry: we cannot accept the return of RNG-SOL-0042 (order AJ-100231).\n"
        "- Returns must be requested within 7 days of delivery. Your piece was delivered on "
        "2025-03-03, so the last day was 2025-03-10; your request reached us on 2025-03-11.\n"
        "- Engraved pieces cannot be returned.\n"
    ) in out
    assert out.endswith("Kind regards,\nThe Atlier Jewelry team\n")
    assert main(["message", LATE, "--lang", "en"]) == 0
    assert capsys.readouterr().out == out


def test_message_agent_view(capsys: pytest.CaptureFixture[str]) -> None:
    """`message --agent`: clause ids, the quoted sentences and the rule trace."""
    assert main(["message", INCOMPLETE, "--agent"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == (
        "defect claim (order AJ-100502, item RNG-SOL-0042): incomplete [policy 2025-01-12]"
    )
    assert (
        "  ? unknown        [§3 s3.photos] defect_photos: clear photos of the issue are needed by 2025-03-06"
        in lines
    )
    assert "“If your jewelry arrives damaged or contains a manufacturing defect" in out
    assert "missing: photos_sent_at" in lines
    assert "trace:" in lines
    assert "Dear customer" not in out


def test_message_under_other_terms_and_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`message --versions`: under a 14-day window the late ring is refused for its
    engraving only; `message -` reads standard input."""
    assert main(["message", LATE, "--versions", FOURTEEN]) == 0
    out = capsys.readouterr().out
    assert "- Engraved pieces cannot be returned.\n" in out
    assert "within 7 days" not in out
    assert "2025-03-10" not in out
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(PARCEL.encode())))
    assert main(["message", "-"]) == 0
    assert "order P-1" in capsys.readouterr().out


def test_message_refuses_another_language(capsys: pytest.CaptureFixture[str]) -> None:
    """Only English exists today: any other `--lang` is a usage error, exit 2, one line."""
    assert main(["message", LATE, "--lang", "fr"]) == 2
    assert _one_error(capsys) == (
        "atlier-policy: error: message: argument --lang: only en is available today (got 'fr')\n"
    )


def test_message_writes_dates_as_the_locale_does(capsys: pytest.CaptureFixture[str]) -> None:
    """`message --locale fr_FR`: the same e-mail, its dates as a French reader writes them."""
    assert main(["message", LATE, "--locale", "fr_FR"]) == 0
    out = capsys.readouterr().out
    assert "3 mars 2025" in out
    assert "10 mars 2025" in out
    assert "2025-03-10" not in out
    assert main(["message", LATE, "--locale", "xx_NOWHERE"]) == 2
    assert "`--locale` must be a locale Babel knows" in _one_error(capsys)  # the option


# --- qualify ------------------------------------------------------------------------------


def test_qualify_text(capsys: pytest.CaptureFixture[str]) -> None:
    """`qualify`: what would have been in time, by which date, and what no change lifts."""
    assert main(["qualify", LATE]) == 0
    assert capsys.readouterr().out == (
        "order AJ-100231, item RNG-SOL-0042: not eligible:\n"
        "- a return requested by 2025-03-10 would have been in time\n"
        "- cannot qualify: a piece that was engraved cannot be returned\n"
    )
    assert main(["qualify", INCOMPLETE]) == 0
    assert capsys.readouterr().out == (
        "order AJ-100502, item RNG-SOL-0042: incomplete:\n"
        "- send clear photos of the issue to support@atlierjewelry.com by 2025-03-06 to "
        "complete the defect claim\n"
        "with these changes: accepted pending inspection\n"
    )
    assert main(["qualify", ELIGIBLE]) == 0
    assert capsys.readouterr().out == (
        "order AJ-100231, item RNG-SOL-0042: eligible pending inspection: nothing to change\n"
    )
    assert main(["qualify", LATE, "--versions", FOURTEEN]) == 0
    assert capsys.readouterr().out == (
        "order AJ-100231, item RNG-SOL-0042: not eligible:\n"
        "- cannot qualify: a piece that was engraved cannot be returned\n"
    )


def test_qualify_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`qualify --format json`: one compact line, the deadline and the changed facts as data;
    `--pretty` indents the same document."""
    assert main(["qualify", INCOMPLETE, "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    (q,) = json.loads(out)["qualifications"]
    assert (q["stage"], q["outcome"], q["role"], q["sku"]) == (
        "defect_claim",
        "incomplete",
        "incomplete",
        "RNG-SOL-0042",
    )
    (s,) = q["suggestions"]
    assert (s["code"], s["clause_id"], s["section"], s["deadline"]) == (
        "defect_photos",
        "s3.photos",
        "3",
        "2025-03-06",
    )
    assert s["changes"] == [
        {"path": "photos_sent_at", "old": "not_yet", "new": "2025-03-06T12:00:00-05:00"}
    ]
    assert (q["blockers"], q["outcome_if_changed"]) == ([], "accepted_pending_inspection")
    assert main(["qualify", LATE, "--format", "json", "--pretty"]) == 0
    pretty = capsys.readouterr().out
    assert pretty.startswith('{\n  "qualifications": [\n')
    (late,) = json.loads(pretty)["qualifications"]
    assert late["blockers"] == [
        {
            "code": "engraved",
            "clause_id": "s2.engraved",
            "section": "2",
            "message": "a piece that was engraved cannot be returned",
        }
    ]
    assert late["outcome_if_changed"] is None
    assert late["suggestions"][0]["deadline"] == "2025-03-10"


def test_plain_values() -> None:
    """A fact's value as JSON has it: a date as ISO text, anything unknown as its text."""
    assert cli._plain(Decimal("1.50")) == "1.50"
    assert cli._plain(True) is True
    assert cli._plain(None) is None


# --- one JSON style -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["policy", "--format", "json"],
        ["deadlines", "--delivered", "2025-03-03", "--format", "json"],
        ["evaluate", LATE, "--format", "json"],
        ["qualify", LATE, "--format", "json"],
    ],
    ids=["policy", "deadlines", "evaluate", "qualify"],
)
def test_json_compact_unless_pretty(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Every JSON document is one compact line; `--pretty` indents the same document."""
    assert main(argv) == 0
    compact = capsys.readouterr().out
    assert compact.count("\n") == 1
    assert '": ' not in compact.replace('": "', "")  # no space after a key's colon
    assert main([*argv, "--pretty"]) == 0
    pretty = capsys.readouterr().out
    assert pretty.startswith('{\n  "')
    assert json.loads(pretty) == json.loads(compact)


def test_evaluate_pretty_implies_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`evaluate --pretty` is JSON even on a terminal."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdout.isatty", lambda: True, raising=False)
        assert main(["evaluate", LATE, "--pretty"]) == 0
    assert json.loads(capsys.readouterr().out)["kind"] == "order_decision"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["evaluate", LATE, "--format", "text", "--pretty"], "evaluate: --pretty is for JSON"),
        (
            ["qualify", LATE, "--pretty"],
            "qualify: --pretty is for --format json, not --format text",
        ),
        (["policy", "--format", "toml", "--pretty"], "policy: --pretty is for --format json"),
        (["deadlines", "--delivered", "2025-03-03", "--pretty"], "deadlines: --pretty is for"),
        (["diff", "--candidate", LATE, LATE, "--format", "jsonl", "--pretty"], "diff: --pretty"),
        (["message", LATE, "--agent", "--locale", "fr_FR"], "--locale is for the customer e-mail"),
    ],
    ids=["evaluate", "qualify", "policy", "deadlines", "diff", "message"],
)
def test_an_option_the_command_would_ignore_is_refused(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An option that would change nothing (indenting text, a locale for the agent view,
    which has no dates in a locale) is a usage error naming both options: exit 2."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert said in captured.err
    assert captured.err.count("\n") == 1


def test_deadlines_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`deadlines --format json`: the calendar, the version and each date as data."""
    assert main(["deadlines", "--delivered", "2025-03-03", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "calendar": "US",
        "policy_version": "2025-01-12",
        "dates": [
            {
                "date": "2025-03-03",
                "key": "delivered",
                "label": "delivered",
                "kind": "event",
                "section": None,
                "applies": True,
            },
            {
                "date": "2025-03-06",
                "key": "last_day_to_report_defect",
                "label": "last day to report a defect (§3)",
                "kind": "deadline",
                "section": "3",
                "applies": True,
            },
            {
                "date": "2025-03-10",
                "key": "last_day_to_request_return",
                "label": "last day to request a return (§1)",
                "kind": "deadline",
                "section": "1",
                "applies": True,
            },
        ],
    }
    argv = ["deadlines", "--case", REFUND, "--format", "json"]
    assert main([*argv, "--country", "GB", "--subdiv", "ENG"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["calendar"] == "GB-ENG"
    assert doc["dates"][-1]["key"].startswith("refund_latest")


# --- --fail-on and the exit statuses --------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "fail_on", "status"),
    [
        (LATE, "refused", 3),
        (LATE, "refused,incomplete,review", 3),
        (LATE, "incomplete,review", 0),
        (LATE, "granted", 0),
        (ELIGIBLE, "granted", 3),
        (ELIGIBLE, "refused,incomplete,review", 0),
        (INCOMPLETE, "incomplete", 3),
        (INCOMPLETE, "refused, review", 0),
        (REVIEW, "review", 3),
        (REVIEW, "refused,incomplete", 0),
    ],
)
def test_evaluate_fail_on(
    case: str, fail_on: str, status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """`evaluate --fail-on ROLES` exits 3 when the decision (an item of it) plays one of the
    roles, and prints the decision all the same."""
    assert main(["evaluate", case, "--format", "json", "--fail-on", fail_on]) == status
    assert json.loads(capsys.readouterr().out)["policy_version"] == "2025-01-12"
    assert main(["evaluate", case, "--format", "json"]) == 0
    capsys.readouterr()


def test_fail_on_an_item_of_an_order(capsys: pytest.CaptureFixture[str]) -> None:
    """An order of granted and refused items fails on either role."""
    multi = str(EXAMPLES / "return_request_multi_item.json")
    assert main(["evaluate", multi, "--format", "json", "--fail-on", "refused"]) == 3
    assert main(["evaluate", multi, "--format", "json", "--fail-on", "granted"]) == 3
    assert main(["evaluate", multi, "--format", "json", "--fail-on", "review"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("words", ["refusd", "refused,", "REFUSED", "not_eligible", ""])
def test_fail_on_unknown_word(words: str, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown word is a usage error naming the option and the words it takes."""
    assert main(["evaluate", LATE, "--fail-on", words]) == 2
    err = _one_error(capsys)
    assert err.startswith("atlier-policy: error: evaluate: argument --fail-on: unknown outcome ")
    assert err.endswith("(choose from granted, refused, incomplete, review, comma-separated)\n")
    assert main(["batch", "-", "--fail-on", words]) == 2
    assert "batch: argument --fail-on: unknown outcome role" in _one_error(capsys)


def _jsonl(tmp_path: Path, *lines: str) -> str:
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _line(path: str) -> str:
    return json.dumps(json.loads(Path(path).read_text(encoding="utf-8")))


def test_batch_fail_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`batch --fail-on`: the whole file is written, then 3 when any decision plays one of
    the roles; an error line plays no role."""
    src = _jsonl(tmp_path, _line(ELIGIBLE), "not json", _line(INCOMPLETE))
    out = tmp_path / "out.jsonl"
    assert main(["batch", src, "-o", str(out), "--fail-on", "incomplete"]) == 3
    assert [json.loads(x)["line"] for x in out.read_text().splitlines()] == [1, 2, 3]
    assert main(["batch", src, "-o", str(out), "--fail-on", "refused,review"]) == 0
    assert main(["batch", src, "-o", str(out), "--fail-on", "granted"]) == 3
    assert main(["batch", src, "-o", str(out)]) == 0
    assert (
        "3 cases: 1 eligible pending inspection, 1 error, 1 incomplete" in capsys.readouterr().err
    )


def test_batch_fail_on_with_workers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The roles come back from the worker processes of `--jobs` too."""
    src = _jsonl(tmp_path, *[PARCEL] * 3)
    out = str(tmp_path / "out.jsonl")
    assert main(["batch", src, "-o", out, "--jobs", "2", "--fail-on", "refused"]) == 3
    assert main(["batch", src, "-o", out, "--jobs", "2", "--fail-on", "review"]) == 0
    capsys.readouterr()


def test_batch_internal_error_wins_over_fail_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line that met a bug exits 1, whatever --fail-on finds on the other lines."""
    real = cli.evaluate

    def flaky(case: object) -> object:
        if getattr(case, "order_id", "") == "BUG":
            raise RuntimeError("boom")
        return real(case)  # type: ignore[arg-type]

    monkeypatch.setattr(cli, "evaluate", flaky)
    src = _jsonl(tmp_path, PARCEL, PARCEL.replace("P-1", "BUG"))
    assert main(["batch", src, "-o", str(tmp_path / "o.jsonl"), "--fail-on", "refused"]) == 1
    capsys.readouterr()


def test_help_documents_the_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    """The help of the command, of evaluate and of batch lists every exit status."""
    for argv in (["--help"], ["evaluate", "--help"], ["batch", "--help"]):
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert "exit status:\n  0    the command did its job" in out
        assert "  2    bad input or usage" in out
        assert "  3    a decision's outcome has a role named by --fail-on" in out
        assert "  130  interrupted (Ctrl-C)" in out


# --- policy --format toml -------------------------------------------------------------------


def test_policy_toml_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`policy --format toml` > FILE: the terms read back from FILE are the text's terms,
    and `diff --candidate FILE` and `evaluate --versions FILE` read it."""
    assert main(["policy", "--format", "toml"]) == 0
    text = capsys.readouterr().out
    assert "None" not in text
    assert "'" not in text
    assert 'eligible_channels = ["website"]\n' in text
    assert "effective_date = 2025-01-12\n" in text
    assert 'version = "2025-01-12"\n' in text
    assert "defect_remedy_covers_custom = true\n" in text
    assert "calendar_subdiv" not in text
    terms = tmp_path / "terms.toml"
    terms.write_text(text, encoding="utf-8")
    policy = load_policy(terms)
    assert policy.terms == default_policy().terms  # type: ignore[union-attr]
    assert policy.terms.to_mapping() == default_policy().terms.to_mapping()  # type: ignore[union-attr]
    src = _jsonl(tmp_path, _line(LATE))
    assert main(["diff", "--candidate", str(terms), src]) == 0
    assert "0 change outcome, 0 change reasons only" in capsys.readouterr().out
    assert main(["evaluate", LATE, "--versions", str(terms), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["policy_version"] == "2025-01-12"


@pytest.mark.parametrize(
    "value", ['a"b', "back\\slash", "tab\tnew\nline\x7f\x1b", "ünï €", "2025-01-12"]
)
def test_toml_strings_read_back(value: str) -> None:
    """A string is written as TOML reads it back, whatever it holds (a date-like one stays
    a string)."""
    assert tomllib.loads(f"x = {cli._toml(value)}")["x"] == value


def test_policy_text_shows_toml_values(capsys: pytest.CaptureFixture[str]) -> None:
    """`policy` (text) shows the terms as a terms file writes them, not Python's values."""
    assert main(["policy"]) == 0
    out = capsys.readouterr().out
    assert '  eligible_channels = ["website"]\n' in out
    assert "  calendar_subdiv = (not set)\n" in out
    assert "  defect_remedy_covers_custom = true\n" in out
    assert "None" not in out
    assert "['website']" not in out


# --- text output and help ---------------------------------------------------------------------


def test_text_marks_passed_and_failed_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    """Failed reasons are marked ✗, passed ✓, unknown ?; outcomes and payers are words."""
    assert main(["evaluate", LATE, "--format", "text"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == [
        "order AJ-100231: 1 not eligible",
        "return request (order AJ-100231, item RNG-SOL-0042): not eligible",
        "  ✗ [§1 s1.return_window] requested 1 day(s) late: delivered 2025-03-03, last day "
        "to request 2025-03-10, requested 2025-03-11",
        "  ✗ [§2 s2.engraved] the piece is engraved",
    ]
    assert main(["evaluate", ACCEPTED, "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "  ✓ [§3 s3.photos] clear photos received on 2025-03-04\n" in out
    assert (
        "  return shipping paid by: the customer, until the defect is confirmed (then reimbursed)\n"
    ) in out
    assert "customer_until_confirmed" not in out
    assert "✗" not in out
    assert main(["evaluate", INCOMPLETE, "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "  ? [§3 s3.photos] clear photos of the issue are needed by 2025-03-06\n" in out
    assert "  missing: photos_sent_at\n" in out
    assert main(["evaluate", REFUND, "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "  refund to: original payment method\n" in out
    assert "  return shipping paid by: the customer\n" in out
    assert "  refund processed between: 2025-12-03 and 2025-12-08\n" in out
    assert "original_payment_method" not in out


def test_text_words_every_payer() -> None:
    """The decision's text (the command's and str(decision), one rendering) has words for
    every payer and a mark for every finding."""
    from atlier_policy import decision
    from atlier_policy.rules import Finding

    assert set(decision.PAYER_WORDS) == set(decision.ShippingPayer)
    assert decision.PAYER_WORDS[decision.ShippingPayer.STORE] == "the store"
    assert set(decision.FINDING_MARKS) == set(Finding)
    assert decision.FINDING_MARKS[Finding.NOT_APPLICABLE] == "-"


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = cli._build_parser()
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_every_option_has_help_and_every_subcommand_an_example() -> None:
    """Each subcommand's help ends with an example of it; every argument has help."""
    subs = _subparsers()
    assert set(subs) == {
        "evaluate",
        "message",
        "qualify",
        "batch",
        "diff",
        "deadlines",
        "policy",
        "schema",
    }
    for name, parser in subs.items():
        assert parser.epilog is not None
        assert parser.epilog.startswith(f"example:\n  atlier-policy {name} "), name
        assert parser.formatter_class is argparse.RawDescriptionHelpFormatter
        for action in parser._actions:
            assert action.help, (name, action.dest)
            assert action.help != argparse.SUPPRESS, (name, action.dest)


def test_subcommand_help_shows_no_docstring(capsys: pytest.CaptureFixture[str]) -> None:
    """A subcommand's help is its own description, not the module's docstring."""
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "\nAtlier Jewelry's Return & Refund Policy as code: decisions, customer" in out
    assert "``" not in out
    assert main(["message", "--help"]) == 0
    out = capsys.readouterr().out
    assert "usage: atlier-policy message [-h] [--agent] [--lang LANG]" in out
    assert "example:\n  atlier-policy message examples/return_request_late.json --agent\n" in out
    assert "thin adapter" not in out
    assert "``" not in out


# --- batch --versions -------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_versions(jobs: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`batch --versions`: every line under the candidate (the late ring is late no more),
    with worker processes too."""
    src = _jsonl(tmp_path, _line(LATE), PARCEL)
    out = tmp_path / "out.jsonl"
    assert main(["batch", src, "-o", str(out), "--versions", FOURTEEN, "--jobs", jobs]) == 0
    first, second = (json.loads(x) for x in out.read_text().splitlines())
    assert first["policy_version"] == "candidate-14-day-window"
    assert "return_window_expired" not in json.dumps(first)
    assert second["policy_version"] == "candidate-14-day-window"
    assert main(["batch", src, "-o", str(out)]) == 0
    assert "return_window_expired" in out.read_text()
    capsys.readouterr()


# --- errors name the argument given -----------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["diff", "--candidate", "/nonexistent.toml", "x.jsonl"], "--candidate"),
        (["diff", "--candidate", FOURTEEN, "--baseline", "/nonexistent.toml", "x"], "--baseline"),
        (["evaluate", LATE, "--versions", "/nonexistent.toml"], "--versions"),
        (["batch", "-", "--versions", "/nonexistent.toml"], "--versions"),
        (["message", LATE, "--versions", "/nonexistent.toml"], "--versions"),
        (["qualify", LATE, "--versions", "/nonexistent.toml"], "--versions"),
        (["deadlines", "--case", LATE, "--versions", "/nonexistent.toml"], "--versions"),
        (["deadlines", "--case", "/nonexistent.json"], "--case"),
        (["evaluate", "/nonexistent.json"], "CASE"),
        (["message", "/nonexistent.json"], "CASE"),
        (["qualify", "/nonexistent.json"], "CASE"),
        (["batch", "/nonexistent.jsonl"], "CASES"),
        (["diff", "--candidate", FOURTEEN, "/nonexistent.jsonl"], "CASES"),
    ],
)
def test_errors_name_the_argument(
    argv: list[str], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that cannot be read is named by the argument that gave it."""
    assert main(argv) == 2
    err = _one_error(capsys)
    assert f"`{name}` must be a readable file (got '/nonexistent." in err
    assert "`file`" not in err


def test_a_bad_terms_key_still_names_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the file's own problem is renamed: a bad key keeps its name and the file's."""
    bad = tmp_path / "bad.toml"
    bad.write_text("file = 1\n", encoding="utf-8")
    assert main(["evaluate", LATE, "--versions", str(bad)]) == 2
    assert _one_error(capsys) == (
        f"atlier-policy: error: terms file {bad}: `file` must be absent (unknown key) (got 1)\n"
    )


def test_usage_names_the_positional_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    """A missing positional argument is named as the usage line shows it."""
    assert main(["batch"]) == 2
    assert "the following arguments are required: CASES" in _one_error(capsys)
    assert main(["message", LATE, "--policy-date", "2025-01-01"]) == 2
    assert "unrecognized arguments: --policy-date" in _one_error(capsys)


def test_text_shows_the_settlement_as_the_decision_does(capsys: pytest.CaptureFixture[str]) -> None:
    """An exchange's price difference reads the same in the command's text and in
    `str(decision)` (one rendering: the command prints the library's own text)."""
    from atlier_policy import evaluate

    path = EXAMPLES / "exchange_approved_customer_pays.json"
    settled = "  customer pays 75.00 USD, store refunds 0.00 USD"
    assert settled in str(evaluate(json.loads(path.read_text(encoding="utf-8")))).splitlines()
    assert main(["evaluate", str(path), "--format", "text"]) == 0
    assert settled in capsys.readouterr().out.splitlines()


def test_message_escapes_a_cases_own_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An order id with a terminal escape, a line separator or a bidi override is printed
    escaped, in the e-mail and the support view alike: it cannot drive the terminal."""
    doc = json.loads(Path(LATE).read_text(encoding="utf-8"))
    doc["order_id"] = "AJ-1\x1b]0;pwned\x07\u2028\u202e"
    case = tmp_path / "hostile.json"
    case.write_text(json.dumps(doc), encoding="utf-8")
    for extra in ([], ["--agent"]):
        assert main(["message", str(case), *extra]) == 0
        out = capsys.readouterr().out
        assert "AJ-1\\x1b]0;pwned\\x07\\u2028\\u202e" in out
        assert not any(c in out for c in "\x1b\x07\u2028\u202e")


def test_message_shows_a_sku_as_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A SKU that looks like a date or has underscores names a piece: the e-mail shows it
    as written, in any locale, never as a date or as words."""
    doc = json.loads(Path(EXAMPLES / "exchange_approved.json").read_text(encoding="utf-8"))
    for sku in ("2025-03-10", "RING_8_GOLD"):
        doc["wanted_sku"] = sku
        case = tmp_path / "exchange.json"
        case.write_text(json.dumps(doc), encoding="utf-8")
        assert main(["message", str(case), "--locale", "fr_FR"]) == 0
        out = capsys.readouterr().out
        assert sku in out
        assert "10 mars 2025" not in out
        assert "RING 8 GOLD" not in out
