"""The ``atlier-policy`` command: a thin adapter over the pure core.

Subcommands: ``evaluate`` (one case), ``batch`` (JSON Lines, streaming),
``diff`` (the same cases under two policies), ``deadlines``, ``policy`` and ``schema``.

Exit status: 0 when the command did its job (whatever the decision's outcome),
2 for bad input or usage (one line on stderr, no traceback), 1 for anything
unexpected.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from importlib import resources
from typing import IO, Any

from atlier_policy.api import evaluate
from atlier_policy.decision import OrderDecision
from atlier_policy.errors import AtlierPolicyError, InputError
from atlier_policy.jsonio import case_from_dict, dumps, loads
from atlier_policy.policy import default_policy
from atlier_policy.terms import PolicyTerms
from atlier_policy.termsfile import load_policy
from atlier_policy.versions import PolicyVersions, default_evaluator, default_versions, policy_named
from atlier_policy.whatif import Comparison, DecisionChange, compare_case

__all__ = ["MAX_CASE_BYTES", "main"]

MAX_CASE_BYTES = 1 << 20  # one case document (a file, or a line of a batch): 1 MiB
_CHUNK = 500  # cases per unit of work in a batch


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


def _positive(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 64 (got {text!r})")
    return int(text)


def _count(text: str) -> int:
    if not text.isdigit() or len(text) > 9:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})")
    return int(text)


def _build_parser() -> _Parser:
    parser = _Parser(prog="atlier-policy", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ev = sub.add_parser("evaluate", help="evaluate one case document (JSON) and print the decision")
    ev.add_argument("file", nargs="?", default="-", help="a case file, or - for standard input")
    ev.add_argument(
        "--format",
        choices=("text", "json"),
        default=None,
        help="text (the default on a terminal) or json (the default in a pipe)",
    )
    ev.add_argument(
        "--versions",
        metavar="TERMS.toml",
        help="judge under these terms, or under the version in force at the purchase date "
        "for a file of [[versions]]",
    )
    ev.add_argument(
        "--policy-date",
        type=_iso_date,
        metavar="DATE",
        help="judge under the version in force on DATE (default: the purchase date)",
    )

    ba = sub.add_parser("batch", help="evaluate a JSON Lines file of cases, one decision per line")
    ba.add_argument("file", help="cases, one JSON document per line (- for standard input)")
    ba.add_argument("-o", "--output", default="-", help="where to write decisions (default stdout)")
    ba.add_argument("--jobs", type=_positive, default=1, help="worker processes (default 1)")

    di = sub.add_parser(
        "diff", help="the same cases under a baseline and a candidate policy: what changes"
    )
    di.add_argument("file", help="cases, one JSON document per line (- for standard input)")
    di.add_argument(
        "--candidate", required=True, metavar="TERMS.toml", help="the candidate's terms"
    )
    di.add_argument(
        "--baseline", metavar="TERMS.toml", help="the baseline's terms (default: the text's)"
    )
    di.add_argument("--format", choices=("text", "json", "jsonl"), default="text")
    di.add_argument(
        "--limit", type=_count, default=20, help="changes listed in text output (default 20)"
    )

    dl = sub.add_parser(
        "deadlines",
        help="the timeline: last days to act, the refund window, or every date of a case",
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
    dl.add_argument(
        "--versions",
        metavar="TERMS.toml",
        help="with --case: judge under these terms, or under the version in force at the "
        "purchase date for a file of [[versions]] (default: the text's versions)",
    )

    po = sub.add_parser("policy", help="the clauses with their ids, sections and sentences")
    po.add_argument("--format", choices=("text", "json"), default="text")

    sc = sub.add_parser("schema", help="print the JSON Schema of case or decision documents")
    sc.add_argument("which", choices=("case", "decision"))
    return parser


# --- evaluate ---------------------------------------------------------------------------


def _read_case(path: str) -> Any:
    if path == "-":
        data = sys.stdin.buffer.read(MAX_CASE_BYTES + 1)
    else:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_CASE_BYTES + 1)
        except OSError as exc:
            raise InputError.single("file", "a readable file", f"{path} ({exc.strerror})") from None
    if len(data) > MAX_CASE_BYTES:
        raise InputError.single("file", f"at most {MAX_CASE_BYTES} bytes per case", "a larger file")
    if not data.strip():
        raise InputError.single("file", "a JSON case document", "an empty file")
    return loads(data)


def _evaluate(args: argparse.Namespace) -> int:
    case = case_from_dict(_read_case(args.file))
    policy = None if args.versions is None else load_policy(args.versions)
    if args.policy_date is None and policy is None:
        decision = evaluate(case)
    elif isinstance(policy, PolicyVersions | None):
        decision = (policy or default_versions()).evaluate(case, on=args.policy_date)
    elif args.policy_date is not None:
        raise _UsageError("evaluate: --policy-date needs a --versions file of [[versions]]")
    else:
        decision = policy.evaluate(case)
    fmt = args.format or ("text" if sys.stdout.isatty() else "json")
    print(str(decision) if fmt == "text" else decision.to_json())
    return 0


# --- batch ------------------------------------------------------------------------------


def _decide_line(lineno: int, text: str) -> tuple[str, tuple[str, ...]]:
    """One JSON Lines record for one input line, and the outcomes (or "error") to count."""
    try:
        if len(text) > MAX_CASE_BYTES:
            raise InputError.single("line", f"at most {MAX_CASE_BYTES} bytes", "a longer line")
        result = evaluate(case_from_dict(loads(text)))
    except AtlierPolicyError as exc:
        problems = getattr(exc, "problems", ())
        record = {
            "line": lineno,
            "error": str(exc),
            "problems": [{"field": f, "expected": e, "given": g} for f, e, g in problems],
        }
        return dumps(record), ("error",)
    items = result.items if isinstance(result, OrderDecision) else (result,)
    return dumps({"line": lineno, **result.to_dict()}), tuple(d.outcome.value for d in items)


def _work(chunk: list[tuple[int, str]]) -> list[tuple[str, tuple[str, ...]]]:
    return [_decide_line(n, t) for n, t in chunk]


def _numbered(lines: Iterable[str]) -> Iterator[list[tuple[int, str]]]:
    chunk: list[tuple[int, str]] = []
    for n, line in enumerate(lines, 1):
        if line.strip():
            chunk.append((n, line))
        if len(chunk) >= _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _results(
    chunks: Iterator[list[tuple[int, str]]], jobs: int
) -> Iterator[list[tuple[str, tuple[str, ...]]]]:
    if jobs == 1:
        yield from map(_work, chunks)
        return
    import multiprocessing

    # A bounded window of chunks in flight keeps memory flat on any input size.
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        window: deque[Any] = deque()
        for chunk in chunks:
            window.append(pool.apply_async(_work, (chunk,)))
            if len(window) >= 2 * jobs:
                yield window.popleft().get()
        while window:
            yield window.popleft().get()


def _batch(args: argparse.Namespace) -> int:
    counts: Counter[str] = Counter()
    lines = 0
    progress = sys.stderr.isatty()
    with contextlib.ExitStack() as stack:
        # Only files we opened are closed; stdin and stdout stay open.
        source = sys.stdin if args.file == "-" else stack.enter_context(_open(args.file, "r"))
        sink = sys.stdout if args.output == "-" else stack.enter_context(_open(args.output, "w"))
        try:
            for results in _results(_numbered(source), args.jobs):
                for record, kinds in results:
                    sink.write(record + "\n")
                    counts.update(kinds)
                lines += len(results)
                if progress:
                    print(f"\r{lines} cases", end="", file=sys.stderr, flush=True)
        except UnicodeDecodeError:
            raise InputError.single("file", "UTF-8 text", "other bytes") from None
    if progress:
        print(file=sys.stderr)
    summary = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(counts.items()))
    print(f"atlier-policy batch: {lines} cases: {summary or 'none'}", file=sys.stderr)
    return 0


def _open(path: str, mode: str) -> IO[str]:
    try:
        return open(path, mode, encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError.single(
            "file",
            "a readable file" if mode == "r" else "a writable path",
            f"{path} ({exc.strerror})",
        ) from None


# --- diff -------------------------------------------------------------------------------


def _compare_line(
    lineno: int, text: str, baseline: Any, candidate: Any
) -> tuple[DecisionChange, ...] | AtlierPolicyError:
    try:
        if len(text) > MAX_CASE_BYTES:
            raise InputError.single("line", f"at most {MAX_CASE_BYTES} bytes", "a longer line")
        return compare_case(case_from_dict(loads(text)), baseline, candidate, label=lineno)
    except AtlierPolicyError as exc:
        return exc


def _error_record(lineno: int, exc: AtlierPolicyError) -> dict[str, Any]:
    problems = getattr(exc, "problems", ())
    return {
        "case": lineno,
        "error": str(exc),
        "problems": [{"field": f, "expected": e, "given": g} for f, e, g in problems],
    }


def _diff(args: argparse.Namespace) -> int:
    candidate = load_policy(args.candidate)
    baseline = default_evaluator() if args.baseline is None else load_policy(args.baseline)
    names = [
        f"{where} ({_describe(policy)})"
        for where, policy in ((args.baseline or "the text", baseline), (args.candidate, candidate))
    ]
    pairs: list[DecisionChange] = []
    errors: list[tuple[int, str]] = []
    cases = 0
    with contextlib.ExitStack() as stack:
        source = sys.stdin if args.file == "-" else stack.enter_context(_open(args.file, "r"))
        try:
            for lineno, line in enumerate(source, 1):
                if not line.strip():
                    continue
                cases += 1
                result = _compare_line(lineno, line, baseline, candidate)
                if isinstance(result, AtlierPolicyError):
                    errors.append((lineno, str(result)))
                    if args.format == "jsonl":
                        print(dumps(_error_record(lineno, result)))
                    continue
                if args.format == "jsonl":
                    for change in result:
                        print(dumps(change.to_record()))
                pairs.extend(result)
        except UnicodeDecodeError:
            raise InputError.single("file", "UTF-8 text", "other bytes") from None
    comparison = Comparison(
        baseline=names[0],
        candidate=names[1],
        cases=cases,
        decisions=tuple(pairs),
        errors=tuple(errors),
    )
    if args.format == "json":
        print(json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2))
    elif args.format == "text":
        print(comparison.summary(limit=args.limit))
    else:
        headline = comparison.summary().splitlines()[1]
        print(f"atlier-policy diff: {headline}", file=sys.stderr)
    return 0


def _describe(policy: Any) -> str:
    if isinstance(policy, PolicyVersions):
        return "versions " + ", ".join(policy.versions)
    return f"version {policy.version}"


# --- deadlines, policy, schema ----------------------------------------------------------


def _deadlines(args: argparse.Namespace) -> int:
    from atlier_policy.policy import Policy
    from atlier_policy.timelines import format_timeline, timeline, timeline_of_dates

    if args.delivered is None and args.approved is None and args.case is None:
        raise _UsageError(
            "deadlines: give --delivered DATE, --approved DATE or both, or --case FILE"
        )
    terms = PolicyTerms(calendar_country=args.country, calendar_subdiv=args.subdiv)
    version = terms.version
    if args.case is not None:
        if args.delivered is not None or args.approved is not None:
            raise _UsageError("deadlines: give either --case FILE or dates, not both")
        policy = (
            PolicyVersions.of(Policy(terms))
            if args.versions is None
            else load_policy(args.versions)
        )
        case = case_from_dict(_read_case(args.case))
        decision = policy.evaluate(case)
        entries = timeline(case, decision, policy=policy)
        # The calendar and the version are those the decision was made under.
        version = decision.policy_version
        terms = policy_named(policy, version, "deadlines").terms
    elif args.versions is not None:
        raise _UsageError("deadlines: --versions needs --case FILE")
    else:
        entries = timeline_of_dates(terms, delivered=args.delivered, approved=args.approved)
    print(format_timeline(entries))
    where = terms.calendar_country + (f"-{terms.calendar_subdiv}" if terms.calendar_subdiv else "")
    print(f"calendar: {where}, policy version {version}")
    return 0


def _policy(args: argparse.Namespace) -> int:
    policy = default_policy()
    terms = {k: _plain(v) for k, v in policy.terms.to_mapping().items()}
    clauses = [
        {"id": c.id, "section": c.section, "code": c.code, "sentence": c.sentence}
        for c in policy.clauses()
    ]
    if args.format == "json":
        print(
            json.dumps(
                {"version": policy.version, "terms": terms, "clauses": clauses},
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(f"Atlier Jewelry Return & Refund Policy, version {policy.version}")
    print("terms:")
    for key, value in terms.items():
        print(f"  {key} = {value}")
    print("clauses:")
    for c in clauses:
        print(f"  §{c['section']} {c['id']}: {c['sentence']}")
    return 0


def _plain(value: object) -> object:
    if isinstance(value, frozenset):
        return sorted(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _schema(args: argparse.Namespace) -> int:
    text = (
        resources.files("atlier_policy")
        .joinpath(f"schemas/{args.which}.schema.json")
        .read_text("utf-8")
    )
    sys.stdout.write(text)
    return 0


_COMMANDS = {
    "evaluate": _evaluate,
    "batch": _batch,
    "diff": _diff,
    "deadlines": _deadlines,
    "policy": _policy,
    "schema": _schema,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status instead of exiting."""
    try:
        args = _build_parser().parse_args(argv)
        return _COMMANDS[args.command](args)
    except (_UsageError, AtlierPolicyError) as exc:
        message = str(exc).replace("\n", " ")
        print(f"atlier-policy: error: {message}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `atlier-policy batch ... | head`
        return 0
    except Exception as exc:  # the promise: no traceback reaches a user
        print(f"atlier-policy: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
