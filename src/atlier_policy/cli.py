"""The ``atlier-policy`` command: a thin adapter over the pure core.

Exit status: 0 when the command did its job, 2 for bad input or usage (one line
on stderr, no traceback), 1 for anything unexpected.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date

from atlier_policy.deadlines import (
    last_day_to_report_defect,
    last_day_to_request_return,
    refund_window,
)
from atlier_policy.errors import AtlierPolicyError
from atlier_policy.terms import PolicyTerms

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
    dl = sub.add_parser(
        "deadlines",
        help="last days to request a return and report a defect, and the refund window",
    )
    dl.add_argument(
        "--delivered", type=_iso_date, metavar="DATE", help="delivery date (store zone)"
    )
    dl.add_argument("--approved", type=_iso_date, metavar="DATE", help="refund approval date")
    dl.add_argument("--country", default="US", help="holidays country code (default US)")
    dl.add_argument("--subdiv", default=None, help="holidays subdivision code")
    return parser


def _deadlines(args: argparse.Namespace) -> int:
    if args.delivered is None and args.approved is None:
        raise _UsageError("deadlines: give --delivered DATE, --approved DATE or both")
    terms = PolicyTerms(calendar_country=args.country, calendar_subdiv=args.subdiv)
    rows: list[tuple[str, date]] = []
    if args.delivered is not None:
        rows += [
            ("delivered", args.delivered),
            ("last day to report a defect (§3)", last_day_to_report_defect(args.delivered, terms)),
            (
                "last day to request a return (§1)",
                last_day_to_request_return(args.delivered, terms),
            ),
        ]
    if args.approved is not None:
        earliest, latest = refund_window(args.approved, terms)
        rows += [
            ("refund approved", args.approved),
            (f"refund earliest ({terms.refund_min_business_days}th business day, §4)", earliest),
            (f"refund latest ({terms.refund_max_business_days}th business day, §4)", latest),
        ]
    width = max(len(label) for label, _ in rows)
    for label, day in rows:
        print(f"{label + ':':<{width + 1}} {day.isoformat()} ({day:%A})")
    where = terms.calendar_country + (f"-{terms.calendar_subdiv}" if terms.calendar_subdiv else "")
    print(f"calendar: {where}, policy version {terms.version}")
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
