"""A policy's own dates through the commands, in a copy of the project with the tests' print
guarantee beside the refund policy: its review (no traceback, its ledger's span classes) and
support's command line, which speaks of its spans in its file's words (issue 32)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.print_delivery import NAME, PACKAGE, print_delivery_project
from tests.site.projects import build, command


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return print_delivery_project(tmp_path_factory.mktemp("spans"))


def test_the_review_reads_the_policys_spans_and_says_it_is_up_to_date(project: Path) -> None:
    reviewed = command(project, "policy_review.review", NAME)
    assert reviewed.returncode == 0, reviewed.stdout + reviewed.stderr
    assert "Traceback" not in reviewed.stderr
    assert "is up to date" in reviewed.stdout
    ledger = (project / PACKAGE / "ledger.txt").read_text(encoding="utf-8")
    assert "days_since_delivery : 0 | 1-29 | 30 | 31 | 32+" in ledger
    assert "days_since_delivery=31+  =>  applies" in ledger


def test_the_command_line_speaks_of_each_span_in_the_files_words(project: Path) -> None:
    flags = ["--order-date", "2026-03-01", "--delivery-date", "2026-03-08", "--defect", "warped"]
    said = command(project, "checker", "--for", NAME, *flags, "--request-date", "2026-04-07")
    assert said.returncode == 0, said.stdout + said.stderr
    assert "Day 30 since delivery." in said.stdout
    assert "Day 7 from order to delivery." in said.stdout
    # The refund policy's own line, from its file, is as it was.
    refund = [
        "--purchase-date", "2026-05-01", "--request-date", "2026-05-08",
        "--purchase-type", "credit_pack", "--reason", "unused", "--credits-used", "none",
    ]  # fmt: skip
    said = command(project, "checker", *refund)
    assert "Day 7 since purchase (refund window: 7 days)." in said.stdout, said.stderr
    # A delivery before the order, in staff's words.
    swapped = ["--order-date", "2026-03-09", "--delivery-date", "2026-03-08", "--defect", "warped"]
    said = command(project, "checker", "--for", NAME, *swapped)
    assert said.returncode != 0
    assert "The order date (2026-03-09) is after the delivery date (2026-03-08)" in said.stderr
    assert "Traceback" not in said.stderr


def test_an_example_is_judged_by_the_version_of_its_order_date(project: Path) -> None:
    built = build(project)
    assert built.returncode == 0, built.stdout + built.stderr
    page = (project / "site" / NAME / "index.html").read_text(encoding="utf-8")
    # The page shows the June version; the example, ordered in May, is judged by the version of
    # its order (its words, "in force on its …", are the policy's: issue 32's words).
    assert "the version in force from 1 January 2026 until 31 May 2026" in page
    assert "You write more than 30 days after delivery" in page


def test_a_coming_version_that_moves_the_window_is_reviewed_in_days_since_delivery(
    tmp_path: Path,
) -> None:
    copy = print_delivery_project(tmp_path)
    coming = date.today() + timedelta(days=10)
    made = command(
        copy, "policy_site.pages.versions", coming.isoformat(), "--name", NAME,
        "--changes", "Sixty days from delivery.",
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    policy = copy / PACKAGE / "policy.toml"
    policy.write_text(
        policy.read_text(encoding="utf-8")
        + "\n[versions.clauses.defect-in-window]\n"
        + 'text = "The print is warped, broken or the wrong model, and you write within 60 days'
        + ' of delivery"\n'
        + 'when = { defect = ["warped", "broken", "wrong_model"], '
        + "days_since_delivery = { at_most = 60 } }\n"
        + "\n[versions.clauses.late]\n"
        + 'text = "You write more than 60 days after delivery"\n'
        + "when = { days_since_delivery = { more_than = 60 } }\n",
        encoding="utf-8",
    )
    page = copy / "docs" / f"{NAME}.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("45 days", "60 days"), encoding="utf-8"
    )
    reviewed = command(copy, "policy_review.review", NAME)
    assert "Traceback" not in reviewed.stderr, reviewed.stderr
    assert reviewed.returncode == 1, reviewed.stdout + reviewed.stderr
    # The situations that move, in the span's words: days 46 to 60 after delivery.
    assert "days since delivery 46–60" in reviewed.stdout, reviewed.stdout
