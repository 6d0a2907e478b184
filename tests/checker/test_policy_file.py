"""The policy's numbers live in policy.toml: changing them moves the rules; a bad file is named."""

# The bad-value table keeps one case per line; the long lines are deliberate.
# ruff: noqa: E501

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from checker import PolicyError, default_policy, load_policy, read_policies
from checker.policy import DEFAULT_POLICY_FILE
from policy_engine import policy as policy_module
from tests.checker.support import answers, clause_ids, contract
from tests.policies import first_published

SHIPPED = first_published(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))


def edited_policy(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the shipped policy.toml with one piece of text replaced."""
    assert old in SHIPPED, f"policy.toml no longer contains {old!r}"
    path = tmp_path / "policy.toml"
    path.write_text(SHIPPED.replace(old, new, 1), encoding="utf-8")
    return path


def set_value(tmp_path: Path, name: str, value: str) -> Path:
    match = re.search(rf"^{name} = .*$", SHIPPED, flags=re.MULTILINE)
    assert match, f"policy.toml has no line for {name}"
    return edited_policy(tmp_path, match.group(0), f"{name} = {value}")


# (policy value, wrong value, words the message must contain)
# fmt: off
WRONG_VALUES = [
    pytest.param("refund_window_days", "0", "refund_window_days must be a whole number of days from 1 to 365; it is 0. Write it like refund_window_days = 7", id="zero window"),
    pytest.param("refund_window_days", "400", "refund_window_days must be a whole number of days from 1 to 365; it is 400", id="window of 400 days"),
    pytest.param("refund_window_days", "-7", "from 1 to 365; it is -7", id="negative window"),
    pytest.param("refund_window_days", '"seven"', 'refund_window_days must be a whole number of days, written without quotes; it is "seven"', id="window as text"),
    pytest.param("refund_window_days", "7.5", "whole number of days, written without quotes; it is 7.5", id="fractional window"),
    pytest.param("refund_window_days", "true", "whole number of days, written without quotes; it is true", id="window as boolean"),
    pytest.param("repeat_request_limit", "0", "repeat_request_limit must be a whole number of requests from 1 to 100", id="zero limit"),
    pytest.param("creem_settlement_days_min", "11", "creem_settlement_days_min (11) is more than creem_settlement_days_max (10); the smaller number of days comes first", id="min above max"),
    pytest.param("support_email", '"support at imgtostl"', 'support_email must be one email address; it is "support at imgtostl"', id="not an email"),
    pytest.param("support_email", '"a@b.com, c@d.com"', "support_email must be one email address", id="two emails"),
    pytest.param("last_updated", '""', 'last_updated must be text in double quotes; it is empty. Write it like last_updated = "May 2026"', id="empty date"),
    pytest.param("effective", '"2026-05-01"', "effective must be a date written as year-month-day without quotes", id="date in quotes"),
    pytest.param("sales_started", "2024-01-01T09:00:00", "sales_started must be a date", id="date with a time"),
    pytest.param("last_updated", '"May 2026<meta http-equiv=refresh content=0;url=https://evil.example/>"', "last_updated holds “<” or “>”, which the pages would read as HTML; policy.toml holds plain text only.", id="markup in last updated"),
    pytest.param("changes", '"Longer <b onclick=x()>window</b>"', "changes holds “<” or “>”, which the pages would read as HTML", id="markup in a note"),
]
# fmt: on

# A TOML mistake of each kind tomllib reports, and the words the editor reads for it.
# (what is replaced, by what, the line the message must name, words)
# fmt: off
SYNTAX_ERRORS = [
    pytest.param('last_updated = "May 2026"', 'last_updated = "May 2026', "last_updated", 'a text in quotes is not closed; end the text with a double quote (") on the same line', id="unclosed quote"),
    pytest.param('changes = "The first', 'changes = """The first', "changes", "a text in quotes is not closed", id="unclosed multi-line text"),
    pytest.param("refund_window_days = 7", "refund_window_days = 7\nrefund_window_days = 8", "refund_window_days = 8", "refund_window_days is given twice in the same place (first at line", id="key twice"),
    pytest.param("[versions.clauses.failed-job]", "[versions.clauses.failed-job]\n[versions.clauses.failed-job]", "[versions.clauses.failed-job]\n[versions.clauses.failed-job]", "the heading [versions.clauses.failed-job] is given twice", id="heading twice"),
    pytest.param("refund_window_days = 7", "refund_window_days 7", "refund_window_days 7", "this line is neither name = value, a [heading] nor a # comment", id="no equals sign"),
    pytest.param("refund_window_days = 7", "refund_window_days = 7 days", "refund_window_days = 7 days", "this line goes on after its value", id="words after a value"),
    pytest.param("refund_window_days = 7", "refund_window_days = 7\x07", "refund_window_days = 7", "this line goes on after its value", id="invisible character"),
    pytest.param('last_updated = "May 2026"', "last_updated = May 2026", "last_updated", 'the value after = is not one TOML understands; put text in double quotes ("May 2026")', id="text without quotes"),
    pytest.param("effective = 2026-05-01", "effective = 2026-02-30", "effective", "this date does not exist; write a real date as year-month-day", id="no such date"),
    pytest.param("[versions.clauses.failed-job]", "[versions.clauses.failed-job", "[versions.clauses.failed-job", "a heading is not closed; end it with ]", id="unclosed heading"),
    pytest.param("[[versions]]\n", "[[versions]\n", "[[versions]", "a heading is not closed; end it with ]]", id="unclosed array heading"),
    pytest.param('last_updated = "May 2026"', 'last_updated = "May\\ 2026"', "last_updated", "a backslash (\\) in quoted text starts a special character", id="backslash"),
    pytest.param('last_updated = "May 2026"', 'last_updated = "May \\uZZZZ"', "last_updated", "a backslash (\\) in quoted text starts a special character", id="bad escape"),
    pytest.param("refund_window_days = 7", "typo_fixes = [\"one\"", "typo_fixes", "a list in [ ] is not closed", id="unclosed list"),
    pytest.param("refund_window_days = 7", "refund_window_days = 7\n@late = 1", "@late", "this line is neither name = value, a [heading] nor a # comment; fix it", id="not a statement"),
    pytest.param("refund_window_days = 7", "refund.@window = 7", "refund.@window", "a name on this line starts with a character names cannot have", id="bad name"),
    pytest.param('last_updated = "May 2026"', 'last_updated = "May \\ud800"', "last_updated", "a backslash (\\) in quoted text starts a special character", id="not a character"),
    pytest.param('last_updated = "May 2026"', 'last_updated = "May\x01 2026"', "last_updated", "a character TOML does not allow here", id="control character"),
    pytest.param("refund_window_days = 7", "refund_window_days = { days = 7", "refund_window_days", "a { } group is not closed", id="unclosed group"),
    pytest.param("refund_window_days = 7", "refund_window_days = { a = 1, a = 2 }", "refund_window_days", "a is given twice in the same place", id="key twice in a group"),
]
# fmt: on


def line_of(path: Path, text: str) -> int:
    """The line of the file that starts with ``text``; for text of several lines, the line of
    its last one."""
    content = path.read_text(encoding="utf-8")
    at = content.index(text) if "\n" in text.strip("\n") else None
    if at is not None:
        return content.count("\n", 0, at) + text.strip("\n").count("\n") + 1
    lines = content.splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(text))


def test_the_shipped_policy_file_loads_as_the_default_policy() -> None:
    assert load_policy() == default_policy()


def test_a_14_day_window_keeps_day_14_inside(tmp_path: Path) -> None:
    policy = load_policy(set_value(tmp_path, "refund_window_days", "14"))
    result = contract(answers(day=14, reason="unused"), policy=policy)
    assert (result["verdict"], clause_ids(result)) == ("likely_eligible", ["recent-unused"])
    # Day 8 is no longer late with a 14-day window.
    assert contract(answers(day=8), policy=policy)["verdict"] == "likely_eligible"


def test_a_14_day_window_makes_day_15_late(tmp_path: Path) -> None:
    policy = load_policy(set_value(tmp_path, "refund_window_days", "14"))
    result = contract(answers(day=15, reason="unused"), policy=policy)
    assert (result["verdict"], clause_ids(result)) == ("likely_not_eligible", ["late-request"])
    assert result["clauses"][0]["text"] == "The request is made more than 14 days after purchase"
    assert any("within 14 days" in note for note in result["notes"])


def test_a_higher_repeat_limit_lets_two_earlier_requests_pass(tmp_path: Path) -> None:
    policy = load_policy(set_value(tmp_path, "repeat_request_limit", "3"))
    given = answers(credits_used="minimal")
    assert clause_ids(contract({**given, "previous_refund_requests": 2}, policy=policy)) == [
        "recent-unused"
    ]
    assert "repeat-requests" in clause_ids(
        contract({**given, "previous_refund_requests": 3}, policy=policy)
    )


def test_creem_settlement_days_come_from_the_file(tmp_path: Path) -> None:
    path = set_value(tmp_path, "creem_settlement_days_max", "12")
    result = contract(answers(payment_provider="creem"), policy=load_policy(path))
    assert "5–12 days" in result["processing_time"]


def test_support_email_and_date_come_from_the_file(tmp_path: Path) -> None:
    path = set_value(tmp_path, "support_email", '"refunds@example.org"')
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'last_updated = "May 2026"', 'last_updated = "June 2026"'
        ),
        encoding="utf-8",
    )
    result = contract(answers(), policy=load_policy(path))
    assert result["email"]["to"] == "refunds@example.org"
    assert result["email"]["mailto"].startswith("mailto:refunds@example.org?")
    assert (
        "It followed the refund policy of 1 May 2026 (last updated June 2026)."
        in (result["email"]["body"])
    )
    assert result["policy"]["last_updated"] == "June 2026"


@pytest.mark.parametrize(("name", "value", "words"), WRONG_VALUES)
def test_a_wrong_value_in_the_policy_file_is_named_with_its_line_and_the_fix(
    tmp_path: Path, name: str, value: str, words: str
) -> None:
    path = set_value(tmp_path, name, value)
    with pytest.raises(PolicyError) as raised:
        read_policies(path)
    line = line_of(path, f"{name} = ")
    assert raised.value.problems == [f"{path}:{line}: {words}"] or any(
        problem.startswith(f"{path}:{line}: ") and words in problem
        for problem in raised.value.problems
    ), raised.value.problems


@pytest.mark.parametrize(("old", "new", "at", "words"), SYNTAX_ERRORS)
def test_a_toml_mistake_is_named_with_its_line_in_the_editors_words(
    tmp_path: Path, old: str, new: str, at: str, words: str
) -> None:
    path = edited_policy(tmp_path, old, new)
    with pytest.raises(PolicyError) as raised:
        read_policies(path)
    assert len(raised.value.problems) == 1, raised.value.problems
    problem = raised.value.problems[0]
    assert problem.startswith(f"{path}:{line_of(path, at)}: "), problem
    assert words in problem, problem
    assert "not valid TOML" not in problem and "(at line" not in problem


def _error_fields(error: tomllib.TOMLDecodeError, doc: str) -> tuple[str, int, int, int]:
    """What the running Python's error says: its message, position, line and column."""
    if hasattr(error, "msg"):  # Python 3.14
        return error.msg, error.pos, error.lineno, error.colno
    found = re.fullmatch(
        r"(?s)(.*) \(at (?:line (\d+), column (\d+)|end of document)\)", str(error)
    )
    assert found, str(error)
    message, line, column = found.groups()
    if line is None:
        return message, len(doc), doc.count("\n") + 1, len(doc) - doc.rfind("\n")
    starts = [0] + [n + 1 for n, char in enumerate(doc) if char == "\n"]
    return message, starts[int(line) - 1] + int(column) - 1, int(line), int(column)


def _as_python_3_14_raises(
    message: str, doc: str, pos: int, line: int, column: int
) -> tomllib.TOMLDecodeError:
    # Its fields, under words that no reading of the message could use.
    error = tomllib.TOMLDecodeError.__new__(tomllib.TOMLDecodeError)
    Exception.__init__(error, "Ungültiges TOML")
    error.msg, error.doc, error.pos, error.lineno, error.colno = message, doc, pos, line, column  # type: ignore[attr-defined]
    return error


def _as_python_3_12_raises(
    message: str, doc: str, pos: int, line: int, column: int
) -> tomllib.TOMLDecodeError:
    # Only the message, with where it is in words.
    at = "end of document" if pos >= len(doc) else f"line {line}, column {column}"
    return tomllib.TOMLDecodeError(f"{message} (at {at})")


@pytest.mark.parametrize("raised_by", [_as_python_3_14_raises, _as_python_3_12_raises])
@pytest.mark.parametrize(("old", "new", "at", "words"), SYNTAX_ERRORS)
def test_toml_mistakes_read_the_same_from_the_errors_fields_and_from_its_message(
    tmp_path: Path, old: str, new: str, at: str, words: str, raised_by: Any
) -> None:
    path = edited_policy(tmp_path, old, new)
    text = path.read_text(encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError) as raised:
        tomllib.loads(text)
    message, pos, line, column = _error_fields(raised.value, text)
    problem = policy_module.toml_problem(
        raised_by(message, text, pos, line, column), text, "policy.toml"
    )
    assert problem.startswith(f"policy.toml:{line_of(path, at)}: "), problem
    assert words in problem, problem


def test_every_kind_of_error_tomllib_can_raise_has_the_editors_words() -> None:
    # The messages of the running Python's own TOML parser, read from its source: a new kind in a
    # new Python must get words here, not fall through to the generic "not valid TOML".
    source = Path(tomllib.__file__).with_name("_parser.py").read_text(encoding="utf-8")
    kinds = {
        kind.replace("\\\\", "\\")
        for kind in re.findall(r'suffixed_err\(\s*src,\s*\w+,\s*f?"([^"{]+)', source)
    }
    assert len(kinds) >= 15, kinds
    known = [start for start, _, _ in policy_module._TOML_MESSAGES] + list(policy_module._TWICE)
    known.append("Duplicate inline table key")
    missing = sorted(
        kind for kind in kinds if not any(kind.startswith(k) or k.startswith(kind) for k in known)
    )
    # Two are generic by nature: the character is in the message itself.
    assert set(missing) <= {"Expected ", "Found invalid character "}, missing


def test_a_missing_value_says_which_version_and_what_line_to_add(tmp_path: Path) -> None:
    path = edited_policy(tmp_path, 'last_updated = "May 2026"\n', "")
    with pytest.raises(PolicyError) as raised:
        read_policies(path)
    assert raised.value.problems == [
        f"{path}:{line_of(path, '[[versions]]')}: last_updated is missing in the version of "
        '2026-05-01; add a line last_updated = "May 2026"'
    ]


def test_a_missing_policy_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"cannot be read \(there is no such file\)"):
        load_policy(tmp_path / "nowhere.toml")


def test_a_misspelt_value_in_the_policy_file_is_named_with_what_was_meant(tmp_path: Path) -> None:
    path = edited_policy(tmp_path, "refund_window_days = 7", "refund_window_dasy = 7")
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    line = line_of(path, "refund_window_dasy")
    assert (
        f"{path}:{line}: refund_window_dasy is not a value of the policy file; did you mean "
        "refund_window_days?"
    ) in raised.value.problems
    assert any("refund_window_days is missing" in p for p in raised.value.problems)


def test_a_value_of_a_version_written_above_the_versions_is_moved(tmp_path: Path) -> None:
    path = edited_policy(tmp_path, "\n[[versions]]\n", "\nrefund_window_days = 3\n[[versions]]\n")
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    assert raised.value.problems == [
        f"{path}:{line_of(path, 'refund_window_days = 3')}: refund_window_days belongs to a "
        "version of the policy; move this line under the [[versions]] heading whose values it is"
    ]


def test_an_unknown_placeholder_in_a_clause_is_named(tmp_path: Path) -> None:
    path = edited_policy(
        tmp_path, "more than {{ refund_window_days }} days", "more than {{ refund_days }} days"
    )
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    (problem,) = raised.value.problems
    assert problem.startswith(
        f"{path}:{line_of(path, 'text = "The request is made more than')}: in clause late-request"
    )
    assert (
        "{{ refund_days }} is not a policy value. Did you mean {{ refund_window_days }}?" in problem
    )


def test_a_policy_file_without_a_clause_is_named(tmp_path: Path) -> None:
    line = 'text = "A duplicate or accidental duplicate payment occurred"'
    path = edited_policy(tmp_path, line + "\n", "")
    with pytest.raises(PolicyError, match=r"the clause duplicate-payment has no text; add a line"):
        load_policy(path)


def test_a_policy_file_with_an_unknown_clause_is_named(tmp_path: Path) -> None:
    path = edited_policy(
        tmp_path,
        "[versions.clauses.duplicate-payment]\n",
        '[versions.clauses]\nlate-payment = "Paid late"\n\n[versions.clauses.duplicate-payment]\n',
    )
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    (problem,) = raised.value.problems
    assert problem.startswith(
        f"{path}:{line_of(path, 'late-payment')}: late-payment is not a clause"
    )
    assert "A new clause needs a section [versions.clauses.late-payment] with effect" in problem
