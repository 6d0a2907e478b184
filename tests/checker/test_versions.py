"""Each purchase is judged by the version of the policy in force on the day it was made.

The shipped policy.toml has one version (1 May 2026, a 7-day window). These tests add the
versions an editor would: a 14-day window from 1 September 2026, then a repeat limit of 3 and a
reworded clause from 1 October 2026, each giving only what it changes (in the past: the checker
refuses dates after today).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker import PolicyError, check, check_query, read_policies
from checker.__main__ import main
from checker.policy import DEFAULT_POLICY_FILE
from tests.policies import first_published

SHIPPED = first_published(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
LONGER_WINDOW = """
[[versions]]
effective = 2026-09-01
last_updated = "September 2026"
changes = "The refund window is now 14 days instead of 7."
refund_window_days = 14
"""
REWORDED = """
[[versions]]
effective = 2026-10-01
last_updated = "October 2026"
changes = "Three earlier requests now count as repeated, and one clause is clearer."
repeat_request_limit = 3

[versions.clauses]
change-of-mind = "The only reason is a change of mind after using the service"
"""


def policy_file(tmp_path: Path, *versions: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(SHIPPED + "".join(versions), encoding="utf-8")
    return path


def ask(policy: Path, bought: str, asked: str, **answers: str) -> dict:
    given = {
        "purchase_date": bought,
        "request_date": asked,
        "purchase_type": "credit_pack",
        "reason": "unused",
        "credits_used": "none",
        **answers,
    }
    return check(given, today=None, policy=read_policies(policy)).to_json()


def test_a_later_version_inherits_what_it_does_not_change(tmp_path: Path) -> None:
    first, second, third = read_policies(policy_file(tmp_path, LONGER_WINDOW, REWORDED)).versions
    assert (first.refund_window_days, second.refund_window_days, third.refund_window_days) == (
        7,
        14,
        14,
    )
    assert (first.repeat_request_limit, second.repeat_request_limit) == (2, 2)
    assert third.repeat_request_limit == 3
    # Words with placeholders are filled with each version's own values.
    assert first.clause_texts["late-request"].endswith("more than 7 days after purchase")
    assert second.clause_texts["late-request"].endswith("more than 14 days after purchase")
    assert third.clause_texts["change-of-mind"].startswith("The only reason")
    assert second.clause_texts["change-of-mind"].startswith("The issue is based only")
    assert [v.last_updated for v in (first, second, third)] == [
        "May 2026",
        "September 2026",
        "October 2026",
    ]


@pytest.mark.parametrize(
    ("bought", "asked", "effective", "verdict", "newer"),
    [
        # Bought and asked under the 7-day version: day 5 is inside its window.
        ("2026-08-25", "2026-08-30", "2026-05-01", "likely_eligible", None),
        # Bought under 7 days, asked on day 10 under 14 days: judged by 7, told what 14 says.
        ("2026-08-25", "2026-09-04", "2026-05-01", "likely_not_eligible", "likely_eligible"),
        # Bought and asked under 14 days: day 10 is inside.
        ("2026-09-02", "2026-09-12", "2026-09-01", "likely_eligible", None),
        # Bought the day before the change, asked the day after: both versions agree, no note.
        ("2026-08-30", "2026-09-01", "2026-05-01", "likely_eligible", None),
        # Bought on the day the new version took effect: it applies.
        ("2026-09-01", "2026-09-10", "2026-09-01", "likely_eligible", None),
    ],
)
def test_a_purchase_is_judged_by_the_version_in_force_when_it_was_made(
    tmp_path: Path, bought: str, asked: str, effective: str, verdict: str, newer: str | None
) -> None:
    result = ask(policy_file(tmp_path, LONGER_WINDOW), bought, asked)
    assert result["verdict"] == verdict
    assert result["policy"]["effective"] == effective
    assert result["policy"]["last_updated"] == (
        "May 2026" if effective == "2026-05-01" else "September 2026"
    )
    if newer is None:
        assert result["policy"]["newer"] is None
        assert "Under the policy in force since" not in result["copy_text"]
    else:
        assert result["policy"]["newer"]["verdict"] == newer
        assert result["policy"]["newer"]["text"] == (
            "Under the policy in force since 1 September 2026, the answer would be “You are "
            "likely eligible for a refund”. Support decides which version applies."
        )
        assert result["policy"]["newer"]["text"] in result["copy_text"]
        assert (
            "Under the policy in force since 1 September 2026, it would say: "
            "You are likely eligible for a refund."
        ) in result["email"]["body"]


def test_the_result_names_the_version_it_followed(tmp_path: Path) -> None:
    result = ask(policy_file(tmp_path, LONGER_WINDOW), "2026-09-02", "2026-09-03")
    assert result["policy"]["applied"] == (
        "This answer follows the policy as it was when you bought: the version of 1 September 2026."
    )
    assert (
        "It followed the refund policy of 1 September 2026 (last updated September 2026)."
        in (result["email"]["body"])
    )
    assert result["policy"]["applied"] in result["copy_text"]


def test_a_purchase_before_the_first_version_is_judged_by_it_and_told_so(tmp_path: Path) -> None:
    result = ask(policy_file(tmp_path, LONGER_WINDOW), "2026-04-28", "2026-04-30")
    assert result["policy"]["effective"] == "2026-05-01"
    assert result["policy"]["before_first_version"] is True
    assert result["policy"]["applied"] == (
        "You bought before this policy was first published, on 1 May 2026, so this answer "
        "follows that first version."
    )
    assert result["verdict"] == "likely_eligible"  # day 2 of the first version's 7 days


def test_the_third_version_applies_its_own_limit_and_words(tmp_path: Path) -> None:
    policy = policy_file(tmp_path, LONGER_WINDOW, REWORDED)
    two_before = {"credits_used": "minimal", "previous_refund_requests": 2}
    # Under the second version (limit 2), two earlier requests are repeated; under the third (3)
    # they are not.
    second = ask(policy, "2026-09-20", "2026-09-22", **two_before)
    third = ask(policy, "2026-10-02", "2026-10-04", **two_before)
    assert "repeat-requests" in [clause["id"] for clause in second["clauses"]]
    assert "repeat-requests" not in [clause["id"] for clause in third["clauses"]]
    mind = ask(policy, "2026-10-02", "2026-10-04", reason="change_of_mind", credits_used="some")
    (clause,) = [c for c in mind["clauses"] if c["id"] == "change-of-mind"]
    assert clause["text"].startswith("The only reason is a change of mind")


def test_the_page_gets_the_same_judgement_through_its_query(tmp_path: Path) -> None:
    policies = read_policies(policy_file(tmp_path, LONGER_WINDOW))
    query = (
        "purchase_date=2026-08-25&request_date=2026-09-04&purchase_type=credit_pack"
        "&reason=unused&credits_used=none&chargeback_filed=false&payment_provider=creem"
    )
    # check_query reads the shipped policy; the same answers through check() with these
    # versions must agree with what the page shows for them.
    direct = check(
        {
            "purchase_date": "2026-08-25",
            "request_date": "2026-09-04",
            "purchase_type": "credit_pack",
            "reason": "unused",
            "credits_used": "none",
            "chargeback_filed": False,
            "payment_provider": "creem",
        },
        policy=policies,
    ).to_json()
    assert direct["policy"]["newer"]["verdict"] == "likely_eligible"
    shipped = json.loads(check_query(query, today="2026-09-04", source="link"))
    assert shipped["policy"]["newer"] is None, "the shipped policy has one version"


def test_support_staff_see_which_version_applied_and_what_the_newer_would_give(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = policy_file(tmp_path, LONGER_WINDOW)
    status = main(
        [
            "--purchase-date=2026-08-25",
            "--request-date=2026-09-04",
            "--purchase-type=credit_pack",
            "--reason=unused",
            "--credits-used=none",
            "--policy",
            str(policy),
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert (
        "Judged by the version of 1 May 2026 (last updated May 2026), in force on the purchase "
        "date. The version in force since 1 September 2026 would give likely_eligible: decide "
        "which applies."
    ) in out


# (a version an editor adds wrongly, the words of the message)
WRONG_VERSIONS = [
    (LONGER_WINDOW.replace("2026-09-01", "2026-04-01"), "not after the version before it"),
    (
        LONGER_WINDOW.replace('changes = "The refund window is now 14 days instead of 7."\n', ""),
        "changes is missing in the version of 2026-09-01; add a line changes = ",
    ),
    (
        LONGER_WINDOW.replace("refund_window_days = 14", "refund_window_days = 0"),
        "refund_window_days must be a whole number of days from 1 to 365; it is 0.",
    ),
    (
        LONGER_WINDOW + '\n[versions.clauses]\nlate-requets = "Late"\n',
        "late-requets is not a clause of the self-check. Did you mean late-request?",
    ),
]


@pytest.mark.parametrize(("version", "words"), WRONG_VERSIONS)
def test_a_wrong_new_version_is_named_with_its_line(
    tmp_path: Path, version: str, words: str
) -> None:
    with pytest.raises(PolicyError) as raised:
        read_policies(policy_file(tmp_path, version))
    assert any(words in problem for problem in raised.value.problems), raised.value.problems
    assert all(
        problem.startswith(f"{tmp_path / 'policy.toml'}:") for problem in raised.value.problems
    )


def test_typo_fixes_written_after_the_clauses_belong_to_their_version(tmp_path: Path) -> None:
    # At the natural end of a version, after [versions.clauses], TOML reads it as a clause.
    fixed = REWORDED + 'typo_fixes = ["“clearer” was “cleare” in change-of-mind."]\n'
    _, reworded = read_policies(policy_file(tmp_path, fixed)).versions
    assert reworded.typo_fixes == ("“clearer” was “cleare” in change-of-mind.",)
    assert "typo_fixes" not in reworded.clause_texts


def test_typo_fixes_given_above_and_below_the_clauses_is_named(tmp_path: Path) -> None:
    twice = REWORDED.replace(
        "repeat_request_limit = 3\n", 'repeat_request_limit = 3\ntypo_fixes = ["one"]\n'
    )
    with pytest.raises(PolicyError) as raised:
        read_policies(policy_file(tmp_path, twice + 'typo_fixes = ["two"]\n'))
    assert any("typo_fixes is given twice" in p for p in raised.value.problems)
