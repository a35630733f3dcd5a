"""Benchmark: BusinessCalendar.add_business_days against the alternatives.

Run ``python benchmarks/bench_calendar.py`` (needs numpy, from the ``bench`` dependency group).
Not part of the test suite. For n = 7, 10, 250 and 2500 business days, from a fixed
set of start dates, all with warm caches, it times:

* ``BusinessCalendar("US").add_business_days(d, n)``;
* holidays' ``get_nth_working_day(d, n)`` on a holidays object already filled for
  every year the runs touch;
* a naive day-by-day loop over that object's ``is_working_day``;
* ``numpy.busday_offset`` on one Python date: date -> datetime64 -> busday_offset
  (precomputed ``busdaycalendar`` of the same holidays) -> date.

It first checks that all four give the same answers, then prints a markdown table
(CPU µs per call, ``time.process_time``, best of several interleaved rounds) and whether the
issue's goals are met: ours >= 20x faster than get_nth_working_day at n = 10, >= 3x
faster than numpy's scalar call, and ours at n = 2500 within 1.3x of ours at n = 7.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
import timeit
from collections.abc import Callable
from datetime import date, timedelta
from importlib.metadata import version
from typing import Any

import holidays
import numpy as np

from atlier_policy.calendar import BusinessCalendar

COUNTRY = "US"
NS = (7, 10, 250, 2500)
HOLIDAY_YEARS = range(2010, 2050)  # start dates are in 2020-2029; n = 2500 is ~10 years

Adder = Callable[[date, int], date]


def start_dates(count: int = 50, seed: int = 20251121) -> list[date]:
    """A fixed, reproducible set of start dates in 2020-2029 (weekdays, weekends, holidays)."""
    rng = random.Random(seed)
    first = date(2020, 1, 1)
    return [first + timedelta(days=rng.randrange(3653)) for _ in range(count)]


def make_adders() -> dict[str, Adder]:
    """The four implementations, each set up once (holiday data computed before timing)."""
    cal = BusinessCalendar(COUNTRY)
    hol = holidays.country_holidays(COUNTRY, years=HOLIDAY_YEARS)
    busdaycal = np.busdaycalendar(
        weekmask="Mon Tue Wed Thu Fri", holidays=np.array(sorted(hol), dtype="datetime64[D]")
    )
    is_working_day = hol.is_working_day
    one = timedelta(days=1)

    def naive(d: date, n: int) -> date:
        step = one if n >= 0 else -one
        if n == 0:
            while not is_working_day(d):
                d += step
            return d
        left = abs(n)
        while left:
            d += step
            if is_working_day(d):
                left -= 1
        return d

    busday_offset = np.busday_offset
    datetime64 = np.datetime64

    def numpy_scalar(d: date, n: int) -> date:
        roll = "backward" if n > 0 else "forward"
        result: date = busday_offset(datetime64(d, "D"), n, roll=roll, busdaycal=busdaycal).item()
        return result

    return {
        "atlier_policy": cal.add_business_days,
        "holidays get_nth_working_day": hol.get_nth_working_day,
        "naive is_working_day loop": naive,
        "numpy busday_offset (scalar)": numpy_scalar,
    }


def check_agreement(adders: dict[str, Adder], dates: list[date]) -> None:
    """All implementations give the same dates (this also warms every cache)."""
    for n in (*NS, 0, -1, -10):
        for d in dates:
            answers = {name: add(d, n) for name, add in adders.items()}
            if len(set(answers.values())) != 1:
                raise SystemExit(f"disagreement for d={d}, n={n}: {answers}")


def _timer(add: Adder, dates: list[date], n: int, min_time: float) -> tuple[timeit.Timer, int]:
    """A CPU-time timer of ``add(d, n)`` over all start dates, and its number of loops."""

    def run() -> None:
        for d in dates:
            add(d, n)

    timer = timeit.Timer(run, timer=time.process_time)
    once = timer.timeit(number=1)  # warm-up, and an estimate of the cost
    return timer, max(1, int(min_time / once) + 1) if once < min_time else 1  # >= min_time


def time_per_call(
    adders: dict[str, Adder], dates: list[date], repeat: int, min_time: float = 0.2
) -> dict[str, dict[int, float]]:
    """Best-of-``repeat`` CPU seconds per call of each adder at each n.

    The rounds are interleaved (every adder at every n once per round), so a busy
    spell on the machine falls on all of them alike rather than on whichever n was
    timed then: timed one n after another, ours at n = 2500 once came out 2.08x ours
    at n = 7 on a busy machine, where interleaved rounds give about 1.0x.
    """
    timers = {
        (name, n): _timer(add, dates, n, min_time) for name, add in adders.items() for n in NS
    }
    best = dict.fromkeys(timers, float("inf"))
    for _ in range(repeat):
        for key, (timer, number) in timers.items():
            best[key] = min(best[key], timer.timeit(number=number) / (number * len(dates)))
    return {name: {n: best[name, n] for n in NS} for name in adders}


def machine() -> str:
    """nproc, CPU model, Python, holidays and numpy versions, one line each."""
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    blas = os.environ.get("OPENBLAS_CORETYPE")
    lines = [
        f"- nproc: {os.cpu_count()}",
        f"- CPU: {cpu}",
        f"- Python: {platform.python_implementation()} {platform.python_version()}"
        f" ({platform.system()} {platform.machine()})",
        f"- holidays {version('holidays')}, numpy {version('numpy')}",
    ]
    if blas:
        lines.append(f"- OPENBLAS_CORETYPE={blas} (irrelevant to busday_offset)")
    return "\n".join(lines)


def run(repeat: int = 5, count: int = 50, min_time: float = 0.2) -> dict[str, Any]:
    """Check agreement, time every adder at every n; the figures and the goals."""
    dates = start_dates(count)
    adders = make_adders()
    check_agreement(adders, dates)
    us = {
        name: {n: s * 1e6 for n, s in by_n.items()}
        for name, by_n in time_per_call(adders, dates, repeat, min_time).items()
    }
    ours, nth, _, npy = us.values()
    goals = [
        {
            "goal": "ours >= 20x faster than get_nth_working_day at n=10",
            "ratio": nth[10] / ours[10],
            "met": nth[10] / ours[10] >= 20,
        },
        {
            "goal": "ours >= 3x faster than numpy's scalar busday_offset (worst n)",
            "ratio": min(npy[n] / ours[n] for n in NS),
            "met": all(npy[n] / ours[n] >= 3 for n in NS),
        },
        {
            "goal": "ours at n=2500 within 1.3x of ours at n=7",
            "ratio": ours[2500] / ours[7],
            "met": ours[2500] / ours[7] <= 1.3,
        },
    ]
    print("calendar: done", flush=True)
    return {"repeat": repeat, "dates": len(dates), "us_per_call": us, "goals": goals}


def markdown(res: dict[str, Any]) -> str:
    # n is an int, or a str once read back from JSON
    us = {name: {int(n): v for n, v in by_n.items()} for name, by_n in res["us_per_call"].items()}
    ours, nth, naive, npy = us
    lines = [
        f"{COUNTRY} calendar, {res['dates']} start dates in 2020-2029, warm caches, best of "
        f"{res['repeat']} interleaved rounds; CPU µs per call (lower is better).",
        "",
        f"| n | {ours} | {nth} | {naive} | {npy} | get_nth ÷ ours | naive ÷ ours | numpy ÷ ours |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in NS:
        o = us[ours][n]
        lines.append(
            f"| {n} | {o:.2f} | {us[nth][n]:.1f} | {us[naive][n]:.1f} | {us[npy][n]:.2f} "
            f"| {us[nth][n] / o:.0f}× | {us[naive][n] / o:.0f}× | {us[npy][n] / o:.1f}× |"
        )
    lines += ["", "Goals:", ""]
    lines += [
        f"- {'met' if g['met'] else 'MISSED'}: {g['goal']} (ratio {g['ratio']:.2f})"
        for g in res["goals"]
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--repeat", type=int, default=5, help="interleaved timing rounds (the best of each is kept)"
    )
    parser.add_argument("--dates", type=int, default=50, help="number of start dates")
    args = parser.parse_args(argv)
    res = run(args.repeat, args.dates)
    print(markdown(res))
    print(f"\nMachine:\n\n{machine()}")
    print("\nCommand: `.venv/bin/python benchmarks/bench_calendar.py`")
    return 0 if all(g["met"] for g in res["goals"]) else 1


if __name__ == "__main__":
    sys.exit(main())
