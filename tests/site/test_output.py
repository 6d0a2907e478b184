"""The build's staging folder never stays behind in the project
(policy_site/publishing/output.py)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from policy_site.publishing import output
from tests.site.projects import ROOT

# A build that MkDocs has begun in a staging folder beside site/, then interrupted with Ctrl-C
# (KeyboardInterrupt, which no handler of MkDocs' catches) before it could publish.
# Ctrl-C's SIGINT raises KeyboardInterrupt, as in a terminal, even when the test run was started
# in the background, where a shell makes its commands ignore SIGINT (and Python keeps that).
INTERRUPTED = """
import signal, sys, time
from pathlib import Path
from policy_site.publishing.output import Output
signal.signal(signal.SIGINT, signal.default_int_handler)
output = Output(Path(sys.argv[1]) / "site")
staging = output.begin()
(staging / "index.html").write_text("half a build")
print(staging, flush=True)
time.sleep(60)
"""


def test_an_interrupted_build_leaves_no_staging_folder(tmp_path: Path) -> None:
    build = subprocess.Popen(
        [sys.executable, "-c", INTERRUPTED, str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert build.stdout is not None
    staging = Path(build.stdout.readline().strip())
    assert staging.parent == tmp_path and staging.name.startswith(".site.building-")
    assert staging.is_dir()
    build.send_signal(signal.SIGINT)
    build.communicate(timeout=30)
    assert [p.name for p in tmp_path.iterdir()] == []


def test_git_ignores_a_staging_folder_left_by_a_killed_build() -> None:
    for name in (".site.building-abc123", ".site.previous-abc123"):
        ignored = subprocess.run(
            ["git", "check-ignore", "-q", "--no-index", f"{name}/index.html"],
            cwd=ROOT,
            check=False,
        )
        assert ignored.returncode == 0, f"{name} is not ignored by git"


def test_the_build_counts_its_problems_only_with_the_mkdocs_it_knows() -> None:
    # The installed MkDocs (the pinned one) counts them; another version stops the build with
    # what to do, instead of publishing a site whose problems went uncounted.
    assert output.mkdocs_problem() is None
    problem = output.mkdocs_problem("2.0.0")
    assert problem is not None
    assert problem.startswith("MkDocs 2.0.0 is installed, but the policy-site plugin counts")
    assert "Install the pinned versions" in problem


# A build killed at a step of its publish (SIGKILL: nothing runs after it), for each step, with
# and without the atomic exchange. The site of build N has an index naming N and 20 pages.
KILLED = """
import os, signal, sys
from pathlib import Path
from policy_site.publishing.output import Output
target, number, kill_at, swap = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4] == "1"

def checkpoint(step):
    if step == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)

output = Output(target, checkpoint=checkpoint, swap=swap)
staging = output.begin()
for page in range(20):
    (staging / f"page-{page}.html").write_text(f"build {number}")
(staging / "index.html").write_text(f"build {number}")
output.publish()
"""


def run_build(site: Path, number: int, kill_at: str = "", *, swap: bool = True) -> int:
    result = subprocess.run(
        [sys.executable, "-c", KILLED, str(site), str(number), kill_at, "1" if swap else "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.returncode


def whole_build(site: Path) -> int | None:
    """The build that ``site`` holds whole (every page of one build), or None."""
    if not site.is_dir():
        return None
    texts = {path.name: path.read_text() for path in site.iterdir()}
    builds = set(texts.values())
    if len(texts) != 21 or len(builds) != 1:
        return None
    return int(builds.pop().split()[-1])


@pytest.mark.parametrize("swap", [True, False], ids=["atomic exchange", "two renames"])
@pytest.mark.parametrize("step", output.STEPS)
def test_a_build_killed_at_any_step_of_its_publish_never_loses_the_last_good_site(
    tmp_path: Path, step: str, swap: bool
) -> None:
    site = tmp_path / "site"
    assert run_build(site, 1) == 0
    assert whole_build(site) == 1

    killed = run_build(site, 2, step, swap=swap)

    assert killed == -signal.SIGKILL or (swap and step in ("aside-made", "moved-aside"))
    if swap or step not in ("moved-aside",):
        # With the exchange, site/ is whole at every instant: the old build or the new.
        assert whole_build(site) in (1, 2)
    # The next build finds the last good site (put back if it was left aside), keeps it until
    # its own is in place, and leaves nothing behind.
    assert run_build(site, 3, "built", swap=swap) == -signal.SIGKILL
    assert whole_build(site) in (1, 2)
    assert run_build(site, 4, swap=swap) == 0
    assert whole_build(site) == 4
    assert [path.name for path in tmp_path.iterdir()] == ["site"]


def test_a_publish_killed_between_its_two_renames_is_repaired_by_the_next_build(
    tmp_path: Path,
) -> None:
    # Without an atomic exchange, a kill between the renames leaves site/ aside, whole; the next
    # build puts it back before it starts, so even a build that then fails leaves it in place.
    site = tmp_path / "site"
    assert run_build(site, 1, swap=False) == 0
    assert run_build(site, 2, "moved-aside", swap=False) == -signal.SIGKILL
    assert not site.exists()
    assert run_build(site, 3, "recovered", swap=False) == -signal.SIGKILL
    assert whole_build(site) == 1


def test_publishing_swaps_the_folders_in_one_step_on_this_system(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "which").write_text("a")
    (tmp_path / "b").mkdir()
    assert output.exchange(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "b" / "which").read_text() == "a"
    assert not (tmp_path / "a" / "which").exists()
