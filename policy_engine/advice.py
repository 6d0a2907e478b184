"""What the self-check tells the customer besides the verdict: the policy's other sections that
apply to their case, the alternatives support may offer, and a ready email to support.

Which note, warning and alternative applies when is decided here; their words are the policy's
data (``policy.toml``, read by :mod:`policy_engine.texts`): each quotes the policy page word for
word, which the build checks, and none promises an outcome, because support makes the final
decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypedDict
from urllib.parse import quote

from policy_engine.answers import answer_text, shown_answers
from policy_engine.model import BaseAnswers
from policy_engine.policy import Policy, long_date
from policy_engine.questions import Asker, Kind
from policy_engine.rules import Evaluation, Rulebook
from policy_engine.texts import SLOT_PATTERN, EmailLines
from policy_engine.words import capitalised

FINAL_DECISION = "Support makes the final decision."

# The words of each outcome and of a clause's effect are the policy file's ([outcomes.<id>],
# [effects]: policy_engine/outcomes.py), the same for every version.


def title(policy: Policy, verdict: str) -> str:
    """The verdict (an outcome's id) as the result's heading. None may read as if a request
    were already sent: the self-check sends nothing."""
    return policy.texts.decision.outcomes[verdict].title


def label(policy: Policy, verdict: str) -> str:
    """The verdict in a few words, for tables and labels."""
    return policy.texts.decision.outcomes[verdict].label


def role(policy: Policy, verdict: str) -> str:
    """The verdict's role (its colour and icon on the page: positive, negative, …)."""
    return policy.texts.decision.outcomes[verdict].role


def effect_words(policy: Policy, effect: str) -> str:
    """What a clause does to the verdict, as the result says it."""
    return policy.texts.decision.effects[effect]


class Alternative(TypedDict):
    id: str
    text: str


def alternative_text(alternative: str, policy: Policy) -> str:
    """An alternative's words, in this version of the policy."""
    return policy.texts.alternatives[alternative].text


def settlement_text(how: str, policy: Policy) -> str:
    """How an approved refund is paid, and how long it may take to appear."""
    return policy.texts.refund_timing[how].text


def note_text(rulebook: Rulebook, note: str, policy: Policy) -> str:
    """A note's words, with the policy's values (a note that is a warning: the warning's)."""
    if note in rulebook.outcomes.ids.warning_notes:
        return policy.texts.warnings[note].text
    return policy.texts.notes[note].text


def note_anchor(rulebook: Rulebook, note: str, policy: Policy) -> str:
    """Where on the policy page a note's words are: its marked passage ("note-<id>", the
    anchor the page gives the paragraph marked {note: id}), or the clause it quotes."""
    if note in rulebook.outcomes.ids.warning_notes:
        return warning_anchor("note", note, policy)
    return policy.texts.notes[note].clause or f"note-{note}"


def warning_anchor(kind: str, id: str, policy: Policy) -> str:
    """Where on the policy page a warning's words are: a clause's bullet, the clause its words
    quote, or its marked passage ("warning-<id>")."""
    if kind == "clause":
        return id
    return policy.texts.warnings[id].clause or f"warning-{id}"


class Warning(TypedDict):
    id: str
    text: str


@dataclass(frozen=True)
class PolicyWarning:
    """What the policy warns a customer about, shown right under the verdict and said in the
    email: where one of its notes or clauses applies (``kind`` "note" or "clause", ``id``)."""

    kind: str
    id: str
    text: str  # to the customer, under the verdict
    email: str  # in the customer's own words, in the email to support


def policy_warnings(rulebook: Rulebook, policy: Policy) -> tuple[PolicyWarning, ...]:
    """Every warning of this version of the policy, in the order they are shown (which applies
    where: the rulebook's ``outcomes.ids.warning_sources``)."""
    said = policy.texts.warnings
    return tuple(
        PolicyWarning(kind, id, said[id].text, said[id].email) for kind, id in policy.rules.warnings
    )


def warnings(
    rulebook: Rulebook, answers: BaseAnswers, policy: Policy, evaluation: Evaluation
) -> list[PolicyWarning]:
    """What the policy warns about in this case, in the order of :func:`policy_warnings`."""
    applying = {("note", note) for note in rulebook.outcomes.notes(answers, policy)}
    applying |= {("clause", rule.clause_id) for rule in evaluation.clauses}
    return [w for w in policy_warnings(rulebook, policy) if (w.kind, w.id) in applying]


class Email(TypedDict):
    to: str
    subject: str
    body: str
    mailto: str


# Mail programs and browsers cut long mailto links; stay under the usual limit of 2,000. The email
# is made to fit (short answer lines; the link carries every answer), and where some case still
# would not, whole optional lines are left out (see :func:`email`): it is never cut mid-line.
MAILTO_LIMIT = 1900
# What the page and the CLI say when a link carries the day its answers were judged: that day's
# verdict is shown, and what today's would be when it differs ({date}, {today}: "5 December
# 2026"; {title}: a verdict's heading).
CHECKED_ON = "Checked on {date}, the day of the request this link carries."
TODAY_WOULD_DIFFER = "Checked as of today, {today}, the answer would be: {title}."


class RecapLine(TypedDict):
    field: str
    question: str
    answer: str


def recap(rulebook: Rulebook, answers: BaseAnswers) -> list[RecapLine]:
    """The answers as the customer was shown them or gave them, in the questions' order: each
    question and its answer in words, then support's answers and the request date if given."""
    lines: list[RecapLine] = []
    for field, value in shown_answers(answers, rulebook.questions).items():
        question = rulebook.questions_by_field[field]
        if question.asker is Asker.SUPPORT:
            says = dict(question.support_says)[value]
            lines.append({"field": field, "question": GIVEN_IN_LINK, "answer": says})
        elif question.kind is Kind.DATE:
            words = long_date(date.fromisoformat(value))
            lines.append({"field": field, "question": question.label, "answer": words})
        elif question.kind is Kind.COUNT:
            lines.append({"field": field, "question": question.label, "answer": value})
        else:
            answer = question.option_label(value)
            lines.append({"field": field, "question": question.label, "answer": answer})
    return lines


def support_checks(rulebook: Rulebook, answers: BaseAnswers) -> list[str]:
    """The facts only support knows that these answers leave open (support still checks them)."""
    return [
        question.field
        for question in rulebook.questions
        if question.asker is Asker.SUPPORT and getattr(answers, question.field) is None
    ]


# The email to support, line by line, with {slots}: its words are policy.toml's [email]; filled
# here, and by the page's decision table (policy_site/shipping/assets/policy-check/table.js) when
# it answers before the checker has loaded, so both write the very same email. A support-only
# answer that came
# in a link, as the page and the email show it: what the link said, never support's own finding
# (support still checks the account).
GIVEN_IN_LINK = "Given in the link you were sent"
GIVEN_IN_LINK_EMAIL = "Given in the link I was sent"


def _request_lines(lines: EmailLines, slots: dict[str, str] | None = None) -> list[str]:
    """The opening of every email to support, with what the policy asks customers to include
    (its {slots} blank without answers)."""
    filled = _Blank(slots or {})
    return [line.format_map(filled) for line in lines.opening]


class _Blank(dict[str, str]):
    """Slots to fill; a slot not known is left blank (the blank email has no answers)."""

    def __missing__(self, key: str) -> str:
        return ""


def email_slots(rulebook: Rulebook, answers: BaseAnswers) -> dict[str, str]:
    """The answers the email names, by slot: the version date (the refund policy's purchase date)
    as "bought", and the rulebook's own (its option's words, or its value with spaces)."""
    slots = {"bought": long_date(getattr(answers, rulebook.policies.version_date))}
    values = {field: answer_text(value) for field, value in answers.to_json().items()}
    for slot, (field, form) in rulebook.email_slots.items():
        text = values.get(field, "")
        question = rulebook.questions_by_field[field]
        slots[slot] = question.option_label(text) if form == "label" else text.replace("_", " ")
    return slots


def answer_lines(lines: EmailLines, rulebook: Rulebook, answers: BaseAnswers) -> list[str]:
    """The email's short answer lines (the policy's ``answer_lines``), each only where the
    customer was asked or gave every answer it names; without them, each question and answer."""
    if not lines.answer_lines:
        return [_recap_line(line, email=True) for line in recap(rulebook, answers)]
    shown = shown_answers(answers, rulebook.questions)
    fields = {"bought": rulebook.policies.version_date} | {
        slot: field for slot, (field, _) in rulebook.email_slots.items()
    }
    slots = email_slots(rulebook, answers)
    return [
        line.format_map(slots)
        for line in lines.answer_lines
        if all(fields.get(slot) in shown for slot in SLOT_PATTERN.findall(line))
    ]


def _recap_line(line: RecapLine, *, email: bool = False) -> str:
    """ "- What did you buy? A one-time credit pack", "- Given in the link I was sent: …"."""
    question = line["question"]
    if email and question == GIVEN_IN_LINK:
        question = GIVEN_IN_LINK_EMAIL
    joint = " " if question.endswith("?") else ": "
    return f"- {question}{joint}{line['answer']}"


def version_applied(policy: Policy, *, before_first: bool) -> str:
    """Which version of the policy an answer follows, for the customer, in the policy's words
    ([words]: "You bought before …", "… as it was when you bought")."""
    since = long_date(policy.effective)
    said = policy.texts.words
    if before_first:
        return (
            f"{capitalised(said.you_did)} before this policy was first published, on {since}, so "
            "this answer follows that first version."
        )
    return f"This answer follows the policy as it was when {said.you_did}: the version of {since}."


def newer_version(newer: Policy, evaluation: Evaluation) -> str:
    """What the version in force when the customer asks would say instead."""
    return (
        f"Under the policy in force since {long_date(newer.effective)}, the answer would be "
        f"“{title(newer, evaluation.verdict)}”. Support decides which version applies."
    )


def staff_version(policy: Policy, newer: tuple[Policy, Evaluation] | None, before: bool) -> str:
    """The same, for support staff (the CLI), in the policy's words ("in force on the purchase
    date")."""
    said = policy.texts.words
    which = (
        f"the first, as the {said.thing} predates it"
        if before
        else f"in force on the {said.thing_date}"
    )
    line = (
        f"Judged by the version of {long_date(policy.effective)} (last updated "
        f"{policy.last_updated}), {which}."
    )
    if newer is not None:
        version, other = newer
        line += (
            f" The version in force since {long_date(version.effective)} would give "
            f"{other.verdict}: decide which applies."
        )
    return line


def email(
    rulebook: Rulebook,
    answers: BaseAnswers,
    policy: Policy,
    evaluation: Evaluation,
    today: date,
    newer: tuple[Policy, Evaluation] | None = None,
    link: str = "",
) -> Email:
    """A ready email to support with the blanks the policy asks customers to fill, the verdict
    in words, the self-check ``link`` (given the page's address) that carries every answer and
    the day they were judged, what the policy warns about in their case, and the answers the
    customer gave or was shown in short lines (:func:`answer_lines`).

    It fits a mailto link (:data:`MAILTO_LIMIT`) with every line whole. Should some case not
    fit, whole lines are left out, in this order, until it does: the answer lines, last first
    (the link carries them all), then the line naming the version followed. The opening, the
    verdict, the link, the warnings and the closing always stay."""
    slots = email_slots(rulebook, answers)
    lines = policy.texts.email
    subject = lines.subject.format_map(_Blank(slots))
    verdict = evaluation.verdict
    noted = [warning.email for warning in warnings(rulebook, answers, policy, evaluation)]
    version = lines.version.format(
        effective=long_date(policy.effective), last_updated=policy.last_updated
    )
    newer_line = (
        [
            lines.newer.format(
                effective=long_date(newer[0].effective), title=title(newer[0], newer[1].verdict)
            )
        ]
        if newer
        else []
    )
    told = answer_lines(lines, rulebook, answers)

    def body(kept: int, with_version: bool) -> str:
        return "\n".join(
            [
                *_request_lines(lines, slots),
                "",
                lines.result.format(today=long_date(today), title=title(policy, verdict)),
                *([version] if with_version else []),
                *newer_line,
                *([lines.link.format(link=link)] if link else []),
                *(["", lines.warnings, *(f"- {line}" for line in noted)] if noted else []),
                *(["", lines.answers, *told[:kept]] if kept else []),
                "",
                lines.closing,
            ]
        )

    # The fullest email that fits, leaving out whole lines in the order above.
    tries = [(kept, True) for kept in range(len(told), -1, -1)] + [(0, False)]
    for kept, with_version in tries:
        made = blank_email(policy, subject, body(kept, with_version))
        if len(made["mailto"]) <= MAILTO_LIMIT:
            return made
    return made


def blank_email(policy: Policy, subject: str = "", body: str | None = None) -> Email:
    """An email to support; without a body, one with the blanks the policy asks for.

    The link goes to the configured address only, with nothing but a subject and a body, each
    percent-encoded.
    """
    lines = policy.texts.email
    subject = subject or lines.blank_subject
    if body is None:
        body = "\n".join([*_request_lines(lines), *lines.blank_answers, "", lines.closing])
    mailto = (
        f"mailto:{quote(policy.support_email, safe='@')}?subject={quote(subject, safe='')}"
        f"&body={quote(body, safe='')}"
    )
    return {"to": policy.support_email, "subject": subject, "body": body, "mailto": mailto}


def summary(rulebook: Rulebook, policy: Policy, evaluation: Evaluation) -> str:
    """The verdict in plain words, with who decides."""
    text = policy.texts.decision.outcomes[evaluation.verdict].summary
    if evaluation.missing:
        names = [f"“{rulebook.questions_by_field[field].label}”" for field in evaluation.missing]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        answers = "answer to" if len(names) == 1 else "answers to"
        text += (
            f" Your {answers} {listed} could change this result, so say what you know in "
            "your email."
        )
    return f"{text} {FINAL_DECISION}"


def staff_summary(policy: Policy, evaluation: Evaluation) -> str:
    """The verdict for support staff."""
    return f"{policy.texts.decision.outcomes[evaluation.verdict].staff} {FINAL_DECISION}"
