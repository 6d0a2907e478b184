"""``./run new-policy`` as an editor uses it, then the editor's next steps: a policy that is data
(no Python anywhere), whose pages tell the truth about its dates, and whose history says what each
new version changed, the page's words included."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from policy_engine.policy import long_date
from policy_site.scaffold import DRAFTING_DAYS
from tests.site.projects import build, command, copy_project, edit

NAME = "fixture-prints"


def text_of(html: str) -> str:
    """A page's words as a reader sees them, tags left out."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def built(project: Path, page: str) -> str:
    done = build(project)
    assert done.returncode == 0, done.stdout + done.stderr
    return text_of((project / "site" / page / "index.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = copy_project(tmp_path_factory.mktemp("scaffold"))
    scaffolded = command(made, "policy_site.scaffold", NAME)
    assert scaffolded.returncode == 0, scaffolded.stdout + scaffolded.stderr
    return made


def test_a_new_policy_is_data_and_its_pages_tell_the_truth_as_versions_come(
    project: Path, tmp_path: Path
) -> None:
    folder = project / "policies" / NAME
    assert sorted(path.name for path in folder.iterdir()) == ["ledger.txt", "policy.toml"]
    assert list(project.rglob("*.py")) == []
    # The editor writes the real address and reviews: it builds, first version still to come.
    edit(folder / "policy.toml", "support@example.invalid", "prints@example.com")
    assert command(project, "policy_review.review", NAME, "--accept").returncode == 0
    first = date.today() + timedelta(days=DRAFTING_DAYS)
    page = built(project, NAME)
    assert f"This policy comes into effect on {long_date(first)}" in page
    assert "in force since" not in page.split("Check your order")[0]
    history = built(project, f"{NAME}-history")
    assert f"Comes into effect on {long_date(first)}." in history
    assert "The policy's text is that of the version before" not in history
    # A second version, whose page says something new: its history names the new words.
    later = first + timedelta(days=30)
    added = command(project, "policy_site.pages.versions", later.isoformat(), "--name", NAME)
    assert added.returncode == 0, added.stdout + added.stderr
    edit(
        folder / "policy.toml",
        'changes = ""',
        'changes = "Customers send a photo of what arrived."',
    )
    edit(project / "docs" / f"{NAME}.md", "what happened, within", "a photo of it, within")
    reviewed = command(project, "policy_review.review", NAME, "--accept")
    assert reviewed.returncode == 0, reviewed.stdout + reviewed.stderr
    history = built(project, f"{NAME}-history")
    newest = history.split(f"Comes into effect on {long_date(later)}.")[1].split(
        f"Comes into effect on {long_date(first)}."
    )[0]
    assert "Customers send a photo of what arrived." in newest
    assert "What changed in the policy's text, section by section:" in newest
    assert "a photo of it," in newest
    assert "The policy's text is that of the version before" not in history
    # Its file, copied elsewhere to try a change, is known by its folder's name: no name needed.
    trial = tmp_path / NAME
    trial.mkdir()
    for name in ("policy.toml", "ledger.txt"):
        shutil.copy(folder / name, trial / name)
    by_file = command(project, "policy_review.review", "--policy", str(trial / "policy.toml"))
    assert by_file.returncode == 0, by_file.stdout + by_file.stderr
    assert "is up to date" in by_file.stdout
