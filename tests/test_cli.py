"""The command line: output for people, exit statuses for pipelines."""

from __future__ import annotations

import subprocess
import sys

import pytest

from atlier_policy.cli import main


def test_deadlines_delivery_and_approval(capsys: pytest.CaptureFixture[str]) -> None:
    """`deadlines` prints the last days to act and the refund window with weekdays."""
    assert main(["deadlines", "--delivered", "2025-11-14", "--approved", "2025-11-21"]) == 0
    out = capsys.readouterr().out
    assert "last day to report a defect (§3):       2025-11-17 (Monday)" in out
    assert "last day to request a return (§1):      2025-11-21 (Friday)" in out
    assert "refund earliest (7th business day, §4): 2025-12-03 (Wednesday)" in out
    assert "refund latest (10th business day, §4):  2025-12-08 (Monday)" in out


def test_deadlines_other_calendar(capsys: pytest.CaptureFixture[str]) -> None:
    """A country's holidays change the window (Boxing Day in England, not in the US)."""
    assert (
        main(["deadlines", "--approved", "2025-12-19", "--country", "GB", "--subdiv", "ENG"]) == 0
    )
    gb = capsys.readouterr().out
    assert main(["deadlines", "--approved", "2025-12-19"]) == 0
    us = capsys.readouterr().out
    assert "2026-01-02" in gb  # 25, 26 Dec and 1 Jan skipped
    assert "2025-12-31" in us  # only 25 Dec skipped


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        ([], "the following arguments are required: command"),
        (["deadlines"], "give --delivered DATE, --approved DATE or both"),
        (["deadlines", "--approved", "2025-13-01"], "must be an ISO 8601 date"),
        (["deadlines", "--approved", "2025-11-21", "--country", "XX"], "`country`"),
        (
            ["deadlines", "--approved", "2025-11-21", "--country", "US", "--subdiv", "ZZ"],
            "`subdiv`",
        ),
        (["deadlines", "--approved", "1600-01-01"], "years"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_one_line_exit_2(
    argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad input or usage: exit 2 and one line on stderr naming the problem, no traceback."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("atlier-policy: error: ")
    assert fragment in err
    assert "Traceback" not in err


def test_python_dash_m() -> None:
    """`python -m atlier_policy` is the same command."""
    done = subprocess.run(
        [sys.executable, "-m", "atlier_policy", "deadlines", "--approved", "2025-11-21"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "2025-12-08" in done.stdout
