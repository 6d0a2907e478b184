"""What the benchmarks share: the site now and at a baseline commit, built and served the way the
tests build and serve it (``tests/site/projects.py``, ``tests/browser/server.py``), and medians.

The site "now" is the working tree's sources (``copy_project``), built with the working tree's
plugin in ``.venv``. The site at a baseline commit is that commit's whole tree (``git archive``)
built with that commit's own plugin, checker and engine (first on ``PYTHONPATH``) in the same
``.venv``. A commit from before the generator moved to ``policy_site/`` cannot be built so: the
benchmark says which commit to choose instead and stops.
"""

from __future__ import annotations

import datetime
import io
import os
import platform
import statistics
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser.server import SiteServer
from tests.site.projects import ROOT, built_and_served, copy_project

# The commit that moved the generator from refund_site/ to policy_site/: the plugin that .venv's
# entry point names (policy_site.plugin) exists from this commit on.
FIRST_BUILDABLE = "3f4f19f"
PLUGIN = "policy_site/plugin.py"


def say(text: str) -> None:
    """Progress on standard error, so that standard output holds the figures only."""
    print(text, file=sys.stderr, flush=True)


def median(values: list[float]) -> float | None:
    """The median of ``values``, or None when nothing was measured."""
    return statistics.median(values) if values else None


def ratio(now: float | None, before: float | None) -> str:
    """``now / before`` to two places, with a times sign; ``n/a`` if either is missing or 0."""
    if now is None or not before:
        return "n/a"
    return f"{now / before:.2f}×"


def machine() -> str:
    """Today's date, CPUs, CPU model, Python and the load average: what a figure needs beside it
    to be read in context (the machine is often shared)."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    # Other work on the machine slows every figure: say how busy it was.
    load = f"; load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (
        f"{datetime.date.today().isoformat()}, {usable} CPUs (nproc), {model}; "
        f"Python {platform.python_version()} ({platform.python_implementation()}) "
        f"on {platform.system()} {platform.machine()}{load}"
    )


def _git(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=False
    )


def describe(commit: str) -> str:
    """``abc1234 (2026-12-01, subject…)`` for a commit (the subject cut to fit a line), or the
    name as given if git cannot say."""
    shown = _git("log", "-1", "--date=short", "--format=%h%n%cd%n%s", commit).stdout.split("\n")
    if len(shown) < 3:
        return commit
    short, day, subject = shown[:3]
    if len(subject) > 60:
        subject = subject[:59].rstrip() + "…"
    return f"{short} ({day}, {subject})"


def check_baseline(commit: str) -> str:
    """The full hash of ``commit`` if the current harness can build it; otherwise stop with a
    message that says why and which commit to choose instead."""
    found = _git("rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}")
    if found.returncode != 0:
        raise SystemExit(
            f"benchmarks: --baseline {commit!r} names no commit of this repository. "
            "Give a commit hash, tag or branch (see `git log --oneline`)."
        )
    full = found.stdout.strip()
    if _git("cat-file", "-e", f"{full}:{PLUGIN}").returncode != 0:
        raise SystemExit(
            f"benchmarks: --baseline {describe(full)} has no {PLUGIN}: it is from before the "
            f"generator moved to policy_site/ in {FIRST_BUILDABLE}, and this harness builds a "
            f"commit with its own plugin through that module only. Choose {FIRST_BUILDABLE} or a "
            f"commit after it (`git log --oneline {FIRST_BUILDABLE}..HEAD`), or check out the "
            "older commit and run the benchmarks it has."
        )
    return full


def baseline_project(commit: str, folder: Path) -> Path:
    """The whole tree of ``commit`` (checked with :func:`check_baseline`) in ``folder``."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True, check=True
    ).stdout
    folder.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def current_project(folder: Path) -> Path:
    """The working tree's sources as the tests copy them (built with the working tree's code)."""
    folder.mkdir(parents=True)
    return copy_project(folder)


@contextmanager
def served(project: Path, *, own_code: bool = False) -> Iterator[SiteServer]:
    """``project`` built strictly for the address of a :class:`SiteServer` that serves it as a
    host that reads ``_headers`` and sends the precompressed copies does.

    ``own_code``: build with the project's own plugin, checker and engine (a baseline commit's
    tree), put first on ``PYTHONPATH`` ahead of the ones ``.venv`` has installed.
    """
    environment = {"PYTHONPATH": str(project)} if own_code else {}
    try:
        with built_and_served(project, precompressed=True, **environment) as server:
            yield server
    except pytest.fail.Exception as failed:  # the tests' way of saying the build failed
        hint = (
            " Its plugin may need other versions of the dependencies than this .venv has; "
            "choose a later commit."
            if own_code
            else ""
        )
        raise SystemExit(
            f"benchmarks: the site of {project} did not build.{hint}\n{failed}"
        ) from None


@contextmanager
def now_and_baseline(
    scratch: Path, baseline: str | None
) -> Iterator[tuple[SiteServer, SiteServer | None]]:
    """The site now, and at ``baseline`` if one is given (else None), each built and served."""
    full = check_baseline(baseline) if baseline else None
    say("benchmarks: building the site now...")
    with served(current_project(scratch / "now")) as now:
        if full is None:
            yield now, None
            return
        say(f"benchmarks: building the site at {describe(full)} with its own plugin...")
        with served(baseline_project(full, scratch / "baseline"), own_code=True) as before:
            yield now, before
