"""The ``atlier-policy`` command: a thin adapter over the pure core.

Exit status: 0 when the command did its job, 2 for bad input or usage (one line
on stderr, no traceback), 1 for anything unexpected.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date

from atlier_policy.calendar import BusinessCalendar
from atlier_policy.errors import AtlierPolicyError

__all__ = ["main"]


class _UsageError(Exception):
    """argparse's complaint, turned into our one-line exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        where = self.prog.removeprefix("atlier-policy").strip()
        raise _UsageError(f"{where}: {message}" if where else message)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be an ISO 8601 date YYYY-MM-DD (got {text!r})"
        ) from None


def _build_parser() -> _Parser:
    parser = _Parser(prog="atlier-policy", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    dl = sub.add_parser("deadlines", help="the refund window for an approval date")
    dl.add_argument("--approved", required=True, type=_iso_date, metavar="DATE")
    dl.add_argument("--country", default="US", help="holidays country code (default US)")
    dl.add_argument("--subdiv", default=None, help="holidays subdivision code")
    return parser


def _deadlines(args: argparse.Namespace) -> int:
    cal = BusinessCalendar(args.country, args.subdiv)
    approved: date = args.approved
    earliest = cal.add_business_days(approved, 7)
    latest = cal.add_business_days(approved, 10)
    print(f"approved:               {approved.isoformat()} ({approved:%A})")
    print(f"refund earliest (7th):  {earliest.isoformat()} ({earliest:%A})")
    print(f"refund latest (10th):   {latest.isoformat()} ({latest:%A})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status instead of exiting."""
    try:
        args = _build_parser().parse_args(argv)
        return _deadlines(args)
    except (_UsageError, AtlierPolicyError) as exc:
        print(f"atlier-policy: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # the promise: no traceback reaches a user
        print(f"atlier-policy: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
