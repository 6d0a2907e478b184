"""A version in force is frozen by every route (issue 31, point 3), in copies of the project that
are git repositories, driven as an editor drives them: ``./run review`` (its module) and the real
strict build.

The copy is committed as published on 2 May 2026, the day after its only version took effect.
Each sequence: the editor's action, the refusal naming the version (and what would move, or the
page's words, word by word), then what the editor should have done, which passes.

1. A preview date earlier than the real one cannot unfreeze: ``POLICY_SITE_TODAY=2026-04-01
   ./run review --accept`` with a 10-day window is refused, and so is the build for that day.
2. A ledger accepted under a preview date and committed is still compared with the commit that
   published the version: the review and the build name the situations that would move.
3. The words of the page of the version in force are frozen even when no version is announced:
   "Refunds are never given, whatever happens." is refused, also once committed; a typo fix is
   accepted once recorded, and shown word by word; after ``./run new-version``, docs/index.md is
   the coming version's page and changes freely.
4. In a shallow clone the review says it compares with HEAD only, and still refuses an edit.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from tests.site.projects import (
    build,
    build_environment,
    command,
    copy_project,
    edit,
    overview_sentence,
    retyped,
)

PUBLISHED = "2026-05-02T09:00:00+00:00"
WINDOW = ("refund_window_days = 7\n", "refund_window_days = 10\n")
NEVER = "Refunds are never given, whatever happens."
CHANGES = 'changes = "The first published version of the policy."\n'
FROZEN = "the version of 1 May 2026 has taken effect, so it is frozen"


def git(project: Path, *arguments: str, when: str | None = None) -> str:
    """git in the copy, as the editor (or the publish) runs it; ``when``: the commit's date."""
    environment = build_environment() | {
        "GIT_AUTHOR_NAME": "An Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.com",
        "GIT_COMMITTER_NAME": "An Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.com",
    }
    if when is not None:
        environment |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(
        ["git", *arguments], cwd=project, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def published_project(folder: Path) -> Path:
    """A copy of the project committed on main as it was published on 2 May 2026."""
    folder.mkdir()
    project = copy_project(folder)
    (project / ".gitignore").write_text("site/\n", encoding="utf-8")
    git(project, "init", "--quiet", "--initial-branch=main")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "The refund policy, published", when=PUBLISHED)
    return project


def review(project: Path, *arguments: str, today: str | None = None) -> str:
    """``./run review`` in the copy, as an editor types it: its status, then what it says."""
    environment = {} if today is None else {"POLICY_SITE_TODAY": today}
    done = command(project, "policy_review.review", *arguments, **environment)
    assert "Traceback" not in done.stderr, done.stderr
    return f"status {done.returncode}\n{done.stdout}{done.stderr}"


def part_of(ledger: bytes, effective: str) -> list[bytes]:
    """The lines of one version's part of a ledger file."""
    part = ledger.split(f"\n[[version {effective}]]\n".encode())[1]
    return part.split(b"\n[[version ")[0].splitlines()


def built(project: Path, **environment: str) -> tuple[bool, str]:
    done = build(project, **environment)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode == 0, done.stdout + done.stderr


def test_a_preview_date_looks_ahead_but_never_unfreezes(tmp_path: Path) -> None:
    project = published_project(tmp_path / "project")
    policy = project / "checker" / "policy.toml"
    ledger = project / "checker" / "ledger.txt"
    recorded = ledger.read_bytes()

    # The editor widens the window of the version in force, previewing a day before it began.
    edit(policy, *WINDOW)
    said = review(project, "--accept", today="2026-04-01")
    assert said.startswith("status 1"), said
    assert f"{FROZEN}, and its values changed (refund_window_days 7 → 10)" in said
    assert "Accepted" not in said and ledger.read_bytes() == recorded, "nothing is recorded"
    ok, log = built(project, POLICY_SITE_TODAY="2026-04-01")
    assert not ok and "refund_window_days 7 → 10" in log, log

    # What the editor should do: leave it, and announce a version with the new window.
    edit(policy, *reversed(WINDOW))
    coming = (date.today() + timedelta(days=20)).isoformat()
    made = command(project, "policy_site.pages.versions", coming, "--changes", "10 days.")
    assert made.returncode == 0, made.stdout + made.stderr
    policy.write_text(policy.read_text(encoding="utf-8") + WINDOW[1], encoding="utf-8")
    said = review(project, "--accept")
    assert said.startswith("status 0"), said
    assert "refund_window_days: 7 → 10" in said
    # The part of the ledger for the version in force has not changed, but for the hash of its
    # page, frozen now as docs/history/2026-05-01.md.
    before, after = (part_of(text, "2026-05-01") for text in (recorded, ledger.read_bytes()))
    assert [line for line in after if not line.startswith(b"page = sha256:")] == before
    ok, log = built(project)
    assert ok, log


def test_a_committed_preview_ledger_is_held_to_the_publishing_commit(tmp_path: Path) -> None:
    project = published_project(tmp_path / "project")
    policy = project / "checker" / "policy.toml"

    # The window of the version in force is widened and its ledger written as `--accept` wrote it
    # before the freeze used the real date; both are committed.
    edit(policy, *WINDOW)
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from pathlib import Path; from policy_review.review import current_text; "
            "Path('checker/ledger.txt').write_text(current_text(Path('checker/policy.toml')))",
        ],
        cwd=project,
        env=build_environment(),
        check=True,
    )
    git(project, "commit", "--quiet", "--all", "-m", "A 10-day window")

    said = review(project)
    assert said.startswith("status 1"), said
    assert "The ledger (checker/ledger.txt) is up to date." in said  # it matches the change...
    assert f"{FROZEN}, and its values changed (refund_window_days 7 → 10)" in said  # ...not git's
    assert "decide situations of it differently from what was published" in said
    assert "go from likely_not_eligible to likely_eligible" in said
    assert "requests 8–10 days after purchase" in said
    ok, log = built(project)
    assert not ok and "from what was published" in log, log
    assert not (project / "site" / "index.html").exists()

    # The editor reverts the commit: the review and the build pass.
    git(project, "revert", "--no-edit", "HEAD")
    said = review(project)
    assert said.startswith("status 0"), said
    ok, log = built(project)
    assert ok, log


def test_the_page_of_the_version_in_force_is_frozen_without_a_new_version(tmp_path: Path) -> None:
    project = published_project(tmp_path / "project")
    page = project / "docs" / "index.md"
    policy = project / "checker" / "policy.toml"

    sentence = overview_sentence(page)
    edit(page, sentence, NEVER)
    said = review(project)
    assert said.startswith("status 1"), said
    assert (
        "docs/index.md: the version of 1 May 2026 has taken effect, so its page is frozen, and "
        "its words differ from the page that was published"
    ) in said
    # Word by word, where it stands on the page.
    assert "Overview: … " in said and "[-" in said and "never given, whatever happens.+}" in said
    ok, log = built(project)
    assert not ok and "its page is frozen" in log, log

    # Committing it changes nothing: what was published is git's record.
    git(project, "commit", "--quiet", "--all", "-m", "Reword")
    said = review(project)
    assert said.startswith("status 1") and "its page is frozen" in said, said
    git(project, "revert", "--no-edit", "HEAD")
    assert review(project).startswith("status 0")

    # A real typo fix is refused until recorded, then shown word by word and accepted.
    corrected = retyped(sentence)
    edit(page, sentence, corrected)
    said = review(project)
    assert said.startswith("status 1") and "its page is frozen" in said, said
    edit(policy, CHANGES, CHANGES + 'typo_fixes = ["The overview ends with another mark."]\n')
    said = review(project, "--accept")
    assert said.startswith("status 0"), said
    assert "Recorded as typo fixes" in said
    last = sentence.split()[-1]
    assert f"[-{last}-] {{+{retyped(last)}+}}" in said
    ok, log = built(project)
    assert ok, log
    git(project, "commit", "--quiet", "--all", "-m", "Typo fix")

    # A new version announced: docs/index.md is its page now, and may say something else.
    coming = (date.today() + timedelta(days=20)).isoformat()
    made = command(project, "policy_site.pages.versions", coming, "--changes", "Stricter.")
    assert made.returncode == 0, made.stdout + made.stderr
    edit(page, corrected, NEVER)
    said = review(project, "--accept")
    assert said.startswith("status 0"), said
    assert "its page is frozen" not in said
    # ... while the version in force keeps its page, now frozen as a copy.
    frozen_copy = project / "docs" / "history" / "2026-05-01.md"
    edit(frozen_copy, corrected, NEVER)
    said = review(project)
    assert said.startswith("status 1") and "2026-05-01.md" in said, said


def test_a_shallow_clone_says_it_compares_with_head(tmp_path: Path) -> None:
    project = published_project(tmp_path / "project")
    git(project, "commit", "--quiet", "--allow-empty", "-m", "A later commit")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", "--depth", "1", f"file://{project}", str(clone))

    page = clone / "docs" / "index.md"
    edit(page, overview_sentence(page), NEVER)
    said = review(clone)
    assert said.startswith("status 1") and "its page is frozen" in said, said
    assert "a shallow clone" in said and "fetch-depth: 0" in said


def test_a_branch_is_held_to_what_main_published_when_no_commit_is_dated_before(
    tmp_path: Path,
) -> None:
    # As in the project itself: the repository's first commit, after the version's day, holds no
    # ledger yet, so no commit of its day records what was published; main's tip does.
    main = tmp_path / "main"
    main.mkdir()
    (main / "README.md").write_text("ImgToSTL's policy site\n", encoding="utf-8")
    git(main, "init", "--quiet", "--initial-branch=main")
    git(main, "add", "--all")
    git(main, "commit", "--quiet", "-m", "Start", when=PUBLISHED)
    copy_project(main)
    (main / ".gitignore").write_text("site/\n", encoding="utf-8")
    git(main, "add", "--all")
    git(main, "commit", "--quiet", "-m", "The refund policy")
    work = tmp_path / "work"
    git(tmp_path, "clone", "--quiet", str(main), str(work))

    # The editor rewords the page of the version in force and commits it on their copy.
    page = work / "docs" / "index.md"
    edit(page, overview_sentence(page), NEVER)
    git(work, "commit", "--quiet", "--all", "-m", "Reword")
    said = review(work)
    assert said.startswith("status 1"), said
    assert "its page is frozen" in said and "{+never given, whatever happens.+}" in said

    # Reverted, it passes.
    git(work, "revert", "--no-edit", "HEAD")
    said = review(work)
    assert said.startswith("status 0"), said


NOTE_AFTER = (
    'after = "It is later than that, but you can still write: support reviews each case."\n',
    'after = "It is later than that, so do not bother writing."\n',
)
QUESTION = (
    'question = "Why are you asking for a refund?"\n',
    'question = "Why do you want your money back?"\n',
)
CONDITION = (
    'when = { payment_provider = "creem" }\n',
    'when = { payment_provider = ["creem", "other"] }\n',
)


def test_what_the_self_check_says_or_asks_in_a_version_in_force_is_frozen_too(
    tmp_path: Path,
) -> None:
    project = published_project(tmp_path / "words")
    policy = project / "checker" / "policy.toml"

    # 1. A note's words to the customer, a question's words and when a refund timing is said,
    #    each changed under the version in force: refused, each shown word for word, even once
    #    committed (what was published is git's record).
    for old, new in (NOTE_AFTER, QUESTION, CONDITION):
        edit(policy, old, new)
    said = review(project, "--accept")
    assert said.startswith("status 1"), said
    assert "what its self-check says or asks changed since it was published" in said
    assert (
        "note late-but-can-write after: “It is later than that, but you can still write: support "
        "reviews each case.” → “It is later than that, so do not bother writing.”"
    ) in said
    assert "question reason: “Why are you asking for a refund?” → “Why do you want" in said
    assert "refund-timing creem when" in said
    git(project, "commit", "--quiet", "--all", "-m", "Reword the self-check")
    assert review(project).startswith("status 1")
    ok, output = built(project)
    assert not ok and "what its self-check says or asks changed" in output

    # 2. Put back: accepted again. A real typo in a question, recorded: accepted too.
    git(project, "revert", "--no-edit", "HEAD")
    assert review(project).startswith("status 0"), review(project)
    edit(
        policy,
        "How much of what you bought have you used?",
        "How much of what you bought have you used up?",
    )
    said = review(project)
    assert said.startswith("status 1") and "question credits_used" in said
    edit(
        policy,
        CHANGES,
        CHANGES + 'typo_fixes = ["5 December 2026: clearer words for the question on use"]\n',
    )
    assert "what its self-check says or asks changed" not in review(project, "--accept")
