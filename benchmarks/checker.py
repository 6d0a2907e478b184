"""Benchmark of the checker on CPython: ``import checker`` time and ``check()`` calls per second.

Run with ``.venv/bin/python -m benchmarks.checker [--runs 7]`` (or ``./run bench``). Not a test:
timings depend on the machine, so this prints figures to record instead of asserting limits.

* Import time: fresh interpreters, each timed as a whole (``-c "import checker"`` minus an empty
  ``-c "pass"`` baseline) and by ``-X importtime`` (the ``checker`` package's cumulative time).
* Calls per second: ``check()`` over a fixed, varied set of answers (every reason, level of use,
  window edge and unsure answer), ``--runs`` runs; also ``check_json()``, what the browser calls.

It compares with no earlier commit; each figure is the median of its runs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.harness import machine
from tests.checker.support import REASONS

# Fresh interpreters per run of the calls: an import varies more from one process to the next.
IMPORTS_PER_RUN = 3
ROOT = Path(__file__).resolve().parent.parent


def _run(code: str, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *options, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )


def _wall_time(code: str) -> float:
    start = time.perf_counter()
    _run(code)
    return time.perf_counter() - start


def import_times(runs: int) -> tuple[list[float], list[float]]:
    """Per fresh interpreter: wall time of the import (ms) and -X importtime's figure (ms)."""
    _run("import checker")  # compile the .pyc files once, as an installed package has them
    wall: list[float] = []
    self_reported: list[float] = []
    for _ in range(runs):
        # Interleaved, so that drifts in machine load hit both sides alike.
        baseline = _wall_time("pass")
        wall.append((_wall_time("import checker") - baseline) * 1000)
        report = _run("import checker", "-X", "importtime").stderr
        cumulative = [
            int(match.group(1))
            for match in re.finditer(r"^import time:\s+\d+ \|\s+(\d+) \|\s*checker$", report, re.M)
        ]
        self_reported.append(cumulative[-1] / 1000)
    return wall, self_reported


def sample_answers() -> list[dict[str, Any]]:
    """A fixed, varied set: every reason and level of use, both sides of the window, unsure."""
    reasons = list(REASONS)
    credits = ["none", "minimal", "some", "substantial", "unsure"]
    days = ["2026-05-01", "2026-05-08", "2026-05-09", "2026-07-01"]
    yes_no = [False, True, "unsure"]
    out = []
    for index, (reason, used, request, outputs) in enumerate(
        itertools.product(reasons, credits, days, yes_no)
    ):
        out.append(
            {
                "purchase_date": "2026-05-01",
                "request_date": request,
                "purchase_type": ("subscription", "credit_pack")[index % 2],
                "reason": reason,
                "credits_used": used,
                "outputs_used": outputs,
                "first_purchase": yes_no[index % 3],
                "previous_refund_requests": index % 4,
                "terms_violation": index % 7 == 0,
                "chargeback_filed": index % 5 == 0,
                "payment_provider": ("creem", "other", "unsure")[index % 3],
            }
        )
    return out


def calls_per_second(call: Callable[[Any], object], inputs: list[Any], runs: int) -> list[float]:
    """``call`` over all ``inputs``, ``runs`` times (after one warm-up pass)."""
    for item in inputs:
        call(item)
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for item in inputs:
            call(item)
        rates.append(len(inputs) / (time.perf_counter() - start))
    return rates


def _line(label: str, values: list[float], unit: str, digits: int = 1) -> str:
    return (
        f"{label}: median {statistics.median(values):,.{digits}f} {unit} "
        f"(min {min(values):,.{digits}f}, max {max(values):,.{digits}f}, {len(values)} runs)"
    )


def main(argv: list[str] | None = None) -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.checker", description=__doc__)
    parser.add_argument(
        "--runs",
        type=int,
        default=7,
        help=f"runs of the calls (default 7); {IMPORTS_PER_RUN} imports per run",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    from checker import check, check_json

    print(f"Machine: {machine()}")
    wall, self_reported = import_times(args.runs * IMPORTS_PER_RUN)
    print(_line("import checker, fresh interpreter minus empty one", wall, "ms"))
    print(_line("import checker, -X importtime cumulative", self_reported, "ms"))
    answers = sample_answers()
    print(f"check() over {len(answers)} varied answers:")
    print(_line("  check()", calls_per_second(check, answers, args.runs), "calls/s", 0))
    texts = [json.dumps(item) for item in answers]
    print(_line("  check_json()", calls_per_second(check_json, texts, args.runs), "calls/s", 0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
