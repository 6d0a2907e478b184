"""Every email the self-check can write fits a mailto link whole, and the page's table writes the
very same one.

The whole enumeration, not examples: every combination of answers the form can give (each
question it asks given the answers before it, each option, each class of the count and its
longest value: policy_review.ledger.form_answers), bought 0, 3, 7, 8 and 30 days before the
check, with the policy page's address from mkdocs.yml. The checker writes each email; Node runs
the page's table.js on the same answers; both must be equal, at most MAILTO_LIMIT characters,
and complete: no answer line left out (the drop order is tested on its own, with a page address
long enough to force it).
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from checker import CHECKER, RULEBOOK, default_policies
from policy_engine import advice
from policy_engine.answers import Source, answers_from_query
from policy_engine.questions import MAX_COUNT
from policy_review import ledger as ledgers
from policy_site.shipping import decisions
from tests.policies import credit_pack_bought
from tests.site.projects import ROOT, ledger_text

QUESTIONS = RULEBOOK.questions

TABLE = ROOT / "policy_site" / "shipping" / "assets" / "policy-check" / "table.js"
TODAY = date(2026, 12, 5)
DAYS_AGO = (0, 3, 7, 8, 30)

# Node answers every case and returns, per case, the email's length and a digest of its mailto
# link (not the links themselves: tens of megabytes), and its body for the few asked for.
RUN = """
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { quickAnswer } from %s;
const { data, cases, page } = JSON.parse(readFileSync(0, "utf8"));
const out = cases.map(([query, today]) => {
  const answer = quickAnswer(data, query, today, "form", page);
  if (answer === null || answer.errors) return null;
  const href = answer.email.mailto;
  return [href.length, createHash("sha256").update(href).digest("hex")];
});
process.stdout.write(JSON.stringify(out));
"""


@functools.cache
def site_url() -> str:
    for line in (ROOT / "mkdocs.yml").read_text(encoding="utf-8").splitlines():
        if line.startswith("site_url:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError("mkdocs.yml has no site_url")


def every_case() -> Iterator[tuple[str, str]]:
    policies = default_policies()
    dims = committed_book().versions[policies.latest.effective.isoformat()].dims
    combinations = list(ledgers.form_answers(RULEBOOK, dims, MAX_COUNT))
    for days in DAYS_AGO:
        bought = (TODAY - timedelta(days=days)).isoformat()
        for answers in combinations:
            yield urlencode({"purchase_date": bought, **answers}), TODAY.isoformat()


def checker_email(query: str, today: str, page: str) -> advice.Email:
    result = CHECKER.check(
        answers_from_query(query, QUESTIONS),
        today=date.fromisoformat(today),
        source=Source.FORM,
        page=page,
    )
    return result.email


@functools.cache
def committed_book() -> ledgers.Book:
    """The committed ledger (checker/ledger.txt), as the build reads it."""
    return ledgers.parse(ledger_text(ROOT / "checker" / "policy.toml"))


@functools.cache
def shipped_data() -> dict[str, object]:
    return json.loads(decisions.decision_json(RULEBOOK, default_policies(), committed_book()))


def start_table(
    data: dict[str, object], cases: list[tuple[str, str]], page: str
) -> subprocess.Popen[str]:
    """Node answering ``cases`` with the page's table, started now (the checker runs meanwhile)."""
    node = shutil.which("node")
    assert node, "Node.js is needed for this test"
    running = subprocess.Popen(
        [node, "--input-type=module", "-e", RUN % json.dumps(TABLE.as_uri())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert running.stdin is not None
    running.stdin.write(json.dumps({"data": data, "cases": cases, "page": page}))
    running.stdin.close()
    return running


def table_answers(running: subprocess.Popen[str]) -> list[object]:
    assert running.stdout is not None and running.stderr is not None
    out = running.stdout.read()
    assert running.wait(timeout=300) == 0, running.stderr.read()
    return json.loads(out)


PAGES = """
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { quickAnswer } from %s;
const { data, query, today, pages } = JSON.parse(readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(pages.map((page) => {
  const href = quickAnswer(data, query, today, "form", page).email.mailto;
  return [href.length, createHash("sha256").update(href).digest("hex")];
})));
"""


def run_table_pages(
    data: dict[str, object], query: str, today: str, pages: list[str]
) -> list[object]:
    """The table's email for one set of answers on each of ``pages``."""
    node = shutil.which("node")
    assert node, "Node.js is needed for this test"
    done = subprocess.run(
        [node, "--input-type=module", "-e", PAGES % json.dumps(TABLE.as_uri())],
        input=json.dumps({"data": data, "query": query, "today": today, "pages": pages}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def answer_lines(body: str) -> list[str]:
    listed = body.split("\nMy answers:\n", 1)
    return listed[1].split("\n\n", 1)[0].splitlines() if len(listed) == 2 else []


def test_every_email_the_form_can_lead_to_fits_whole_and_the_table_writes_the_same() -> None:
    page = site_url()
    cases = list(every_case())
    # Every combination of the form's answers, five purchase days each.
    assert len(cases) > 20_000
    node = start_table(shipped_data(), cases, page)
    emails = [checker_email(query, today, page) for query, today in cases]
    table = table_answers(node)
    longest = 0
    for (query, today), email, answered in zip(cases, emails, table, strict=True):
        href = email["mailto"]
        assert answered == [len(href), hashlib.sha256(href.encode()).hexdigest()], query
        assert len(href) <= advice.MAILTO_LIMIT, (len(href), query)
        body = email["body"]
        # Complete: the link with every answer and the day, and one line per answer shown.
        link = body.split("My answers in the self-check: ", 1)[1].split("\n", 1)[0]
        carried = dict(parse_qsl(urlsplit(link).fragment.removeprefix("check?")))
        assert carried == {**dict(parse_qsl(query)), "request_date": today}, query
        # (What was bought shares the purchase date's line.)
        assert len(answer_lines(body)) == len(parse_qsl(query)) - 1, (query, body)
        assert "It followed the refund policy of" in body
        assert body.endswith("\n\nThank you.")
        longest = max(longest, len(href))
    print(f"\n{len(cases)} emails, the longest mailto link {longest} characters")


def test_an_email_that_cannot_fit_leaves_out_whole_lines_in_the_stated_order() -> None:
    """With a page address long enough, the answer lines go first, from the last up, then the
    version's line; never half a line, and the table leaves out the same ones."""
    query = urlencode(
        {
            "purchase_date": (TODAY - timedelta(days=3)).isoformat(),
            "purchase_type": "subscription",
            "reason": "unusable_result",
            "credits_used": "substantial",
            "outputs_used": "true",
            "first_purchase": "unsure",
            "previous_refund_requests": "1000",
            "chargeback_filed": "true",
            "payment_provider": "other",
        }
    )
    full = checker_email(query, TODAY.isoformat(), site_url())
    full_lines = answer_lines(full["body"])
    assert len(full_lines) == 8
    pages = [site_url() + "a" * extra + "/" for extra in range(0, 1200, 20)]
    tables: list[str] = []
    counts = []
    for page in pages:
        email = checker_email(query, TODAY.isoformat(), page)
        assert len(email["mailto"]) <= advice.MAILTO_LIMIT or "It followed" not in email["body"]
        kept = answer_lines(email["body"])
        # Whole lines, from the first: what is left is a beginning of the full list.
        assert kept == full_lines[: len(kept)], kept
        # The version's line goes only once every answer line has gone.
        assert "It followed" in email["body"] or not kept
        counts.append(len(kept) + ("It followed" in email["body"]))
        tables.append(email["mailto"])
    assert counts == sorted(counts, reverse=True) and counts[0] == 9 and counts[-1] == 0
    table = run_table_pages(shipped_data(), query, TODAY.isoformat(), pages)
    assert table == [[len(href), hashlib.sha256(href.encode()).hexdigest()] for href in tables]


@pytest.mark.parametrize("days", DAYS_AGO)
def test_a_customer_who_bought_days_ago_gets_short_answer_lines(days: int) -> None:
    bought = TODAY - timedelta(days=days)
    query = urlencode(credit_pack_bought(bought.isoformat()))
    body = checker_email(query, TODAY.isoformat(), site_url())["body"]
    day = f"{bought.day} {bought.strftime('%B')} {bought.year}"
    assert answer_lines(body) == [
        f"Bought: {day}, a credit pack",
        "Reason: I bought recently and have not used it, or only a little",
        "Used: Only a few credits",
        "Refunds asked for before: 0",
        "Payment dispute opened: No",
        "Payment taken by: Creem",
    ]
