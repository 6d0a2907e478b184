"""The checker's answer as one typed value, turned into JSON in one place.

:func:`checker.check` returns a :class:`Result`. Python callers (the CLI, the site's build) read
its attributes; the page and ``refund-check --json`` get :meth:`Result.to_json`, the answers
contract's JSON, made here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from policy_engine import advice, words
from policy_engine.advice import Alternative, Email, RecapLine
from policy_engine.answers import answers_to_query, shown_answers
from policy_engine.model import BaseAnswers
from policy_engine.policy import Policies, Policy, long_date, parameters_of, versioned
from policy_engine.rules import Evaluation, Rulebook


@dataclass(frozen=True)
class Clause:
    """A clause of the policy that applies, in the policy's words."""

    id: str
    effect: str  # one of its file's [effects]
    text: str
    effect_text: str = ""  # what it does to the verdict, in the policy file's words
    role: str = ""  # how the page marks it: the role of the answer it alone leads to


@dataclass(frozen=True)
class Result:
    """What the policy says about ``answers``, judged on ``today`` under ``policy``: the version of
    ``policies`` in force on the purchase date. ``newer`` is the version in force on the day of
    the request, with its evaluation, when it is newer and decides differently."""

    rulebook: Rulebook
    answers: BaseAnswers
    policy: Policy
    evaluation: Evaluation
    today: date
    policies: Policies | None = None
    newer: tuple[Policy, Evaluation] | None = None
    # The address of the policy page the answers were given on (without its fragment), for the
    # email's self-check link; "" where there is none (the CLI without --link).
    page: str = ""
    # What the same answers would get if asked on ``today``, when the request date given (the
    # day the customer asked, which their link carries) is another day and the verdict differs.
    today_would: Evaluation | None = None

    # The version ---------------------------------------------------------------------------------

    @property
    def before_first_version(self) -> bool:
        """The version date (the purchase's) predates the first version: judged by the first."""
        dated: date = getattr(self.answers, self.policy.rules.dates.version_date)
        return dated < self.policy.effective

    @property
    def version_applied(self) -> str:
        return advice.version_applied(self.policy, before_first=self.before_first_version)

    @property
    def newer_version(self) -> str:
        return advice.newer_version(*self.newer) if self.newer else ""

    @property
    def checked_on(self) -> date | None:
        """The day the answers were judged as of, when a request date was given that is not
        the reader's today (a customer's link opened later or in another time zone)."""
        requested: date = getattr(self.answers, "request_date")  # noqa: B009
        return (
            requested if "request_date" in self.answers.given and requested != self.today else None
        )

    @property
    def checked_on_text(self) -> str:
        day = self.checked_on
        return advice.CHECKED_ON.format(date=long_date(day)) if day else ""

    @property
    def today_would_text(self) -> str:
        if self.today_would is None:
            return ""
        return advice.TODAY_WOULD_DIFFER.format(
            today=long_date(self.today), title=advice.title(self.policy, self.today_would.verdict)
        )

    @property
    def staff_version(self) -> str:
        return advice.staff_version(self.policy, self.newer, self.before_first_version)

    # The decision ----------------------------------------------------------------------------

    @property
    def verdict(self) -> str:
        """The id of the policy's outcome ([outcomes.<id>])."""
        return self.evaluation.verdict

    @cached_property
    def clauses(self) -> tuple[Clause, ...]:
        return tuple(
            Clause(
                rule.clause_id,
                rule.effect,
                self.policy.clause_texts[rule.clause_id],
                advice.effect_words(self.policy, rule.effect),
                self.policy.texts.decision.effect_role(rule.effect),
            )
            for rule in self.evaluation.clauses
        )

    @property
    def missing(self) -> tuple[str, ...]:
        """The unsure answers that would change the verdict, by field."""
        return tuple(self.evaluation.missing)

    @cached_property
    def note_ids(self) -> tuple[str, ...]:
        return tuple(self.rulebook.outcomes.notes(self.answers, self.policy))

    @cached_property
    def alternative_ids(self) -> tuple[str, ...]:
        return tuple(self.rulebook.outcomes.alternatives(self.answers, self.policy))

    @property
    def settlement(self) -> str:
        """How a refund would arrive ("" when the policy does not say)."""
        return self.rulebook.outcomes.refund_timing(self.answers, self.policy)

    @cached_property
    def support_checks(self) -> tuple[str, ...]:
        """What only support knows and these answers leave open, by field."""
        return tuple(advice.support_checks(self.rulebook, self.answers))

    @property
    def spans(self) -> dict[str, int]:
        """Each span the policy names, in days, by name (``days_since_purchase``: 7)."""
        return {span.name: span.days(self.answers) for span in self.policy.rules.dates.spans}

    @cached_property
    def shown(self) -> dict[str, str]:
        """The answers as shown to the customer (:func:`policy_engine.answers.shown_answers`)."""
        return shown_answers(self.answers, self.rulebook.questions)

    @property
    def link(self) -> str:
        """The self-check's fragment that shows exactly these answers."""
        return "#check?" + answers_to_query(self.answers, self.rulebook.questions)

    @property
    def dated_link(self) -> str:
        """The same, with the day of the request always given (the email's link): opened later
        or in another time zone, it shows the verdict of that day."""
        query = answers_to_query(self.answers, self.rulebook.questions)
        if "request_date" in self.answers.given:
            return "#check?" + query
        requested: date = getattr(self.answers, "request_date")  # noqa: B009
        return f"#check?{query}&request_date={requested.isoformat()}"

    # The words -------------------------------------------------------------------------------

    @property
    def label(self) -> str:
        """The verdict in a few words (for tables, and support staff)."""
        return advice.label(self.policy, self.verdict)

    @property
    def title(self) -> str:
        return advice.title(self.policy, self.verdict)

    @property
    def role(self) -> str:
        """The verdict's role: its colour and icon on the page (positive, negative, …)."""
        return advice.role(self.policy, self.verdict)

    @property
    def summary(self) -> str:
        return advice.summary(self.rulebook, self.policy, self.evaluation)

    @property
    def staff_summary(self) -> str:
        return advice.staff_summary(self.policy, self.evaluation)

    @property
    def timing(self) -> str:
        return self.rulebook.outcomes.timing(self.answers, self.policy)

    @property
    def missing_questions(self) -> tuple[str, ...]:
        return tuple(self.rulebook.questions_by_field[field].label for field in self.missing)

    @property
    def support_check_texts(self) -> tuple[str, ...]:
        by_field = self.rulebook.questions_by_field
        return tuple(by_field[field].support_checks for field in self.support_checks)

    @cached_property
    def warnings(self) -> tuple[str, ...]:
        """What the policy warns about in this case: shown with the verdict, said in the email."""
        return tuple(
            w.text
            for w in advice.warnings(self.rulebook, self.answers, self.policy, self.evaluation)
        )

    @cached_property
    def warning_links(self) -> tuple[str, ...]:
        """Where on the policy page of the version that judged each warning's words are."""
        return tuple(
            advice.warning_anchor(w.kind, w.id, self.policy)
            for w in advice.warnings(self.rulebook, self.answers, self.policy, self.evaluation)
        )

    @property
    def note_links(self) -> tuple[str, ...]:
        """The same for each of :attr:`notes`."""
        warning_notes = self.rulebook.outcomes.ids.warning_notes
        return tuple(
            advice.note_anchor(self.rulebook, note, self.policy)
            for note in self.note_ids
            if note not in warning_notes
        )

    @property
    def notes(self) -> tuple[str, ...]:
        """What else the policy says (its warnings stand apart, with the verdict)."""
        warning_notes = self.rulebook.outcomes.ids.warning_notes
        return tuple(
            advice.note_text(self.rulebook, note, self.policy)
            for note in self.note_ids
            if note not in warning_notes
        )

    @property
    def processing_time(self) -> str:
        return advice.settlement_text(self.settlement, self.policy) if self.settlement else ""

    @property
    def alternatives(self) -> tuple[Alternative, ...]:
        return tuple(
            {"id": key, "text": advice.alternative_text(key, self.policy)}
            for key in self.alternative_ids
        )

    @cached_property
    def recap(self) -> tuple[RecapLine, ...]:
        return tuple(advice.recap(self.rulebook, self.answers))

    @cached_property
    def email(self) -> Email:
        link = self.page + self.dated_link if self.page else ""
        return advice.email(
            self.rulebook, self.answers, self.policy, self.evaluation, self.today, self.newer, link
        )

    @property
    def copy_text(self) -> str:
        """The result as plain text, for the customer to copy (the page's "Copy summary")."""

        def items(heading: str, texts: tuple[str, ...] | list[str]) -> list[str]:
            return ["", f"{heading}:", *(f"- {text}" for text in texts)] if texts else []

        after = words.ALTERNATIVES_AFTER
        lines = [
            f"{self.policy.texts.self_check['name']}: {self.title}",
            self.summary,
            *([self.checked_on_text] if self.checked_on else []),
            *([self.today_would_text] if self.today_would else []),
            *([self.newer_version] if self.newer else []),
            self.timing,
            self.version_applied,
            *items(words.WARNINGS, self.warnings),
            *items(words.WHY, [f"{c.effect_text}: “{c.text}”" for c in self.clauses]),
            *items(words.MISSING, self.missing_questions),
            *items(words.SUPPORT_CHECKS, self.support_check_texts),
            *items(words.NOTES, self.notes),
            *items(
                f"{words.ALTERNATIVES_BEFORE.rstrip(':')} ({after[0].lower()}{after[1:-1]})",
                [item["text"] for item in self.alternatives],
            ),
            "",
            f"Email to support: {self.email['to']}",
            f"Subject: {self.email['subject']}",
            "",
            self.email["body"],
        ]
        return "\n".join(lines)

    # The edge --------------------------------------------------------------------------------

    def to_json(self) -> dict[str, object]:
        """The result in the answers contract's JSON form (dev/contract.md, "The answers, the
        verdict and the result")."""
        return {
            "verdict": self.verdict,
            "role": self.role,
            "title": self.title,
            "summary": self.summary,
            "staff_summary": self.staff_summary,
            "timing": self.timing,
            "clauses": [
                {
                    "id": clause.id,
                    "effect": clause.effect,
                    "effect_text": clause.effect_text,
                    "role": clause.role,
                    "text": clause.text,
                }
                for clause in self.clauses
            ],
            "warnings": list(self.warnings),
            # Where each warning's and note's words are on the page of the version that judged
            # (an anchor: "late-request", "note-late-but-can-write"), in the same order.
            "warning_links": list(self.warning_links),
            "missing": list(self.missing),
            "missing_questions": list(self.missing_questions),
            "support_checks": list(self.support_check_texts),
            "notes": list(self.notes),
            "note_links": list(self.note_links),
            "processing_time": self.processing_time,
            "alternatives": [dict(item) for item in self.alternatives],
            "recap": [dict(line) for line in self.recap],
            "email": dict(self.email),
            "copy_text": self.copy_text,
            # Each span the policy names, by its name (days_…: no other key starts so).
            **self.spans,
            "answers": {
                field: value
                for field, value in self.answers.to_json().items()
                if field in self.shown
            },
            "link": self.link,
            # The day judged, when it is not the reader's today, and what today would say
            # instead when that differs (None otherwise).
            "checked": (
                {
                    "date": self.checked_on.isoformat(),
                    "text": self.checked_on_text,
                    "today": (
                        {
                            "verdict": self.today_would.verdict,
                            "title": advice.title(self.policy, self.today_would.verdict),
                            "text": self.today_would_text,
                        }
                        if self.today_would
                        else None
                    ),
                }
                if self.checked_on
                else None
            ),
            "policy": {
                "effective": self.policy.effective.isoformat(),
                "last_updated": self.policy.last_updated,
                # The values a version may change (refund_window_days, …).
                **{
                    value.name: getattr(self.policy, value.name)
                    for value in versioned(parameters_of(self.policy))
                },
                "support_email": self.policy.support_email,
                "before_first_version": self.before_first_version,
                "applied": self.version_applied,
                "newer": (
                    {
                        "effective": self.newer[0].effective.isoformat(),
                        "verdict": self.newer[1].verdict,
                        "title": advice.title(self.newer[0], self.newer[1].verdict),
                        "text": self.newer_version,
                    }
                    if self.newer
                    else None
                ),
            },
        }
