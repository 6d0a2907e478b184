"""``./run new-policy NAME``: a second policy that works, to grow from (build time only).

It writes no Python: a policy is data. Beside the site's other policies it writes

* ``policies/<name>/policy.toml``: its values (one declared under ``[values]``), its questions
  (the purchase date every policy is judged by, one question of its own, and the request date the
  page fills in), one clause and its words, its first version taking effect on a day to come;
* ``docs/<name>.md``: its page, with the clause's bullet and the self-check;
* ``docs/<name>-history.md``: its history page, every version with what changed;
* ``policies/<name>/ledger.txt``: its change review, accepted;

and registers it in ``mkdocs.yml`` (the plugin's ``policies``, and the navigation). The site then
builds with every policy, each page's self-check judging with its own rules.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from policy_engine.policy import MONTHS, long_date
from policy_site.package import NAME, PackageError, from_mkdocs
from policy_site.pages.versions import build_day

CONFIG = "mkdocs.yml"

POLICY_TOML = """\
# The {title}: its values, questions, clauses and words, every published version (EDITING.md,
# "Start a new policy", explains each line). The engine reads it as it is: no Python is needed.

# Where customers of this policy write. A placeholder: the build refuses it until you write the
# real address (an address at .invalid can receive no mail).
support_email = "{email}"

# The first day anything was sold (a date, without quotes).
sales_started = {sales_started}

# The date that picks the version judging a case: the version in force on the day of the order.
version_date = "order_date"

# The policy's own values, each declared once: a version gives its number, and the page and
# clauses show it as {{{{ days_to_write }}}}. Rename it, change it, or add more (EDITING.md).
[values.days_to_write]
kind = "days"
label = "Days to write after placing the order"
unit = "days"
lowest = 1
highest = 365
shown = "{{}} days"
# Words a sentence about this number uses: the build's proofreader checks those sentences.
about = ["day", "write", "plac", "order", "contact"]
# The span of days it is compared with (below), so the change review looks at both sides of it.
compared_with = "days_since_order"

# The self-check's heading on the page, and how a summary the customer copies starts.
[self-check]
heading = "Check your order"
name = "Order self-check"

# What this policy is about, in the words the pages' and the self-check's sentences are made from
# (EDITING.md, "The policy's words"). Left out, they are neutral: "each case", "cases opened from".
# [words]
# thing = "order"
# things = "orders"
# made = "placed"
# you_did = "you ordered"
# thing_date = "order date"
# if_approved = "If your request is approved"
# policy_name = "{title}"

# The self-check's answers, each with its words and its role (its colour on the page: "positive",
# "negative", "review" or "neutral"); if_unsure marks the answer when an unsure answer could
# change it (EDITING.md, "The self-check's answers (outcomes) and how clauses decide").
[outcomes.likely_eligible]
title = "This policy likely covers your order"
label = "Likely covered"
summary = "The policy usually helps in a situation like yours. To ask for it, email support: the ready-made email has what they need."
staff = "The policy usually helps in this case."
role = "positive"

[outcomes.likely_not_eligible]
title = "This policy likely does not cover your order"
label = "Likely not covered"
summary = "The policy usually does not help in a situation like yours. You can still email support: they look at every request."
staff = "The policy usually does not help in this case. The customer can still write."
role = "negative"

[outcomes.needs_review]
title = "Support would need to look at your order"
label = "Case by case"
summary = "The policy leaves situations like yours to support, case by case. Email support: the ready-made email has what they need."
staff = "The policy leaves this case to support's judgement."
role = "review"
if_unsure = true

# What a clause can do to the answer, in the words the answer says it in.
[effects]
supports = "Counts for you"
against = "Counts against"

# How the clauses that apply decide: the first line whose `if` holds gives the answer.
[[decide]]
outcome = "likely_eligible"
if = {{ supports = "some", against = "none" }}

[[decide]]
outcome = "likely_not_eligible"
if = {{ against = "some", supports = "none" }}

[[decide]]
outcome = "needs_review"

# The days from one date question to another that a clause may compare with a number (EDITING.md,
# "A date question, and a span of days"); the self-check refuses a "from" date after its "to".
[spans.days_since_order]
from = "order_date"
to = "request_date"
about = "the calendar days from the order to the request"
staff = "since the order"

[[versions]]
effective = {effective}
last_updated = "{month}"
changes = "The first published version of the policy."
days_to_write = 30

# The self-check's questions (EDITING.md, "Add a question or a clause").
[versions.questions.order_date]
question = "When did you place your order?"
kind = "date"
about = "the date you placed your order"
hint = "The date on your order confirmation."
when_missing = "Enter the date you placed your order."

[versions.questions.arrived_damaged]
question = "Did your order arrive damaged?"
about = "whether your order arrived damaged"
options = {{ true = "Yes", false = "No" }}
when_missing = "Select whether your order arrived damaged."

[versions.questions.request_date]
question = "When are you asking?"
kind = "date"
about = "the date of your request"
hint = "Today unless given."
default = "today"
asker = "page"

# The bullets of the page's rules, word for word as on docs/{name}.md, and when each applies.
[versions.clauses.arrived-damaged]
effect = "supports"
text = "Your order arrived damaged"
when = {{ arrived_damaged = true }}

[versions.clauses.late]
effect = "against"
text = "You write more than {{{{ days_to_write }}}} days after placing your order"
when = {{ days_since_order = {{ more_than = "days_to_write" }} }}

# The email to support the self-check writes.
[versions.email]
subject = "Request about my order of {{bought}}"
blank_subject = "A question about my order"
opening = [
  "Hello support,",
  "",
  "I would like to ask about my order.",
  "",
  "Account email: ",
  "Order ID (if you have it): ",
  "Order date: {{bought}}",
  "What happened, in a few words: ",
]
result = "The self-check said on {{today}}: {{title}}."
version = "It followed the policy of {{effective}} (last updated {{last_updated}})."
newer = "Under the policy in force since {{effective}}, it would say: {{title}}."
link = "My answers in the self-check: {{link}}"
warnings = "Please note:"
answers = "My answers to the self-check:"
closing = "Thank you."
"""

PAGE = """\
# {title_words}

Last updated: {{{{ last_updated }}}}

Not sure whether this applies to you? [Check your order](#check): a few questions show what this
policy usually means for your order, and give you an email to support ready to send.

## Usually Eligible

We usually help when:

- Your order arrived damaged {{clause: arrived-damaged}}

## Usually Not Eligible

- You write more than {{{{ days_to_write }}}} days after placing your order {{clause: late}}

Write to {{{{ support_email }}}} with your order ID and what happened, within {{{{ days_to_write }}}} days
of placing your order. Support makes the final decision.

/// policy-check
///
"""


HISTORY_PAGE = """\
---
policy: {name}
---

# {title_words}: history

Every version of the [{title}]({name}.md), newest first: the day it takes effect, what changed,
and a link to its full text.

/// policy-history
///
"""


# The scaffold's support address: no mail can reach a .invalid domain (RFC 2606), and the build
# refuses it (policy_site/site_config.py) until the editor writes where customers really write.
PLACEHOLDER_EMAIL = "support@example.invalid"


class ScaffoldError(Exception):
    """The policy cannot be made; the message says why and what to do."""


# Where a new policy's folder goes, beside mkdocs.yml.
POLICIES_FOLDER = "policies"


# A new policy takes effect this many days after it is made, unless told when: until then its
# rules and words may still change (from that day its version is frozen, as every published one).
DRAFTING_DAYS = 14


def new_policy(name: str, root: Path, today: date, effective: date | None = None) -> list[str]:
    """Make the policy called ``name`` in the project at ``root``, its first version taking
    effect on ``effective`` (by default :data:`DRAFTING_DAYS` after ``today``); returns what was
    done."""
    effective = effective or today + timedelta(days=DRAFTING_DAYS)
    if effective < today:
        raise ScaffoldError(
            f"a new policy cannot take effect in the past ({long_date(effective)}): a version "
            "in effect is frozen at once. Choose today or a later day."
        )
    if not NAME.fullmatch(name):
        raise ScaffoldError(
            f"“{name}” is not a policy name: use lower-case words joined by hyphens, like "
            "returns or credit-expiry."
        )
    config = root / CONFIG
    try:
        listed = from_mkdocs(config)
    except PackageError as error:
        raise ScaffoldError(str(error)) from None
    if any(policy.name == name for policy in listed):
        raise ScaffoldError(f"the site already has a policy called “{name}”.")
    folder = root / POLICIES_FOLDER / name
    page = root / "docs" / f"{name}.md"
    history = root / "docs" / f"{name}-history.md"
    for taken in (folder, page, history):
        if taken.exists():
            raise ScaffoldError(f"{taken.relative_to(root)} already exists: choose another name.")
    first = listed[0].read_policies() if listed else None
    email = PLACEHOLDER_EMAIL
    started = first.first.sales_started if first else today
    title = f"{name.replace('-', ' ')} policy"
    folder.mkdir(parents=True)
    (folder / "policy.toml").write_text(
        POLICY_TOML.format(
            name=name,
            title=title,
            email=email,
            sales_started=started.isoformat(),
            effective=effective.isoformat(),
            month=f"{MONTHS[effective.month - 1]} {effective.year}",
        ),
        "utf-8",
    )
    page.write_text(PAGE.format(title_words=title.capitalize()), "utf-8")
    history.write_text(
        HISTORY_PAGE.format(name=name, title=title, title_words=title.capitalize()), "utf-8"
    )
    shown = f"{POLICIES_FOLDER}/{name}"
    _register(config, shown, page.name, title.capitalize(), history.name)
    return [
        f"Made the {title}: {shown}/policy.toml (its values, questions, rule and words, in "
        f"force from {long_date(effective)}: until then they may still change, and from that "
        f"day it is frozen as every published version is), docs/{page.name} (its page, with "
        f"the self-check) and docs/{history.name} (its history).",
        f"Registered it in {CONFIG} (policies, and the navigation).",
    ]


def _register(config: Path, folder: str, page: str, title: str, history: str) -> None:
    """Add the policy to mkdocs.yml's ``policies`` list and its navigation, keeping the rest of
    the file (its comments) as it is."""
    text = config.read_text(encoding="utf-8")
    found = re.search(r"^(?P<indent>[ \t]*)policies:[ \t]*\n", text, re.M)
    if found is None:
        raise ScaffoldError(
            f"{CONFIG} has no “policies:” list under the policy-site plugin; add one first "
            "(dev/engine.md, “Publishing another policy”)."
        )
    # The list's items: the lines after "policies:" indented deeper than it.
    indent = found.group("indent")
    lines = text[found.end() :].split("\n")
    taken = 0
    item_indent = indent + "  "
    for line in lines:
        if line.strip() and not line.startswith(indent + " "):
            break
        if line.lstrip().startswith("- "):
            item_indent = line[: len(line) - len(line.lstrip())]
        taken += 1
    while taken and not lines[taken - 1].strip():
        taken -= 1
    entry = [f"{item_indent}- folder: {folder}", f"{item_indent}  page: {page}"]
    lines[taken:taken] = entry
    text = text[: found.end()] + "\n".join(lines)
    nav = re.search(r"^nav:[ \t]*\n((?:[ \t]+-.*\n)+)", text, re.M)
    if nav is not None:
        items = nav.group(1)
        step = items[: len(items) - len(items.lstrip())]
        added = f"{step}- {title}: {page}\n{step}- {title} history: {history}\n"
        text = text[: nav.end()] + added + text[nav.end() :]
    config.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="./run new-policy",
        description="Add a policy to the site, as data (no Python): its folder with its "
        "policy.toml (one value, one question and one rule) and its reviewed ledger, and its page "
        "with the self-check, registered in mkdocs.yml.",
    )
    parser.add_argument("name", help="the policy's name: lower-case words joined by hyphens")
    parser.add_argument(
        "--effective",
        metavar="YYYY-MM-DD",
        help=f"the day its first version takes effect (default: {DRAFTING_DAYS} days from today)",
    )
    args = parser.parse_args(argv)
    root = Path.cwd()
    try:
        effective = date.fromisoformat(args.effective) if args.effective else None
    except ValueError:
        sys.stderr.write(
            f"new-policy: --effective: “{args.effective}” is not a date. Write it as YYYY-MM-DD, "
            "like 2027-01-01.\n"
        )
        return 2
    try:
        done = new_policy(args.name, root, build_day(), effective)
    except (ScaffoldError, ValueError) as error:
        sys.stderr.write(f"new-policy: {error}\n")
        return 2
    from policy_review import review

    sys.stdout.write("\n".join(done) + "\n")
    status = review.main([args.name, "--accept"])
    if status != 0:
        sys.stderr.write(
            f"new-policy: its change review was not accepted (above). Fix what it says, then run "
            f"./run review {args.name} --accept.\n"
        )
        return status
    sys.stdout.write(
        "\nNext: in "
        f"{POLICIES_FOLDER}/{args.name}/policy.toml, write its support address (the build refuses "
        "the placeholder), change its value, question and clause to the policy's own "
        f"(EDITING.md, “Start a new policy”), and its words there and in docs/{args.name}.md; "
        "then "
        f"./run serve, and ./run review {args.name} --accept.\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
