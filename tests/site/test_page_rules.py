"""The page and the rules cannot silently differ (issue 31, point 4), in copies of the project
built for real, as an editor meets it: the mistake, the build's refusal naming the line, the fix.

* A bullet in a list of clauses ("Usually Not Eligible") without a ``{clause: id}`` marker reads
  to a customer as a clause that the self-check never asks about: the build refuses it.
* A version's page is proofread against the values of the version it is the page of, and
  against every other version's: "within 7 days" on the page of a 14-day version is refused.
"""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

from tests.policies import first_words
from tests.site.projects import build, command, copy_project, edit

LAST_CLAUSE = (
    "- The same user or related accounts repeatedly request refunds after using compute "
    "resources {clause: repeat-requests}\n"
)
RESELLER = "The request concerns a purchase made through a reseller"


def line_of(path: Path, text: str) -> int:
    """The 1-based line of ``path`` that holds ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def refusals(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout + result.stderr


def test_an_unmarked_bullet_among_the_clauses_is_refused_until_it_leaves_the_list(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path)
    page = project / "docs" / "index.md"

    # The editor adds a bullet to "Usually Not Eligible" and forgets (or does not know) the marker.
    edit(page, LAST_CLAUSE, LAST_CLAUSE + f"- {RESELLER}\n")
    stopped = build(project)
    said = refusals(stopped)
    assert stopped.returncode != 0, said
    at = line_of(page, RESELLER)
    assert f"docs/index.md:{at}: This bullet is in the list under “Usually Not Eligible”" in said
    assert "has no clause marker" in said and "{clause: id}" in said
    assert "checker/policy.toml" in said
    assert not (project / "site" / "index.html").exists(), "nothing is published"

    # A bullet with a clause's own words gets the marker to write.
    substantial = first_words("substantial-use")
    edit(page, f"- {RESELLER}\n", f"- {substantial}\n")
    said = refusals(build(project))
    assert (
        "These are the words of clause substantial-use: end the bullet with "
        "{clause: substantial-use}."
    ) in said

    # It is not a clause yet: the editor says it after the list, as a sentence.
    edit(
        page,
        f"- {substantial}\n",
        f"\n{RESELLER} is handled by the reseller.\n",
    )
    done = build(project)
    assert done.returncode == 0, refusals(done)
    assert f"{RESELLER} is handled by the reseller." in (project / "site" / "index.html").read_text(
        encoding="utf-8"
    )


def run(project: Path, module: str, *args: str) -> str:
    done = command(project, module, *args)
    assert "Traceback" not in done.stderr, done.stderr
    return f"status {done.returncode}\n{done.stdout}{done.stderr}"


def test_another_versions_number_on_a_versions_page_is_refused(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    page = project / "docs" / "index.md"
    policy = project / "checker" / "policy.toml"
    coming = date.today() + timedelta(days=30)

    # A 14-day version, announced; docs/index.md is its page from now on.
    said = run(project, "policy_site.pages.versions", coming.isoformat(), "--changes", "14 days.")
    assert said.startswith("status 0"), said
    policy.write_text(policy.read_text() + "refund_window_days = 14\n", encoding="utf-8")
    assert run(project, "policy_review.review", "--accept").startswith("status 0")
    done = build(project)
    assert done.returncode == 0, refusals(done)

    # The editor types the old window's number on the new version's page.
    typed = "Please contact {{ support_email }} within 7 days of purchase"
    edit(page, "Please contact {{ support_email }} within {{ refund_window_days }} days", typed)
    stopped = build(project)
    said = refusals(stopped)
    assert stopped.returncode != 0, said
    at = line_of(page, typed)
    message = re.search(rf"docs/index\.md:{at}: (.*)", said)
    assert message is not None, said
    assert "“7 days” is the version of 1 May 2026's refund_window_days (7)" in message.group(1)
    assert "Write “{{ refund_window_days }} days”" in message.group(1)
    assert "refund_window_days is 14" in message.group(1)
    # The archived page of the 7-day version says 7 days rightly: only the new page is refused.
    assert "docs/history/" not in said

    # The editor writes the placeholder: the page says 14, the archived page 7.
    edit(page, typed, "Please contact {{ support_email }} within {{ refund_window_days }} days")
    done = build(project)
    assert done.returncode == 0, refusals(done)
    coming_page = project / "site" / "history" / coming.isoformat() / "index.html"
    assert "within 14 days of purchase" in coming_page.read_text(encoding="utf-8")
