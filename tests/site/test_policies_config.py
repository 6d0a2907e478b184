"""The site's policies as mkdocs.yml lists them, and ./run new-policy: each mistake an editor or a
developer can make is said plainly, naming the package, page or name, and what to do."""

from __future__ import annotations

import logging
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from policy_engine.policy import long_date
from policy_site.scaffold import DRAFTING_DAYS, ScaffoldError, new_policy
from tests.site.projects import build, build_environment, copy_project, edit

LISTED = "      policies:\n        - package: checker\n          page: index.md\n"


def config_problem(project: Path, caplog: pytest.LogCaptureFixture) -> str:
    """What MkDocs says of the copy's mkdocs.yml when it cannot load it."""
    caplog.clear()
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        load_config(str(project / "mkdocs.yml"))
    return caplog.text


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


@pytest.mark.parametrize(
    ("listed", "said"),
    [
        (
            "        - package: nosuchpolicy\n",
            "the package “nosuchpolicy” cannot be imported (No module named 'nosuchpolicy'). "
            "Check its name in mkdocs.yml",
        ),
        ("        - package: json\n", "the package “json” is not a policy: it has no RULEBOOK"),
        ("        - package: not-a-name\n", "“not-a-name” is not a Python package's import name"),
        (
            "        - package: checker\n",
            "two policies are called “refund”: list each package once",
        ),
        (
            "        - folder: policies/Returns\n",
            "the folder “policies/Returns” is not named as a policy is",
        ),
        (
            "        - folder: policies/returns\n",
            "the folder “policies/returns” has no policy.toml. Check the folder in mkdocs.yml",
        ),
        (
            "        - folder: policies/returns\n          policy: returns.toml\n",
            "the folder “policies/returns” holds its policy.toml and ledger.txt; remove policy: "
            "and ledger: from its entry",
        ),
        (
            "        - folder: checker\n          package: checker\n",
            "give each policy either its folder (folder: policies/returns, holding its "
            "policy.toml and ledger.txt) or its Python package (package: checker), not both.",
        ),
    ],
)
def test_a_wrong_policy_in_mkdocs_yml_is_named_with_what_to_do(
    project: Path, caplog: pytest.LogCaptureFixture, listed: str, said: str
) -> None:
    edit(project / "mkdocs.yml", LISTED, LISTED + listed)
    assert said in config_problem(project, caplog)


def test_a_missing_policy_file_is_named_relative_to_mkdocs_yml(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (project / "checker" / "policy.toml").unlink()
    assert (
        "the policy file checker/policy.toml of “checker” does not exist. Restore it from git"
        in config_problem(project, caplog)
    )


def test_a_policy_page_that_does_not_exist_stops_the_build(project: Path) -> None:
    edit(project / "mkdocs.yml", "          page: index.md\n", "          page: refunds.md\n")
    built = build(project)
    assert built.returncode != 0
    assert "the page of the refund policy, docs/refunds.md, does not exist" in built.stderr
    assert "Traceback" not in built.stderr


def test_new_policy_registers_the_policy_and_keeps_the_rest_of_mkdocs_yml(project: Path) -> None:
    before = (project / "mkdocs.yml").read_text(encoding="utf-8")
    said = new_policy("credit-expiry", project, date(2026, 12, 3))
    assert any("docs/credit-expiry.md" in line for line in said)
    after = (project / "mkdocs.yml").read_text(encoding="utf-8")
    # The new entry under policies, and in the navigation; every other line as it was.
    assert (
        LISTED + "        - folder: policies/credit-expiry\n          page: credit-expiry.md\n"
        in after
    )
    assert "  - Credit expiry policy: credit-expiry.md\n" in after
    assert [line for line in after.splitlines() if line not in before.splitlines()] == [
        "  - Credit expiry policy: credit-expiry.md",
        "  - Credit expiry policy history: credit-expiry-history.md",
        "        - folder: policies/credit-expiry",
        "          page: credit-expiry.md",
    ]
    # A policy is data: its file, and no Python anywhere.
    assert (project / "policies" / "credit-expiry" / "policy.toml").is_file()
    assert list(project.rglob("*.py")) == []
    # The same name again, or a name that is not one, is refused before anything is written.
    with pytest.raises(ScaffoldError, match="already has a policy called “credit-expiry”"):
        new_policy("credit-expiry", project, date(2026, 12, 3))
    with pytest.raises(ScaffoldError, match="“Returns!” is not a policy name"):
        new_policy("Returns!", project, date(2026, 12, 3))
    with pytest.raises(ScaffoldError, match="already has a policy called “refund”"):
        new_policy("refund", project, date(2026, 12, 3))
    assert not (project / "docs" / "Returns!.md").exists()


def test_a_new_policy_is_not_published_until_its_support_address_is_set(project: Path) -> None:
    new_policy("gift-cards", project, date.today())
    policy = project / "policies" / "gift-cards" / "policy.toml"
    # Untouched, its address is a placeholder no mail can reach: the build names it and stops.
    stopped = build(project)
    assert stopped.returncode == 1
    line = 1 + policy.read_text(encoding="utf-8").splitlines().index(
        'support_email = "support@example.invalid"'
    )
    assert (
        f"policies/gift-cards/policy.toml:{line}: support_email is support@example.invalid, a "
        "placeholder no mail can reach (./run new-policy wrote it). Write the address where this "
        "policy's customers write"
    ) in stopped.stderr
    assert not (project / "site" / "gift-cards").exists()
    # The editor writes the real one and reviews: the site builds with both policies.
    edit(policy, "support@example.invalid", "support@imgtostl.com")
    reviewed = subprocess.run(
        [sys.executable, "-m", "policy_review.review", "gift-cards", "--accept"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=project,
        env=build_environment(),
        check=False,
    )
    assert reviewed.returncode == 0, reviewed.stdout + reviewed.stderr
    done = build(project)
    assert done.returncode == 0, done.stdout + done.stderr
    # Nothing of the machinery needs an edit for it: its self-check shares the standard library
    # the repository records for the engine (no line to add to tailored-stdlib.sha256).
    assert "tailored-stdlib.sha256" not in done.stdout + done.stderr
    assert list(project.rglob("*.py")) == []
    # Its first version takes effect in a fortnight: its page says so, never "in force since".
    page = (project / "site" / "gift-cards" / "index.html").read_text(encoding="utf-8")
    effective = long_date(date.today() + timedelta(days=DRAFTING_DAYS))
    assert f"This policy comes into effect on {effective}" in page
    assert "A new version of this policy" not in page and "follow this version, in" not in page
