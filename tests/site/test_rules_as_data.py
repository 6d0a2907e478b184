"""An editor changes the policy's rules with data alone: a new version adds a question and a clause
(EDITING.md, "Add a question or a clause"), exactly as written there. Customers on either side of
the new version's day get the questions and verdicts of their own version; the version in force
stays byte for byte as it was."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

import checker
from policy_engine.answers import InvalidAnswers
from policy_engine.policy import long_date
from tests.site.projects import build, command, copy_project, edit

TODAY = date.today()
# The new version's day: ahead of today, as an editor announces it.
DAY = TODAY + timedelta(days=41)
BEFORE = DAY - timedelta(days=3)

# The example, to the character (EDITING.md shows the same).
QUESTION_AND_CLAUSE = (
    "\n[versions.questions.bought_from]\n"
    'question = "Where did you buy it?"\n'
    'options = { imgtostl = "On imgtostl.com", reseller = "Through a reseller or marketplace", '
    'unsure = "Not sure" }\n'
    'when_missing = "Select where you bought it, or “Not sure”."\n'
    "\n[versions.clauses.reseller-purchase]\n"
    'effect = "against"\n'
    'text = "The request concerns a purchase made through a reseller"\n'
    'when = { bought_from = "reseller" }\n'
)
BULLET = "- The request concerns a purchase made through a reseller {clause: reseller-purchase}\n"
LAST_AGAINST = (
    "- The same user or related accounts repeatedly request refunds after using compute "
    "resources {clause: repeat-requests}\n"
)
ANSWERS = {"purchase_type": "credit_pack", "reason": "duplicate_payment", "credits_used": "none"}


def run(project: Path, module: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``./run new-version``, ``./run review`` or ``./run check`` in the copy, as typed."""
    done = command(project, module, *args)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def version_part(text: str, effective: str) -> str:
    """One version's part of a ledger file, from its [classes] on (its tables)."""
    start = text.index(f"[[version {effective}]]")
    end = text.find("[[version ", start + 1)
    part = text[start : end if end != -1 else len(text)]
    return part[part.index("[classes]") :].rstrip("\n")


def test_an_editor_adds_a_question_and_a_clause_with_a_new_version(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    policy, ledger = project / "checker" / "policy.toml", project / "checker" / "ledger.txt"
    before = ledger.read_text(encoding="utf-8")

    # 1. The new version, then the question, the clause and the bullet, as EDITING.md says.
    changes = "Purchases made through a reseller are handled by the reseller."
    started = run(project, "policy_site.pages.versions", DAY.isoformat(), "--changes", changes)
    assert started.returncode == 0, started.stdout + started.stderr
    with policy.open("a", encoding="utf-8") as file:
        file.write(QUESTION_AND_CLAUSE)
    edit(project / "docs" / "index.md", LAST_AGAINST, LAST_AGAINST + BULLET)

    # 2. The review shows only the new version's decisions changing, and is accepted.
    review = run(project, "policy_review.review")
    assert review.returncode == 1, review.stdout + review.stderr
    said = review.stdout
    in_force, new = said.split("== A new version")
    assert "0 situations get another verdict; 0 tables of the ledger change" in in_force
    assert "clause reseller-purchase is new" in new and "bought_from is a new answer" in new
    assert re.search(r"situations go from \w+ to likely_not_eligible, now citing reseller", new)
    assert run(project, "policy_review.review", "--accept").returncode == 0
    after = ledger.read_text(encoding="utf-8")
    assert version_part(after, "2026-05-01") == version_part(before, "2026-05-01")
    assert "bought_from" not in version_part(after, "2026-05-01")
    assert "bought_from " in version_part(after, DAY.isoformat())
    assert run(project, "policy_review.review").returncode == 0

    # 3. The build passes, and the page's self-check asks the question from the day only.
    built = build(project)
    assert built.returncode == 0, built.stdout + built.stderr
    page = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert f'data-asked-from="{DAY.isoformat()}"' in page and 'name="bought_from"' in page
    table = json.loads(next((project / "site").rglob("decisions.json")).read_text(encoding="utf-8"))
    asked = {q["field"]: q.get("asked_from") for q in table["questions"]}
    assert asked["bought_from"] == DAY.isoformat() and asked["reason"] is None

    # 4. Customers on either side of the day: their own version's questions and verdicts.
    policies = checker.read_policies(policy)
    later = DAY + timedelta(days=2)
    reseller = checker.check(
        {**ANSWERS, "purchase_date": DAY.isoformat(), "bought_from": "reseller"},
        today=later,
        policy=policies,
    )
    assert reseller.verdict == "needs_review"  # a clause for, and this one against
    assert "reseller-purchase" in [clause.id for clause in reseller.clauses]
    said = reseller.to_json()
    assert "Where did you buy it? Through a reseller or marketplace" in said["email"]["body"]
    assert {
        "field": "bought_from",
        "question": "Where did you buy it?",
        "answer": "Through a reseller or marketplace",
    } in said["recap"]
    direct = checker.check(
        {**ANSWERS, "purchase_date": DAY.isoformat(), "bought_from": "imgtostl"},
        today=later,
        policy=policies,
    )
    assert direct.verdict == "likely_eligible"
    # "Not sure" is tried both ways: it matters here, so support looks and says which answer.
    unsure = checker.check(
        {**ANSWERS, "purchase_date": DAY.isoformat(), "bought_from": "unsure"},
        today=later,
        policy=policies,
    )
    assert (unsure.verdict, unsure.missing) == ("needs_review", ("bought_from",))
    with pytest.raises(InvalidAnswers) as missing:
        checker.check({**ANSWERS, "purchase_date": DAY.isoformat()}, today=later, policy=policies)
    assert [error["field"] for error in missing.value.errors] == ["bought_from"]
    # Before the day: not asked, judged by the version in force, whatever a link says.
    earlier = checker.check(
        {**ANSWERS, "purchase_date": BEFORE.isoformat(), "bought_from": "reseller"},
        today=BEFORE,
        policy=policies,
    )
    assert earlier.verdict == "likely_eligible"
    assert earlier.policy.effective == date(2026, 5, 1)
    assert "bought_from" not in earlier.link and "Where did you buy" not in str(earlier.to_json())

    # 5. Support's CLI knows --bought-from, and when it is asked; before the day it is ignored.
    help_text = " ".join(run(project, "checker", "--policy", str(policy), "--help").stdout.split())
    assert "--bought-from imgtostl|reseller|unsure Where did you buy it?" in help_text
    assert f"asked of purchases from {long_date(DAY)}, ignored before" in help_text
    flags = ["--purchase-type", "credit_pack", "--reason", "duplicate_payment"]
    flags += ["--credits-used", "none", "--purchase-date", TODAY.isoformat()]
    today = run(project, "checker", "--policy", str(policy), *flags, "--bought-from", "reseller")
    assert today.returncode == 0, today.stderr
    assert "Likely eligible" in today.stdout and "reseller" not in today.stdout
