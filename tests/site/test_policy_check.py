"""``policy-check``: the command line of any policy, chosen by its name in the site's mkdocs.yml
or by its file; every message and the usage line say ``policy-check``, and for the refund policy
it answers as ``refund-check`` does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures import PRINT_GUARANTEE_FOLDER
from tests.site.projects import command, copy_project

GUARANTEE = PRINT_GUARANTEE_FOLDER
WARPED = ("--order-date", "2025-07-01", "--delivery-date", "2025-07-02")
WARPED += ("--request-date", "2025-07-03", "--defect", "warped")


def test_a_policy_that_is_data_is_checked_from_its_file_alone(tmp_path: Path) -> None:
    # No mkdocs.yml here: the file's folder is the policy.
    policy = str(GUARANTEE / "policy.toml")
    covered = command(
        tmp_path, "policy_site.policy_check", "--policy", policy, *WARPED, "--photos", "true"
    )
    assert covered.returncode == 0, covered.stderr
    assert covered.stdout.startswith("Reprint (reprint)")
    assert "+ damaged-print: The print arrived warped or broken" in covered.stdout
    assert "Day 1 since delivery (days to ask after delivery: 30 days)." in covered.stdout
    usage = command(tmp_path, "policy_site.policy_check", "--policy", policy, "--help")
    assert usage.stdout.startswith("usage: policy-check ")
    assert "--defect warped|broken|wrong_model|cosmetic" in usage.stdout
    # A wrong answer: named by its flag, said by policy-check, no traceback.
    wrong = command(
        tmp_path, "policy_site.policy_check", "--policy", policy, *WARPED, "--photos", "maybe"
    )
    assert wrong.returncode == 2
    assert wrong.stderr.startswith("policy-check: these answers need fixing:\n  --photos: ")
    assert "Traceback" not in wrong.stderr
    # Neither a site nor a file: it says what to give.
    lost = command(tmp_path, "policy_site.policy_check", "--for", "print-guarantee")
    assert lost.returncode == 2
    assert lost.stderr == (
        "policy-check: there is no mkdocs.yml here to list the site's policies. Run it in the "
        "folder of the site's mkdocs.yml, or give the policy's file: --policy "
        "policies/NAME/policy.toml.\n"
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("site"))


def test_on_a_site_of_one_policy_it_needs_no_name_and_answers_as_refund_check(site: Path) -> None:
    answers = (
        "--purchase-date=2026-05-01",
        "--request-date=2026-05-04",
        "--purchase-type=credit_pack",
        "--reason=duplicate_payment",
        "--credits-used=minimal",
    )
    as_policy_check = command(site, "policy_site.policy_check", *answers)
    as_refund_check = command(site, "checker", *answers)
    assert as_policy_check.returncode == as_refund_check.returncode == 0, as_policy_check.stderr
    assert as_policy_check.stdout == as_refund_check.stdout
    # The usage line names what was run; the flags are the same.
    usage = command(site, "policy_site.policy_check", "--help").stdout
    assert usage.startswith("usage: policy-check ")
    refund_usage = command(site, "checker", "--help").stdout
    assert refund_usage.startswith("usage: refund-check ")
    assert usage.replace("policy-check", "refund-check") == refund_usage.replace(
        "policy-check", "refund-check"
    )
    unknown = command(site, "policy_site.policy_check", "--for", "refunds")
    assert unknown.returncode == 2
    assert unknown.stderr == (
        "policy-check: there is no policy called “refunds” in mkdocs.yml (there is refund).\n"
    )
