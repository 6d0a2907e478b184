"""A policy's outcomes and how its clauses decide among them are its file's data ([outcomes.<id>],
[effects], [[decide]], if_unsure): the engine keeps no outcome of its own. Shown with the tests'
own print guarantee (tests/fixtures/policies/print-guarantee, a policy that is data: reprint,
refund, not covered, support decides), whose answers no refund policy has; every mistake in that
data is named at its line."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from checker import RULEBOOK as REFUND
from policy_engine.folder import policy_module
from policy_engine.policy import PolicyError, read_policies
from policy_review import ledger as ledgers
from tests.fixtures import PRINT_GUARANTEE_FOLDER
from tests.policies import POLICY_FILE, first_published

print_guarantee = policy_module(PRINT_GUARANTEE_FOLDER)
RULEBOOK = print_guarantee.RULEBOOK
Policy = RULEBOOK.policy
FIXTURE_FILE = RULEBOOK.policy_file
DAY = date(2026, 5, 3)
ORDERED = {"order_date": "2026-05-01", "delivery_date": "2026-05-02"}


def judged(policies: object = None, **answers: object) -> tuple[str, str, list[str], list[str]]:
    """The verdict, its role, the clauses that apply and the answers missing, for a print ordered
    on 1 May 2026, delivered the next day and asked about the day after."""
    given = {**ORDERED, "request_date": DAY.isoformat(), **answers}
    result = print_guarantee.check(given, today=DAY, policy=policies)  # type: ignore[arg-type]
    return result.verdict, result.role, [c.id for c in result.clauses], list(result.missing)


def test_the_print_guarantee_gives_its_own_four_answers() -> None:
    assert judged(defect="warped", photos=True) == ("reprint", "positive", ["damaged-print"], [])
    assert judged(defect="wrong_model", photos=False) == ("refund", "positive", ["wrong-model"], [])
    assert judged(defect="cosmetic", photos=True) == ("not_covered", "negative", ["cosmetic"], [])
    assert judged(defect="broken", photos=False) == ("support_decides", "review", ["no-photos"], [])
    # Each in its file's words, for the customer, support and the clauses' effects.
    result = print_guarantee.check({**ORDERED, "defect": "warped", "photos": True}, today=DAY)
    assert result.title == "We will likely reprint your order"
    assert result.label == "Reprint"
    assert result.staff_summary.startswith("The guarantee usually gives a free reprint")
    assert [c.effect_text for c in result.clauses] == ["Calls for a reprint"]
    contract = result.to_json()
    assert (contract["verdict"], contract["role"]) == ("reprint", "positive")
    assert contract["clauses"][0]["role"] == "positive"  # type: ignore[index]


def test_the_first_line_of_decide_that_holds_wins() -> None:
    # A reprint and something not covered both apply: "not covered" is listed first.
    assert judged(defect="warped", photos=True, used=True)[:3] == (
        "not_covered",
        "negative",
        ["damaged-print", "used"],
    )
    # More than the guarantee's 30 days after delivery, the same print is not covered either.
    late = print_guarantee.check(
        {"order_date": "2026-03-01", "delivery_date": "2026-04-02", "defect": "warped"}
        | {"photos": True},
        today=DAY,
    )
    assert (late.verdict, [c.id for c in late.clauses]) == (
        "not_covered",
        ["damaged-print", "late"],
    )


def test_moving_a_line_of_decide_moves_the_answer(tmp_path: Path) -> None:
    text = FIXTURE_FILE.read_text("utf-8")
    refund_first = (
        '[[decide]]\noutcome = "refund"\nif = { refund = "some" }\n\n'
        + text.split("# Something for us to look at first")[1].split("\n", 1)[1]
    )
    edited = tmp_path / "policy.toml"
    edited.write_text(text.split("# Something for us")[0] + refund_first, "utf-8")
    policies = read_policies(edited, policy_class=Policy)
    # The wrong model, used: now a refund, as the first line that holds says.
    assert judged(policies, defect="wrong_model", photos=True, used=True)[0] == "refund"
    assert judged(None, defect="wrong_model", photos=True, used=True)[0] == "not_covered"


def test_an_unsure_answer_that_could_change_it_gives_the_answer_marked_if_unsure(
    tmp_path: Path,
) -> None:
    assert judged(defect="warped", photos="unsure") == ("support_decides", "review", [], ["photos"])
    # Unsure, but every possible answer gives the same: that answer, nothing missing.
    assert judged(defect="cosmetic", photos="unsure") == (
        "not_covered",
        "negative",
        ["cosmetic"],
        [],
    )
    # Marked on another answer, the file decides that too.
    text = FIXTURE_FILE.read_text("utf-8").replace("if_unsure = true\n", "")
    text = text.replace('role = "negative"\n', 'role = "negative"\nif_unsure = true\n')
    edited = tmp_path / "policy.toml"
    edited.write_text(text, "utf-8")
    policies = read_policies(edited, policy_class=Policy)
    assert judged(policies, defect="warped", photos="unsure")[0] == "not_covered"


def test_the_ledger_records_the_guarantees_own_answers_and_effects() -> None:
    made = ledgers.render(RULEBOOK, ledgers.make_book(RULEBOOK, RULEBOOK.policies))
    assert made == RULEBOOK.ledger_file.read_text("utf-8"), (
        "the fixture's ledger is out of date: remake it with .venv/bin/python -m tests.fixtures"
    )
    verdicts = made.split("[verdict]")[1].split("\n\n")[0]
    for outcome in ("reprint", "refund", "not_covered", "support_decides missing=photos"):
        assert f"=>  {outcome}\n" in verdicts + "\n", outcome
    assert "likely_eligible" not in made and "needs_review" not in made
    # A clause's part says what it does in the file's words ([effects]).
    assert "[clause damaged-print]\n# Where it applies. It calls for a reprint.\n" in made


def test_a_file_of_the_older_form_decides_as_it_always_did(tmp_path: Path) -> None:
    """The refund policy's file as git published it before outcomes were data ([verdicts.*], the
    rule in the engine) reads as the same policy: the frozen checks read such files."""
    now = first_published(POLICY_FILE.read_text("utf-8"))
    start = now.index("[outcomes.")
    end = now.index("[effects]")
    older = now[:start] + re.sub(
        r'^(role = "\w+"|if_unsure = true)\n', "", now[start:end], flags=re.M
    ).replace("[outcomes.", "[verdicts.")
    rest = now[end:]
    older += re.sub(r"(#[^\n]*\n)*\[\[decide\]\]\n[^\[]*", "", rest.split("\n[[versions]]")[0])
    older += "\n[[versions]]" + rest.split("\n[[versions]]", 1)[1]
    assert "[[decide]]" not in older and "[outcomes." not in older and "[verdicts." in older
    (tmp_path / "now.toml").write_text(now, "utf-8")
    (tmp_path / "older.toml").write_text(older, "utf-8")
    books = [
        ledgers.render(
            REFUND,
            ledgers.make_book(REFUND, read_policies(tmp_path / name, policy_class=REFUND.policy)),
        )
        for name in ("now.toml", "older.toml")
    ]
    assert books[0] == books[1]


def line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


# Each mistake an editor may make in the outcomes, the effects or the decision rule: the edit
# (old, new), where the message must point (the line holding ``at`` in the edited file) and what
# it must say.
MISTAKES = [
    pytest.param(
        'role = "positive"\n',
        'role = "green"\n',
        'role = "green"',
        "'green' is not a role. Write role = one of: \"positive\"",
        id="unknown role",
    ),
    pytest.param(
        'label = "Refund"\n',
        "",
        "[outcomes.refund]",
        '[outcomes.refund] needs label = "the answer in a few words, for tables"',
        id="missing words",
    ),
    pytest.param(
        'outcome = "reprint"\nif',
        'outcome = "reprnt"\nif',
        'outcome = "reprnt"',
        "reprnt is not one of the self-check's answers. Did you mean reprint?",
        id="a decide line names an undeclared outcome",
    ),
    pytest.param(
        'if = { refund = "some" }',
        'if = { refunded = "some" }',
        'if = { refunded = "some" }',
        "refunded is not an effect. Did you mean refund?",
        id="a decide line names an undeclared effect",
    ),
    pytest.param(
        'if = { refund = "some" }',
        'if = { refund = "any" }',
        'if = { refund = "any" }',
        "refund = 'any': write \"some\"",
        id="a decide line asks neither some nor none",
    ),
    pytest.param(
        '[[decide]]\noutcome = "support_decides"\n\n# The table',
        "# The table",
        '[[decide]]\noutcome = "reprint"\nif',
        "the last [[decide]] line must have no if",
        id="no fallback line",
    ),
    pytest.param(
        "# Something for us to look at first",
        '[[decide]]\noutcome = "refund"\n\n# Something',
        '[[decide]]\noutcome = "support_decides"\nif',
        "this [[decide]] line is never read",
        id="a line after the fallback",
    ),
    pytest.param(
        'effect = "refund"\n',
        'effect = "refnd"\n',
        'effect = "refnd"',
        "'refnd' is not an effect of [effects]; a clause's effect is one of: \"reprint\"",
        id="a clause's effect is not declared",
    ),
    pytest.param(
        "if_unsure = true\n",
        "",
        "[outcomes.reprint]",
        "write if_unsure = true under it",
        id="no answer for unsure",
    ),
    pytest.param(
        'role = "negative"\n',
        'role = "negative"\nif_unsure = "yes"\n',
        'if_unsure = "yes"',
        "if_unsure is true (without quotes)",
        id="if_unsure not true",
    ),
    pytest.param(
        "[effects]",
        '[outcomes.store_credit]\ntitle = "t"\nlabel = "l"\nsummary = "s"\nstaff = "s"\n'
        'role = "neutral"\n\n[effects]',
        "[outcomes.store_credit]",
        "the answer store_credit is never given",
        id="an answer no line gives",
    ),
    pytest.param(
        "[effects]\n",
        "[effects]\nrefund_ = true\n",
        "refund_ = true",
        '[effects] needs refund_ = "its words"',
        id="effect words not text",
    ),
    pytest.param(
        'rows = "defect"',
        'rows = "defects"',
        'rows = "defects"',
        "rows = 'defects' is not a question with options of this policy; name one of: defect",
        id="the summary names a question the policy does not ask",
    ),
    pytest.param(
        'window = "window_days"',
        'window = "guarantee"',
        'window = "guarantee"',
        "window = 'guarantee' is not a value of this policy",
        id="the summary's window is not a value",
    ),
    pytest.param(
        'split_words = { true = "used", false = "not used" }\n',
        "",
        'split_by = "used"',
        "a row split by a yes/no answer needs its words",
        id="a split without its words",
    ),
]


@pytest.mark.parametrize(("old", "new", "at", "said"), MISTAKES)
def test_a_mistake_in_the_outcomes_or_the_rule_is_named_at_its_line(
    tmp_path: Path, old: str, new: str, at: str, said: str
) -> None:
    text = FIXTURE_FILE.read_text("utf-8")
    assert old in text
    edited = text.replace(old, new, 1)
    path = tmp_path / "policy.toml"
    path.write_text(edited, "utf-8")
    with pytest.raises(PolicyError) as raised:
        read_policies(path, policy_class=Policy)
    found = [problem for problem in raised.value.problems if said in problem]
    assert found, raised.value.problems
    assert found[0].startswith(f"{path}:{line_of(edited, at)}: "), (found[0], line_of(edited, at))
