"""The command line: output for people, exit statuses for pipelines."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from atlier_policy.cli import MAX_CASE_BYTES, main


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
        (["deadlines", "--approved", "2025-11-21", "--country", "XX"], "deadlines: `--country`"),
        (
            ["deadlines", "--approved", "2025-11-21", "--country", "US", "--subdiv", "ZZ"],
            "deadlines: `--subdiv`",
        ),
        (["deadlines", "--approved", "1600-01-01"], "years"),
        (["deadlines", "--delivered", "9999-12-30"], "`delivered`"),
        (["deadlines", "--approved", "9999-12-28"], "`approved`"),
        (["deadlines", "--delivered", "2025-03-03", "--versions", "x.toml"], "needs --case"),
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


def _jsonl(tmp_path, lines):  # type: ignore[no-untyped-def]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


EXAMPLE_PATH = Path(__file__).parent.parent / "examples" / "return_request_late.json"
EXAMPLE = EXAMPLE_PATH.read_text()
PARCEL = '{"stage": "lost_parcel", "order_id": "P-1", "status": "lost", "shipped_at": "2025-03-06T12:00:00-05:00"}'


def test_batch_keeps_going_and_names_bad_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`batch` writes one record per case, an error record naming each bad line, and a summary."""
    src = _jsonl(
        tmp_path,
        [json.dumps(json.loads(EXAMPLE)), "not json", PARCEL, "", '{"stage": "exchange"}', PARCEL],
    )
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(src), "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 5, 6]
    assert records[0]["kind"] == "order_decision"
    assert records[1]["problems"][0]["field"] == "(document)"
    assert records[2]["outcome"] == "no_refund_parcel_lost"
    assert {p["field"] for p in records[3]["problems"]} >= {
        "order_id",
        "item",
        "requested_at",
        "wanted_sku",
    }
    err = capsys.readouterr().err
    assert "5 cases" in err
    assert "2 error" in err
    assert "2 no refund parcel lost" in err
    assert "1 not eligible" in err


def test_batch_jobs_same_output(tmp_path: Path) -> None:
    """`--jobs 2` gives the same records in the same order as `--jobs 1`."""
    lines = [PARCEL.replace("P-1", f"P-{i}") for i in range(1200)] + ["[]"]
    src = _jsonl(tmp_path, lines)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["batch", str(src), "-o", str(one)]) == 0
    assert main(["batch", str(src), "-o", str(two), "--jobs", "2"]) == 0
    assert one.read_text() == two.read_text()
    assert len(one.read_text().splitlines()) == 1201


def test_batch_stdin_stdout(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`batch -` reads standard input and writes to standard output."""
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(PARCEL.encode() + b"\n")))
    assert main(["batch", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == "no_refund_parcel_lost"


def test_batch_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    """A missing input file is bad input: exit 2, one line."""
    assert main(["batch", "/nonexistent/cases.jsonl"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_evaluate_stdin_json_in_a_pipe(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`evaluate -` reads a case from standard input; JSON is the default when not on a terminal."""
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(PARCEL.encode())))
    assert main(["evaluate", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["kind"] == "decision"


def test_evaluate_refuses_oversized_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A case file over the documented size limit is refused with exit 2."""
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_CASE_BYTES + 1))
    assert main(["evaluate", str(big)]) == 2
    assert "bytes per case" in capsys.readouterr().err


def test_policy_and_schema_commands(capsys: pytest.CaptureFixture[str]) -> None:
    """`policy` lists every clause with its section and sentence; `schema` prints valid JSON Schemas."""
    assert main(["policy", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["terms"]["return_window_days"] == 7
    assert {c["id"] for c in doc["clauses"]} >= {
        "s1.return_window",
        "s3.photos",
        "s5.contact_first",
    }
    assert main(["policy"]) == 0
    assert (
        "§1 s1.return_window: The item must be returned within 7 days of delivery."
        in capsys.readouterr().out
    )
    for which in ("case", "decision"):
        assert main(["schema", which]) == 0
        assert json.loads(capsys.readouterr().out)["$schema"].endswith("2020-12/schema")


def test_unexpected_error_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug (not bad input) gives exit 1 and one line, still without a traceback."""

    def boom(*_: object) -> object:
        raise RuntimeError("bug")

    monkeypatch.setattr("atlier_policy.cli.evaluate", boom)
    assert (
        main(["evaluate", str(Path(__file__).parent.parent / "examples" / "lost_parcel_lost.json")])
        == 1
    )
    err = capsys.readouterr().err
    assert err == "atlier-policy: internal error: RuntimeError: bug\n"


def test_bad_jobs_and_missing_case_file(capsys: pytest.CaptureFixture[str]) -> None:
    """`--jobs 0` or 61 (more workers than a Windows Python before 3.13 can wait on) and
    a missing case file are usage/input errors with exit 2."""
    for jobs in ("0", "61", "\uff12"):  # "\uff12": a full-width 2
        assert main(["batch", "x.jsonl", "--jobs", jobs]) == 2
        assert "from 1 to 60" in capsys.readouterr().err
    assert main(["diff", "--candidate", "x.toml", "x.jsonl", "--limit", "\u0662"]) == 2
    assert "must be a whole number" in capsys.readouterr().err
    assert main(["evaluate", "/nonexistent/case.json"]) == 2
    assert "a readable file" in capsys.readouterr().err


def test_batch_many_chunks_progress_and_bad_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch of many chunks on a terminal shows progress; a line that is not UTF-8 is that
    line's error record, and the lines around it are decided."""
    src = _jsonl(tmp_path, [PARCEL] * 2600)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    assert main(["batch", str(src), "-o", str(tmp_path / "o.jsonl"), "--jobs", "2"]) == 0
    err = capsys.readouterr().err
    assert "\r2600 cases" in err
    assert "2600 no refund parcel lost" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(PARCEL.encode() + b"\n\xff\xfe\n" + PARCEL.encode())
    out = tmp_path / "o2.jsonl"
    assert main(["batch", str(bad), "-o", str(out)]) == 0
    first, second, third = (json.loads(line) for line in out.read_text().splitlines())
    assert (first["line"], second["line"], third["line"]) == (1, 2, 3)
    assert second["problems"] == [
        {"field": "(document)", "expected": "UTF-8 text", "given": "a byte 0xff at offset 0"}
    ]
    assert third["outcome"] == "no_refund_parcel_lost"
    assert "3 cases: 1 error, 2 no refund parcel lost" in capsys.readouterr().err


def test_deadlines_delivery_only(capsys: pytest.CaptureFixture[str]) -> None:
    """`deadlines --delivered` alone prints the last days to act and no refund window."""
    assert main(["deadlines", "--delivered", "2025-03-03"]) == 0
    out = capsys.readouterr().out
    assert "2025-03-10" in out
    assert "refund" not in out


def _gone(*_: object) -> object:
    raise BrokenPipeError


def test_broken_pipe_is_quiet(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A reader that goes away (`| head`) ends the command quietly with 141, the shell's
    status for SIGPIPE (it used to be 0: the command had not done its job)."""
    monkeypatch.setattr("atlier_policy.cli._COMMANDS", {"policy": _gone})
    assert main(["policy"]) == 141
    assert capsys.readouterr().err == ""


def test_broken_pipe_sends_the_rest_of_stdout_nowhere(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """After a broken pipe, standard output's descriptor is the null device: what is left
    in its buffer cannot break the pipe again when Python flushes it at exit."""
    monkeypatch.setattr("atlier_policy.cli._COMMANDS", {"policy": _gone})
    assert main(["policy"]) == 141
    print("left in the buffer")
    sys.stdout.flush()
    assert capfd.readouterr() == ("", "")


@pytest.mark.parametrize(
    "argv",
    [
        ["policy"],
        ["schema", "case"],
        ["evaluate", str(Path(__file__).parent.parent / "examples" / "return_request_late.json")],
        ["deadlines", "--approved", "2025-11-21"],
        ["batch", "-"],
    ],
    ids=["policy", "schema", "evaluate", "deadlines", "batch"],
)
def test_a_reader_gone_before_the_first_byte(argv: list[str]) -> None:
    """`atlier-policy ... | head -0`: the pipe is closed before anything is written, whether
    the output is large or fits in the buffer: status 141, and nothing at all on stderr (no
    "internal error", no "Exception ignored" from Python's flush at exit)."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "atlier_policy", *argv],
            input=(PARCEL + "\n").encode(),
            stdout=write,
            stderr=subprocess.PIPE,
            check=False,
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (141, b"")


def test_a_closed_stdout(tmp_path: Path) -> None:
    """Standard output closed (`>&-`): a command that writes to it says so in one line and
    exits 1 (it used to be an internal error); `batch -o FILE` does not need it."""

    def close_stdout() -> None:
        os.close(1)

    command = [sys.executable, "-m", "atlier_policy"]
    done = subprocess.run(
        [*command, "policy"],
        capture_output=False,
        stderr=subprocess.PIPE,
        check=False,
        preexec_fn=close_stdout,
    )
    assert (done.returncode, done.stderr) == (
        1,
        b"atlier-policy: error: cannot write the output: standard output is closed\n",
    )
    src = _jsonl(tmp_path, [PARCEL])
    out = tmp_path / "out.jsonl"
    done = subprocess.run(
        [*command, "batch", str(src), "-o", str(out)],
        stderr=subprocess.PIPE,
        check=False,
        preexec_fn=close_stdout,
    )
    assert done.returncode == 0
    assert json.loads(out.read_text())["outcome"] == "no_refund_parcel_lost"


def test_a_closed_stdout_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same, measured in this process: `sys.stdout` is None when descriptor 1 was
    closed before Python started."""
    monkeypatch.setattr("sys.stdout", None)
    assert main(["evaluate", str(EXAMPLE_PATH)]) == 1
    assert capsys.readouterr().err == (
        "atlier-policy: error: cannot write the output: standard output is closed\n"
    )
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(_jsonl(tmp_path, [PARCEL])), "-o", str(out)]) == 0
    assert json.loads(out.read_text())["line"] == 1


def test_main_module(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m atlier_policy` runs main() and exits with its status."""
    import runpy

    monkeypatch.setattr("sys.argv", ["atlier-policy", "deadlines", "--approved", "2025-11-21"])
    with pytest.raises(SystemExit) as info:
        runpy.run_module("atlier_policy", run_name="__main__")
    assert info.value.code == 0
    assert "2025-12-08" in capsys.readouterr().out


def test_batch_exact_chunks(tmp_path: Path) -> None:
    """A batch whose size is an exact multiple of the chunk size loses and repeats nothing."""
    src = _jsonl(tmp_path, [PARCEL] * 1000)
    out = tmp_path / "o.jsonl"
    assert main(["batch", str(src), "-o", str(out)]) == 0
    assert [json.loads(x)["line"] for x in out.read_text().splitlines()] == list(range(1, 1001))


def test_main_module_imports_quietly() -> None:
    """Importing atlier_policy.__main__ (not running it) does nothing."""
    import importlib

    assert importlib.import_module("atlier_policy.__main__").main is main


# --- diff, and evaluate under versions ------------------------------------------------------

TERMS_DIR = Path(__file__).parent.parent / "examples" / "terms"
FOURTEEN = str(TERMS_DIR / "fourteen-day-window.toml")
VERSIONS = str(TERMS_DIR / "versions.toml")


def test_diff_text_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`diff`: the late, engraved return (§1, §2) loses its lateness under a 14-day window;
    bad lines are listed, like `batch` does, and the command still succeeds."""
    src = _jsonl(tmp_path, [json.dumps(json.loads(EXAMPLE)), "", "not json", PARCEL])
    assert main(["diff", "--candidate", FOURTEEN, str(src)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"what-if: the text (versions 2025-01-12) -> {FOURTEEN} (version candidate-14-day-window)"
    )
    assert out[1] == (
        "3 cases, 2 decisions: 0 change outcome, 1 change reasons only, "
        "0 change obligations only, 1 unchanged; "
        "1 case with errors; 1 blank line"  # counted as `batch` counts them
    )
    assert "return request: not eligible -> not eligible  -return_window_expired" in out[3]
    assert out[-1].startswith("  error in case 3: JSON: `(document)` must be valid JSON")


def _what_if_cases(n: int, *, mixed: bool) -> str:
    """``n`` lines of the ring of `examples/return_request_eligible.json` asked back 8 to 14
    days after delivery (each decision changes under a 14-day window); ``mixed`` asks 1 to
    14 days after and mixes in the other examples, bad lines and blank lines."""
    doc = json.loads((EXAMPLE_DIR / "return_request_eligible.json").read_text())
    delivered = datetime.fromisoformat(doc["items"][0]["item"]["delivered_at"])
    examples = [json.dumps(json.loads(f.read_text())) for f in sorted(EXAMPLE_DIR.glob("*.json"))]
    lines = []
    for i in range(n):
        if mixed and i % 50 == 7:
            lines.append("not json")
        elif mixed and i % 60 == 3:
            lines.append("")
        elif mixed and i % 3 == 1:
            lines.append(examples[i % len(examples)])
        else:
            day = 1 + i % 14 if mixed else 8 + i % 7
            late = {
                "order_id": f"DAY-{i:05}",
                "requested_at": (delivered + timedelta(day)).isoformat(),
            }
            lines.append(json.dumps(doc | late))
    return "".join(line + "\n" for line in lines)


# sha256 of the output of `diff` at 1bf1146, before it streamed its summary, for the
# 400 lines of _what_if_cases(400, mixed=True): the streaming summary writes the same bytes.
# (The input's hash is that of the examples in the current forms: written in the forms of
# the previous release, as at 1bf1146, the same cases give the same output.)
_DIFF_BEFORE_STREAMING = {
    (): "db67d588cf41771ec2a9aff847013d8ecef4b3363efedfbb88c0a29ab5d98bee",
    ("--limit", "3"): "e1f6365e3fba4ca5d2e2699940afa26381451353e8e243a156e95c4178dcac4b",
    ("--limit", "0"): "8bafbbcc8c60b611e37d530ea1eb44b0ab2e32254d36d344892da642547af6a9",
    ("--format", "json"): "2210c258876d300d4619c0401946a6490c89417e844d8c6e51926fead6734a55",
    (
        "--format",
        "json",
        "--pretty",
    ): "df9441892328df801194b1b19580489f922425443ebedf0a36e7fc1de8e94e2a",
    ("--format", "jsonl"): "837d16315058e44ea61f5361759da7df1c1dbc777c3acf375674781cc9ea45ec",
}


@pytest.mark.parametrize("options", list(_DIFF_BEFORE_STREAMING))
def test_diff_writes_what_it_wrote_before_it_streamed(
    options: tuple[str, ...],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`diff` keeps counts and the first --limit changes, and writes the lists of
    `--format json` and the errors from temporary files: its text, JSON (compact and
    indented) and JSONL are byte for byte those of the implementation that held every
    change, on 400 lines with changes, obligation changes, errors and blank lines."""
    src = tmp_path / "cases.jsonl"
    src.write_text(_what_if_cases(400, mixed=True), encoding="utf-8")
    assert hashlib.sha256(src.read_bytes()).hexdigest() == (
        "6052161374487f83630ac10ae23beedce40b2c54d5f25b3324ff1cdfaaa8fba3"
    )
    monkeypatch.chdir(EXAMPLE_DIR.parent)  # the candidate's name, as given, is in the output
    argv = ["diff", "--candidate", "examples/terms/fourteen-day-window.toml", str(src)]
    assert main([*argv, *options]) == 0
    out = capsys.readouterr().out
    assert hashlib.sha256(out.encode()).hexdigest() == _DIFF_BEFORE_STREAMING[options]


def test_diff_memory_does_not_follow_the_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20,000 cases that all change take about the memory of 2,000 (it grew with the
    changes: every changed pair and every error was held until the end). `--format json`
    lists every change, from a temporary file; the text summary (1,000 against 100, to
    keep the test short) lists the first 20."""
    peaks = {}
    monkeypatch.setattr("sys.stdout", open(os.devnull, "w"))  # noqa: SIM115 - closed below
    try:
        for n, fmt in (
            (10, "json"),
            (2_000, "json"),
            (20_000, "json"),
            (100, "text"),
            (1_000, "text"),
        ):
            src = tmp_path / f"{n}.jsonl"
            if not src.exists():
                src.write_text(_what_if_cases(n, mixed=False), encoding="utf-8")
            argv = ["diff", "--candidate", FOURTEEN, str(src), "--format", fmt]
            tracemalloc.start()  # (10 lines first: the caches filled once are not counted)
            try:
                assert main(argv) == 0
                peaks[(n, fmt)] = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
    finally:
        sys.stdout.close()
    assert peaks[(20_000, "json")] < 2 * peaks[(2_000, "json")], peaks
    assert peaks[(1_000, "text")] < 2 * peaks[(100, "text")], peaks


def test_diff_json_and_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _jsonl(tmp_path, [json.dumps(json.loads(EXAMPLE)), '{"stage": "x"}'])
    text = str(TERMS_DIR / "text.toml")
    assert (
        main(["diff", "--candidate", FOURTEEN, "--baseline", text, str(src), "--format", "json"])
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["baseline"] == f"{text} (version 2025-01-12)"
    assert (doc["cases"], doc["decisions"], doc["changed"], doc["blank_lines"]) == (2, 1, 1, 0)
    assert doc["groups"][0]["reason_code"] == "return_window_expired"
    assert doc["errors"][0]["case"] == 2
    assert main(["diff", "--candidate", FOURTEEN, str(src), "--format", "jsonl"]) == 0
    captured = capsys.readouterr()
    first, second = (json.loads(line) for line in captured.out.splitlines())
    assert (first["case"], first["reasons_removed"]) == (1, "return_window_expired")
    assert (second["case"], second["problems"][0]["field"]) == (2, "stage")
    assert captured.err.startswith("atlier-policy diff: 2 cases, 1 decision:")


def test_every_json_output_escapes_line_breaking_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`diff --format json --pretty` (indented, for people) writes U+2028, NEL and DEL of a
    case as `\\u` escapes, as every other JSON output does; it used to write them raw. So
    does `policy --format json`, through the same encoder."""
    late = {**json.loads(EXAMPLE), "order_id": "A\u2028\x85\x7f"}
    src = _jsonl(tmp_path, [json.dumps(late)])
    argv = ["diff", "--candidate", FOURTEEN, str(src), "--format", "json", "--pretty"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.isascii()
    assert "\x7f" not in out
    assert '"order_id": "A\\u2028\\u0085\\u007f"' in out
    assert json.loads(out)["changes"][0]["order_id"] == late["order_id"]
    assert main(["policy", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == "2025-01-12"


def test_diff_against_versions_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A candidate of [[versions]]: a 2025 purchase keeps the text's 7 days; `--limit 0`."""
    line = json.dumps(json.loads(EXAMPLE)) + "\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(line.encode())))
    assert main(["diff", "--candidate", VERSIONS, "-", "--limit", "0"]) == 0
    out = capsys.readouterr().out
    assert "(versions 2025-01-12, 2026-01-01)" in out
    assert (
        "1 case, 1 decision: 0 change outcome, 0 change reasons only, 0 change obligations only, 1 unchanged"
        in out
    )


def test_diff_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Bad terms, bad files and bad options: exit 2, one line naming the problem."""
    bad_terms = tmp_path / "bad.toml"
    bad_terms.write_text("return_window_days = 'fourteen'\n", encoding="utf-8")
    src = _jsonl(tmp_path, [PARCEL, "x" * (MAX_CASE_BYTES + 1)])
    for argv, fragment in [
        (
            ["diff", "--candidate", str(bad_terms), str(src)],
            "`return_window_days` must be an integer",
        ),
        (["diff", str(src)], "the following arguments are required: --candidate"),
        (["diff", "--candidate", FOURTEEN, "/nonexistent.jsonl"], "a readable file"),
        (["diff", "--candidate", FOURTEEN, str(src), "--limit", "-1"], "must be a whole number"),
    ]:
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert fragment in err
    assert main(["diff", "--candidate", FOURTEEN, str(src), "--format", "jsonl"]) == 0
    assert "at most 1048576 bytes" in capsys.readouterr().out
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b"\xff\n" + PARCEL.encode() + b"\n")
    assert main(["diff", "--candidate", FOURTEEN, str(latin), "--format", "jsonl"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out.split("\n")[0])["problems"][0]["expected"] == "UTF-8 text"
    assert "2 cases, 1 decision" in captured.err


def test_evaluate_under_versions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`evaluate --versions`: the version in force at the purchase date, or at `--policy-date`."""
    doc = json.loads(EXAMPLE)  # bought 2025-02-27, requested 8 days after delivery
    case = tmp_path / "case.json"
    case.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["evaluate", str(case), "--format", "json", "--versions", VERSIONS]) == 0
    assert json.loads(capsys.readouterr().out)["policy_version"] == "2025-01-12"
    argv = ["evaluate", str(case), "--format", "json", "--versions", VERSIONS]
    assert main([*argv, "--policy-date", "2026-01-01"]) == 0
    decided = json.loads(capsys.readouterr().out)
    assert decided["policy_version"] == "2026-01-01"
    assert "return_window_expired" not in json.dumps(decided)
    assert main(["evaluate", str(case), "--format", "json", "--policy-date", "2025-06-01"]) == 0
    assert json.loads(capsys.readouterr().out)["policy_version"] == "2025-01-12"
    assert main(["evaluate", str(case), "--format", "json", "--versions", FOURTEEN]) == 0
    assert json.loads(capsys.readouterr().out)["policy_version"] == "candidate-14-day-window"
    assert main(["evaluate", str(case), "--versions", FOURTEEN, "--policy-date", "2026-01-01"]) == 2
    assert "--policy-date needs a --versions file of [[versions]]" in capsys.readouterr().err
    assert main(["evaluate", str(case), "--policy-date", "2024-01-01"]) == 2
    assert "`date` must be on or after 2025-01-12" in capsys.readouterr().err


def test_deadlines_case_timeline(capsys: pytest.CaptureFixture[str]) -> None:
    """`deadlines --case FILE` prints every date of the case in order, refund window included."""
    example = Path(__file__).parent.parent / "examples" / "inspection_refund_approved.json"
    assert main(["deadlines", "--case", str(example)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("purchased:")
    assert "return requested:                       2025-03-07 (Friday)" in lines
    assert "refund approved:                        2025-11-21 (Friday)" in lines
    assert lines[-2] == "refund latest (10th business day, §4):  2025-12-08 (Monday)"
    assert lines[-1] == "calendar: US, policy version 2025-01-12"


UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def test_deadlines_case_escapes_the_case_strings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`deadlines --case`: a SKU holding an escape sequence, a line break or a bidi override,
    and a version name holding one, are shown escaped, one line per date (they reached the
    terminal raw)."""
    doc = json.loads((EXAMPLE_PATH.parent / "return_request_multi_item.json").read_text())
    doc["items"][0]["item"]["sku"] = "R\x1b[31mED\u202eevil\n"
    doc["items"][1]["item"]["delivered_at"] = "2025-03-04T12:00:00-05:00"  # SKUs are named
    case = tmp_path / "case.json"
    case.write_text(json.dumps(doc))
    versions = tmp_path / "versions.toml"
    versions.write_text('[[versions]]\nversion = "v\\u202eX"\neffective_date = 1900-01-01\n')
    assert main(["deadlines", "--case", str(case), "--versions", str(versions)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert not UNSAFE.search(out.replace("\n", ""))
    assert "purchased (R\\x1b[31mED\\u202eevil\\n): " in out
    assert len({line.index(" 2025-") for line in lines[:-1]}) == 1  # aligned, escapes counted
    assert lines[-1] == "calendar: US, policy version v\\u202eX"
    assert len(lines) == 18


def test_deadlines_case_and_dates_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    """A case file and dates together: usage error naming both."""
    assert main(["deadlines", "--case", "x.json", "--delivered", "2025-03-03"]) == 2
    assert "either --case FILE or dates" in capsys.readouterr().err


EXAMPLE_DIR = Path(__file__).parent.parent / "examples"


def _bought(tmp_path: Path, purchased: str, delivered: str, requested: str) -> str:
    doc = json.loads((EXAMPLE_DIR / "return_request_eligible.json").read_text())
    doc["items"][0]["item"]["purchased_at"] = f"{purchased}T12:00:00-05:00"
    doc["items"][0]["item"]["delivered_at"] = f"{delivered}T12:00:00-05:00"
    doc["requested_at"] = f"{requested}T12:00:00-05:00"
    path = tmp_path / f"case-{purchased}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def test_deadlines_case_under_the_version_of_the_decision(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`deadlines --case --versions`: a 14-day version from 2026-01-01 gives an order bought
    under it delivery + 14 and names that version; an older order keeps 7 days."""
    new = _bought(tmp_path, "2026-01-02", "2026-01-05", "2026-01-08")
    assert main(["deadlines", "--case", new, "--versions", VERSIONS]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "last day to request a return (§1): 2026-01-19 (Monday)" in out
    assert out[-1] == "calendar: US, policy version 2026-01-01"
    old = _bought(tmp_path, "2025-02-27", "2025-03-03", "2025-03-05")
    assert main(["deadlines", "--case", old, "--versions", VERSIONS]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "last day to request a return (§1): 2025-03-10 (Monday)" in out
    assert out[-1] == "calendar: US, policy version 2025-01-12"


def test_evaluate_and_batch_use_the_version_in_force_at_purchase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """By default a case is judged under the version in force at its purchase date: bought
    before the text's version (2025-01-12), the terms then in force are unknown."""
    early = _bought(tmp_path, "2024-12-01", "2024-12-03", "2024-12-05")
    assert main(["evaluate", early, "--format", "json"]) == 0
    decided = json.loads(capsys.readouterr().out)
    assert decided["policy_version"] == "none"
    assert decided["items"][0]["outcome"] == "needs_review"
    assert "no_policy_version_in_force" in json.dumps(decided)
    lines = tmp_path / "cases.jsonl"
    lines.write_text(Path(early).read_text(encoding="utf-8").replace("\n", "") + "\n")
    assert main(["batch", str(lines)]) == 0
    assert '"policy_version":"none"' in capsys.readouterr().out.replace(" ", "")
