"""What the self-check shows, judges and shares, read from the page as a visitor's browser has it.

The invariant every browser test of the widget holds after every step:

* what the checker judged (the verdict, clauses and missing answers on screen, and the answers in
  the result's recap) is exactly ``checker.check()`` of the answers the form shows, plus today's
  date as the visitor's browser gives it;
* the address (``#check?…``) and the email carry exactly those answers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from playwright.sync_api import Page

from checker import RULEBOOK, check, check_query, default_policy
from policy_engine.advice import MAILTO_LIMIT
from policy_engine.answers import InvalidAnswers, Source, answers_from_query
from policy_engine.policy import Policies

QUESTIONS = RULEBOOK.questions

ROOT = "[data-policy-check]"
POLICY = default_policy()

READ_PAGE = """() => {
  const root = document.querySelector('[data-policy-check]');
  const form = root.querySelector('[data-form]');
  const shown = [];
  for (const block of form.querySelectorAll('[data-question]')) {
    if (block.hidden) continue;
    const field = block.dataset.question;
    const inputs = [...block.querySelectorAll('input')];
    const radio = inputs.find((input) => input.type === 'radio' && input.checked);
    const other = inputs.find((input) => input.type !== 'radio');
    if (radio) shown.push([field, radio.value]);
    else if (other && other.value !== '') shown.push([field, other.value]);
    else if (block.hasAttribute('data-request-date')) shown.push([field, '']);
  }
  for (const line of root.querySelectorAll('[data-support-line]')) {
    if (!line.hidden) shown.push([line.dataset.supportLine, line.dataset.value]);
  }
  const checked = [...form.querySelectorAll('input[type=radio]:checked')].length;
  const result = root.querySelector('[data-result]');
  const verdict = result.querySelector('[data-verdict]');
  const clauseLinks = [...result.querySelectorAll('[data-list=clauses] a[href]')]
    .map((link) => new URL(link.href))
    .filter((url) => url.origin === location.origin);
  const clauses = clauseLinks.map((url) => decodeURIComponent(url.hash.slice(1)));
  const clausePages = clauseLinks.map((url) => url.pathname);
  const quoteLinks = (name) => [...result.querySelectorAll(`[data-list="${name}"] a[href]`)]
    .map((link) => new URL(link.href))
    .map((url) => [url.pathname, decodeURIComponent(url.hash.slice(1))]);
  const items = (name) => [...result.querySelectorAll(`[data-list="${name}"] > li`)]
    .map((item) => item.textContent.trim());
  const part = (name) => result.querySelector(`[data-part="${name}"]`);
  const versionLink = result.querySelector('[data-version-link]');
  const recap = [...result.querySelectorAll('[data-list=recap] > div')].map((row) => [
    row.querySelector('dt').textContent.trim(),
    row.querySelector('[data-slot=answer]').textContent.trim(),
  ]);
  const pad = (n) => String(n).padStart(2, '0');
  const now = new Date();
  return {
    shown,
    checked,
    resultShown: !result.hidden,
    verdict: verdict.dataset.verdict,
    title: result.querySelector('[data-slot=title]').textContent,
    clauses,
    clausePages,
    judgedPage: versionLink ? new URL(versionLink.href).pathname : location.pathname,
    noteLinks: quoteLinks('notes'),
    warningLinks: quoteLinks('warnings'),
    checkedOn: part('checked') && !part('checked').hidden
      ? part('checked').querySelector('p').textContent.trim() : '',
    missing: items('missing_questions'),
    supportChecks: items('support_checks'),
    recap,
    timing: result.querySelector('[data-slot=timing]').textContent,
    applied: result.querySelector('[data-slot=applied]').textContent,
    newer: part('newer').hidden ? '' : part('newer').textContent.trim(),
    versionPage: versionLink ? versionLink.getAttribute('href') : '',
    mailto: result.querySelector('[data-slot=mailto]').getAttribute('href'),
    errorsShown: !root.querySelector('[data-error-summary]').hidden,
    errors: [...root.querySelectorAll('[data-error-list] li')].map((li) => li.textContent.trim()),
    hash: location.hash,
    today: `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`,
    source: result.dataset.source || '',
    page: location.href.split('#')[0],
    detailsShown: [...result.querySelectorAll('[data-detail]')].some((part) => !part.hidden),
  };
}"""

# The page's own decision table (table.js on the decisions.json the build writes into the page),
# asked directly:
# what it answers for a query, whether or not the page showed it.
TABLE_ANSWER = """async ([query, today, source]) => {
  const page = location.href.split('#')[0];
  const root = document.querySelector('[data-policy-check]');
  const script = [...document.querySelectorAll('script[src]')]
    .map((element) => element.src)
    .find((src) => /policy-check[/]widget-[^/]+[/]widget[.]js$/.test(src));
  const { quickAnswer } = await import(new URL('table.js', script).href);
  // The table the page itself answers from: written into the page by the build.
  const data = JSON.parse(root.querySelector('script[data-decision-table]').textContent);
  return quickAnswer(data, query, today, source, page);
}"""
# What the table decides, which must be the checker's, field by field.
DECISION = (
    "verdict",
    "title",
    "summary",
    "clauses",
    "warnings",
    "missing_questions",
    "support_checks",
    "notes",
    "note_links",
    "warning_links",
    "processing_time",
    "alternatives",
    "recap",
    "email",
    "link",
)


@dataclass(frozen=True)
class Reading:
    """The widget as the visitor sees it, and the address."""

    shown: list[tuple[str, str]]  # the answers the form shows, in its order
    checked: int  # radio buttons chosen (in the whole form, shown or not)
    result_shown: bool
    verdict: str
    title: str
    clauses: list[str]
    clause_pages: list[str]  # the path of the page each clause link goes to
    judged_page: str  # the path of the page of the version followed
    note_links: list[tuple[str, str]]  # each note's link: the page's path, the anchor
    warning_links: list[tuple[str, str]]  # the same for each warning
    checked_on: str  # "Checked on …" and what today would say, when shown ("" when hidden)
    missing: list[str]
    support_checks: list[str]
    recap: list[tuple[str, str]]
    timing: str
    applied: str  # which version of the policy the answer followed
    newer: str  # what a newer version would say, when it differs ("" when hidden)
    version_page: str  # the link to that version's own page ("" when it has none)
    mailto: str
    errors_shown: bool
    errors: list[str]
    hash: str
    today: str
    source: str  # who gave the answer shown: "checker", or "table" before the checker did
    details_shown: bool  # the day count and version sentences, which only the checker gives
    page: str  # the page's address, which the email links back to

    @property
    def fragment(self) -> list[tuple[str, str]] | None:
        """The answers in the address, or None when it holds none."""
        if not self.hash.startswith("#check?"):
            return None
        return parse_qsl(self.hash.removeprefix("#check?"), keep_blank_values=True)

    def email_link(self) -> list[tuple[str, str]] | None:
        """The answers of the self-check link in the email's body (None: it has none)."""
        body = dict(parse_qsl(urlsplit(self.mailto).query, keep_blank_values=True)).get("body", "")
        found = re.search(r"#check\?(\S+)", body)
        return parse_qsl(found.group(1), keep_blank_values=True) if found else None


def read(page: Page) -> Reading:
    raw = page.evaluate(READ_PAGE)
    return Reading(
        shown=[tuple(pair) for pair in raw["shown"]],
        checked=raw["checked"],
        result_shown=raw["resultShown"],
        verdict=raw["verdict"],
        title=raw["title"],
        clauses=raw["clauses"],
        clause_pages=raw["clausePages"],
        judged_page=raw["judgedPage"],
        note_links=[tuple(pair) for pair in raw["noteLinks"]],
        warning_links=[tuple(pair) for pair in raw["warningLinks"]],
        checked_on=raw["checkedOn"],
        missing=raw["missing"],
        support_checks=raw["supportChecks"],
        recap=[tuple(pair) for pair in raw["recap"]],
        timing=raw["timing"],
        applied=raw["applied"],
        newer=raw["newer"],
        version_page=raw["versionPage"],
        mailto=raw["mailto"],
        errors_shown=raw["errorsShown"],
        errors=raw["errors"],
        hash=raw["hash"],
        today=raw["today"],
        source=raw["source"],
        details_shown=raw["detailsShown"],
        page=raw["page"],
    )


def judged(reading: Reading, policies: Policies | None = None) -> dict[str, Any]:
    """What CPython's checker says about the answers the page shows, on the page's today, under
    ``policies`` (by default the shipped policy file's versions)."""
    if policies is None:
        return json.loads(
            check_query(
                urlencode(reading.shown), today=reading.today, source="form", page=reading.page
            )
        )
    try:
        answers = answers_from_query(urlencode(reading.shown), QUESTIONS)
        today = date.fromisoformat(reading.today)
        return check(
            answers, today=today, policy=policies, source=Source.FORM, page=reading.page
        ).to_json()
    except InvalidAnswers as error:
        return {"errors": list(error.errors)}


def assert_invariant(page: Page, policies: Policies | None = None) -> Reading:
    """The page shows a result that is exactly the checker's judgement of what the form shows,
    and the address and the email carry exactly those answers. Returns what was read.

    ``policies`` are the versions of the site's policy file, when it is not the shipped one."""
    reading = read(page)
    assert reading.result_shown, "no result is shown"
    want = judged(reading, policies)
    assert "errors" not in want, f"the page shows a result for answers the checker refuses: {want}"
    assert reading.verdict == want["verdict"], (reading.shown, reading.verdict, want["verdict"])
    assert reading.title == want["title"]
    assert reading.clauses == [clause["id"] for clause in want["clauses"]]
    # Each clause links to the words that judged it: the page of the version followed.
    assert all(path == reading.judged_page for path in reading.clause_pages), (
        reading.clause_pages,
        reading.judged_page,
    )
    # Each warning and note links to its words on that page too (where the page has them).
    for shown_links, wanted in (
        (reading.note_links, want["note_links"]),
        (reading.warning_links, want["warning_links"]),
    ):
        assert all(path == reading.judged_page for path, _ in shown_links), shown_links
        anchors = [anchor for _, anchor in shown_links]
        assert anchors == [anchor for anchor in wanted if anchor in anchors], (anchors, wanted)
    # Judged as of another day than today: said, with what today would say when it differs.
    checked = want.get("checked")
    told = (
        [checked["text"], checked["today"]["text"] if checked["today"] else ""] if checked else []
    )
    assert reading.checked_on == " ".join(told).strip(), (reading.checked_on, checked)
    assert reading.missing == want["missing_questions"]
    assert reading.support_checks == want["support_checks"], (reading.support_checks, want)
    # The page's decision table answers these answers as the checker does, whoever answered.
    assert_table_agrees(page, reading, want)
    if reading.source == "table":
        # The table's answer leaves the day count and the version's sentences to the checker.
        assert not reading.details_shown, "the table's answer shows the checker's details"
        assert reading.newer == ""
    else:
        assert reading.source == "checker", reading.source
        assert reading.timing == want["timing"]
        # The version followed, and what a newer one would say, as the checker words them.
        assert reading.applied == want["policy"]["applied"]
        newer = want["policy"].get("newer")
        assert reading.newer == (newer["text"] if newer else ""), (reading.newer, newer)
    assert reading.recap == [(line["question"], line["answer"]) for line in want["recap"]]
    # The address carries exactly the answers shown (today's date is not an answer).
    assert reading.fragment == reading.shown, (reading.fragment, reading.shown)
    # The email's link carries exactly the answers shown, and the day they were judged.
    emailed = reading.email_link()
    assert emailed is not None, "the email has no link to the answers"
    shown = [pair for pair in reading.shown if pair[0] != "request_date" or pair[1]]
    assert [pair for pair in emailed if pair[0] != "request_date"] == [
        pair for pair in shown if pair[0] != "request_date"
    ], (emailed, reading.shown)
    assert dict(emailed)["request_date"] == dict(shown).get("request_date", reading.today)
    # The very email the checker writes for these answers, link to them included.
    assert reading.mailto == want["email"]["mailto"]
    assert_safe_mailto(reading.mailto)
    return reading


def table_answer(page: Page, query: str, today: str, source: str = "form") -> Any:
    """What the page's decision table answers for ``query`` (None: it leaves it to the checker)."""
    return page.evaluate(TABLE_ANSWER, [query, today, source])


def assert_table_agrees(page: Page, reading: Reading, want: dict[str, Any]) -> None:
    """The decision table gives the checker's decision for the answers the form shows."""
    table = table_answer(page, urlencode(reading.shown), reading.today)
    assert table is not None, f"the table cannot answer what the checker judges: {reading.shown}"
    assert "errors" not in table, table
    for name in DECISION:
        assert table[name] == want[name], (name, table[name], want[name])


def assert_safe_mailto(href: str) -> None:
    """The email link goes to support only, with a subject and body and nothing else."""
    assert href.startswith(f"mailto:{POLICY.support_email}?"), href[:80]
    assert len(href) <= MAILTO_LIMIT, f"the mailto link has {len(href)} characters"
    assert "\r" not in href and "\n" not in href, "raw line breaks in the link"
    parts = urlsplit(href)
    assert unquote(parts.path) == POLICY.support_email
    params = parse_qsl(parts.query, keep_blank_values=True)
    assert sorted(key for key, _ in params) == ["body", "subject"], params
