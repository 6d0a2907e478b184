"""The decision table the page ships follows from the checker's code and the policy, never from
the build's cache alone (policy_review/review.py ``trust_cache``; issue 33).

Editing the cached ledger and the committed ledger the same way used to ship a decisions.json
that answered ``likely_eligible`` where the checker answers ``likely_not_eligible``; without
WebAssembly that answer was final.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from policy_site.shipping.runtime import default_cache_dir
from tests import preloaded
from tests.site.projects import build, copy_project

FLIPPED = ("=>  likely_not_eligible", "=>  likely_eligible")


def own_cache(tmp_path: Path) -> Path:
    """A cache folder of the test's own for the ledger and the decision table, sharing the
    runtime and the wheels already made (never poisoning the shared cache)."""
    cache = tmp_path / "cache"
    cache.mkdir()
    shared = default_cache_dir()
    for entry in shared.iterdir() if shared.is_dir() else ():
        if entry.name not in ("ledger", "decisions"):
            (cache / entry.name).symlink_to(entry)
    return cache


def review(project: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    return preloaded.run(
        [sys.executable, "-m", "policy_review.review"],
        timeout=300,
        cwd=project,
        env=dict(os.environ) | {"POLICY_SITE_CACHE": str(cache)},
    )


def test_a_cache_and_a_ledger_poisoned_the_same_way_do_not_ship(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    cache = own_cache(tmp_path)
    assert review(project, cache).returncode == 0  # the cache now holds each version's part
    entries = sorted((cache / "ledger").glob("*.txt"))
    assert entries
    # Someone flips a verdict in the cache and in the committed ledger alike.
    flipped = 0
    made = {entry: entry.read_text(encoding="utf-8") for entry in entries}
    for entry in entries:
        text = entry.read_text(encoding="utf-8")
        flipped += text.count(FLIPPED[0])
        entry.write_text(text.replace(*FLIPPED), encoding="utf-8")
    assert flipped
    ledger = project / "checker" / "ledger.txt"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace(*FLIPPED), encoding="utf-8")
    # A review that trusts the cache sees nothing wrong: the poison is consistent.
    assert review(project, cache).returncode == 0

    # As the site is published: no folder of the test session's ledger parts either.
    result = build(project, publishing=True, POLICY_SITE_CACHE=str(cache))

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "checker/ledger.txt) is out of date" in output
    assert "Run `./run review` to see what changes" in output
    assert not (project / "site").exists()
    # The build put the checker's own answers back in the cache: the review now shows the flip.
    assert {entry: entry.read_text(encoding="utf-8") for entry in entries} == made
    shown = review(project, cache)
    assert shown.returncode != 0 or "likely_not_eligible" in shown.stdout, shown.stdout
