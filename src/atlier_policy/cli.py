"""The ``atlier-policy`` command: a thin adapter over the pure core.

Subcommands: ``evaluate`` (one case), ``message`` (the customer e-mail, or the support
view), ``qualify`` (what the customer could do, by when), ``batch`` (JSON Lines,
streaming), ``diff`` (the same cases under two policies), ``deadlines``, ``policy`` and
``schema``.

Exit status: 0 when the command did its job (whatever the decision's outcome, unless
``--fail-on`` names it: then 3), 2 for bad input or usage (one line on stderr, no
traceback; an input that cannot be opened included), 1 when the system fails a read or
a write (an I/O error, a full disk, a closed stream) and for anything unexpected; 130,
143 and 129 after SIGINT (Ctrl-C), SIGTERM and SIGHUP, and 141 (the shell's status for
SIGPIPE), silently, when the reader of the output went away (``| head``).
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import json
import os
import re
import signal
import stat
import sys
import tempfile
import threading
import typing
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from importlib import resources
from typing import Any, BinaryIO

from atlier_policy.api import evaluate
from atlier_policy.codec import (
    Level,
    case_from_dict,
    decision_to_dict,
    dumps,
    dumps_bytes,
    loads,
)
from atlier_policy.decision import Decision, OrderDecision, Role
from atlier_policy.errors import (
    AtlierPolicyError,
    DeprecatedFormWarning,
    InputError,
    error_text,
    refused_form,
)
from atlier_policy.frames import error_row, item_rows, json_row, record_schema
from atlier_policy.limits import MAX_CASE_BYTES, MAX_PROBLEMS_RECORDED, MAX_RECORD_BYTES
from atlier_policy.policy import Policy, default_policy
from atlier_policy.strings import in_words, iso_date, one_line
from atlier_policy.terms import PolicyTerms
from atlier_policy.termsfile import load_policy
from atlier_policy.versions import PolicyVersions, default_evaluator, default_versions, policy_named
from atlier_policy.whatif import ComparisonSummary, DecisionChange, compare_case

__all__ = ["MAX_CASE_BYTES", "main"]

_CHUNK = 500  # cases per unit of work in a batch
_LEVELS = tuple(level.value for level in Level)  # --level's choices, shown as plain words
_CHUNK_BYTES = 4 << 20  # and at most this many bytes of them


class _UsageError(Exception):
    """argparse's complaint, turned into our one-line exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        where = self.prog.removeprefix("atlier-policy").strip()
        raise _UsageError(f"{where}: {message}" if where else message)


def _iso_date(text: str) -> date:
    day = iso_date(text)
    if day is None:
        raise argparse.ArgumentTypeError(f"must be an ISO 8601 date YYYY-MM-DD (got {text!r})")
    return day


# Worker processes of --jobs: on Windows before Python 3.13, multiprocessing waits on at
# most 62 pipes at once; one limit everywhere.
_MAX_JOBS = 60


def _positive(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= _MAX_JOBS:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from 1 to {_MAX_JOBS} (got {text!r})"
        )
    return int(text)


def _count(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})")
    return int(text)


_EXIT_CODES = """exit status:
  0    the command did its job (whatever the decision, unless --fail-on names it)
  1    a read or write failed (I/O error, full disk), or an unexpected error (one line)
  2    bad input or usage, an input that cannot be opened (one line naming the argument)
  3    a decision's outcome has a role named by --fail-on (evaluate, batch)
  130  interrupted (Ctrl-C); 143 after SIGTERM, 129 after SIGHUP
  141  the reader of the output went away (| head)"""

# --fail-on's words: the roles an outcome plays (decision.Role).
_ROLES = {role.value: role for role in Role}


def _roles(text: str) -> frozenset[Role]:
    words = [w.strip() for w in text.split(",")]
    unknown = [w for w in words if w not in _ROLES]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown outcome role {unknown[0]!r} (choose from {', '.join(_ROLES)}, "
            "comma-separated)"
        )
    return frozenset(_ROLES[w] for w in words)


def _language(text: str) -> str:
    if text not in _LANGUAGES:
        raise argparse.ArgumentTypeError(
            f"only {', '.join(_LANGUAGES)} is available today (got {text!r})"
        )
    return text


_LANGUAGES = ("en",)  # messages.DEFAULT_TEMPLATES: the one language the messages have


def _sub(sub: Any, name: str, help: str, example: str, **kwargs: Any) -> _Parser:
    """A subcommand whose help ends with an example (and, for some, the exit statuses)."""
    epilog = f"example:\n  {example}"
    if kwargs.pop("exit_codes", False):
        epilog += "\n\n" + _EXIT_CODES
    return typing.cast(
        _Parser,
        sub.add_parser(
            name,
            help=help,
            description=kwargs.pop("description", help[0].upper() + help[1:] + "."),
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
            **kwargs,
        ),
    )


def _add_case(parser: _Parser) -> None:
    parser.add_argument(
        "case", metavar="CASE", nargs="?", default="-", help="a case file, or - for standard input"
    )


def _add_versions(parser: _Parser, what: str = "judge") -> None:
    parser.add_argument(
        "--versions",
        metavar="TERMS.toml",
        help=f"{what} under these terms, or under the version in force at the purchase date "
        "for a file of [[versions]] (default: the text's versions)",
    )


def _add_pretty(parser: _Parser) -> None:
    parser.add_argument(
        "--pretty",
        action="store_true",
        help="indent the JSON for people (default: compact, one line)",
    )


def _add_fail_on(parser: _Parser, what: str) -> None:
    parser.add_argument(
        "--fail-on",
        type=_roles,
        default=frozenset(),
        metavar="ROLES",
        help=f"exit 3 when {what} has an outcome of one of these roles, comma-separated: "
        f"{', '.join(_ROLES)} (e.g. --fail-on refused,incomplete,review; the output is "
        "written all the same)",
    )


def _build_parser() -> _Parser:
    from atlier_policy import __version__

    parser = _Parser(
        prog="atlier-policy",
        description="Atlier Jewelry's Return & Refund Policy as code: decisions, customer "
        "messages, what would qualify and deadlines, for support agents and pipelines.",
        epilog="example:\n  atlier-policy evaluate examples/return_request_late.json --format text"
        "\n\n" + _EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"atlier-policy {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ev = _sub(
        sub,
        "evaluate",
        "evaluate one case document (JSON) and print the decision",
        "atlier-policy evaluate examples/return_request_late.json --fail-on refused",
        exit_codes=True,
    )
    _add_case(ev)
    ev.add_argument(
        "--format",
        choices=("text", "json"),
        default=None,
        help="text (the default on a terminal) or json (the default in a pipe)",
    )
    _add_versions(ev)
    ev.add_argument(
        "--policy-date",
        type=_iso_date,
        metavar="DATE",
        help="judge under the version in force on DATE (default: the purchase date)",
    )
    ev.add_argument(
        "--level",
        choices=_LEVELS,
        default=None,
        help="how much of the decision the JSON gives (implies --format json): full (the "
        "default), reasons (no sentences, messages or trace) or outcome (the outcome, the "
        "codes of the reasons that did not pass, the last days); e.g. --level outcome",
    )
    _add_pretty(ev)
    _add_fail_on(ev, "the decision (or an item of it)")

    me = _sub(
        sub,
        "message",
        "the e-mail to the customer about a case's decision, or the support view (--agent)",
        "atlier-policy message examples/return_request_late.json --agent",
    )
    _add_case(me)
    me.add_argument(
        "--agent",
        action="store_true",
        help="the support view instead: every reason with its clause id and quoted "
        "sentence, the facts, the notices and the rule trace",
    )
    me.add_argument(
        "--lang",
        type=_language,
        default="en",
        help="the language of the e-mail; only en (English, the default) is available today",
    )
    me.add_argument(
        "--locale",
        help="write the dates and amounts as this locale does, e.g. fr_FR (needs the i18n "
        "extra: pip install 'atlier-policy[i18n]'); the default writes 2025-03-10, 240.00 USD",
    )
    _add_versions(me)

    qu = _sub(
        sub,
        "qualify",
        "what the customer could do, and by when, for a case to be granted",
        "atlier-policy qualify examples/defect_claim_incomplete.json",
    )
    _add_case(qu)
    qu.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or json"
    )
    _add_versions(qu)
    _add_pretty(qu)

    ba = _sub(
        sub,
        "batch",
        "evaluate a JSON Lines file of cases, one decision per line",
        "atlier-policy batch cases.jsonl --level outcome -o decisions.jsonl",
        description="One record per line of CASES, in order, numbered as the file numbers "
        "its lines (lines end at \\n only): a decision, or an error record for a line that "
        "gives none; a bad line never stops the run. Blank lines (only spaces, tabs, CRs) "
        "get no record and are counted in the summary on stderr. A line holds at most "
        f"{MAX_CASE_BYTES} bytes and gives at most {MAX_RECORD_BYTES} bytes. Records are "
        "compact JSON, one per line.",
        exit_codes=True,
    )
    ba.add_argument(
        "file", metavar="CASES", help="cases, one JSON document per line (- for standard input)"
    )
    ba.add_argument(
        "-o",
        "--output",
        default="-",
        help="where to write decisions (default stdout), checked before any case is "
        "evaluated. A file is written whole or not at all: to a temporary file in its "
        "folder, renamed at the end; a run that is interrupted or fails leaves OUTPUT as it "
        "was and keeps no partial output. A link is followed (its target is replaced, the "
        "link kept); a device or a FIFO is written straight through. OUTPUT must not be "
        "the input.",
    )
    ba.add_argument("--jobs", type=_positive, default=1, help="worker processes (default 1)")
    ba.add_argument(
        "--level",
        choices=_LEVELS,
        default=Level.FULL.value,
        help="how much of each decision a record gives: full (the default: the whole "
        "document), reasons (reasons by code and clause, obligations, missing facts; no "
        "sentences, messages or trace) or outcome (the outcome, the codes of the reasons "
        "that did not pass, the last days); docs/json.md has the schema of each",
    )
    ba.add_argument(
        "--format",
        choices=("decisions", "records", "parquet"),
        default="decisions",
        help="decisions (the default: one decision document a line), records (flat JSON "
        "Lines records, one per item decision or bad line, keyed by line number, in the "
        "fixed schema of `atlier-policy schema records-full`; docs/scale.md) or parquet "
        "(the same records in a Parquet file; needs pyarrow, and -o FILE)",
    )
    _add_versions(ba, "judge every case")
    _add_fail_on(ba, "any decision of the file")

    di = _sub(
        sub,
        "diff",
        "the same cases under a baseline and a candidate policy: what changes",
        "atlier-policy diff --candidate examples/terms/fourteen-day-window.toml cases.jsonl",
        description="Each line of CASES under the baseline and the candidate: the summary "
        "of what changes, and every change (--format json, jsonl). A bad line is listed as "
        "an error and the run goes on; a line that meets a bug makes the run exit 1.",
        exit_codes=True,
    )
    di.add_argument(
        "file", metavar="CASES", help="cases, one JSON document per line (- for standard input)"
    )
    di.add_argument(
        "--candidate", required=True, metavar="TERMS.toml", help="the candidate's terms"
    )
    di.add_argument(
        "--baseline", metavar="TERMS.toml", help="the baseline's terms (default: the text's)"
    )
    di.add_argument(
        "--format",
        choices=("text", "json", "jsonl"),
        default="text",
        help="text (default), json (one document) or jsonl (one record per change)",
    )
    di.add_argument(
        "--limit", type=_count, default=20, help="changes listed in text output (default 20)"
    )
    _add_pretty(di)

    dl = _sub(
        sub,
        "deadlines",
        "the timeline: last days to act, the refund window, or every date of a case",
        "atlier-policy deadlines --delivered 2025-03-03 --approved 2025-03-14",
    )
    dl.add_argument(
        "--delivered", type=_iso_date, metavar="DATE", help="delivery date (store zone)"
    )
    dl.add_argument("--approved", type=_iso_date, metavar="DATE", help="refund approval date")
    dl.add_argument("--country", default="US", help="holidays country code (default US)")
    dl.add_argument("--subdiv", default=None, help="holidays subdivision code")
    dl.add_argument(
        "--case", metavar="FILE", help="a case document (- for stdin): its whole timeline"
    )
    _add_versions(dl, "with --case: judge")
    dl.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or json"
    )
    _add_pretty(dl)

    po = _sub(
        sub,
        "policy",
        "the terms, and the clauses with their ids, sections and sentences",
        "atlier-policy policy --format toml > terms.toml",
    )
    po.add_argument(
        "--format",
        choices=("text", "json", "toml"),
        default="text",
        help="text (default), json, or toml: the terms as a terms file that --versions, "
        "diff --candidate and --baseline read",
    )
    _add_pretty(po)

    sc = _sub(
        sub,
        "schema",
        "print the JSON Schema of case or decision documents",
        "atlier-policy schema decision > decision.schema.json",
    )
    sc.add_argument(
        "which",
        choices=(
            "case",
            "decision",
            "decision-reasons",
            "decision-outcome",
            *(f"records-{level}" for level in _LEVELS),
        ),
        help="decision-reasons and decision-outcome: the lighter levels' documents "
        "(--level); records-full, records-reasons and records-outcome: one record of "
        "batch --format records at that level (the fixed, versioned record schema)",
    )
    return parser


# --- evaluate, message, qualify -----------------------------------------------------------


def _read_case(path: str, name: str = "CASE") -> Any:
    """The JSON document of a case file (``-``: standard input); ``name`` is the argument
    that gave the path, as the user typed it, for the error."""
    with contextlib.ExitStack() as stack:
        source = _source(path, stack, name)
        try:
            data = source.read(MAX_CASE_BYTES + 1)
        except OSError as exc:
            where = "standard input" if path == "-" else path
            raise _ReadError(f"cannot read {where} ({exc.strerror})") from None
    if len(data) > MAX_CASE_BYTES:
        raise InputError.single(name, f"at most {MAX_CASE_BYTES} bytes per case", "a larger file")
    if not data.strip():
        raise InputError.single(name, "a JSON case document", "an empty file")
    return loads(data)


def _load(path: str, option: str) -> Policy | PolicyVersions:
    """The terms or versions file of ``option``: a file that cannot be read is named by the
    option the user gave (``--candidate``), not by the library's ``file``."""
    try:
        return load_policy(path)
    except InputError as exc:
        if exc.context:  # a problem inside the file: it names the file and the key
            raise
        raise exc.renamed({"file": option}) from None


def _versions(args: argparse.Namespace) -> Policy | PolicyVersions | None:
    return None if args.versions is None else _load(args.versions, "--versions")


def _decide(args: argparse.Namespace) -> tuple[Any, Policy | PolicyVersions | None, Any]:
    """The case of ``args.case``, the policy of ``--versions`` (None: the default) and the
    decision, under the version in force at ``--policy-date`` where there is one."""
    case = _case(_read_case(args.case))
    policy = _versions(args)
    on = getattr(args, "policy_date", None)
    if on is None and policy is None:
        decision = evaluate(case)
    elif isinstance(policy, PolicyVersions | None):
        decision = (policy or default_versions()).evaluate(case, on=on)
    elif on is not None:
        raise _UsageError(f"{args.command}: --policy-date needs a --versions file of [[versions]]")
    else:
        decision = policy.evaluate(case)
    return case, policy, decision


def _json(doc: Any, args: argparse.Namespace) -> str:
    """Every JSON document of the command: compact, or indented with ``--pretty``."""
    return dumps(doc, indent=2 if args.pretty else None)


def _roles_of(decision: Decision | OrderDecision) -> set[Role]:
    items = decision.items if isinstance(decision, OrderDecision) else (decision,)
    return {d.outcome.role for d in items}


def _evaluate(args: argparse.Namespace) -> int:
    _case, _policy, decision = _decide(args)
    json_wanted = args.level is not None or args.pretty
    fmt = args.format or ("text" if sys.stdout.isatty() and not json_wanted else "json")
    if fmt == "text" and args.level is not None:
        raise _UsageError("evaluate: --level is for JSON output, not --format text")
    if fmt == "text" and args.pretty:
        raise _UsageError("evaluate: --pretty is for JSON output, not --format text")
    if fmt == "text":
        print(_decision_text(decision))
    else:
        print(_json(decision_to_dict(decision, level=args.level or Level.FULL), args))
    return 3 if _roles_of(decision) & args.fail_on else 0


def _decision_text(decision: Decision | OrderDecision) -> str:
    """A decision for people: ``str(decision)``, each reason marked ✓ passed, ✗ failed,
    ? unknown, and every value in words."""
    return str(decision)


def _message(args: argparse.Namespace) -> int:
    from atlier_policy.messages import DEFAULT_TEMPLATES, Formatter, agent_view, customer_message

    try:
        formatter = Formatter.of(args.locale)  # checked before the case is read
    except InputError as exc:  # named as the user typed it: --locale, not `locale`
        raise InputError.single("--locale", exc.problems[0][1], args.locale) from None
    case, policy, decision = _decide(args)
    if args.agent:
        text = agent_view(decision)
    else:
        text = customer_message(
            decision, DEFAULT_TEMPLATES, policy=policy, case=case, locale=formatter
        )
    # Line by line, as every text this command prints: a case's own characters that could
    # move the cursor, end a line or reorder text (ESC, U+2028, bidi) are escaped.
    sys.stdout.write("\n".join(map(one_line, text.split("\n"))))
    return 0


def _qualify(args: argparse.Namespace) -> int:
    from atlier_policy.qualify import format_qualification, how_to_qualify

    case = _case(_read_case(args.case))
    found = how_to_qualify(case, policy=_versions(args))
    if args.format == "text":
        print("\n".join(map(format_qualification, found)))
    else:
        print(_json({"qualifications": [_qualification(q) for q in found]}, args))
    return 0


def _qualification(q: Any) -> dict[str, Any]:
    changed = q.outcome_if_changed
    return {
        "stage": q.stage,
        "order_id": q.order_id,
        "sku": q.sku,
        "outcome": q.outcome.value,
        "role": q.outcome.role.value,
        "suggestions": [
            {
                "code": s.code,
                "clause_id": s.clause_id,
                "section": s.section,
                "message": s.message,
                "deadline": s.deadline and s.deadline.isoformat(),
                "changes": [
                    {"path": c.path, "old": _plain(c.old), "new": _plain(c.new)} for c in s.changes
                ],
            }
            for s in q.suggestions
        ],
        "blockers": [
            {"code": b.code, "clause_id": b.clause_id, "section": b.section, "message": b.message}
            for b in q.blockers
        ],
        "outcome_if_changed": changed and changed.value,
    }


# --- JSON Lines: batch and diff ---------------------------------------------------------


class _Lines:
    """The physical lines of a JSON Lines file, numbered as the file numbers them.

    A line ends at ``\\n`` only: a CR elsewhere is part of its line. A *blank* line
    holds nothing but JSON whitespace (spaces, tabs, CRs); it gets no record and is
    counted in :attr:`blank`. Every other line is yielded once as ``(number, bytes)``,
    undecoded (a bad byte is that line's error), or as ``(number, None)`` when it is
    longer than ``MAX_CASE_BYTES``: no more of it than that is ever held in memory.
    """

    __slots__ = ("blank", "name", "stream")

    def __init__(self, stream: BinaryIO, name: str) -> None:
        self.stream = stream
        self.name = "standard input" if name == "-" else name
        self.blank = 0

    def __iter__(self) -> Iterator[tuple[int, bytes | None]]:
        number = 0
        while data := self._read(MAX_CASE_BYTES + 1):
            number += 1
            if len(data) > MAX_CASE_BYTES and not data.endswith(b"\n"):
                while (rest := self._read(1 << 16)) and not rest.endswith(b"\n"):
                    pass  # the rest of a line too long to read
                yield number, None
            elif data.strip(b" \t\r\n"):
                yield number, data
            else:
                self.blank += 1

    def _read(self, size: int) -> bytes:
        # A failed read is named as one (not as a failed write of the output it would
        # have gone to).
        try:
            return self.stream.readline(size)
        except OSError as exc:
            raise _ReadError(f"cannot read {self.name} ({exc.strerror})") from None


def _chunks(lines: Iterable[tuple[int, bytes | None]]) -> Iterator[list[tuple[int, bytes | None]]]:
    """Lines in units of work: at most _CHUNK lines or _CHUNK_BYTES bytes each."""
    chunk: list[tuple[int, bytes | None]] = []
    size = 0
    for line in lines:
        chunk.append(line)
        size += len(line[1] or b"")
        if len(chunk) >= _CHUNK or size >= _CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _case_of(data: bytes | None) -> Any:
    """The typed case of one line; any problem is our input error."""
    if data is None:
        raise InputError.single("line", f"at most {MAX_CASE_BYTES} bytes", "a longer line")
    return _case(loads(data))


def _case(doc: object) -> Any:
    """The typed case of a document for a command. An old form refused because warnings
    are errors (``-W error``) is the document's problem: our input error, so that every
    command reports it as it reports bad input (a line's error record, status 2)."""
    try:
        return case_from_dict(doc)
    except DeprecatedFormWarning as warning:
        raise refused_form(warning) from None


def _error_record(key: str, lineno: int, exc: Exception) -> dict[str, Any]:
    """The record of a line that gave no decision: our input error, or a bug (named)."""
    if isinstance(exc, AtlierPolicyError):
        problems = getattr(exc, "problems", ())
        record = {
            key: lineno,
            "error": str(exc),
            "problems": [
                {"field": f, "expected": e, "given": g}
                for f, e, g in problems[:MAX_PROBLEMS_RECORDED]
            ],
        }
        if len(problems) > MAX_PROBLEMS_RECORDED:
            record["more_problems"] = len(problems) - MAX_PROBLEMS_RECORDED
        return record
    return {key: lineno, "error": error_text(exc)}


# One line's record (UTF-8, without its newline), the outcomes (or error kind) to count,
# and the roles of its outcomes (for --fail-on).
_Record = tuple[bytes, tuple[str, ...], tuple[str, ...]]


class _Done(typing.NamedTuple):
    """A chunk's records as the output takes them, each with its newline (one message
    from a worker, instead of three objects per line), with the outcomes to count and the
    roles played. Each record is written on its own: an interrupt that stops a write
    blocked on a full pipe stops it at a record's end, not within one."""

    records: list[bytes]
    counts: Counter[str]
    roles: frozenset[str]


class _How(typing.NamedTuple):
    """How each line of a batch is judged: the level of its record, the policy of
    ``--versions`` (``None``: the version in force at the purchase date, as ``evaluate``),
    and whether a line gives flat records (``--format records``/``parquet``: a row per
    item decision, keyed by line number) rather than one decision document."""

    level: Level = Level.FULL
    policy: Policy | PolicyVersions | None = None
    records: bool = False


_FULL = _How()  # the whole document, under the version in force at the purchase date


def _decide_line(lineno: int, data: bytes | None, how: _How = _FULL) -> _Record:
    """One JSON Lines record for one input line, as ``how`` says, the outcomes (or error
    kind) to count and the roles of those outcomes.

    Never raises (but for KeyboardInterrupt and the like): a line that gives no decision
    gives an error record, and the run goes on.
    """
    try:
        case = _case_of(data)
        result = evaluate(case) if how.policy is None else how.policy.evaluate(case)
        if how.records:
            rows = item_rows(result, str(lineno), how.level)
            record = b"\n".join([dumps_bytes(json_row(row)) for row in rows])
        else:
            record = dumps_bytes({"line": lineno, **decision_to_dict(result, level=how.level)})
        if len(record) > MAX_RECORD_BYTES:
            raise InputError.single(
                "line", f"a case whose decision is at most {MAX_RECORD_BYTES} bytes", "a larger one"
            )
    except Exception as exc:
        kind = "error" if isinstance(exc, AtlierPolicyError) else "internal error"
        if how.records:
            return dumps_bytes(json_row(error_row(str(lineno), exc, how.level))), (kind,), ()
        return dumps_bytes(_error_record("line", lineno, exc)), (kind,), ()
    items = result.items if isinstance(result, OrderDecision) else (result,)
    # ``_value_``, not the ``.value`` property: once per line (see codec._body).
    return (
        record,
        tuple([d.outcome._value_ for d in items]),
        tuple([d.outcome.role._value_ for d in items]),
    )


def _work(chunk: list[tuple[int, bytes | None]], how: _How) -> _Done:
    records: list[bytes] = []
    counts: Counter[str] = Counter()
    roles: set[str] = set()
    for n, data in chunk:
        record, kinds, played = _decide_line(n, data, how)
        records.append(record + b"\n")
        counts.update(kinds)
        roles.update(played)
    return _Done(records, counts, frozenset(roles))


class _Stopped(BaseException):
    """SIGTERM or SIGHUP reached the command: it stops as after Ctrl-C (a BaseException,
    like KeyboardInterrupt, so that no line's error handling can swallow it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


# The signals that stop a run cleanly, and the line each one prints. SIGINT is Python's
# own KeyboardInterrupt; SIGHUP does not exist everywhere.
_STOPPED = {
    getattr(signal, name): words
    for name, words in (("SIGTERM", "terminated"), ("SIGHUP", "hung up"))
    if hasattr(signal, name)
}


def _stop(signum: int, _frame: object) -> None:
    raise _Stopped(signum)


@contextlib.contextmanager
def _stopping() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`_Stopped` while the command runs, so that a run
    removes its temporary file and stops its workers before it exits. A signal that is
    ignored (``nohup``) stays ignored; outside the main thread nothing changes."""
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in _STOPPED:
            if signal.getsignal(signum) == signal.SIG_DFL:
                previous[signum] = signal.signal(signum, _stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _results(
    chunks: Iterator[list[tuple[int, bytes | None]]], jobs: int, how: _How
) -> Iterator[_Done]:
    """The records of each chunk, in order: here, or in ``jobs`` worker processes.

    Workers start with SIGINT, SIGTERM and SIGHUP ignored (dispositions that survive
    exec, and that Python keeps): a signal sent to the whole process group reaches only
    this process, which stops them when it leaves, whatever they are doing.
    """
    if jobs == 1:
        yield from (_work(chunk, how) for chunk in chunks)
        return
    from multiprocessing.connection import wait

    workers = _start_workers(jobs, how)
    finished = False
    try:
        yield from _in_order(chunks, [conn for _, conn in workers], wait)
        finished = True
    finally:
        for process, conn in workers:
            if finished:  # every record is in: a worker gone by now loses nothing
                with contextlib.suppress(OSError):
                    conn.send(None)  # no more work: the worker returns
            else:
                process.kill()  # an interrupt or an error: at once, mid-chunk or not
        for process, conn in workers:
            process.join()
            conn.close()


def _in_order(
    chunks: Iterator[list[tuple[int, bytes | None]]],
    conns: Sequence[Any],
    wait: Callable[[list[Any]], list[Any]],
) -> Iterator[_Done]:
    """The records of each chunk in the chunks' order, from workers (one pipe each) that
    may finish in any order.

    A worker is sent a chunk only once its last one's records are in, so neither side
    can block sending to the other, and no lock is shared: a worker stopped at any
    moment leaves nothing held. Whichever worker finishes is taken at once and sent its
    next chunk (a worker done early does not wait behind a slower one) before records
    are handed on, so it does not wait on the output either. Records taken ahead of
    their turn wait here; at most ``2 * len(conns)`` chunks are out at a time, so memory
    stays flat on any input size.
    """
    window = 2 * len(conns)
    idle = deque(conns)
    out: dict[Any, int] = {}  # worker -> the number of the chunk it holds
    ready: dict[int, _Done] = {}  # chunk number -> its records, taken ahead of their turn
    sent = given = 0
    source = iter(chunks)
    while True:
        while idle and sent - given < window:
            chunk = next(source, None)
            if chunk is None:
                break
            conn = idle.popleft()
            _send(conn, chunk)
            out[conn] = sent
            sent += 1
        if given in ready:
            yield ready.pop(given)
            given += 1
            continue
        if not out:
            return
        for conn in wait(list(out)):
            ready[out.pop(conn)] = _receive(conn)
            idle.append(conn)


def _start_workers(jobs: int, how: _How) -> list[tuple[Any, Any]]:
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    stopping = (signal.SIGINT, *_STOPPED)
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in stopping}
    workers = []
    try:
        for _ in range(jobs):
            ours, theirs = context.Pipe()
            process = context.Process(target=_worker, args=(theirs, how))
            process.start()
            theirs.close()
            workers.append((process, ours))
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return workers


def _worker(conn: Any, how: _How = _FULL) -> None:
    """A worker process of ``batch --jobs``: chunks in, their records out, until None.
    If this process's parent is gone (its end of the pipe closed), it returns quietly."""
    try:
        while (chunk := conn.recv()) is not None:
            conn.send(_work(chunk, how))
    except (EOFError, BrokenPipeError):
        pass


_WORKER_GONE = "a worker process of --jobs ended unexpectedly"


def _send(conn: Any, chunk: list[tuple[int, bytes | None]]) -> None:
    # A worker that died while idle (the OOM killer) breaks its pipe: that is the
    # worker's failure, not standard output's reader going away.
    try:
        conn.send(chunk)
    except (BrokenPipeError, ConnectionResetError):
        raise RuntimeError(_WORKER_GONE) from None


def _receive(conn: Any) -> _Done:
    # A worker that dies part-way through handing in its records leaves half a message:
    # an OSError ("got end of file during message") that is the worker's failure, not
    # a failed write of the output it was going to.
    try:
        return typing.cast(_Done, conn.recv())
    except (EOFError, OSError):
        raise RuntimeError(_WORKER_GONE) from None


def _batch(args: argparse.Namespace) -> int:
    counts: Counter[str] = Counter()
    roles: set[str] = set()
    cases = 0
    how = _How(Level(args.level), _versions(args), args.format != "decisions")
    if args.format == "parquet" and args.output == "-":
        raise InputError.single("--output", "a file for --format parquet", "standard output")
    parquet = _parquet_writer(how.level) if args.format == "parquet" else None
    progress = sys.stderr.isatty()
    with contextlib.ExitStack() as stack:
        # Only files we opened are closed; stdin and stdout stay open.
        source = _source(args.file, stack)
        if args.output == "-":
            _refuse_stdout_as_input(source)
            sink = sys.stdout.buffer
        else:
            sink = stack.enter_context(_output(args.output, source, whole=parquet is not None))
        write = sink.write if parquet is None else stack.enter_context(parquet(sink))
        lines = _Lines(source, args.file)
        for done in _results(_chunks(lines), args.jobs, how):
            for record in done.records:
                write(record)
            counts.update(done.counts)
            roles.update(done.roles)
            cases += len(done.records)
            if progress:
                print(f"\r{cases} cases", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    summary = ", ".join(f"{n} {in_words(k)}" for k, n in sorted(counts.items()))
    blank = f"{lines.blank} blank line" + ("" if lines.blank == 1 else "s")
    print(f"atlier-policy batch: {cases} cases: {summary or 'none'}; {blank}", file=sys.stderr)
    if counts["internal error"]:
        return 1
    return 3 if roles & {role.value for role in args.fail_on} else 0


def _parquet_writer(level: Level) -> Any:
    """For ``--format parquet``: a context that takes a binary sink and gives a writer of
    JSON Lines records, written to the sink as Parquet row groups (pyarrow checked now,
    before any case is evaluated)."""
    from atlier_policy.frames import from_json_row

    schema = record_schema(level)
    arrow = schema.to_arrow()  # our error, naming pyarrow, if it is not installed
    import importlib

    pa = importlib.import_module("pyarrow")  # not a dependency: unseen by type checkers
    pq = importlib.import_module("pyarrow.parquet")

    @contextlib.contextmanager
    def writing(sink: BinaryIO) -> Iterator[Any]:
        rows: list[dict[str, Any]] = []

        def flush() -> None:
            writer.write_batch(pa.RecordBatch.from_pylist(rows, schema=arrow))
            rows.clear()

        def write(lines: bytes) -> None:
            rows.extend(from_json_row(json.loads(line), schema) for line in lines.splitlines())
            if len(rows) >= _PARQUET_ROWS:
                flush()

        with pq.ParquetWriter(sink, arrow) as writer:
            yield write
            if rows:
                flush()

    return writing


_PARQUET_ROWS = 65_536  # rows per row group: memory stays flat on any input size


def _source(path: str, stack: contextlib.ExitStack, name: str = "CASES") -> BinaryIO:
    """The input file ``path`` (``-``: standard input), as bytes: decoding is each line's
    own business. A file that cannot be opened is named by ``name``, the argument that
    gave it (exit 2); a closed standard input is the system's failure (exit 1)."""
    if path == "-":
        if sys.stdin is None:
            raise _ReadError("cannot read standard input: it is closed")
        return typing.cast(BinaryIO, sys.stdin.buffer)
    try:
        return stack.enter_context(open(path, "rb"))
    except OSError as exc:
        raise InputError.single(name, "a readable file", f"{path} ({exc.strerror})") from None


class _WriteError(Exception):
    """The output could not be written (a full disk, a lost permission): exit 1."""


class _ReaderGoneError(Exception):
    """The reader of ``-o`` (a FIFO, a descriptor's pipe) went away: 141, silently, as for
    standard output's; standard output itself is left alone."""


class _ReadError(Exception):
    """The input could not be read (an I/O error): exit 1; an output file is left as it
    was."""


def _unwritable(path: str, exc: OSError) -> InputError:
    """The error for an output path the system refuses (its reason in the message)."""
    return InputError.single("--output", "a writable path", f"{path} ({exc.strerror})")


@contextlib.contextmanager
def _output(path: str, source: BinaryIO, *, whole: bool = False) -> Iterator[BinaryIO]:
    """``-o PATH``, checked before any case is evaluated, then written as its kind allows.

    A regular file, or a path where nothing is yet, is replaced whole or not at all
    (:func:`_replacing`). A symbolic link is followed: its target is replaced and the link
    kept. A name of one of this process's descriptors (``/dev/stdout``, ``/dev/fd/N``,
    ``/proc/self/fd/N``) is written through that descriptor, as ``-`` writes standard
    output: never replaced, never reopened. Anything else, a character device such as
    ``/dev/null`` or a FIFO, is a stream: written straight through, never replaced. With
    ``whole`` (a Parquet file, which cannot be taken back in part) only a file that is
    replaced will do. The input itself is refused as PATH, by whatever name (compared by
    device and inode) where it is a file or a FIFO (:func:`_is_the_input`).
    """
    if not path:
        raise InputError.single("--output", "a file path", "an empty string")
    fd = _own_descriptor(path)
    if fd is None:
        target, real = _target(path)
    else:
        real = path
        try:
            target = os.fstat(fd)
        except OSError as exc:  # not open
            raise _unwritable(path, exc) from None
    if target is not None and stat.S_ISDIR(target.st_mode):
        raise InputError.single("--output", "a file path, not a folder", path)
    if target is not None and _is_the_input(target, source):
        raise InputError.single("--output", "a file other than the input", path)
    if fd is None and (target is None or stat.S_ISREG(target.st_mode)):
        with _replacing(path, real, target) as fh:
            yield fh
        return
    if whole:
        raise InputError.single("--output", "a file, written whole or not at all", path)
    try:
        stream = open(path, "wb") if fd is None else os.fdopen(os.dup(fd), "wb")  # noqa: SIM115
    except OSError as exc:
        raise _unwritable(path, exc) from None
    try:
        yield stream
        stream.close()  # the rest of the buffer, written: its failure is named below
    except BaseException as exc:
        # An interrupt, a reader gone, a failed write: what is left in the buffer is
        # dropped where it could block (a pipe that may not drain would hold Ctrl-C),
        # written where it cannot (a file behind a descriptor keeps what was decided).
        assert target is not None  # a stream is something that is there
        if not stat.S_ISREG(target.st_mode):
            _discard(stream)
        with contextlib.suppress(OSError):
            stream.close()
        if isinstance(exc, BrokenPipeError):  # its reader went away, not standard output's
            raise _ReaderGoneError from None
        if isinstance(exc, OSError):
            raise _WriteError(f"cannot write {path} ({exc.strerror})") from None
        raise


def _own_descriptor(path: str) -> int | None:
    """N if PATH, its links followed, is ``/proc/<this process>/fd/N`` (or a thread's, or
    ``/dev/fd/N`` where that is a folder of its own, as on macOS and the BSDs): a
    descriptor to write through, not a file to reopen. (Reopened, a file behind
    ``/dev/stdout`` would be truncated, and a pipe or socket may not open at all.) Each
    folder is resolved by the system's rules (``..`` after a link is the link target's
    parent), never as text."""
    here = f"/proc/{os.getpid()}"
    at = path if os.path.isabs(path) else os.path.join(os.getcwd(), path)
    for _ in range(40):  # as many links as the system follows
        folder = os.path.realpath(os.path.dirname(at))
        name = os.path.basename(at)
        if (
            _FD_NUMBER.fullmatch(name)
            and int(name) < _FD_LIMIT
            and os.path.isdir(folder)
            and (
                folder in (f"{here}/fd", "/dev/fd")
                or _THREAD_FDS.fullmatch(folder.removeprefix(here))
            )
        ):
            return int(name)
        try:
            at = os.path.join(folder, os.readlink(os.path.join(folder, name)))
        except (OSError, ValueError):  # not a link, not there, or not a name at all
            return None
    return None


_FD_NUMBER = re.compile(r"0|[1-9][0-9]*")  # as the system names them: no leading zero
_FD_LIMIT = 2**31  # a descriptor is a C int
_THREAD_FDS = re.compile(r"/task/[0-9]+/fd")


def _target(path: str) -> tuple[os.stat_result | None, str]:
    """What PATH names (None: nothing yet) and its real path, checked to be one file: a
    path through another namespace (``/proc/PID/root/...``) is resolved by the system to
    a file that its real path does not name, and is refused."""
    real = os.path.realpath(path)
    found: list[os.stat_result | None] = []
    for name in (path, real):
        try:
            found.append(os.stat(name))
        except FileNotFoundError:
            found.append(None)
        except OSError as exc:  # a loop of links, a file used as a folder, a denied search
            raise _unwritable(path, exc) from None
    target, at_real = found
    if (target is None) != (at_real is None) or (
        target is not None
        and at_real is not None
        and (target.st_dev, target.st_ino) != (at_real.st_dev, at_real.st_ino)
    ):
        raise InputError.single(
            "--output",
            f"a path that names one file (its links lead to {real}, the system to another)",
            path,
        )
    return target, real


@contextlib.contextmanager
def _replacing(path: str, real: str, target: os.stat_result | None) -> Iterator[BinaryIO]:
    """A temporary file in the folder of ``real`` (PATH, its links followed), renamed over
    it at the end: on any failure or interrupt the temporary file is removed and the file
    is left as it was (no partial output is kept)."""
    folder = os.path.dirname(real)
    try:
        fd, temp = tempfile.mkstemp(
            dir=folder, prefix=f".{os.path.basename(real)}.", suffix=".partial"
        )
    except OSError as exc:
        raise _unwritable(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temp, stat.S_IMODE(target.st_mode) if target else _new_file_mode())
        os.replace(temp, real)
    except OSError as exc:
        _remove(temp)
        raise _WriteError(f"cannot write {path} ({exc.strerror}): it is left as it was") from None
    except BaseException:
        _remove(temp)
        raise


def _refuse_stdout_as_input(source: BinaryIO) -> None:
    """Standard output that is the input file (``>> cases.jsonl``, ``1<>cases.jsonl``) is
    refused as ``-o`` naming it is: the run would overwrite what it reads, or read what it
    appends without end."""
    try:
        target = os.fstat(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # no file behind it (embedded, tests)
        return
    if _is_the_input(target, source):
        raise InputError.single("--output", "a file other than the input", "standard output")


def _is_the_input(target: os.stat_result, source: BinaryIO) -> bool:
    """``target`` is the file or FIFO ``source`` reads. (A character device or a socket
    may be both: ``/dev/null``, a socket that is standard input and output under inetd.)"""
    is_file = stat.S_ISREG(target.st_mode) or stat.S_ISFIFO(target.st_mode)
    return is_file and _same_file(target, source)


def _same_file(target: os.stat_result, source: BinaryIO) -> bool:
    try:
        opened = os.fstat(source.fileno())
    except (OSError, ValueError):  # a stream without a file (tests, pipes of objects)
        return False
    return (opened.st_dev, opened.st_ino) == (target.st_dev, target.st_ino)


def _new_file_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _compare_line(
    lineno: int, data: bytes | None, baseline: Any, candidate: Any
) -> tuple[DecisionChange, ...] | Exception:
    try:
        return compare_case(_case_of(data), baseline, candidate, label=lineno)
    except Exception as exc:  # the line's error record, whatever went wrong
        return exc


def _diff(args: argparse.Namespace) -> int:
    candidate = _load(args.candidate, "--candidate")
    baseline = default_evaluator() if args.baseline is None else _load(args.baseline, "--baseline")
    names = [
        f"{where} ({_describe(policy)})"
        for where, policy in ((args.baseline or "the text", baseline), (args.candidate, candidate))
    ]
    # Memory is independent of the file: the summary keeps counts and the first --limit
    # changes; what the output lists in full (the errors of the text summary; the changes
    # and errors of --format json) goes to temporary files, one compact record a line.
    summary = ComparisonSummary(*names, limit=args.limit)
    bugs = 0  # lines that met a bug: listed as errors, and the run exits 1, as batch does
    with contextlib.ExitStack() as stack:
        spill: dict[str, typing.TextIO] = {
            key: stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))
            for key in ("changes", "obligation_changes", "errors")
        }
        source = _source(args.file, stack)
        _refuse_stdout_as_input(source)
        lines = _Lines(source, args.file)
        for lineno, data in lines:
            summary.cases += 1
            result = _compare_line(lineno, data, baseline, candidate)
            if isinstance(result, Exception):
                bugs += not isinstance(result, AtlierPolicyError)
                record = _error_record("case", lineno, result)
                summary.add_error(lineno, record["error"])
                if args.format == "jsonl":
                    print(dumps(record))
                else:
                    print(dumps({"case": lineno, "error": record["error"]}), file=spill["errors"])
                continue
            for change in result:
                summary.add(change)
                if args.format == "jsonl":
                    print(dumps(change.to_record()))
                elif args.format == "json" and change.differs:
                    key = "changes" if change.changed else "obligation_changes"
                    print(dumps(change.to_record()), file=spill[key])
        summary.blank_lines = lines.blank
        if args.format == "json":
            _write_json_comparison(summary.head(), spill, args)
        elif args.format == "text":
            for line in summary.lines():
                print(line)
            for line in summary.error_lines(_spilled_errors(spill["errors"])):
                print(line)
        else:
            headline = list(summary.lines())[1]
            print(f"atlier-policy diff: {headline}", file=sys.stderr)
    return 1 if bugs else 0


def _spilled(fh: typing.TextIO) -> Iterator[str]:
    """The records written to a temporary file, one a line (without the newline)."""
    fh.seek(0)
    for line in fh:
        yield line[:-1]


def _spilled_errors(fh: typing.TextIO) -> Iterator[tuple[int, str]]:
    for line in _spilled(fh):
        record = json.loads(line)
        yield record["case"], record["error"]


def _write_json_comparison(
    head: dict[str, Any], spill: dict[str, typing.TextIO], args: argparse.Namespace
) -> None:
    """``_json(comparison.to_dict(), args)``, written piece by piece: the head's JSON with
    a marker for each list, the lists copied record by record from their files."""
    markers = {key: f"\0{key}" for key in spill}  # NUL: in no name of a file
    text = _json(head | markers, args)
    for key, fh in spill.items():
        before, text = text.split(dumps({"": markers[key]})[4:-1], 1)
        sys.stdout.write(before)
        _write_json_array(_spilled(fh), pretty=args.pretty)
    sys.stdout.write(text + "\n")


def _write_json_array(records: Iterator[str], *, pretty: bool) -> None:
    """The array of the compact JSON ``records``, as ``dumps`` writes it at depth 1."""
    first = True
    for record in records:
        if pretty:
            item = dumps(json.loads(record), indent=2).replace("\n", "\n    ")
            sys.stdout.write(("[\n    " if first else ",\n    ") + item)
        else:
            sys.stdout.write(("[" if first else ",") + record)
        first = False
    sys.stdout.write("[]" if first else ("\n  ]" if pretty else "]"))


def _describe(policy: Any) -> str:
    if isinstance(policy, PolicyVersions):
        return "versions " + ", ".join(policy.versions)
    return f"version {policy.version}"


# --- deadlines, policy, schema ----------------------------------------------------------


_DEADLINE_OPTIONS = {"calendar_country": "--country", "calendar_subdiv": "--subdiv"}


def _deadlines(args: argparse.Namespace) -> int:
    from atlier_policy.timelines import format_timeline, timeline, timeline_of_dates

    if args.delivered is None and args.approved is None and args.case is None:
        raise _UsageError(
            "deadlines: give --delivered DATE, --approved DATE or both, or --case FILE"
        )
    try:
        terms = PolicyTerms(calendar_country=args.country, calendar_subdiv=args.subdiv)
    except InputError as exc:  # named as the options that gave them
        raise exc.renamed(_DEADLINE_OPTIONS, "deadlines") from None
    version = terms.version
    if args.case is not None:
        if args.delivered is not None or args.approved is not None:
            raise _UsageError("deadlines: give either --case FILE or dates, not both")
        policy = (
            PolicyVersions.of(Policy(terms))
            if args.versions is None
            else _load(args.versions, "--versions")
        )
        case = _case(_read_case(args.case, "--case"))
        decision = policy.evaluate(case)
        entries = timeline(case, decision, policy=policy)
        # The calendar and the version are those the decision was made under.
        version = decision.policy_version
        terms = policy_named(policy, version, "deadlines").terms
    elif args.versions is not None:
        raise _UsageError("deadlines: --versions needs --case FILE")
    else:
        entries = timeline_of_dates(terms, delivered=args.delivered, approved=args.approved)
    where = terms.calendar_country + (f"-{terms.calendar_subdiv}" if terms.calendar_subdiv else "")
    if args.format == "json":
        doc = {
            "calendar": where,
            "policy_version": version,
            "dates": [
                {
                    "date": e.date.isoformat(),
                    "key": e.key,
                    "label": e.label,
                    "kind": e.kind.value,
                    "section": e.section,
                    "applies": e.applies,
                }
                for e in entries
            ],
        }
        print(_json(doc, args))
        return 0
    print(format_timeline(entries))
    print(one_line(f"calendar: {where}, policy version {version}"))
    return 0


def _policy(args: argparse.Namespace) -> int:
    policy = default_policy()
    raw = policy.terms.to_mapping()
    terms = {k: _plain(v) for k, v in raw.items()}
    clauses = [
        {"id": c.id, "section": c.section, "code": c.code, "sentence": c.sentence}
        for c in policy.clauses()
    ]
    if args.format == "json":
        print(_json({"version": policy.version, "terms": terms, "clauses": clauses}, args))
        return 0
    title = f"Atlier Jewelry Return & Refund Policy, version {policy.version}"
    if args.format == "toml":
        print(f"# {title}: its terms, as a terms file (--versions, diff --candidate)")
        print("\n".join(f"{k} = {_toml(v)}" for k, v in raw.items() if v is not None))
        return 0
    print(title)
    print("terms:")
    for key, value in raw.items():
        print(f"  {key} = {'(not set)' if value is None else _toml(value)}")
    print("clauses:")
    for c in clauses:
        print(f"  §{c['section']} {c['id']}: {c['sentence']}")
    return 0


def _toml(value: object) -> str:
    """A term's value as a terms file writes it: a boolean, an integer, a date (a TOML
    local date), a set as a sorted array, anything else a string, escaped as TOML's basic
    strings are."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | date):
        return str(value)
    if isinstance(value, frozenset):
        return "[" + ", ".join(sorted(map(_toml, value))) + "]"
    return '"' + "".join(_TOML_ESCAPES.get(c, c) for c in str(value)) + '"'


# A control character or DEL as \uXXXX, a quote and a backslash escaped.
_TOML_ESCAPES = {
    **{chr(c): f"\\u{c:04X}" for c in (*range(0x20), 0x7F)},
    '"': '\\"',
    "\\": "\\\\",
}


def _plain(value: object) -> object:
    """A value of the terms or of a fact, as JSON has it."""
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, frozenset):
        return sorted(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _schema(args: argparse.Namespace) -> int:
    if args.which.startswith("records-"):
        level = args.which.removeprefix("records-")
        sys.stdout.write(json.dumps(record_schema(level).to_json_schema(), indent=2) + "\n")
        return 0
    text = (
        resources.files("atlier_policy")
        .joinpath(f"schemas/{args.which}.schema.json")
        .read_text("utf-8")
    )
    sys.stdout.write(text)
    return 0


_COMMANDS = {
    "evaluate": _evaluate,
    "message": _message,
    "qualify": _qualify,
    "batch": _batch,
    "diff": _diff,
    "deadlines": _deadlines,
    "policy": _policy,
    "schema": _schema,
}


def _discard_stdout() -> None:
    """After a broken pipe: standard output's file descriptor goes to the null device, so
    that what is left in its buffer is dropped when Python flushes it at exit, instead of
    breaking the pipe again there (the recipe of the ``signal`` module's documentation)."""
    _discard(sys.stdout)


def _discard(stream: typing.IO[Any] | None) -> None:
    """What is left in ``stream``'s buffer goes to the null device when it is next
    flushed: its descriptor is made the null device's."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, stream.fileno())  # type: ignore[union-attr]  # None: caught
    except (AttributeError, OSError, ValueError):  # no file behind it (embedded, tests)
        pass
    finally:
        os.close(devnull)


def _refuse_ignored(args: argparse.Namespace) -> None:
    """An option the command would ignore is a usage error, never dropped silently."""
    fmt = getattr(args, "format", None)
    if getattr(args, "pretty", False) and args.command != "evaluate" and fmt != "json":
        raise _UsageError(f"{args.command}: --pretty is for --format json, not --format {fmt}")
    if getattr(args, "agent", False) and args.locale is not None:
        raise _UsageError("message: --locale is for the customer e-mail, not --agent")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status instead of exiting."""
    try:
        args = _build_parser().parse_args(argv)
        _refuse_ignored(args)
        if sys.stdout is None and getattr(args, "output", "-") == "-":
            raise _WriteError("cannot write the output: standard output is closed")
        with _stopping():
            status = _COMMANDS[args.command](args)
        if sys.stdout is not None:
            sys.stdout.flush()  # a reader gone is found here, not by Python at exit
        return status
    except SystemExit as exc:  # --help and --version: printed, nothing else to do
        return int(exc.code or 0)
    except (_UsageError, AtlierPolicyError) as exc:
        print(f"atlier-policy: error: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except (_WriteError, _ReadError) as exc:
        print(f"atlier-policy: error: {one_line(str(exc))}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `atlier-policy batch ... | head`: quietly, as SIGPIPE
        _discard_stdout()
        return 141
    except _ReaderGoneError:
        return 141
    except OSError as exc:  # the system failed a read or a write (standard output on a
        # full disk, an I/O error): the machine's trouble, named, not a bug of ours
        reason = exc.strerror or type(exc).__name__
        where = f" on {exc.filename}" if exc.filename else ""
        print(f"atlier-policy: error: input or output failed{where} ({reason})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C: one line, the shell's status for SIGINT
        print("atlier-policy: interrupted", file=sys.stderr)
        return 130
    except _Stopped as exc:  # SIGTERM, SIGHUP: the same, with their own statuses
        print(f"atlier-policy: {_STOPPED[exc.signum]}", file=sys.stderr)
        return 128 + exc.signum
    except Exception as exc:  # the promise: no traceback reaches a user
        message = one_line(f"{type(exc).__name__}: {exc}")
        print(f"atlier-policy: internal error: {message}", file=sys.stderr)
        return 1
