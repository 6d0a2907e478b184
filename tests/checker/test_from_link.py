"""``refund-check --from-link``: support pastes the customer's link and reads the verdict the
customer saw, on the customer's day, with a line when today's would differ.

The CLI's today is the machine's: the links are dated relative to it (the customer asked two
days ago, on the last day of a 7-day window; support reads it today, day 9)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest

from checker import CHECKER
from tests.checker.test_cli import run_main, run_script
from tests.policies import credit_pack_bought

PAGE = "https://refunds.imgtostl.com/"


def customers_link(asked_days_ago: int = 2, window_day: int = 7, **changes: str) -> str:
    """The link in the customer's email, as the page writes it (the checker's own email)."""
    asked = date.today() - timedelta(days=asked_days_ago)
    answers = credit_pack_bought((asked - timedelta(days=window_day)).isoformat(), **changes)
    result = json.loads(
        CHECKER.check_query(urlencode(answers), today=asked.isoformat(), source="form", page=PAGE)
    )
    body = result["email"]["body"]
    return body.split("My answers in the self-check: ", 1)[1].split("\n", 1)[0]


def test_support_reads_the_verdict_the_customer_saw_and_that_today_would_differ(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    link = customers_link()
    asked = (date.today() - timedelta(days=2)).isoformat()
    status, out, err = run_main(["--from-link", link], capsys, monkeypatch)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Likely eligible (likely_eligible)"
    assert f"Checked on {asked}, the day of the request the link carries." in lines
    assert (
        f"Today ({date.today().isoformat()}) it would be likely_not_eligible: the customer saw "
        "the verdict above." in lines
    )
    assert "Day 7 since purchase (refund window: 7 days)." in lines


def test_a_link_checked_today_says_today_and_nothing_more(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, _ = run_main(["--from-link", customers_link(0)], capsys, monkeypatch)
    assert status == 0
    assert f"Checked on the day the link carries: today ({date.today().isoformat()})." in out
    assert "it would be" not in out


def test_a_verdict_that_today_would_not_change_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    link = customers_link(window_day=3, reason="duplicate_payment")
    status, out, _ = run_main(["--from-link", link], capsys, monkeypatch)
    assert status == 0
    assert f"Today ({date.today().isoformat()}) the verdict is the same." in out


def test_an_older_link_without_a_date_is_judged_today_and_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    link = customers_link().split("&request_date=")[0]
    status, out, _ = run_main(["--from-link", link], capsys, monkeypatch)
    assert status == 0
    assert out.startswith("Likely not eligible (likely_not_eligible)")
    assert "The link carries no request date" in out


def test_a_link_from_new_zealand_read_in_london_is_judged_not_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bought and asked on the customer's today, a day ahead of support's clock."""
    ahead = (date.today() + timedelta(days=1)).isoformat()
    link = (
        PAGE
        + "#check?"
        + urlencode(
            {
                "purchase_date": ahead,
                "purchase_type": "credit_pack",
                "reason": "unused",
                "credits_used": "none",
                "request_date": ahead,
            }
        )
    )
    status, out, err = run_main(["--from-link", link], capsys, monkeypatch)
    assert (status, err) == (0, "")
    assert out.startswith("Likely eligible (likely_eligible)")
    assert "Day 0 since purchase" in out


@pytest.mark.parametrize(
    "link",
    [
        "https://refunds.imgtostl.com/",
        "https://refunds.imgtostl.com/#check",
        "purchase_date=2026-05-01&reason=unused",
        "https://refunds.imgtostl.com/#check?purchase_date=2026-05-01\x07&reason=unused",
    ],
)
def test_something_else_than_a_link_is_named_plainly(
    link: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, err = run_main(["--from-link", link], capsys, monkeypatch)
    assert (status, out) == (2, "")
    assert err.startswith("refund-check: --from-link: “")
    assert "is not a self-check link. Paste the whole link from the customer's email" in err


def test_a_links_wrong_answer_is_named_by_the_links_own_key(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    link = customers_link().replace("reason=unused", "reason=because")
    status, out, err = run_main(["--from-link", link], capsys, monkeypatch)
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        "refund-check: the link's answers need fixing:",
        "  the link's reason: “because” is not one of the answers: give duplicate_payment, "
        "technical_failure, failed_job_charged, unused, unusable_result, change_of_mind or "
        "other.",
    ]


def test_a_link_and_answer_flags_together_are_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, _, err = run_main(
        ["--from-link", customers_link(), "--reason=other"], capsys, monkeypatch
    )
    assert status == 2
    assert "--from-link cannot be combined with --json or answer flags (--reason)" in err


def test_the_installed_command_takes_a_link_pasted_as_it_is() -> None:
    done = run_script(["--from-link", customers_link()])
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().startswith("Likely eligible (likely_eligible)")
