"""`batch` and `diff`: one record per physical line, always, and -o never half-written."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import multiprocessing
import os
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlier_policy import cli
from atlier_policy.cli import main

ROOT = Path(__file__).parent.parent
PARCEL = '{"stage": "lost_parcel", "order_id": "P-1", "status": "lost", "shipped_at": "2025-03-06T12:00:00-05:00"}'
MULTI = json.dumps(json.loads((ROOT / "examples" / "return_request_multi_item.json").read_text()))
FOURTEEN = str(ROOT / "examples" / "terms" / "fourteen-day-window.toml")


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_bytes().split(b"\n") if line]


def _physical(data: bytes) -> list[tuple[int, bytes]]:
    """The non-blank physical lines of a file: split at \\n only, blank = JSON whitespace."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [(n, line) for n, line in enumerate(lines, 1) if line.strip(b" \t\r")]


def test_a_bare_cr_does_not_split_a_line(tmp_path: Path) -> None:
    """A CR inside a line is part of it: the lines after it keep the file's numbers."""
    src = tmp_path / "in.jsonl"
    src.write_bytes(PARCEL.encode() + b"\r" + PARCEL.encode() + b"\n" + PARCEL.encode() + b"\r\n")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(src), "-o", str(out)]) == 0
    first, second = _records(out)
    assert (first["line"], first["problems"][0]["field"]) == (1, "(document)")
    assert (second["line"], second["outcome"]) == (2, "no_refund_parcel_lost")  # CRLF is fine


def test_blank_lines_are_json_whitespace_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only spaces, tabs and CRs make a blank line (no record, counted); a line of Unicode
    spaces, NUL, form feed or U+2028 is a line like any other and gets its error record."""
    lines = ["", " \t\r", PARCEL, "\u3000\u00a0", "\x00", "\x0c", "\u2028", "\x85", PARCEL]
    src = tmp_path / "in.jsonl"
    src.write_bytes("\n".join(lines).encode() + b"\n")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(src), "-o", str(out)]) == 0
    records = _records(out)
    assert [r["line"] for r in records] == [3, 4, 5, 6, 7, 8, 9]
    assert [r.get("outcome", "error") for r in records] == ["no_refund_parcel_lost"] + [
        "error"
    ] * 5 + ["no_refund_parcel_lost"]
    err = capsys.readouterr().err
    assert err == "atlier-policy batch: 7 cases: 5 error, 2 no refund parcel lost; 2 blank lines\n"
    assert main(["batch", str(tmp_path / "out.jsonl"), "-o", str(tmp_path / "x.jsonl")]) == 0
    assert capsys.readouterr().err.endswith("; 0 blank lines\n")


def test_nested_stage_and_bad_bytes_are_line_errors_with_two_jobs(tmp_path: Path) -> None:
    """With --jobs 2, a nested `stage` object, an array and invalid UTF-8 are each their line's
    error record; every other line is decided, in order."""
    inspection = json.loads((ROOT / "examples" / "inspection_refund_approved.json").read_text())
    nested = json.dumps({**inspection, "request": {**inspection["request"], "stage": {"a": 1}}})
    listed = json.dumps({**inspection, "request": {**inspection["request"], "stage": [1]}})
    data = "\n".join([PARCEL, nested, listed, PARCEL]).encode() + b"\n\xff\xfe\n" + MULTI.encode()
    src = tmp_path / "in.jsonl"
    src.write_bytes(data)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["batch", str(src), "-o", str(one)]) == 0
    assert main(["batch", str(src), "-o", str(two), "--jobs", "2"]) == 0
    assert one.read_bytes() == two.read_bytes()
    records = _records(two)
    assert [r["line"] for r in records] == [1, 2, 3, 4, 5, 6]
    assert [p["field"] for p in records[1]["problems"]] == ["request.stage"]
    assert [p["field"] for p in records[2]["problems"]] == ["request.stage"]
    assert records[4]["problems"][0]["expected"] == "UTF-8 text"
    assert records[5]["kind"] == "order_decision"


def test_diff_reads_each_line_on_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`diff`: invalid UTF-8, a nested stage and a bare CR are errors of their own lines."""
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\xff\n" + PARCEL.encode() + b"\r" + b"x\n\n" + PARCEL.encode() + b"\n")
    assert main(["diff", "--candidate", FOURTEEN, str(src), "--format", "jsonl"]) == 0
    captured = capsys.readouterr()
    records = [json.loads(line) for line in captured.out.splitlines()]
    assert [(r["case"], "error" in r) for r in records] == [(1, True), (2, True), (4, False)]
    assert captured.err == (
        "atlier-policy diff: 3 cases, 1 decision: 0 change outcome, 0 change reasons only, "
        "0 change obligations only, 1 unchanged; 2 cases with errors; 1 blank line\n"
    )


def test_a_line_that_fails_unexpectedly_is_its_own_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug met on one line is that line's record (named, one line); the run goes on and
    exits 1 so that a pipeline notices."""
    real = cli.evaluate

    def flaky(case: Any) -> Any:
        if case.order_id == "BUG":
            raise RuntimeError("boom\nand more")
        return real(case)

    monkeypatch.setattr(cli, "evaluate", flaky)
    src = tmp_path / "in.jsonl"
    src.write_text(PARCEL.replace("P-1", "BUG") + "\n" + PARCEL + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(src), "-o", str(out)]) == 1
    first, second = _records(out)
    assert first == {"line": 1, "error": "internal error: RuntimeError: boom\\nand more"}
    assert second["outcome"] == "no_refund_parcel_lost"
    assert "1 internal error" in capsys.readouterr().err
    monkeypatch.setattr("atlier_policy.cli.compare_case", lambda *_, **__: 1 / 0)
    for fmt in ("jsonl", "json", "text"):  # listed, and the run exits 1, as batch's does
        assert main(["diff", "--candidate", FOURTEEN, str(src), "--format", fmt]) == 1
        assert "internal error: ZeroDivisionError" in capsys.readouterr().out


def test_an_oversized_decision_becomes_an_error_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A decision over MAX_RECORD_BYTES is replaced by the line's error record."""
    monkeypatch.setattr(cli, "MAX_RECORD_BYTES", 400)
    src = tmp_path / "in.jsonl"
    src.write_text(PARCEL + "\n" + PARCEL.replace("P-1", "P-" + "é" * 150) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(src), "-o", str(out)]) == 0
    for record in _records(out):
        assert record["problems"][0]["expected"] == "a case whose decision is at most 400 bytes"


def test_a_line_of_megabytes_is_skipped_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 3 MiB line (no newline for megabytes) is one error record; the next line keeps its
    number. Standard input without a file behind it is read the same way."""
    data = b"[" + b" " * (3 << 20) + b"]\n" + PARCEL.encode() + b"\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    assert main(["batch", "-", "-o", str(out)]) == 0
    first, second = _records(out)
    assert (first["line"], first["problems"][0]["field"]) == (1, "line")
    assert (second["line"], second["outcome"]) == (2, "no_refund_parcel_lost")
    assert "2 cases: 1 error, 1 no refund parcel lost" in capsys.readouterr().err


def test_chunks_are_bounded_in_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Units of work for the worker processes hold at most _CHUNK_BYTES of input."""
    monkeypatch.setattr(cli, "_CHUNK_BYTES", 10)
    lines: list[tuple[int, bytes | None]] = [(1, b"x" * 6), (2, b"y" * 6), (3, None), (4, b"z")]
    assert list(cli._chunks(lines)) == [lines[:2], lines[2:]]


# --- the output file ----------------------------------------------------------------------


def _partials(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.partial"))


def _cases_and_previous_output(folder: Path, lines: int) -> tuple[Path, Path]:
    """A file of ``lines`` parcel cases, and an output file a run may replace."""
    src, out = folder / "cases.jsonl", folder / "out.jsonl"
    src.write_text((PARCEL + "\n") * lines)
    out.write_text("previous\n")
    return src, out


@pytest.mark.parametrize("how", ["same path", "other spelling", "symlink", "hard link", "stdin"])
def test_output_may_not_be_the_input(
    how: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`batch X -o X` is refused before anything is written, whatever name reaches X."""
    src = tmp_path / "cases.jsonl"
    src.write_text(PARCEL + "\n")
    output = {
        "same path": str(src),
        "other spelling": str(tmp_path / "." / ".." / tmp_path.name / "cases.jsonl"),
        "symlink": str(tmp_path / "link.jsonl"),
        "hard link": str(tmp_path / "hard.jsonl"),
        "stdin": str(src),
    }[how]
    if how == "symlink":
        os.symlink(src, output)
    if how == "hard link":
        os.link(src, output)
    argv = ["batch", str(src), "-o", output]
    if how == "stdin":
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(open(src, "rb")))  # noqa: SIM115
        argv = ["batch", "-", "-o", output]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("atlier-policy: error: `--output` must be a file other than the input")
    assert src.read_text() == PARCEL + "\n"
    assert _partials(tmp_path) == []


def test_output_that_cannot_be_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder, or a path in a missing folder: exit 2, one line, nothing written."""
    src = tmp_path / "cases.jsonl"
    src.write_text(PARCEL + "\n")
    assert main(["batch", str(src), "-o", str(tmp_path)]) == 2
    assert "`--output` must be a file path, not a folder" in capsys.readouterr().err
    assert main(["batch", str(src), "-o", str(tmp_path / "missing" / "out.jsonl")]) == 2
    assert "`--output` must be a writable path" in capsys.readouterr().err


def test_output_replaced_whole_keeps_its_permissions(tmp_path: Path) -> None:
    """The new output replaces the old one at once and keeps its mode; a new file gets the
    usual mode (0666 less the umask), not the temporary file's 0600."""
    src = tmp_path / "cases.jsonl"
    src.write_text(PARCEL + "\n")
    old = tmp_path / "old.jsonl"
    old.write_text("previous\n")
    old.chmod(0o640)
    assert main(["batch", str(src), "-o", str(old)]) == 0
    assert _records(old)[0]["outcome"] == "no_refund_parcel_lost"
    assert old.stat().st_mode & 0o777 == 0o640
    new = tmp_path / "new.jsonl"
    mask = os.umask(0o027)
    try:
        assert main(["batch", str(src), "-o", str(new)]) == 0
    finally:
        os.umask(mask)
    assert new.stat().st_mode & 0o777 == 0o640
    assert _partials(tmp_path) == []


def test_output_through_a_link_replaces_its_target(tmp_path: Path) -> None:
    """`-o LINK`: the link is followed and kept; its target gets the records (a dangling
    link's target is created), and no temporary file is left in either folder."""
    src = tmp_path / "cases.jsonl"
    src.write_text(PARCEL + "\n")
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "out.jsonl"
    target.write_text("previous\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    assert main(["batch", str(src), "-o", str(link)]) == 0
    assert link.is_symlink()
    assert os.readlink(link) == str(target)
    assert _records(target)[0]["outcome"] == "no_refund_parcel_lost"
    dangling = tmp_path / "dangling.jsonl"
    dangling.symlink_to(tmp_path / "real" / "new.jsonl")
    assert main(["batch", str(src), "-o", str(dangling)]) == 0
    assert dangling.is_symlink()
    assert _records(tmp_path / "real" / "new.jsonl")[0]["line"] == 1
    assert _partials(tmp_path) == []
    assert _partials(tmp_path / "real") == []


def test_output_to_a_fifo_is_written_through(tmp_path: Path) -> None:
    """`-o FIFO` streams the records to the FIFO's reader; the FIFO stays a FIFO (it used to
    be replaced by a regular file that no reader ever saw)."""
    src = tmp_path / "cases.jsonl"
    src.write_text((PARCEL + "\n") * 3)
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    with _fifo_reader(fifo) as received:
        assert main(["batch", str(src), "-o", str(fifo)]) == 0
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [json.loads(line)["line"] for line in received[0].splitlines()] == [1, 2, 3]
    assert _partials(tmp_path) == []


@contextlib.contextmanager
def _fifo_reader(fifo: Path) -> Iterator[list[bytes]]:
    """The read end of ``fifo``, opened first (without waiting for a writer, so that nothing
    blocks); what was written to the FIFO is read after the run (a few records: they fit in
    the pipe's buffer)."""
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    received: list[bytes] = []
    try:
        yield received
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            received.append(fh.read())
    finally:
        os.close(fd)


def test_output_to_a_character_device_is_written_through(tmp_path: Path) -> None:
    """`-o` a character device (a node of /dev/null's kind, made in a temporary folder, so
    that the machine's own /dev/null is never at stake): written to, never replaced; it may
    also be the input (reading /dev/null gives no case)."""
    null = tmp_path / "null"
    real = os.stat("/dev/null")
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, real.st_rdev)
    except PermissionError:  # pragma: no cover - only root may make device nodes
        pytest.skip("making a device node needs root")
    src = tmp_path / "cases.jsonl"
    src.write_text(PARCEL + "\n")
    assert main(["batch", str(src), "-o", str(null)]) == 0
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    assert main(["batch", str(null), "-o", str(null)]) == 0
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    assert _partials(tmp_path) == []


def test_output_to_dev_stdout_on_a_pipe(tmp_path: Path) -> None:
    """`-o /dev/stdout` when standard output is a pipe: /dev/stdout is a link to a link to
    `pipe:[...]`, which has no real path; it is written through, not refused."""
    src = tmp_path / "cases.jsonl"
    src.write_text(PARCEL + "\n")
    argv = [sys.executable, "-m", "atlier_policy", "batch", str(src), "-o", "/dev/stdout"]
    done = subprocess.run(argv, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["stage"] == "lost_parcel"
    assert _partials(tmp_path) == []


@pytest.mark.parametrize("through", ["/dev/fd", "/proc/self/fd", "/proc/thread-self/fd"])
def test_output_to_a_descriptor_is_written_through_it(
    through: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`-o /dev/fd/N` (and `/proc/self/fd/N`): the command's own descriptor N, written
    through as `-o -` writes standard output, not reopened: a file behind it keeps what
    was written before (it is not truncated or replaced); a descriptor that is not open
    is refused; Parquet, which is written whole or not at all, is refused."""
    src = tmp_path / "cases.jsonl"
    src.write_text(PARCEL + "\n")
    out = tmp_path / "out.jsonl"
    with out.open("ab") as fh:
        fh.write(b"previous\n")
        fh.flush()
        before = os.fstat(fh.fileno()).st_ino
        assert main(["batch", str(src), "-o", f"{through}/{fh.fileno()}"]) == 0
    lines = out.read_bytes().splitlines()
    assert lines[0] == b"previous"
    assert json.loads(lines[1])["stage"] == "lost_parcel"
    assert os.stat(out).st_ino == before
    assert _partials(tmp_path) == []
    capsys.readouterr()
    closed = os.open(os.devnull, os.O_WRONLY)
    os.close(closed)
    closed += 500  # above the descriptors the run opens (its input takes the lowest free)
    with pytest.raises(OSError, match=os.strerror(errno.EBADF)):
        os.fstat(closed)
    assert main(["batch", str(src), "-o", f"{through}/{closed}"]) == 2
    assert "`--output` must be a writable path" in capsys.readouterr().err
    with out.open("ab") as fh:
        argv = ["batch", str(src), "--format", "parquet", "-o", f"{through}/{fh.fileno()}"]
        assert main(argv) == 2
    assert "`--output` must be a file, written whole or not at all" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["appended file", "socket"])
def test_output_to_dev_stdout_is_standard_output(kind: str, tmp_path: Path) -> None:
    """`-o /dev/stdout` is standard output, whatever it is: a file the shell appends to
    (`>> log`) keeps its lines, a socket (ssh without a terminal, systemd's journal) takes
    the records; neither is reopened, so neither is refused nor replaced."""
    src = tmp_path / "cases.jsonl"
    src.write_text(PARCEL + "\n")
    argv = [sys.executable, "-m", "atlier_policy", "batch", str(src), "-o", "/dev/stdout"]
    if kind == "socket":
        ours, theirs = socket.socketpair()
        with ours, theirs:
            done = subprocess.run(argv, stdout=theirs, stderr=subprocess.PIPE, timeout=120)
            theirs.shutdown(socket.SHUT_WR)
            received = ours.makefile("rb").read()
    else:
        log = tmp_path / "log"
        log.write_bytes(b"previous\n")
        with log.open("ab") as fh:
            done = subprocess.run(argv, stdout=fh, stderr=subprocess.PIPE, timeout=120)
        received = log.read_bytes().removeprefix(b"previous\n")
    assert done.returncode == 0, done.stderr
    assert json.loads(received)["stage"] == "lost_parcel"
    assert _partials(tmp_path) == []


def test_output_whose_links_lead_elsewhere_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A path that the system resolves to one file while its links, read as names, lead to
    another (here another process's descriptor of a deleted file, whose link reads
    `victim (deleted)`; in life, a path through `/proc/PID/root` of a container) is
    refused: the file checked against the input is the file written, or nothing is."""
    victim = tmp_path / "victim"
    fd = os.open(victim, os.O_WRONLY | os.O_CREAT)
    os.unlink(victim)
    holder = subprocess.Popen(["sleep", "60"], pass_fds=(fd,))
    os.close(fd)
    try:
        src = tmp_path / "victim (deleted)"
        src.write_text(PARCEL + "\n")
        assert main(["batch", str(src), "-o", f"/proc/{holder.pid}/fd/{fd}"]) == 2
    finally:
        holder.kill()
        holder.wait()
    err = capsys.readouterr().err
    assert err.startswith(
        f"atlier-policy: error: `--output` must be a path that names one file (its links lead "
        f"to {src}, the system to another) (got '/proc/{holder.pid}/fd/{fd}')"
    )
    assert src.read_text() == PARCEL + "\n"
    assert _partials(tmp_path) == []


def test_own_descriptors_are_found_as_the_system_resolves_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name of one of the command's descriptors is found through links and through
    `..` after a link (the link target's parent, as the system reads it, not the text's);
    a name the system would not open as that descriptor (a trailing slash, a leading zero,
    a thread that is not ours, a number past a C int, an empty path) is not one."""
    with (tmp_path / "f").open("wb") as fh:
        n = fh.fileno()
        (tmp_path / "sfd").symlink_to("/proc/self/fd")
        (tmp_path / "out").symlink_to("/dev/stdout")
        assert cli._own_descriptor(f"/dev/fd/{n}") == n
        assert cli._own_descriptor(f"{tmp_path}/sfd/../fd/{n}") == n
        assert cli._own_descriptor(str(tmp_path / "out")) == 1
        for other in (f"/proc/self/fd/{n}/", f"/proc/self/fd/0{n}", "/proc/self/task/1/fd/1"):
            assert cli._own_descriptor(other) is None
        assert cli._own_descriptor(f"/dev/fd/{2**31}") is None
        assert cli._own_descriptor(str(tmp_path / "f")) is None
        monkeypatch.chdir(tmp_path)
        assert cli._own_descriptor("out") == 1
        assert cli._own_descriptor("nul\0") is None


def test_an_interrupted_stream_drops_its_buffer(tmp_path: Path) -> None:
    """A stream output (a descriptor, a FIFO) left on an interrupt drops what is left in
    its buffer instead of flushing it: a pipe whose reader has stopped reading would hold
    Ctrl-C until it drains. A run that ends writes everything. The descriptor named stays
    open: only the command's copy of it is closed."""
    src = io.BytesIO()
    r, w = os.pipe()
    try:
        writing = cli._output(f"/dev/fd/{w}", src)
        fh = writing.__enter__()
        fh.write(b"dropped\n")
        interrupt = KeyboardInterrupt()
        assert writing.__exit__(KeyboardInterrupt, interrupt, None) is False  # re-raised
        with cli._output(f"/dev/fd/{w}", src) as fh:
            fh.write(b"written\n")
        os.write(w, b"still open\n")
    finally:
        os.close(w)
    with os.fdopen(r, "rb") as received:
        assert received.read() == b"written\nstill open\n"
    # A file behind the descriptor cannot stall: what was decided is written.
    with (tmp_path / "log").open("ab") as log:
        writing = cli._output(f"/dev/fd/{log.fileno()}", src)
        writing.__enter__().write(b"kept\n")
        assert writing.__exit__(KeyboardInterrupt, KeyboardInterrupt(), None) is False
    assert (tmp_path / "log").read_bytes() == b"kept\n"


def test_a_reader_gone_from_a_descriptor_leaves_standard_output_alone(tmp_path: Path) -> None:
    """`-o /dev/fd/N` whose reader went away: 141, silently, and the caller's standard
    output (its descriptor 1) is not sent to the null device, as it is when standard
    output's own reader goes away."""
    src = tmp_path / "cases.jsonl"
    src.write_text(PARCEL + "\n")
    r, w = os.pipe()
    os.close(r)
    before = os.readlink("/proc/self/fd/1")
    try:
        assert main(["batch", str(src), "-o", f"/dev/fd/{w}"]) == 141
    finally:
        os.close(w)
    assert os.readlink("/proc/self/fd/1") == before


def test_an_empty_output_path_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", "-", "-o", ""]) == 2
    assert capsys.readouterr().err == (
        "atlier-policy: error: `--output` must be a file path (got 'an empty string')\n"
    )


def test_standard_output_that_is_the_input_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`batch cases.jsonl >> cases.jsonl` (no `-o`): standard output is the input file, so
    the run would read what it appends without end (or, `1<>`, overwrite what it reads):
    refused, exit 2, the input untouched, as `-o` naming the input is."""
    src = tmp_path / "cases.jsonl"
    src.write_text(PARCEL + "\n")
    with src.open("ab") as fh:
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(fh, write_through=True))
        assert main(["batch", str(src)]) == 2
        monkeypatch.undo()
    err = capsys.readouterr().err
    assert err == (
        "atlier-policy: error: `--output` must be a file other than the input "
        "(got 'standard output')\n"
    )
    assert src.read_text() == PARCEL + "\n"
    out = tmp_path / "out.jsonl"  # another file as standard output: written as usual
    with out.open("wb") as fh:
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(fh, write_through=True))
        assert main(["batch", str(src)]) == 0
        monkeypatch.undo()
    assert json.loads(out.read_text())["stage"] == "lost_parcel"


def test_diff_refuses_standard_output_that_is_the_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`diff --format jsonl cases.jsonl >> cases.jsonl` would read its own records without
    end, as batch would: refused, exit 2, the input untouched."""
    src = tmp_path / "cases.jsonl"
    src.write_text(PARCEL + "\n")
    with src.open("ab") as fh:
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(fh, write_through=True))
        assert main(["diff", "--candidate", FOURTEEN, "--format", "jsonl", str(src)]) == 2
        monkeypatch.undo()
    assert "`--output` must be a file other than the input" in capsys.readouterr().err
    assert src.read_text() == PARCEL + "\n"


def test_one_socket_as_standard_input_and_output(tmp_path: Path) -> None:
    """inetd, systemd's `Accept=yes`, socat: standard input and output are one socket,
    one device and inode; it is not a file the run would read back, and is served."""
    ours, theirs = socket.socketpair()
    argv = [sys.executable, "-m", "atlier_policy", "batch", "-"]
    with ours, theirs:
        proc = subprocess.Popen(argv, stdin=theirs, stdout=theirs, stderr=subprocess.PIPE)
        theirs.close()
        ours.sendall((PARCEL + "\n").encode())
        ours.shutdown(socket.SHUT_WR)
        received = ours.makefile("rb").read()
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert json.loads(received)["stage"] == "lost_parcel"


def test_output_from_a_deleted_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An absolute `-o` works from a working folder that was deleted (the path is not
    made absolute through the working folder)."""
    src = tmp_path / "cases.jsonl"
    src.write_text(PARCEL + "\n")
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert main(["batch", str(src), "-o", str(tmp_path / "out.jsonl")]) == 0
    assert json.loads((tmp_path / "out.jsonl").read_text())["stage"] == "lost_parcel"


def test_a_closed_standard_input_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`batch -` or `evaluate -` with standard input closed (`<&-`): one line, exit 1."""
    monkeypatch.setattr(sys, "stdin", None)
    for command in ("batch", "evaluate"):
        assert main([command, "-"]) == 1
        err = capsys.readouterr().err
        assert err == "atlier-policy: error: cannot read standard input: it is closed\n"


def test_output_is_checked_before_any_case_is_evaluated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad `-o` (a loop of links, a path through a file, a missing folder) is refused
    with exit 2 and one line before the first case is evaluated."""
    src = tmp_path / "cases.jsonl"
    src.write_text(PARCEL + "\n")
    evaluated: list[object] = []
    monkeypatch.setattr(cli, "evaluate", evaluated.append)
    monkeypatch.chdir(tmp_path)  # short names: the message quotes at most 80 characters
    Path("loop").symlink_to("loop")
    for output, problem in [
        ("loop", "Too many levels of symbolic links"),
        ("cases.jsonl/out.jsonl", "Not a directory"),
        ("missing/out.jsonl", "No such file or directory"),
    ]:
        assert main(["batch", "cases.jsonl", "-o", output]) == 2
        err = capsys.readouterr().err
        assert err.startswith("atlier-policy: error: `--output` must be a writable path")
        assert problem in err
        assert err.count("\n") == 1
    assert evaluated == []


def test_a_failed_write_to_a_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stream that cannot be opened (a socket) or written (a failing device) gives one
    line: exit 2 before the run, exit 1 during it; a reader that goes away is quiet."""
    src = tmp_path / "cases.jsonl"
    src.write_text(PARCEL + "\n")
    sock = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock))
    try:
        assert main(["batch", str(src), "-o", str(sock)]) == 2
    finally:
        server.close()
    assert "`--output` must be a writable path" in capsys.readouterr().err
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)

    def fail(lineno: int, data: bytes | None, level: Any) -> tuple[bytes, tuple[str, ...]]:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(cli, "_decide_line", fail)
    with _fifo_reader(fifo):
        assert main(["batch", str(src), "-o", str(fifo)]) == 1
    assert capsys.readouterr().err == (
        f"atlier-policy: error: cannot write {fifo} ({os.strerror(errno.EIO)})\n"
    )


def test_a_fifo_whose_reader_goes_away_is_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The reader of `-o FIFO` closes it in the middle of the run: the run ends quietly, as
    when the reader of standard output goes away."""
    src = tmp_path / "cases.jsonl"
    src.write_text((PARCEL + "\n") * 3)
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    reader = [os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)]
    real = cli._decide_line

    def reader_leaves(lineno: int, data: bytes | None, level: Any) -> tuple[bytes, tuple[str, ...]]:
        if reader:
            os.close(reader.pop())  # the writer has the FIFO open by now
        return real(lineno, data, level)

    monkeypatch.setattr(cli, "_decide_line", reader_leaves)
    assert main(["batch", str(src), "-o", str(fifo)]) == 141
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("target", "code"),
    [("os.fsync", errno.ENOSPC), ("os.replace", errno.EACCES), ("os.chmod", errno.EPERM)],
    ids=["disk full", "permission denied", "chmod refused"],
)
def test_a_failed_write_leaves_the_previous_output(
    target: str,
    code: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A full disk or a denied write: exit 1 with one line, the previous output intact and no
    temporary file left. (Root ignores folder permissions, so the failure is injected.)"""
    src = tmp_path / "cases.jsonl"
    src.write_text((PARCEL + "\n") * 50)
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")

    def fail(*_: Any) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(target, fail)
    assert main(["batch", str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"atlier-policy: error: cannot write {out} ({os.strerror(code)}): it is left as it was\n"
    )
    assert out.read_text() == "previous\n"
    assert _partials(tmp_path) == []


@pytest.mark.parametrize("command", ["batch", "diff"])
def test_a_failed_read_is_named_as_a_read(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The input fails in the middle (an I/O error): exit 1 with one line naming the input
    and the reading, not the output file; that file is left as it was, with no temporary
    file beside it."""
    src = tmp_path / "cases.jsonl"
    src.write_text((PARCEL + "\n") * 3)
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")

    class Failing(io.BytesIO):
        def readline(self, size: int | None = -1) -> bytes:
            if self.tell():
                raise OSError(errno.EIO, os.strerror(errno.EIO))
            return super().readline(size)

    monkeypatch.setattr(cli, "_source", lambda path, stack: Failing(src.read_bytes()))
    terms = Path(__file__).parent.parent / "examples" / "terms" / "fourteen-day-window.toml"
    argv = ["batch", "-o", str(out)] if command == "batch" else ["diff", "--candidate", str(terms)]
    assert main([*argv, str(src)]) == 1
    err = capsys.readouterr().err
    assert err == f"atlier-policy: error: cannot read {src} ({os.strerror(errno.EIO)})\n"
    assert out.read_text() == "previous\n"
    assert _partials(tmp_path) == []
    assert main(["batch", "-"]) == 1
    assert capsys.readouterr().err.endswith(
        f"cannot read standard input ({os.strerror(errno.EIO)})\n"
    )


@pytest.mark.parametrize("path", ["-", "case.json"])
def test_a_case_file_that_fails_midway_is_a_failed_read(
    path: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`evaluate`: a case file that opens and then fails to read (an I/O error) is the
    system's failure, named as a read, exit 1, as in batch; one that cannot be opened is
    the argument's, exit 2."""

    class Failing(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(cli, "_source", lambda path, stack, name: Failing())
    assert main(["evaluate", path]) == 1
    where = "standard input" if path == "-" else path
    assert capsys.readouterr().err == (
        f"atlier-policy: error: cannot read {where} ({os.strerror(errno.EIO)})\n"
    )


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO])
def test_standard_output_that_fails_is_named_not_a_bug(
    code: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Standard output on a full disk (or an I/O error): exit 1 with one line naming the
    system's reason, not "internal error"."""
    src = tmp_path / "cases.jsonl"
    src.write_text(PARCEL + "\n")

    class Full(io.BytesIO):
        def write(self, data: Any) -> int:
            raise OSError(code, os.strerror(code))

    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(Full()))
    assert main(["batch", str(src)]) == 1
    assert capsys.readouterr().err == (
        f"atlier-policy: error: input or output failed ({os.strerror(code)})\n"
    )
    # A read that fails names its file.
    monkeypatch.undo()

    class Failing(cli._Lines):
        def __iter__(self) -> Any:
            raise OSError(code, os.strerror(code), str(src))

    monkeypatch.setattr(cli, "_Lines", Failing)
    assert main(["batch", str(src)]) == 1
    assert capsys.readouterr().err == (
        f"atlier-policy: error: input or output failed on {src} ({os.strerror(code)})\n"
    )


def test_interrupt_in_process_removes_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C in the middle of a run: exit 130, one line, the old output kept."""
    src, out = _cases_and_previous_output(tmp_path, 3)
    real = cli._decide_line

    def interrupted(lineno: int, data: bytes | None, level: Any) -> tuple[bytes, tuple[str, ...]]:
        if lineno == 2:
            raise KeyboardInterrupt
        return real(lineno, data, level)

    monkeypatch.setattr(cli, "_decide_line", interrupted)
    assert main(["batch", str(src), "-o", str(out)]) == 130
    assert capsys.readouterr().err == "atlier-policy: interrupted\n"
    assert out.read_text() == "previous\n"
    assert _partials(tmp_path) == []


STOPPING = [
    (signal.SIGINT, 130, "interrupted"),
    (signal.SIGTERM, 143, "terminated"),
    (signal.SIGHUP, 129, "hung up"),
]


def _default_dispositions() -> None:
    """In the child before it runs: the stopping signals at their defaults, whatever the
    test runner inherited (a shell's background job ignores SIGINT, nohup SIGHUP)."""
    for signum, _, _ in STOPPING:
        signal.signal(signum, signal.SIG_DFL)


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(
    ("signum", "status", "words"), STOPPING, ids=[s.name for s, _, _ in STOPPING]
)
def test_a_signal_stops_a_real_run_cleanly(
    signum: signal.Signals, status: int, words: str, jobs: str, tmp_path: Path
) -> None:
    """Ctrl-C (SIGINT), SIGTERM (a service manager, `kill`) or SIGHUP (a closed terminal)
    sent to the whole process group during a real `batch -o` run: the shell's status for
    the signal, exactly one line on stderr, no traceback from any process, the previous
    output intact and no temporary file left (SIGTERM and SIGHUP used to leave both)."""
    src = tmp_path / "cases.jsonl"
    src.write_text((MULTI + "\n") * 20_000)
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "atlier_policy", "batch", str(src), "-o", str(out), "--jobs", jobs],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal's job is
        preexec_fn=_default_dispositions,  # the test runner has no threads
    )
    deadline = time.monotonic() + 60
    while not any(p.stat().st_size > 0 for p in _partials(tmp_path)):  # decisions are flowing
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(proc.pid, signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status
    assert err == f"atlier-policy: {words}\n".encode()
    assert out.read_text() == "previous\n"
    assert _partials(tmp_path) == []


@pytest.mark.parametrize(("signum", "status", "words"), STOPPING[1:], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_in_process_removes_the_temporary_file(
    signum: signal.Signals,
    status: int,
    words: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """SIGTERM or SIGHUP in the middle of a run: its status, one line, the old output kept,
    and the signal's previous handler back once the command has returned."""
    src, out = _cases_and_previous_output(tmp_path, 3)
    real = cli._decide_line

    def signalled(lineno: int, data: bytes | None, level: Any) -> tuple[bytes, tuple[str, ...]]:
        # Sent only once the command has a handler for it (the test runner survives
        # a command that would not).
        if lineno == 2 and signal.getsignal(signum) is not signal.SIG_DFL:
            os.kill(os.getpid(), signum)
        return real(lineno, data, level)

    monkeypatch.setattr(cli, "_decide_line", signalled)
    before = signal.signal(signum, signal.SIG_DFL)
    try:
        assert main(["batch", str(src), "-o", str(out)]) == status
        assert signal.getsignal(signum) == signal.SIG_DFL
    finally:
        signal.signal(signum, before)
    assert capsys.readouterr().err == f"atlier-policy: {words}\n"
    assert out.read_text() == "previous\n"
    assert _partials(tmp_path) == []


def test_an_ignored_hangup_stays_ignored(tmp_path: Path) -> None:
    """Under `nohup` (SIGHUP ignored) a hang-up does not stop the run; and `main` called
    outside the main thread (an embedding program) leaves every signal alone."""
    src = tmp_path / "cases.jsonl"
    src.write_text((PARCEL + "\n") * 2)
    out = tmp_path / "out.jsonl"
    before = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        real = cli._decide_line
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(
                cli,
                "_decide_line",
                lambda n, data, level: (os.kill(os.getpid(), signal.SIGHUP), real(n, data, level))[
                    1
                ],
            )
            assert main(["batch", str(src), "-o", str(out)]) == 0
        assert [r["line"] for r in _records(out)] == [1, 2]
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, before)
    statuses: list[int] = []
    handlers = {s: signal.getsignal(s) for s, _, _ in STOPPING}
    worker = threading.Thread(
        target=lambda: statuses.append(main(["batch", str(src), "-o", str(out)]))
    )
    worker.start()
    worker.join()
    assert statuses == [0]
    assert {s: signal.getsignal(s) for s, _, _ in STOPPING} == handlers


def test_an_interrupt_with_workers_stops_them_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C while `--jobs 2` workers hold chunks: exit 130, one line, the old output kept,
    and every worker process stopped and reaped."""
    src = tmp_path / "cases.jsonl"
    src.write_text((PARCEL + "\n") * 6)
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    started: list[Any] = []
    real_start = cli._start_workers

    def start(jobs: int, level: Any) -> list[tuple[Any, Any]]:
        started.extend(real_start(jobs, level))
        return started

    def chunks(lines: Any) -> Iterator[list[tuple[int, bytes | None]]]:
        for line in lines:
            yield [line]
            if line[0] == 3:
                raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_start_workers", start)
    monkeypatch.setattr(cli, "_chunks", chunks)
    assert main(["batch", str(src), "-o", str(out), "--jobs", "2"]) == 130
    assert capsys.readouterr().err == "atlier-policy: interrupted\n"
    assert out.read_text() == "previous\n"
    assert _partials(tmp_path) == []
    assert len(started) == 2
    assert all(process.exitcode == -signal.SIGKILL for process, _ in started)


def test_a_worker_serves_chunks_until_told_to_stop() -> None:
    """A worker answers each chunk with its records, returns on None, and returns quietly
    when its parent's end of the pipe is gone; a worker that dies is named, not awaited."""
    ours, theirs = multiprocessing.Pipe()
    worker = threading.Thread(target=cli._worker, args=(theirs,))
    worker.start()
    ours.send([(7, PARCEL.encode()), (9, b"{")])
    (first, second), counts, roles = ours.recv()
    assert (json.loads(first)["line"], json.loads(second)["line"]) == (7, 9)
    assert [first[-1:], second[-1:]] == [b"\n", b"\n"]
    assert (counts, roles) == ({"no_refund_parcel_lost": 1, "error": 1}, {"refused"})
    ours.send(None)
    worker.join()
    ours, theirs = multiprocessing.Pipe()
    ours.close()
    cli._worker(theirs)  # EOF: returns without a traceback
    ours, theirs = multiprocessing.Pipe()
    theirs.close()
    with pytest.raises(RuntimeError, match="a worker process of --jobs ended unexpectedly"):
        cli._receive(ours)
    # Killed part-way through handing in its records: half a message (a length that
    # promises 100 bytes, then 10), not a failed write of the output.
    ours, theirs = multiprocessing.Pipe()
    os.write(theirs.fileno(), (100).to_bytes(4, "big") + b"x" * 10)
    theirs.close()
    with pytest.raises(RuntimeError, match="a worker process of --jobs ended unexpectedly"):
        cli._receive(ours)


class _FakeWorker:
    """A worker's pipe for `cli._in_order`: holds at most one chunk (a second one sent
    before its records are taken would block a real pair of pipes), and answers with a
    record naming the chunk."""

    def __init__(self, log: list[tuple[str, int]], name: int) -> None:
        self.log, self.name, self.held = log, name, None

    def send(self, chunk: Any) -> None:
        assert self.held is None, "sent a chunk while it held one"
        self.held = chunk
        self.log.append(("send", self.name))

    def recv(self) -> Any:
        assert self.held is not None, "asked for records it was never sent"
        (number, _), self.held = self.held[0], None
        return cli._Done([b"%d\n" % number], Counter(), frozenset())


@settings(max_examples=200, deadline=None)
@given(
    workers=st.integers(2, 4),
    count=st.integers(0, 25),
    choices=st.lists(st.lists(st.integers(0, 3), min_size=1), max_size=200),
)
def test_records_come_in_the_order_of_their_chunks_whoever_finishes_first(
    workers: int, count: int, choices: list[list[int]]
) -> None:
    """Whichever workers finish, in whatever order: every chunk's records, once, in the
    chunks' order; no worker sent a chunk while it holds one; at most two chunks per
    worker out at a time (memory stays flat)."""
    log: list[tuple[str, int]] = []
    conns = [_FakeWorker(log, i) for i in range(workers)]
    rounds = iter(choices)

    def wait(busy: list[Any]) -> list[Any]:
        picked = [busy[i % len(busy)] for i in next(rounds, [0])]
        return list(dict.fromkeys(picked))  # some of those done, in any order

    got: list[int] = []
    for done in cli._in_order(iter([[(n, None)] for n in range(count)]), conns, wait):
        got.append(int(done.records[0]))
        assert sum(e == "send" for e, _ in log) - len(got) < 2 * workers
    assert got == list(range(count))
    assert all(c.held is None for c in conns)


def test_a_worker_done_early_is_not_held_behind_a_slower_one() -> None:
    """Worker 1 finishing while worker 0 still holds chunk 0 is sent the next chunks at
    once (up to four out in all for two workers), not kept waiting for chunk 0."""
    log: list[tuple[str, int]] = []
    slow, fast = _FakeWorker(log, 0), _FakeWorker(log, 1)

    def wait(busy: list[Any]) -> list[Any]:
        return [fast] if fast in busy else busy

    chunks = iter([[(n, None)] for n in range(6)])
    first = next(cli._in_order(chunks, [slow, fast], wait))
    assert first.records == [b"0\n"]
    assert log == [("send", 0), ("send", 1), ("send", 1), ("send", 1)]


def test_a_worker_that_died_idle_is_named_not_taken_for_a_reader_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A worker of `--jobs 2` killed before it is sent its chunk (the OOM killer, while the
    run waits on a slow reader) breaks its pipe: that is the worker's failure, exit 1 with
    one line, not a reader gone away (exit 141, silent, with the output cut short)."""
    src = tmp_path / "cases.jsonl"
    src.write_text((PARCEL + "\n") * 10)
    real = cli._start_workers

    def one_dead(jobs: int, how: Any) -> list[tuple[Any, Any]]:
        workers = real(jobs, how)
        workers[0][0].kill()
        workers[0][0].join()
        return workers

    monkeypatch.setattr(cli, "_start_workers", one_dead)
    assert main(["batch", str(src), "--jobs", "2"]) == 1
    err = capsys.readouterr().err
    assert err.endswith("RuntimeError: a worker process of --jobs ended unexpectedly\n")


# --- arbitrary bytes ------------------------------------------------------------------------

FRAGMENTS = [
    PARCEL.encode(),
    MULTI.encode(),
    b"\n",
    b"\r",
    b"\r\n",
    b" ",
    b"\t",
    b"\x00",
    b"\xff",
    b"\xc3",  # a truncated two-byte character
    "\u3000".encode(),
    "\u00a0".encode(),
    "\u2028".encode(),
    "\x85".encode(),
    b"{",
    b'{"stage": {"a": 1}}',
    b'{"a": 1, "a": 2}',
    b"[]",
    b"\xed\xa0\x80",  # an encoded surrogate: not UTF-8
]
BATCH_FILES = st.one_of(
    st.binary(max_size=300),
    st.lists(st.sampled_from(FRAGMENTS), max_size=25).map(b"".join),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=BATCH_FILES, previous=st.booleans())
def test_arbitrary_bytes_give_one_record_per_line(
    data: bytes, previous: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """Any bytes as a batch file (invalid UTF-8, CR, NUL, Unicode spaces): one record per
    non-blank physical line, numbered as the file numbers it, exit 0, no traceback, and -o
    complete (or, had the run failed, untouched)."""
    with tempfile.TemporaryDirectory() as folder:
        src, out = Path(folder, "in.jsonl"), Path(folder, "out.jsonl")
        src.write_bytes(data)
        if previous:
            out.write_bytes(b"previous\n")
        status = main(["batch", str(src), "-o", str(out)])
        err = capsys.readouterr().err
        assert status in (0, 2)
        assert "Traceback" not in err
        assert err.count("\n") == 1
        if status != 0:  # pragma: no cover - no bytes make the run fail
            assert out.read_bytes() == b"previous\n" if previous else not out.exists()
            return
        records = _records(out)
        assert out.read_bytes().count(b"\n") == len(records)
        assert [r["line"] for r in records] == [n for n, _ in _physical(data)]
        assert _partials(Path(folder)) == []
