"""Dates and spans of a policy's own (issue 32): the tests' print guarantee (tests/fixtures/
policies/print-delivery) asks an order date, which picks the version, and a delivery date, from
which its window runs (30 days, then 45 for orders from 1 June 2026). Its checks in CPython, in each
source's words, and a policy file's mistakes about its dates."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from policy_engine.answers import InvalidAnswers, Source
from policy_engine.policy import PolicyError
from policy_review import ledger as ledgers
from tests.print_delivery import guarantee

TODAY = date(2026, 12, 5)
FIXTURE = Path(guarantee.__file__)


def asked(
    ordered: str, delivered: str, days_after_delivery: int | None = None, **more: str
) -> dict[str, str]:
    """An order's answers, asked ``days_after_delivery`` days after its delivery (None: today)."""
    answers = {"order_date": ordered, "delivery_date": delivered, "defect": "warped", **more}
    if days_after_delivery is not None:
        day = date.fromisoformat(delivered) + timedelta(days=days_after_delivery)
        answers["request_date"] = day.isoformat()
    return answers


def judged(answers: dict[str, str], source: str = "link", today: date = TODAY) -> dict[str, Any]:
    reply: dict[str, Any] = json.loads(
        guarantee.check_query(urlencode(answers), today=today.isoformat(), source=source)
    )
    return reply


def problems(answers: dict[str, str], source: str, today: date = TODAY) -> dict[str, str]:
    reply = judged(answers, source, today)
    assert "errors" in reply, reply
    return {error["field"]: error["message"] for error in reply["errors"]}


def test_the_window_runs_from_the_delivery_day_30_in_and_day_31_out() -> None:
    # Ordered in March, delivered a week later: the order date is not what the window counts.
    on_day_30 = judged(asked("2026-03-01", "2026-03-08", 30))
    assert (on_day_30["verdict"], on_day_30["days_since_delivery"]) == ("likely_eligible", 30)
    assert [c["id"] for c in on_day_30["clauses"]] == ["defect-in-window"]
    on_day_31 = judged(asked("2026-03-01", "2026-03-08", 31))
    assert (on_day_31["verdict"], on_day_31["days_since_delivery"]) == ("likely_not_eligible", 31)
    assert [c["id"] for c in on_day_31["clauses"]] == ["late"]
    # What the answer says of the span, in the file's words.
    assert on_day_31["timing"] == "Your request is dated 31 days after the delivery."
    # Each span the policy names is in the result, by its name.
    assert on_day_31["days_to_deliver"] == 7
    assert "days_since_purchase" not in on_day_31


def test_the_version_is_picked_by_the_order_date_not_the_delivery() -> None:
    # Ordered in May (the 30-day version), delivered in June: day 40 is late for this order ...
    may = judged(asked("2026-05-25", "2026-06-03", 40))
    assert may["verdict"] == "likely_not_eligible"
    assert may["policy"]["effective"] == "2026-01-01"
    # ... and the version in force when the customer asked would have said otherwise.
    assert may["policy"]["newer"]["effective"] == "2026-06-01"
    assert may["policy"]["newer"]["verdict"] == "likely_eligible"
    # The same delivery and day, ordered in June: judged by the 45-day version alone.
    june = judged(asked("2026-06-01", "2026-06-03", 40))
    assert (june["verdict"], june["policy"]["effective"]) == ("likely_eligible", "2026-06-01")
    assert june["policy"].get("newer") is None
    # The email's "bought" slot is the date that picks the version: the order's.
    assert may["email"]["subject"] == "My print ordered on 25 May 2026"


def test_a_delivery_before_the_order_is_refused_in_each_readers_words() -> None:
    swapped = asked("2026-03-08", "2026-03-01", 3)
    assert problems(swapped, "form") == {
        "order_date": "The date you ordered it must be on or before the date it was delivered."
    }
    assert problems(swapped, "link") == {
        "order_date": "This link's order date, 8 March 2026, is after its delivery date, "
        "1 March 2026. Check the dates below."
    }
    staff = json.loads(guarantee.check_json(json.dumps(swapped), today=TODAY.isoformat()))
    assert staff["errors"] == [
        {
            "field": "order_date",
            "message": "The order date (2026-03-08) is after the delivery date (2026-03-01): "
            "check the dates.",
        }
    ]


def test_each_date_is_checked_in_its_own_words_never_the_purchases() -> None:
    # Delivered after the request the link carries: the delivery date is named, as the page asks it.
    late = asked("2026-03-01", "2026-03-10", -2)
    assert problems(late, "form") == {
        "delivery_date": "The date it was delivered must be on or before the date of your request."
    }
    assert problems(late, "link")["delivery_date"].startswith(
        "This link's delivery date, 10 March 2026, is after the date of the request it carries"
    )
    # Delivered in the future (beyond the time zones' slack).
    ahead = asked("2026-12-01", (TODAY + timedelta(days=5)).isoformat())
    words = problems(ahead, "form")["delivery_date"]
    assert words == "The date it was delivered must be today or in the past."
    # Before sales started: a typing slip, said of the delivery.
    slip = problems(asked("2026-03-01", "2019-03-10", 2), "form")
    assert slip["delivery_date"].startswith("The date it was delivered must be on or after")
    for message in (*problems(late, "form").values(), words, *slip.values()):
        assert "bought" not in message and "purchase" not in message


def test_a_delivery_a_day_ahead_is_the_customers_today_in_a_zone_ahead() -> None:
    # A link with no request date, delivered "tomorrow" for the reader: the customer's today.
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    reply = judged(asked("2026-11-20", tomorrow))
    assert reply["days_since_delivery"] == 0
    assert reply["checked"]["date"] == tomorrow
    # Asked today (no request date given): "It was delivered today."
    today = judged(asked("2026-11-20", TODAY.isoformat()))
    assert today["timing"] == "It was delivered today."
    later = judged(asked("2026-11-20", "2026-11-24"))
    assert later["timing"] == "It was delivered 11 days ago."


def test_the_ledger_records_each_span_a_condition_reads_with_classes_around_its_numbers() -> None:
    rulebook = guarantee.RULEBOOK
    book = ledgers.make_book(rulebook, rulebook.policies)
    first = book.versions["2026-01-01"]
    by_name = {dim.name: dim.keys() for dim in first.dims}
    # The window's numbers are in the conditions, not in Python: the ledger draws classes there.
    assert by_name["days_since_delivery"] == ["0", "1-29", "30", "31", "32+"]
    # A span no condition reads (only its order is checked) is no dimension.
    assert "days_to_deliver" not in by_name
    assert book.versions["2026-06-01"].dims[-1].keys() == ["0", "1-44", "45", "46", "47+"]
    # And the checker agrees with it on every day up to 60 after delivery, for every defect.
    for version, ordered in ((first, "2026-03-01"), (book.versions["2026-06-01"], "2026-07-01")):
        for defect in ("warped", "broken", "wrong_model", "cosmetic"):
            for day in range(61):
                answers = asked(ordered, ordered, day, defect=defect)
                parsed = guarantee.check(answers, today=TODAY).answers
                situation = ledgers.classify(version.dims, parsed, rulebook.policies.dates)
                assert version.outcome("verdict", situation) == judged(answers)["verdict"]


def edited(tmp_path: Path, old: str, new: str) -> Path:
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "policy.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (
            'from = "delivery_date"',
            'from = "delivered"',
            "the policy's dates name delivered (its version_date or a span), which this version "
            "does not ask",
        ),
        (
            'from = "delivery_date"',
            'from = "defect"',
            'defect is one of the policy\'s dates: kind = "date"',
        ),
        (
            "[spans.days_since_delivery]",
            "[spans.since_delivery]",
            "the span since_delivery must be named days_…",
        ),
        (
            'version_date = "order_date"',
            'version_date = "ordered"',
            "the policy's dates name ordered",
        ),
        (
            'to = "request_date"\nabout',
            'to = "request_date"\nwithin = 3\nabout',
            "within is not a line of a span; it has from, to, about, staff",
        ),
        (
            'ago = "It was delivered {days} ago."\n',
            "",
            "the span days_since_delivery gives some of its sentences: add ago too",
        ),
        (
            "days_since_delivery = { more_than = 30 }",
            "days_since_delivry = { more_than = 30 }",
            "Did you mean days_since_delivery?",
        ),
    ],
    ids=[
        "unknown date",
        "not a date",
        "span name",
        "version date",
        "unknown line",
        "some sentences",
        "typo",
    ],
)
def test_a_mistake_about_the_dates_is_named_at_its_line(
    tmp_path: Path, old: str, new: str, words: str
) -> None:
    path = edited(tmp_path, old, new)
    with pytest.raises(PolicyError) as raised:
        guarantee.read_policies(path)
    found = [problem for problem in raised.value.problems if words in problem]
    assert found, raised.value.problems
    assert found[0].startswith(f"{path}:"), found


def test_a_date_question_no_span_reads_is_asked_and_the_ledger_is_still_made(
    tmp_path: Path,
) -> None:
    # The crash: a second date question made `./run review` fail with a traceback.
    photo = (
        "[versions.questions.photo_date]\n"
        'question = "When did you take the photo?"\nkind = "date"\n'
        'about = "the date you took the photo"\n\n'
    )
    path = edited(
        tmp_path, "[versions.questions.request_date]", photo + "[versions.questions.request_date]"
    )
    policies = guarantee.read_policies(path)
    rulebook = guarantee.RULEBOOK.for_policies(policies)
    book = ledgers.make_book(rulebook, policies)
    # Its verdicts are those of the file without it: no condition reads the photo's date.
    assert [d.name for d in book.versions["2026-01-01"].dims] == ["defect", "days_since_delivery"]
    shipped = ledgers.make_book(guarantee.RULEBOOK, guarantee.RULEBOOK.policies)
    assert book.versions["2026-01-01"].tables == shipped.versions["2026-01-01"].tables
    # And it is checked in its own words.
    answers = {**asked("2026-03-01", "2026-03-08", 3), "photo_date": "2027-01-01"}
    with pytest.raises(InvalidAnswers) as refused:
        guarantee.check(answers, today=TODAY, policy=policies, source=Source.FORM)
    assert refused.value.errors == [
        {
            "field": "photo_date",
            "message": "The date you took the photo must be today or in the past.",
        }
    ]


def test_two_spans_the_conditions_read_may_not_share_a_date(tmp_path: Path) -> None:
    # Both read: from the order to the delivery, and from the delivery to the request.
    path = edited(
        tmp_path,
        'when = { defect = "cosmetic" }',
        'when = { defect = "cosmetic", days_to_deliver = { more_than = 60 } }',
    )
    policies = guarantee.read_policies(path)
    with pytest.raises(ledgers.LedgerError) as refused:
        ledgers.make_book(guarantee.RULEBOOK.for_policies(policies), policies)
    assert "days_since_delivery, days_to_deliver, which share delivery_date" in str(refused.value)


def test_the_version_date_is_never_after_the_request_even_without_a_span_saying_so(
    tmp_path: Path,
) -> None:
    # The order-to-delivery span gone: nothing declares the order's place among the dates but
    # the version date itself, which every case has before its request.
    text = FIXTURE.read_text(encoding="utf-8")
    start = text.index("[spans.days_to_deliver]")
    end = text.index("[[versions]]")
    path = tmp_path / "policy.toml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    policies = guarantee.read_policies(path)
    answers = asked("2026-03-10", "2026-03-05", 3)  # ordered after the request of 8 March
    with pytest.raises(InvalidAnswers) as refused:
        guarantee.check(answers, today=TODAY, policy=policies, source=Source.FORM)
    assert refused.value.errors == [
        {
            "field": "order_date",
            "message": "The date you ordered it must be on or before the date of your request.",
        }
    ]
