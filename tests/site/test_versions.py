"""Policy versions through an editor's whole flow, in a copy of the project built for real.

One sequence of states, each checked as customers, support and editors would see it:

1. ``./run new-version`` adds a 14-day window coming in a month; the review explains it against
   the version before; the site (built today) shows the current version and announces the coming
   one, whose page is published already.
2. The same site built on the day after the change: the new version is current, the old one has
   its permanent page, marked as no longer current.
3. A third version (a repeat limit of 3, a clause reworded): the history page shows each
   version's changes as a diff, newest first.
4. An editor changes a version in effect: the review refuses, the build stops. As a typo fix
   recorded in its ``typo_fixes``, the same kind of change is accepted and shown in the history.

(Judging purchases by date is tests/checker/test_versions.py; in the browser, test_widget.py.)
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape
from pathlib import Path

from policy_engine.policy import long_date
from tests.policies import first_words
from tests.site.projects import build, command, copy_project, edit, overview_sentence, retyped

TODAY = date.today()
SECOND = TODAY + timedelta(days=30)  # still to come when the flow starts
THIRD = SECOND + timedelta(days=30)
FIRST = date(2026, 5, 1)  # the shipped policy's only version


# What each ./run command runs.
COMMANDS = {"review": "policy_review.review", "versions": "policy_site.pages.versions"}


def run(project: Path, module: str, *args: str, today: date | None = None) -> str:
    """``./run new-version`` or ``./run review`` in the copy, as an editor types it."""
    preview = {"POLICY_SITE_TODAY": today.isoformat()} if today is not None else {}
    done = command(project, COMMANDS[module], *args, **preview)
    assert "Traceback" not in done.stderr, done.stderr
    return f"status {done.returncode}\n{done.stdout}{done.stderr}"


def built(project: Path, today: date) -> Path:
    result = build(project, POLICY_SITE_TODAY=today.isoformat())
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


def text_of(page: Path) -> str:
    """A page's main text as a reader sees it (no markup, no scripts, spaces collapsed)."""
    html = page.read_text(encoding="utf-8")
    article = html[html.index("<article") : html.index("</article>")]
    words = re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", article, flags=re.S))
    return " ".join(unescape(words).split())


def page_of(site: Path, day: date) -> Path:
    return site / "history" / day.isoformat() / "index.html"


def test_an_editor_adds_versions_and_every_reader_sees_the_right_one(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    policy = project / "checker" / "policy.toml"

    # 1. A second version, coming in a month.
    first_page = (project / "docs" / "index.md").read_text()
    said = run(
        project,
        "versions",
        SECOND.isoformat(),
        "--changes",
        "The refund window is now 14 days instead of 7.",
    )
    assert said.startswith("status 0"), said
    assert (project / "docs" / "history" / f"{FIRST.isoformat()}.md").read_text() == (first_page), (
        "the first version's page is frozen as it was"
    )
    policy.write_text(policy.read_text() + "refund_window_days = 14\n", encoding="utf-8")
    review = run(project, "review")
    assert review.startswith("status 1"), review
    assert (
        f"== A new version, of {long_date(SECOND)}, compared with the version of "
        f"{long_date(FIRST)} before it =="
    ) in review
    assert "refund_window_days: 7 → 14" in review
    assert "go from likely_not_eligible to likely_eligible" in review
    assert run(project, "review", "--accept").startswith("status 0")

    site = built(project, TODAY)
    home = text_of(site / "index.html")
    assert f"A new version of this policy comes into effect on {long_date(SECOND)}" in home
    assert "within 7 days of purchase" in home and "14 days" not in home
    assert "Last updated: May 2026" in home
    assert 'data-policy-check=""' in (site / "index.html").read_text()
    coming = text_of(page_of(site, SECOND))
    assert f"This version comes into effect on {long_date(SECOND)}" in coming
    assert "within 14 days of purchase" in coming
    assert "The self-check is on the current policy page" in coming
    assert 'data-policy-check=""' not in page_of(site, SECOND).read_text()
    current = text_of(page_of(site, FIRST))
    assert "This is the current policy" in current and "within 7 days" in current
    history = text_of(site / "history" / "index.html")
    assert history.index(long_date(SECOND)) < history.index(long_date(FIRST)), "newest first"
    assert f"Comes into effect on {long_date(SECOND)}." in history
    assert f"The current policy, in force since {long_date(FIRST)}." in history
    assert "Refund window: 7 days 14 days" in history
    # The self-check's page knows where each version's own page is.
    home_html = (site / "index.html").read_text()
    assert f"&#34;{SECOND.isoformat()}&#34;: &#34;history/{SECOND.isoformat()}/&#34;" in home_html

    # 2. The day after the change.
    site = built(project, SECOND + timedelta(days=1))
    home = text_of(site / "index.html")
    assert "within 14 days of purchase" in home and "comes into effect" not in home
    assert "Last updated: " + policy_month(SECOND) in home
    old = text_of(page_of(site, FIRST))
    last_day = long_date(SECOND - timedelta(days=1))
    assert (
        f"This is not the current policy This is the refund policy as it was from "
        f"{long_date(FIRST)} until {last_day}"
    ) in old
    assert "within 7 days of purchase" in old and "Last updated: May 2026" in old
    assert not page_of(site, SECOND).exists(), "the current version is the home page"

    # 3. A third version, added once the second is in effect.
    said = run(
        project,
        "versions",
        THIRD.isoformat(),
        "--changes",
        "Three earlier requests now count as asking repeatedly.",
        today=SECOND + timedelta(days=1),
    )
    assert said.startswith("status 0"), said
    policy.write_text(
        policy.read_text()
        + "repeat_request_limit = 3\n\n[versions.clauses]\n"
        + 'change-of-mind = "The only reason is a change of mind after using the service"\n',
        encoding="utf-8",
    )
    edit(
        project / "docs" / "index.md",
        "The issue is based only on a change of mind",
        "The only reason is a change of mind",
    )
    review = run(project, "review", "--accept", today=SECOND + timedelta(days=1))
    assert review.startswith("status 0"), review
    assert "repeat_request_limit: 2 → 3" in review
    site = built(project, THIRD)
    history = text_of(site / "history" / "index.html")
    assert [long_date(day) for day in (THIRD, SECOND, FIRST)] == re.findall(
        r"(\d{1,2} \w+ \d{4}) ¶", history
    )
    assert "Earlier refund requests that count as asking repeatedly: 2 3" in history
    # Each version with what it inherits resolved: the third keeps the second's 14 days.
    assert (
        "In this version: Refund window: 14 days; Earlier refund requests that count as asking "
        "repeatedly: 3;"
    ) in history
    assert "The clause “The issue only reason is based only on a change of mind" in history
    assert (
        "The <del>issue</del> <ins>only reason</ins> is <del>based only on</del> a change"
        in (site / "history" / "index.html").read_text()
    ), "the words taken out and put in are marked as such"
    assert text_of(page_of(site, SECOND)).count("within 14 days of purchase") >= 1
    assert "This is not the current policy" in text_of(page_of(site, SECOND))

    # 4. A change to a version in effect: refused, then accepted as a recorded typo fix.
    frozen_page = project / "docs" / "history" / f"{FIRST.isoformat()}.md"
    sentence = overview_sentence(frozen_page)
    edit(frozen_page, sentence, retyped(sentence))
    refused = run(project, "review", today=THIRD)
    assert refused.startswith("status 1") and "This cannot be accepted:" in refused
    assert (
        f"the version of {long_date(FIRST)} has taken effect, so it is frozen, and its words "
        f"changed (its archived page (docs/history/{FIRST.isoformat()}.md))"
    ) in refused
    stopped = build(project, POLICY_SITE_TODAY=THIRD.isoformat())
    assert stopped.returncode == 1 and "so it is frozen" in stopped.stderr
    edit(frozen_page, retyped(sentence), sentence)  # back as it was
    edit(policy, "refund_window_days = 7", "refund_window_days = 10")
    refused = run(project, "review", today=THIRD)
    assert "its values changed (refund_window_days 7 → 10)" in refused, refused
    edit(policy, "refund_window_days = 10", "refund_window_days = 7")
    # A typo fixed in a clause of the first version, and recorded as one.
    # (Whatever its words are now: an editor may have corrected them before.)
    words = first_words("substantial-use")
    fixed = (
        words.replace(" of the credits", " of credits")
        if " of the " in words
        else (words.replace(" of credits", " of the credits"))
    )
    edit(policy, words, fixed)
    edit(
        policy,
        'changes = "The first published version of the policy."',
        'changes = "The first published version of the policy."\n'
        'typo_fixes = ["“of credits” now reads “of the credits” in substantial-use."]',
    )
    second_page = project / "docs" / "history" / f"{SECOND.isoformat()}.md"
    for page in (frozen_page, second_page, project / "docs" / "index.md"):
        edit(page, words, fixed)
    accepted = run(project, "review", "--accept", today=THIRD)
    assert accepted.startswith("status 0"), accepted
    site = built(project, THIRD)
    history = text_of(site / "history" / "index.html")
    assert "Corrected since it took effect (the meaning is unchanged): “of credits” now reads" in (
        history
    )


def policy_month(day: date) -> str:
    return day.strftime("%B %Y")


def test_a_version_dated_in_the_past_and_added_by_hand_is_refused(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    past = TODAY - timedelta(days=7)
    said = (
        f"{long_date(past)} is in the past. Customers who bought since then did so under the "
        f"version of {long_date(FIRST)}, and are judged by it. Choose today or a later day."
    )
    # ./run new-version refuses the day...
    made = run(project, "versions", past.isoformat(), today=TODAY)
    assert made.startswith("status 1") or made.startswith("status 2"), made
    assert said in made, made
    # ...and so do the review and the build when it is added to policy.toml by hand: a 30-day
    # window from last week would judge again purchases made under the version of 1 May 2026.
    with (project / "checker" / "policy.toml").open("a", encoding="utf-8") as policy:
        policy.write(
            f'\n[[versions]]\neffective = {past.isoformat()}\nlast_updated = "Last week"\n'
            'changes = "A longer window."\nrefund_window_days = 30\n'
        )
    words = f"checker/policy.toml: the new version of {past.isoformat()}: {said}"
    reviewed = run(project, "review", "--accept", today=TODAY)
    assert reviewed.startswith("status 1\n") and words in reviewed, reviewed
    assert "Accepted" not in reviewed
    stopped = build(project, POLICY_SITE_TODAY=TODAY.isoformat())
    assert stopped.returncode == 1 and words in stopped.stderr, stopped.stderr
