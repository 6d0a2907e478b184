"""One rule everywhere, in a copy of the project built for real (issue 21).

An editor announces a version with a 14-day window, a month ahead, and the site is checked as
customers and editors meet it:

1. the new version, made with ``./run new-version``'s function and left empty, is refused by the
   review and the build with what to change;
2. given its window and a reworded paragraph (in a section with no placeholder), it is accepted;
   the worked examples on both sides of its effective day are judged by the version in force on
   their purchase date, on the build of today and on the build of the effective day alike (the
   page and the CLI agree), and the history page shows the whole text's word diff;
3. a page that would fail only once the version takes effect (docs/index.md without its summary)
   stops today's review and build, naming the day;
4. a typo fixed in the frozen page of the version in force is refused with its diff against git,
   then accepted once recorded as ``typo_fixes`` at the end of its version, after its clauses.
"""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from html import unescape
from pathlib import Path

from checker import check, read_policies
from policy_engine.policy import long_date
from policy_site.pages.versions import new_version
from tests.site.projects import build, copy_project, edit
from tests.site.test_versions import built, run, text_of

TODAY = date.today()
SECOND = TODAY + timedelta(days=30)  # announced, still to come
FIRST = date(2026, 5, 1)  # the shipped policy's only version
CHANGES = "The refund window is now 14 days instead of 7."
# A paragraph the new version adds to its page (under its first section's heading): words the
# version in force does not have, whatever the committed page says.
REWORDED = (
    "Tell us your account email, the order ID if you have it, the purchase date, why you ask, "
    "and any screenshots or job IDs that help us review the issue."
)


def example(title: str, bought: date, asked: date, expect: str) -> str:
    return (
        f"\n/// example | {title}\npurchase_date: {bought.isoformat()}\n"
        f"request_date: {asked.isoformat()}\npurchase_type: credit_pack\nreason: unused\n"
        f"credits_used: none\nexpect: {expect}\n///\n"
    )


# Ten days after purchase: inside the new 14-day window, outside the old 7-day one.
AFTER = ("Bought after the change, asked {literal: ten days} later", SECOND + timedelta(days=4))
BEFORE = ("Bought just before the change, asked {literal: ten days} later", SECOND - timedelta(12))
PAST = ("Bought in November, asked {literal: ten days} later", date(2026, 11, 20))


def verdict_of(site: Path, title: str) -> str:
    """An example as the built page shows it: its block, with its verdict (data-verdict)."""
    html = (site / "examples" / "index.html").read_text(encoding="utf-8")
    shown = title.replace("{literal: ten days}", "ten days")
    start = html.index(f"Example: {shown}")
    block = html[html.rindex("<div", 0, start) : html.index("</div>", start)]
    return block


def test_one_rule_for_every_purchase_on_every_day(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    policy = project / "checker" / "policy.toml"
    docs = project / "docs"

    # 1. An empty version: refused, saying what to change.
    said = new_version(policy, docs, SECOND, TODAY, CHANGES)
    assert any("typo_fixes" in line for line in said), said
    review = run(project, "review")
    assert review.startswith("status 1"), review
    empty = f"the version of {long_date(SECOND)} changes nothing"
    assert empty in review and "refund_window_days = 14" in review, review
    refused = build(project)
    assert refused.returncode != 0 and empty in refused.stderr, refused.stderr

    # 2. Given its window and a reworded paragraph; examples on both sides of its day.
    policy.write_text(policy.read_text() + "refund_window_days = 14\n", encoding="utf-8")
    # Into the section that first shows the window, whose title the history's diff names.
    page = (docs / "index.md").read_text(encoding="utf-8")
    heading = page.rindex("\n## ", 0, page.index("{{ refund_window_days }}"))
    section = page.index("\n", heading + 1) + 1
    title = page[heading + 4 : section - 1].strip()
    (docs / "index.md").write_text(
        page[:section] + f"\n{REWORDED}\n" + page[section:], encoding="utf-8"
    )
    with (docs / "examples.md").open("a", encoding="utf-8") as examples:
        examples.write(example(*AFTER, AFTER[1] + timedelta(10), "likely_eligible"))
        examples.write(example(*BEFORE, BEFORE[1] + timedelta(10), "likely_not_eligible"))
        examples.write(example(*PAST, PAST[1] + timedelta(10), "likely_not_eligible"))
    assert run(project, "review", "--accept").startswith("status 0")
    # The CLI's verdicts, which the examples must show on every day's build.
    policies = read_policies(policy)
    for (_, bought), verdict in ((AFTER, "likely_eligible"), (BEFORE, "likely_not_eligible")):
        answers = {
            "purchase_date": bought.isoformat(),
            "request_date": (bought + timedelta(10)).isoformat(),
            "purchase_type": "credit_pack",
            "reason": "unused",
            "credits_used": "none",
        }
        judged = check(answers, policy=policies, today=bought + timedelta(10))
        assert judged.verdict == verdict

    site = built(project, TODAY)
    after = verdict_of(site, AFTER[0])
    assert 'data-verdict="likely_eligible"' in after, after
    assert (
        "Judged by the policy in force on its purchase date: the version that comes into effect "
        f"on {long_date(SECOND)}."
    ) in text_of_html(after)
    assert "Try these answers" not in after, "the self-check takes no request dated ahead"
    assert f"history/{SECOND.isoformat()}/#" in after, "its clauses link to its version's page"
    before = verdict_of(site, BEFORE[0])
    assert 'data-verdict="likely_not_eligible"' in before and "Judged by" not in before
    past = verdict_of(site, PAST[0])
    assert "Judged by" not in past and "Try these answers" in past
    history = text_of(site / "history" / "index.html")
    assert CHANGES in history and "Refund window: 7 days 14 days" in history
    # The whole text, every section: the section's new words and its window, no placeholder.
    history_html = (site / "history" / "index.html").read_text(encoding="utf-8")
    changed = history_html[history_html.index(f"<li>{title}: ") :]
    changed = changed[: changed.index("</li>")]
    assert "<ins>Tell us your account email," in changed, changed
    assert "<del>7</del> <ins>14</ins>" in changed and "{{" not in changed, changed

    # ... and the build of the effective day passes, with the same verdicts.
    site = built(project, SECOND)
    assert "within 14 days of purchase" in text_of(site / "index.html")
    assert "Judged by" not in verdict_of(site, AFTER[0])
    assert 'data-verdict="likely_eligible"' in verdict_of(site, AFTER[0])
    assert 'data-verdict="likely_not_eligible"' in verdict_of(site, PAST[0])
    past = text_of_html(verdict_of(site, PAST[0]))
    assert (
        f"Judged by the policy in force on its purchase date: the version in force from "
        f"{long_date(FIRST)} until {long_date(SECOND - timedelta(days=1))}."
    ) in past

    # 3. docs/index.md without its summary: fine for a coming version's page, not for the home
    # page it becomes on its day. Today's review and build say so, with the day.
    summary = "/// decision-summary\n///\n"
    edit(docs / "index.md", summary, "")
    on_the_day = f"on {long_date(SECOND)}, when the version of that day takes effect"
    review = run(project, "review")
    assert review.startswith("status 1") and on_the_day in review, review
    assert "docs/index.md: the policy page has no “/// decision-summary” block" in review
    stopped = build(project)
    assert stopped.returncode != 0, stopped.stderr
    assert on_the_day in stopped.stderr and "POLICY_SITE_TODAY=" in stopped.stderr
    edit(docs / "index.md", "## At a glance\n", "## At a glance\n\n" + summary)

    # 4. A typo fixed in the frozen page of the version in force (what / shows until SECOND).
    git = ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-qm", "as published"], cwd=project, check=True)
    frozen = docs / "history" / f"{FIRST.isoformat()}.md"
    edit(frozen, "any screenshots", "any screen shots")
    review = run(project, "review")
    assert review.startswith("status 1") and "its archived page" in review, review
    changed = [line.strip() for line in review.splitlines() if line.startswith("      ")]
    assert changed[0].startswith("---") and changed[1].startswith("+++"), review
    # Only the changed line, before and after: not the whole page.
    (was,) = [line for line in changed[2:] if line.startswith("-")]
    (now,) = [line for line in changed[2:] if line.startswith("+")]
    assert "any screenshots" in was and "any screen shots" in now
    # Recorded at the natural end of its version, after its [versions.clauses].
    text = policy.read_text(encoding="utf-8")
    second = text.index("\n[[versions]]", text.index("[versions.clauses]"))
    fix = 'typo_fixes = ["“screenshots” now reads “screen shots” on its page."]\n'
    policy.write_text(text[:second] + "\n" + fix + text[second:], encoding="utf-8")
    assert run(project, "review", "--accept").startswith("status 0")


def text_of_html(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
