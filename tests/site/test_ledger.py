"""The ledger of every decision (checker/ledger.txt) and `./run review`, which explains changes.

The committed ledger must be complete (every situation, exactly once, in every table), true (the
checker says what it records, for answers from anywhere inside each class, not only the class's
own sample), current (made from today's rules and policy: the test command fails otherwise, as the
strict build does), and canonical (code that decides the same makes the same file).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker import RULEBOOK, default_policies, default_policy, load_policy
from checker.policy import Policy
from policy_engine.advice import note_text, settlement_text
from policy_engine.answers import parse_answers
from policy_engine.policy import COMPARED_WITH
from policy_engine.questions import Asker, Kind
from policy_review import ledger as ledgers
from policy_review import review
from tests.checker.support import contract
from tests.policies import (
    POLICY_FILE,
    edited_policy,
    first_published,
    first_published_ledger,
    first_words,
)

QUESTIONS = RULEBOOK.questions

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "checker" / "ledger.txt"
POLICY = default_policy()
# A fixed "today", far enough ahead for every request date drawn below.
TODAY = date(2030, 1, 1)
LATEST = TODAY - timedelta(days=400)


@functools.cache
def committed_ledger() -> ledgers.Ledger:
    """The committed ledger's table for the version in force today."""
    book = ledgers.parse(COMMITTED.read_text(encoding="utf-8"))
    return book.versions[POLICY.effective.isoformat()]


@pytest.fixture
def committed() -> ledgers.Ledger:
    return committed_ledger()


def test_the_committed_ledger_is_the_one_of_todays_rules_and_policy(tmp_path: Path) -> None:
    made = review.current_text(ROOT / "checker" / "policy.toml")
    assert COMMITTED.read_text(encoding="utf-8") == made, (
        "checker/ledger.txt is out of date: run ./run review, read it, then ./run review --accept"
    )


def test_the_situations_are_every_combination_of_the_answers_classes(
    committed: ledgers.Ledger,
) -> None:
    # Written out from the questions, not from the ledger's own code: each choice and yes/no
    # answer with every option ("Not sure" included, and "not given" for what only support
    # knows), earlier requests below, at and above the repeat limit, and five classes of days.
    choices = [
        len(q.options) + (q.asker is Asker.SUPPORT)
        for q in QUESTIONS
        if q.kind in (Kind.CHOICE, Kind.YES_NO)
    ]
    limit = POLICY.repeat_request_limit
    requests = len({0, *range(1, limit), limit, limit + 1}) if limit > 1 else 3
    expected = math.prod(choices) * requests * 5
    assert committed.situations == expected == 226_800
    text = COMMITTED.read_text(encoding="utf-8")
    assert f"# {expected:,} situations" in text


def test_every_table_covers_every_situation_exactly_once(committed: ledgers.Ledger) -> None:
    dims = committed.dims
    for name, rows in committed.tables.items():
        for first, second in itertools.combinations(rows, 2):
            overlap = all(
                a is None or b is None or set(a) & set(b)
                for a, b in zip(first.when, second.when, strict=True)
            )
            assert not overlap, f"[{name}]: two rows cover the same situations"
        covered = sum(row.size(dims) for row in rows)
        if ledgers.parts(RULEBOOK)[name].only_where_it_applies:
            assert 0 < covered <= committed.situations, name
            assert {row.outcome for row in rows} == {ledgers.APPLIES}, name
        else:
            # Disjoint rows whose sizes add up to the whole space cover it exactly once.
            assert covered == committed.situations, f"[{name}] covers {covered:,}"


def test_every_part_of_the_decision_has_its_table_and_every_clause_and_verdict_occurs(
    committed: ledgers.Ledger,
) -> None:
    assert set(committed.tables) == set(ledgers.parts(RULEBOOK))
    for name in [f"clause {rule.clause_id}" for rule in RULEBOOK.rules] + [
        f"note {note}" for note in RULEBOOK.outcomes.ids.notes
    ]:
        assert committed.tables[name], f"{name} applies nowhere"
    verdicts = {row.outcome.split()[0] for row in committed.tables["verdict"]}
    assert verdicts == {"likely_eligible", "likely_not_eligible", "needs_review"}


@st.composite
def any_answers(draw: st.DrawFn) -> dict[str, Any]:
    """Answers from anywhere in the space: any date, any wait, any count, any option."""
    wait = draw(st.integers(0, 400))
    purchased = draw(st.dates(min_value=POLICY.sales_started, max_value=LATEST))
    answers: dict[str, Any] = {
        "purchase_date": purchased.isoformat(),
        "request_date": (purchased + timedelta(days=wait)).isoformat(),
        "previous_refund_requests": draw(st.integers(0, 60)),
    }
    for question in QUESTIONS:
        if question.kind in (Kind.CHOICE, Kind.YES_NO):
            value: object = draw(st.sampled_from([o.value for o in question.options]))
            if question.kind is Kind.YES_NO and value in ("true", "false"):
                value = value == "true"
            if question.asker is Asker.SUPPORT and draw(st.booleans()):
                continue  # support has not said
            answers[question.field] = value
    return answers


@settings(max_examples=200, deadline=None)
@given(raw=any_answers())
def test_the_checker_says_what_the_ledger_records_anywhere_inside_each_class(
    raw: dict[str, Any],
) -> None:
    parsed = parse_answers(raw, TODAY, policy=POLICY, rulebook=RULEBOOK)
    # The version that judges this purchase, and its part of the committed ledger.
    version = default_policies().in_force(parsed.purchase_date)  # type: ignore[attr-defined]
    rulebook = RULEBOOK.of(version)
    book = ledgers.parse(COMMITTED.read_text(encoding="utf-8"))
    committed = book.versions[version.effective.isoformat()]
    situation = ledgers.classify(committed.dims, parsed, version.rules.dates)
    result = contract(raw, today=TODAY)
    verdict = result["verdict"] + (
        f" missing={','.join(result['missing'])}" if result["missing"] else ""
    )
    assert committed.outcome("verdict", situation) == verdict
    cited = {clause["id"] for clause in result["clauses"]}
    for rule in rulebook.rules:
        recorded = committed.outcome(f"clause {rule.clause_id}", situation) == ledgers.APPLIES
        assert recorded == (rule.clause_id in cited), rule.clause_id
    ids = rulebook.outcomes.ids
    notes_as_warnings = {note_text(rulebook, note, version) for note in ids.warning_notes}
    noted = {
        note
        for note in ids.notes
        if committed.outcome(f"note {note}", situation) == ledgers.APPLIES
    }
    # The notes the policy warns with stand apart (its [versions.warnings] that are notes').
    said = [*result["notes"], *(w for w in result["warnings"] if w in notes_as_warnings)]
    assert sorted(note_text(rulebook, note, version) for note in noted) == sorted(said)
    alternatives = ",".join(item["id"] for item in result["alternatives"]) or "none"
    assert committed.outcome("alternatives", situation) == alternatives
    arrives = committed.outcome("refund-arrives", situation)
    assert result["processing_time"] == settlement_text(arrives, version)


@pytest.fixture
def rule_replaced(request: pytest.FixtureRequest) -> Iterator[None]:
    """Give the rule of a clause another predicate for one test (rules are frozen: forced)."""
    clause_id, predicate = request.param
    # The rule of the version the tests judge by (each version has its own).
    rule = next(rule for rule in POLICY.rules.clauses if rule.clause_id == clause_id)
    original = rule.applies
    object.__setattr__(rule, "applies", predicate)
    yield
    object.__setattr__(rule, "applies", original)


def _credits_first(answers: Any, policy: Any) -> bool:
    # recent-unused as rules.py has it, with its two tests the other way round: reads the
    # credits before the dates, and stops after the credits when they are not low.
    return answers.credits_used in ("none", "minimal") and (
        answers.days_since_purchase <= policy.refund_window_days
    )


def _one_day_shorter(answers: Any, policy: Any) -> bool:
    return answers.days_since_purchase < policy.refund_window_days and answers.credits_used in (
        "none",
        "minimal",
    )


@pytest.mark.parametrize("rule_replaced", [("recent-unused", _credits_first)], indirect=True)
@pytest.mark.usefixtures("rule_replaced")
def test_a_refactor_that_decides_the_same_leaves_the_ledger_byte_for_byte_the_same() -> None:
    made = ledgers.render(RULEBOOK, ledgers.make_book(RULEBOOK, default_policies()))
    # (The committed file also records each archived page's hash: the review's, not the rules'.)
    committed = re.sub(
        r"^page = sha256:\w+\n", "", COMMITTED.read_text(encoding="utf-8"), flags=re.M
    )
    assert made == committed


@pytest.mark.parametrize("rule_replaced", [("recent-unused", _one_day_shorter)], indirect=True)
@pytest.mark.usefixtures("rule_replaced")
def test_a_rule_that_decides_differently_changes_the_ledger_and_the_review_says_where() -> None:
    new = ledgers.make_ledger(RULEBOOK, POLICY)
    text = review.format_report(review.compare(committed_ledger(), new), "checker/ledger.txt")
    assert "clause recent-unused no longer applies" in text
    assert "requests 7 days after purchase" in text


@dataclass(frozen=True)
class _PolicyWithGoodwillDays(Policy):
    """The refund policy with one more threshold, as a new rule would bring it."""

    goodwill_days: int = field(default=3, metadata={COMPARED_WITH: "days_since_purchase"})


@dataclass(frozen=True)
class _PolicyWithAnUndeclaredNumber(Policy):
    goodwill_days: int = 3  # says nothing of the answer it is compared with


def _unusable_within_goodwill_days(answers: Any, policy: Any) -> bool:
    return (
        answers.reason == "unusable_result"
        and answers.first_purchase is True
        and answers.days_since_purchase <= policy.goodwill_days
    )


def _with(policy_class: type[Policy]) -> Policy:
    return policy_class(**{item.name: getattr(POLICY, item.name) for item in fields(POLICY)})


@pytest.mark.parametrize(
    "rule_replaced", [("first-purchase-unusable", _unusable_within_goodwill_days)], indirect=True
)
@pytest.mark.usefixtures("rule_replaced")
def test_a_new_threshold_a_rule_reads_gets_its_own_classes_and_the_ledger_splits_on_it() -> None:
    made = ledgers.make_ledger(RULEBOOK, _with(_PolicyWithGoodwillDays))
    days = made.dims_by_name[ledgers.DAYS].keys()
    # The refund window's classes (7, 8, 9+) and the new value's: its last day, the day after,
    # and the day after that.
    assert days == ["0", "1-2", "3", "4", "5-6", "7", "8", "9+"]
    rows = [
        ledgers._condition(made.dims, row)
        for row in made.tables["clause first-purchase-unusable"]
        if row.outcome == ledgers.APPLIES
    ]
    assert rows == ["reason=unusable_result first_purchase=true days=0-3"]
    assert made.dims_by_name["previous_refund_requests"].keys() == ["0", "1", "2", "3+"]


@pytest.mark.parametrize(
    "rule_replaced", [("first-purchase-unusable", _unusable_within_goodwill_days)], indirect=True
)
@pytest.mark.usefixtures("rule_replaced")
def test_a_number_the_rules_read_without_saying_what_it_is_compared_with_stops_the_ledger() -> None:
    with pytest.raises(ledgers.LedgerError, match="goodwill_days, which does not say which"):
        ledgers.make_ledger(RULEBOOK, _with(_PolicyWithAnUndeclaredNumber))


def run_review(tmp_path: Path, policy: Path, *flags: str, capsys: Any) -> tuple[int, str]:
    status = review.main(
        ["refund", "--policy", str(policy), "--ledger", str(tmp_path / "ledger.txt"), *flags]
    )
    return status, capsys.readouterr().out


def test_review_explains_a_new_refund_window_then_accepts_it(tmp_path: Path, capsys: Any) -> None:
    first = first_published_ledger(COMMITTED.read_text(encoding="utf-8"))
    (tmp_path / "ledger.txt").write_text(first, encoding="utf-8")
    # A window changed in place is refused: the version in force is frozen.
    policy = edited_policy(tmp_path, "refund_window_days = 7", "refund_window_days = 14")
    status, text = run_review(tmp_path, policy, capsys=capsys)
    assert status == review.EXIT_STALE
    assert "This cannot be accepted:" in text and "so it is frozen, and its values changed" in text
    status, text = run_review(tmp_path, policy, "--accept", capsys=capsys)
    assert status == review.EXIT_STALE, "a refused change is not accepted"
    assert (tmp_path / "ledger.txt").read_text(encoding="utf-8") == first
    # The same window as a new version is explained against the version before it.
    policy.write_text(
        first_published(POLICY_FILE.read_text(encoding="utf-8"))
        + '\n[[versions]]\neffective = 2099-01-01\nlast_updated = "January 2099"\n'
        + 'changes = "The refund window is now 14 days."\nrefund_window_days = 14\n',
        encoding="utf-8",
    )
    status, text = run_review(tmp_path, policy, capsys=capsys)
    assert status == review.EXIT_STALE
    assert "== A new version, of 1 January 2099, compared with the version of" in text
    assert "refund_window_days: 7 → 14" in text
    assert "Every change below is in requests 8–14 days after purchase." in text
    assert "go from likely_not_eligible to likely_eligible, now citing recent-unused" in text
    assert "clause late-request no longer applies" in text
    assert "was “The request is made more than 7 days after purchase”" in text
    last = text.strip().splitlines()
    assert any(line.startswith("In all: ") and "get another verdict" in line for line in last)
    assert re.search(r"\./run review( refund)? --accept", last[-1]), last[-1]

    status, text = run_review(tmp_path, policy, "--accept", capsys=capsys)
    assert status == 0
    assert (tmp_path / "ledger.txt").read_text(encoding="utf-8") == review.current_text(
        review.site_policy("refund", policy)
    )
    status, text = run_review(tmp_path, policy, capsys=capsys)
    assert status == 0 and "is up to date" in text


def test_review_shows_a_reworded_clause_even_when_no_verdict_moves(tmp_path: Path) -> None:
    policy = edited_policy(
        tmp_path, first_words("substantial-use"), "A large share of credits has been used"
    )
    # The ledger records each clause's words (its [policy] lines come from the policy file)...
    reworded = "clause substantial-use = A large share of credits has been used"
    assert reworded in ledgers.policy_lines(load_policy(policy))
    # ...so a ledger with only that line changed is a change the review shows.
    old = COMMITTED.read_text(encoding="utf-8")
    line = next(line for line in old.splitlines() if line.startswith("clause substantial-use = "))
    key = POLICY.effective.isoformat()
    report = review.compare(
        ledgers.parse(old).versions[key], ledgers.parse(old.replace(line, reworded)).versions[key]
    )
    assert report.changed and report.changes == []
    text = review.format_report(report, "checker/ledger.txt")
    assert "clause substantial-use is reworded" in text
    assert "now “A large share of credits has been used”" in text
    assert "0 situations get another verdict" in text


def test_review_without_a_ledger_or_with_a_broken_one_says_how_to_make_it(
    tmp_path: Path, capsys: Any
) -> None:
    policy = edited_policy(tmp_path, "support@", "support@")
    status, text = run_review(tmp_path, policy, capsys=capsys)
    assert status == review.EXIT_STALE and "There is no ledger" in text
    (tmp_path / "ledger.txt").write_text("format refund-ledger/1\n[verdict]\nnonsense\n")
    status, text = run_review(tmp_path, policy, capsys=capsys)
    assert status == review.EXIT_STALE and "cannot be read" in text and "--accept" in text


def test_the_answers_that_can_change_a_verdict_are_the_ones_the_cli_says(
    committed: ledgers.Ledger,
) -> None:
    # refund-check --help tells staff which defaults can change a verdict (Question
    # .changes_verdict); the ledger's verdict and clause tables say which answers do.
    named = {
        committed.dims[d].name
        for name, rows in committed.tables.items()
        if name == "verdict" or name.startswith("clause ")
        for row in rows
        for d, allowed in enumerate(row.when)
        if allowed is not None
    }
    named = (named - {ledgers.DAYS}) | {"purchase_date", "request_date"}
    assert named == {q.field for q in QUESTIONS if q.changes_verdict}
