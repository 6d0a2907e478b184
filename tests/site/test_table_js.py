"""The page's decision table (table.js on decisions.json) answers exactly as the checker does.

Python draws answers from the whole space (every choice, unsure answers, counts around the repeat
limit, days around the refund window, purchases under each version and requests under a later
one, answers left to their defaults, a form's unanswered questions, and input only the checker
can judge); Node runs the page's own module on them, with the decision data the build ships; and
every answer the table gives must equal the checker's, field by field. Where the table declines
(null), the checker must have something to say that the table does not know.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest

from checker import RULEBOOK, Policies, check, check_query, read_policies
from policy_engine.answers import InvalidAnswers, Source, answers_from_query
from policy_engine.questions import Asker, Kind
from policy_review import ledger as ledgers
from policy_site.shipping import decisions
from tests.browser.invariant import DECISION
from tests.policies import first_published
from tests.site.projects import ROOT, ledger_text

QUESTIONS = RULEBOOK.questions
QUESTIONS_BY_FIELD = RULEBOOK.questions_by_field

TABLE = ROOT / "policy_site" / "shipping" / "assets" / "policy-check" / "table.js"
# The policy page's address, for the email's link to the answers.
PAGE = "https://refunds.example/"
# The fields of the checker's JSON that the table answers: the decision the page shows (the
# browser invariant's list), and what the page keeps of it.
SAME = (*DECISION, "missing", "answers", "days_since_purchase", "checked")

RUN = """
import { readFileSync } from "node:fs";
import { quickAnswer } from %s;
const { data, cases } = JSON.parse(readFileSync(0, "utf8"));
const out = cases.map(([query, today, source]) =>
  quickAnswer(data, query, today, source, "https://refunds.example/#check"));
process.stdout.write(JSON.stringify(out));
"""


def run_table(data: dict[str, object], cases: list[tuple[str, str, str]]) -> list[object]:
    node = shutil.which("node")
    assert node, "Node.js is needed for this test (./run test installs nothing for it: CI has it)"
    script = RUN % json.dumps(TABLE.as_uri())
    done = subprocess.run(
        [node, "--input-type=module", "-e", script],
        input=json.dumps({"data": data, "cases": cases}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


TWO_VERSIONS = """
[[versions]]
effective = 2026-06-01
last_updated = "June 2026"
changes = "The refund window is now 14 days, and three earlier requests count as repeated."
refund_window_days = 14
repeat_request_limit = 3
creem_settlement_days_max = 12
"""


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """The shipped policy with a second version, and the decision data the build makes of it."""
    folder = tmp_path_factory.mktemp("table")
    policy_file = folder / "policy.toml"
    text = first_published((ROOT / "checker" / "policy.toml").read_text(encoding="utf-8"))
    policy_file.write_text(text + TWO_VERSIONS, encoding="utf-8")
    policies = read_policies(policy_file)
    book = ledgers.make_book(RULEBOOK, policies)
    return policy_file, json.loads(decisions.decision_json(RULEBOOK, policies, book))


def random_answers(rng: random.Random, today: date) -> dict[str, str]:
    """Answers anywhere in the space: some left out, some blank, some a form would not send."""
    answers: dict[str, str] = {}
    for question in QUESTIONS:
        if question.asker is Asker.PAGE:
            continue
        if rng.random() < 0.15:
            continue  # left out: a default, or an unanswered question
        if question.kind is Kind.DATE:
            day = today - timedelta(days=rng.choice([0, 1, 5, 6, 7, 8, 12, 13, 14, 15, 16, 60]))
            if rng.random() < 0.3:
                day = date(2026, 5, rng.randint(1, 31)) if rng.random() < 0.5 else day
            answers[question.field] = day.isoformat()
        elif question.kind is Kind.COUNT:
            answers[question.field] = str(rng.choice([0, 1, 2, 3, 4, 7, 1000]))
        else:
            answers[question.field] = rng.choice(question.options).value
    if rng.random() < 0.3:
        answers["request_date"] = (today - timedelta(days=rng.choice([0, 1, 3, 10]))).isoformat()
    if rng.random() < 0.05:
        answers["purchase_date"] = rng.choice(["2023-12-31", "2026-02-30", "soon", "2099-01-01"])
    if rng.random() < 0.03:
        answers["previous_refund_requests"] = rng.choice(["1.0", "-1", "1001", "x"])
    if rng.random() < 0.03:
        answers["unknown_key"] = "yes"
    return answers


def cases(seed: int, count: int) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        today = date(2026, 6, 1) + timedelta(days=rng.randint(-20, 40))
        answers = random_answers(rng, today)
        query = urlencode(answers)
        if rng.random() < 0.05:
            query += "&reason=other"  # a key given twice
        out.append((query, today.isoformat(), rng.choice(["form", "link"])))
    return out


def checker_answer(query: str, today: str, source: str, policies: Policies) -> dict[str, object]:
    """What the checker answers, as the page would get it: a result, or the answers' errors."""
    try:
        return check(
            answers_from_query(query, QUESTIONS),
            today=date.fromisoformat(today),
            policy=policies,
            source=Source(source),
            page=PAGE,
        ).to_json()
    except InvalidAnswers as invalid:
        return {"errors": invalid.errors}


# Input a customer never types but a link can carry: the table must decline it or answer it
# exactly as the checker does.
BASE = "purchase_date=2026-05-30&purchase_type=credit_pack&reason=unused&credits_used=none"
HOSTILE = [
    BASE + "&previous_refund_requests=%D9%A3",  # an Arabic-Indic digit
    BASE + "&previous_refund_requests=+3",  # a space, in a query
    BASE + "&previous_refund_requests=%2B3",
    BASE + "&previous_refund_requests=0003",
    BASE + "&previous_refund_requests=" + "9" * 40,
    BASE.replace("2026-05-30", "%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96-05-30"),  # full-width
    BASE.replace("credit_pack", "credit_pack%00"),
    BASE.replace("credit_pack", "CREDIT_PACK"),
    BASE.replace("none", "none%20"),
    BASE + "&chargeback_filed=True",
    BASE + "&chargeback_filed=unsure",
    BASE + "&outputs_used=unsure&first_purchase=1",
    BASE + "&terms_violation=maybe",
    BASE + "&purchase_type%5B%5D=x",
    BASE + "&%ED%A0%80=1",  # an undecodable key
    BASE + "&request_date=2026-06-03",
    BASE + "&request_date=2026-05-29",
    BASE + "&request_date=" + "x" * 5000,
    BASE + "&reason=",
    # Purchases ahead of the reader's today: the customer's today in another zone, within the
    # clock slack (judged as asked that day), and beyond it.
    BASE.replace("2026-05-30", "2026-06-02"),
    BASE.replace("2026-05-30", "2026-06-03"),
    BASE.replace("2026-05-30", "2026-06-04"),
    BASE.replace("2026-05-30", "2026-06-02") + "&request_date=2026-06-01",
    BASE + "&request_date=2026-05-30",
    # One trim for both: JavaScript's trim() set, U+FEFF included; U+0085 and U+001C kept.
    *(
        BASE.replace("credit_pack", f"{before}credit_pack{after}")
        for before, after in [
            ("%EF%BB%BF", ""),
            ("", "%EF%BB%BF"),
            ("%E2%80%A8", "%E3%80%80"),
            ("%C2%A0", "%E2%80%AF"),
            ("", "%C2%85"),
            ("%1C", ""),
            ("%0B%0C", "%E1%9A%80"),
            ("", "%E2%80%8B"),  # a zero-width space is not white space: kept by both
        ]
    ),
    BASE.replace("2026-05-30", "%EF%BB%BF2026-05-30%20"),
    "",
    "&&&",
    "purchase_date",
]


def test_a_value_trimmed_by_both_gets_the_same_answer_from_both(
    two_versions: tuple[Path, dict[str, object]],
) -> None:
    """U+FEFF is trimmed by JavaScript's trim() and was kept by Python's strip(): the table
    answered, then the checker refused the same link."""
    policy_file, data = two_versions
    policies = read_policies(policy_file)
    query = BASE.replace("credit_pack", "credit_pack%EF%BB%BF")
    (table,) = run_table(data, [(query, "2026-06-01", "link")])
    want = checker_answer(query, "2026-06-01", "link", policies)
    assert table is not None and "errors" not in want
    assert table["verdict"] == want["verdict"] == "likely_eligible"


def test_hostile_links_get_the_checkers_answer_or_none_from_the_table(
    two_versions: tuple[Path, dict[str, object]],
) -> None:
    policy_file, data = two_versions

    policies = read_policies(policy_file)
    drawn = [(query, "2026-06-01", source) for query in HOSTILE for source in ("form", "link")]
    for (query, today, source), table in zip(drawn, run_table(data, drawn), strict=True):
        want = checker_answer(query, today, source, policies)
        if table is None:
            assert "errors" in want, query
        elif "errors" in table:
            assert table == want, query
        else:
            assert {n: table[n] for n in SAME} == {n: want[n] for n in SAME}, query


def test_the_table_answers_as_the_checker_does_under_two_versions(
    two_versions: tuple[Path, dict[str, object]],
) -> None:
    policy_file, data = two_versions

    policies = read_policies(policy_file)
    drawn = cases(seed=20261203, count=1500)
    answered = run_table(data, drawn)
    counts = {"result": 0, "errors": 0, "left to the checker": 0}
    for (query, today, source), table in zip(drawn, answered, strict=True):
        want = checker_answer(query, today, source, policies)
        if table is None:
            counts["left to the checker"] += 1
            assert "errors" in want, f"the table declined answers the checker judges: {query}"
            continue
        if "errors" in table:
            counts["errors"] += 1
            assert table == want, (query, source, table, want)
            continue
        counts["result"] += 1
        assert "errors" not in want, (query, source, table, want)
        for name in SAME:
            assert table[name] == want[name], (name, query, source, today)
        assert table["policy"]["effective"] == want["policy"]["effective"]
    # The draw reached every kind of answer, and most answers get the table's verdict.
    assert counts["result"] > 400 and counts["errors"] > 100, counts
    assert counts["left to the checker"] > 100, counts


def test_the_shipped_policys_table_answers_support_links_as_the_checker_does() -> None:
    policies = read_policies(ROOT / "checker" / "policy.toml")
    book = ledgers.parse(ledger_text(ROOT / "checker" / "policy.toml"))
    data = json.loads(decisions.decision_json(RULEBOOK, policies, book))
    today = date.today().isoformat()
    drawn = [(query, today, "link") for query, _, _ in cases(seed=7, count=300)]
    for (query, _, _), table in zip(drawn, run_table(data, drawn), strict=True):
        want = json.loads(
            check_query(query, today=today, source="link", page="https://refunds.example/")
        )
        if table is None:
            assert "errors" in want, query
        else:
            assert {name: table[name] for name in SAME} == {name: want[name] for name in SAME}


SHOWN = """
import { readFileSync } from "node:fs";
import { conditionsHold } from %s;
const { questions, answers } = JSON.parse(readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(answers.map((given) =>
  questions.map((question) => conditionsHold(question, given)))));
"""


def test_the_pages_shown_when_is_the_checkers_for_every_combination_of_answers() -> None:
    """state.js decides which questions the form asks; Question.shown decides which the checker
    requires: the same, for every combination of the answers the conditions read."""
    from itertools import product

    conditional = [q for q in QUESTIONS if q.shown_when]
    read = sorted({field for q in conditional for field, _ in q.shown_when})
    choices = [["", *(o.value for o in QUESTIONS_BY_FIELD[field].options)] for field in read]
    combinations = [
        {field: value for field, value in zip(read, values, strict=True) if value}
        for values in product(*choices)
    ]
    # As the form's markup describes them (policy_check.html: data-shown-when).
    questions = [{"field": q.field, "shownWhen": dict(q.shown_when)} for q in conditional]
    node = shutil.which("node")
    assert node
    state = ROOT / "policy_site" / "shipping" / "assets" / "policy-check" / "state.js"
    done = subprocess.run(
        [node, "--input-type=module", "-e", SHOWN % json.dumps(state.as_uri())],
        input=json.dumps({"questions": questions, "answers": combinations}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    pages = json.loads(done.stdout)
    assert len(pages) == len(combinations) > 40
    for given, shown in zip(combinations, pages, strict=True):
        assert shown == [q.shown(given) for q in conditional], given


def test_the_checkers_trimmed_characters_are_exactly_those_javascript_trims() -> None:
    """Every code point JavaScript's trim() removes, and no other, is in TRIMMED (which the
    table is handed in decisions.json): the checker and the page read a value alike."""
    from policy_engine.answers import TRIMMED

    node = shutil.which("node")
    assert node
    script = (
        "const out = []; for (let c = 0; c <= 0x10ffff; c += 1) { if (c >= 0xd800 && c <= 0xdfff)"
        " continue; if (String.fromCodePoint(c).trim() === '') out.push(c); }"
        " process.stdout.write(JSON.stringify(out));"
    )
    done = subprocess.run(
        [node, "-e", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert sorted(json.loads(done.stdout)) == sorted(ord(char) for char in TRIMMED)
