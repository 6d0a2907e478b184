"""A site that publishes the tests' print guarantee beside the refund policy, built with the real
MkDocs: each policy's answers are its own file's, coloured by the role its file gives them, and
nothing the site ships names an outcome by its id to colour it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from policy_engine.folder import policy_module
from policy_engine.policy import read_policies
from tests.fixtures import PRINT_GUARANTEE, PRINT_GUARANTEE_FOLDER, add_print_guarantee
from tests.site.projects import build, command, copy_project, edit


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("outcomes"))
    add_print_guarantee(project)
    built = build(project)
    assert built.returncode == 0, built.stdout + built.stderr
    return project


def roles_of(policy_file: Path, policy_class: type | None = None) -> dict[str, str]:
    """Each outcome's role, as the policy file declares it."""
    policy_class = policy_class or policy_module(PRINT_GUARANTEE_FOLDER).RULEBOOK.policy
    decision = read_policies(policy_file, policy_class=policy_class).latest.texts.decision
    return {outcome.id: outcome.role for outcome in decision.outcomes.values()}


def decision_table(page: str, site: Path) -> dict[str, object]:
    found = re.search(r'data-decisions="\.\./([^"]+)"', page) or re.search(
        r'data-decisions="([^"]+)"', page
    )
    assert found, "the page ships no decision table"
    table: dict[str, object] = json.loads((site / found.group(1)).read_text("utf-8"))
    return table


def test_the_guarantees_page_colours_its_own_answers_by_their_roles(project: Path) -> None:
    site = project / "site"
    page = (site / PRINT_GUARANTEE / "index.html").read_text("utf-8")
    roles = roles_of(project / "policies" / PRINT_GUARANTEE / "policy.toml")
    examples = re.findall(
        r'<div class="admonition example policy-example" data-role="(\w+)" data-verdict="(\w+)">',
        page,
    )
    assert [verdict for _, verdict in examples] == ["reprint", "refund", "not_covered"]
    assert all(role == roles[verdict] for role, verdict in examples), examples
    assert "We will likely reprint your order" in page
    # Its examples cite its clauses with its effects' words.
    assert "(calls for a reprint)" in page and "supports a refund" not in page.lower()
    # The table the quick answer reads carries each answer's role, and each clause's.
    table = decision_table(page, site)
    outcomes = table["outcomes"]
    assert isinstance(outcomes, dict)
    assert {row["verdict"]: row["role"] for row in outcomes.values()} == {
        verdict: roles[verdict] for verdict in {row["verdict"] for row in outcomes.values()}
    }
    assert {row["verdict"] for row in outcomes.values()} == set(roles)
    versions = table["versions"]
    assert isinstance(versions, list)
    clause_roles = {clause["id"]: clause["role"] for clause in versions[0]["clauses"]}
    assert clause_roles == {
        "damaged-print": "positive",
        "wrong-model": "positive",
        "no-photos": "review",
        "cosmetic": "negative",
        "used": "negative",
        "late": "negative",
    }


def test_the_guarantees_summary_is_laid_out_and_worded_by_its_file(project: Path) -> None:
    page = (project / "site" / PRINT_GUARANTEE / "index.html").read_text("utf-8")
    summary = page.split('id="decision-summary"')[1].split("</ul>")[0]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", summary))
    # Its [summary]: rows by defect, columns by photos (yes, no), split where "used" matters.
    assert "Asked within 30 days of delivery What is wrong Yes No" in text
    assert "It is warped (not used) Reprint We decide" in text
    assert "It is not the model I ordered (not used) Refund Refund" in text
    assert "Asked more than 30 days after delivery" in text
    roles = roles_of(project / "policies" / PRINT_GUARANTEE / "policy.toml")
    cells = re.findall(r'<td data-verdict="(\w+)" data-role="(\w+)">', summary)
    assert {verdict for verdict, _ in cells} == set(roles)
    assert all(role == roles[verdict] for verdict, role in cells)


def test_the_refund_summary_colours_each_cell_by_the_role_of_its_answer(project: Path) -> None:
    from checker.policy import Policy as RefundPolicy

    page = (project / "site" / "index.html").read_text("utf-8")
    summary = page.split('id="decision-summary"')[1].split("</table>")[-2]
    cells = re.findall(r'<td data-verdict="(\w+)" data-role="(\w+)">([^<]+)</td>', summary)
    assert cells
    policies = read_policies(project / "checker" / "policy.toml", policy_class=RefundPolicy)
    outcomes = policies.latest.texts.decision.outcomes
    for verdict, role, label in cells:
        assert (role, label) == (outcomes[verdict].role, outcomes[verdict].label)


def test_no_shipped_script_or_stylesheet_names_an_outcome(project: Path) -> None:
    ids = set(roles_of(project / "policies" / PRINT_GUARANTEE / "policy.toml"))
    from checker.policy import Policy as RefundPolicy

    ids |= set(roles_of(project / "checker" / "policy.toml", RefundPolicy))
    shipped = [
        path
        for path in (project / "site" / "assets").rglob("*")
        if path.suffix in (".js", ".mjs", ".css") and "pyodide" not in path.parts
    ]
    assert shipped
    for path in shipped:
        text = path.read_text("utf-8")
        named = [
            outcome for outcome in ids if re.search(rf"""["'=]{re.escape(outcome)}["'\]]""", text)
        ]
        assert not named, f"{path.name} names the outcomes {named}: colour them by data-role"
    css = "\n".join(p.read_text("utf-8") for p in shipped if p.suffix == ".css")
    for role in ("positive", "negative", "review"):
        assert f'[data-role="{role}"]' in css


def test_support_and_the_review_read_the_guarantees_own_answers(project: Path) -> None:
    ordered = (date.today() - timedelta(days=2)).isoformat()

    def support(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "policy_site.policy_check", "--for", PRINT_GUARANTEE, *args],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=project,
            check=False,
        )

    reprint = support(
        "--order-date",
        ordered,
        "--delivery-date",
        ordered,
        "--defect",
        "warped",
        "--photos",
        "true",
    )
    assert reprint.returncode == 0, reprint.stderr
    assert reprint.stdout.startswith("Reprint (reprint)\n"), reprint.stdout
    assert "The guarantee usually gives a free reprint in this case." in reprint.stdout
    assert "  + damaged-print: The print arrived warped or broken" in reprint.stdout
    unsure = support(
        "--order-date",
        ordered,
        "--delivery-date",
        ordered,
        "--defect",
        "broken",
        "--photos",
        "unsure",
    )
    assert unsure.stdout.startswith("We decide (support_decides)\n"), unsure.stdout
    assert "would change the verdict): photos" in unsure.stdout
    reviewed = command(project, "policy_review.review", PRINT_GUARANTEE)
    assert reviewed.returncode == 0, reviewed.stdout + reviewed.stderr
    assert "The ledger (policies/print-guarantee/ledger.txt) is up to date." in reviewed.stdout


def test_moving_a_line_of_decide_shows_in_the_review_and_is_refused_for_a_version_in_force(
    tmp_path: Path,
) -> None:
    """The rule is the file's: reviewed (and its ledger made, and cached) first, then reordered,
    the review sees the decisions move, although no clause, value or question changed."""
    project = copy_project(tmp_path)
    folder = add_print_guarantee(project)
    first = command(project, "policy_review.review", PRINT_GUARANTEE)
    assert first.returncode == 0, first.stdout + first.stderr
    not_covered = '[[decide]]\noutcome = "not_covered"\nif = { not_covered = "some" }\n\n'
    refund = '[[decide]]\noutcome = "refund"\nif = { refund = "some" }\n\n'
    edit(folder / "policy.toml", not_covered + refund, refund + not_covered)
    moved = command(project, "policy_review.review", PRINT_GUARANTEE)
    assert moved.returncode == 1, moved.stdout + moved.stderr
    assert "21 situations go from not_covered to refund" in moved.stdout
    assert "the version of 1 January 2026 has taken effect, so it is frozen" in moved.stdout
