"""The build's staging folder never stays behind in the project
(policy_site/publishing/output.py)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from policy_site.publishing import output
from tests.site.projects import ROOT

# A build that MkDocs has begun in a staging folder beside site/, then interrupted with Ctrl-C
# (KeyboardInterrupt, which no handler of MkDocs' catches) before it could publish.
INTERRUPTED = """
import sys, time
from pathlib import Path
from policy_site.publishing.output import Output
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
    assert problem.startswith("MkDocs 2.0.0 is installed, but the refund-policy plugin counts")
    assert "Install the pinned versions" in problem
