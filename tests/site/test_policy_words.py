"""A new policy says nothing of refunds or purchases unless its file does: its page (title,
header, banner, the self-check's words), its decision table, its checker's results and its CLI,
built and run as an editor does in a copy of the project; then, once its file's [words] speak of
orders, they say "order" where they spoke of cases."""

from __future__ import annotations

import html as html_text
import json
import re
import subprocess
import sys
import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from justhtml import JustHTML

from tests.site.projects import ROOT, build, build_environment, command, copy_project, edit

# A name no editor is likely to give a policy of the real site.
NAME = "fixture-words"
# Where ./run new-policy writes the policy (a folder of data).
PACKAGE = Path("policies") / NAME

# What a policy about refunds of purchases says; no other policy may say it unless its file does.
BUSINESS = re.compile(r"\b(refunds?|refunded|purchases?|purchased|bought)\b", re.IGNORECASE)
# A {slot} of the email's lines is a name the self-check fills in, never read as it is.
SLOT = re.compile(r"\{[^{}]*\}")
# What a reader is told by an element's attributes (the rest are addresses and settings).
READ_ATTRIBUTE = re.compile(r'\s(aria-label|title|alt|placeholder|content)="([^"]*)"')

ORDER_WORDS = """
[words]
thing = "order"
things = "orders"
made = "placed"
you_did = "you ordered"
thing_date = "order date"
"""


def page_words(site: Path) -> tuple[str, list[str]]:
    """The policy page's text as a reader meets it (the list of the site's pages in the
    navigation left out: it names the site's other policies by their own titles), and the texts
    of its decision table (decisions.json), without the email's {slots}."""
    html = (site / NAME / "index.html").read_text(encoding="utf-8")
    document = JustHTML(html)
    for listing in document.query(".md-nav__list"):
        if listing.parent is not None:
            listing.parent.remove_child(listing)
    said = [document.to_text()]
    said += [html_text.unescape(value) for _, value in READ_ATTRIBUTE.findall(html)]
    tables = re.findall(r'data-decisions="([^"]+)"', html)
    assert len(tables) == 1, "the policy page has no self-check, or more than one"
    table = json.loads((site / NAME / tables[0]).read_text("utf-8"))
    return "\n".join(said), [SLOT.sub("", text) for text in strings(table)]


def strings(value: Any) -> list[str]:
    """Every text in a JSON value (its keys are names, not words anyone reads)."""
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return [value] if isinstance(value, str) else []


def business(texts: list[str]) -> list[str]:
    """Each text that speaks of refunds or purchases, with the words around them."""
    return [
        text[max(0, found.start() - 60) : found.end() + 30]
        for text in texts
        for found in BUSINESS.finditer(text)
    ]


def check(project: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The policy's CLI in the copy, as support runs it (``./run check --for NAME …``)."""
    if stdin is None:
        return command(project, "checker", "--for", NAME, *args)
    return subprocess.run(
        [sys.executable, "-m", "checker", "--for", NAME, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=project,
        env=build_environment(),
        check=False,
    )


def answers(project: Path, ordered: date) -> dict[str, Any]:
    """An answer to every question the scaffold's policy asks, whatever its questions are named:
    each date the customer gives is ``ordered``, each yes/no question yes, each other its first
    option (the page's own date, the request's, is left to the checker: today)."""
    data = tomllib.loads((project / PACKAGE / "policy.toml").read_text(encoding="utf-8"))
    given: dict[str, Any] = {}
    for field, question in data["versions"][0]["questions"].items():
        if question.get("asker") in ("page", "support"):
            continue
        if question.get("kind") == "date":
            given[field] = ordered.isoformat()
        elif "options" in question:
            options = list(question["options"])
            given[field] = True if "true" in options else options[0]
    return given


def flags(given: dict[str, Any]) -> list[str]:
    """The same answers as the CLI's flags (``--arrived-damaged true``)."""
    return [
        part
        for field, value in given.items()
        for part in (f"--{field.replace('_', '-')}", json.dumps(value).strip('"'))
    ]


def checker_json(project: Path, ordered: date) -> dict[str, Any]:
    """The checker's result for answers to each question, as the self-check shows it."""
    ran = check(project, "--json", stdin=json.dumps(answers(project, ordered)))
    assert ran.returncode == 0, ran.stdout + ran.stderr
    result: dict[str, Any] = json.loads(ran.stdout)
    return result


def built(project: Path) -> Path:
    made = build(project)
    assert made.returncode == 0, made.stdout + made.stderr
    return project / "site"


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with a policy just made by ``./run new-policy``, its support address
    written (the one edit the build asks for) and its review accepted."""
    project = copy_project(tmp_path_factory.mktemp("policy-words"))
    made = command(project, "policy_site.scaffold", NAME)
    assert made.returncode == 0, made.stdout + made.stderr
    edit(project / PACKAGE / "policy.toml", "support@example.invalid", "support@example.com")
    reviewed = command(project, "policy_review.review", NAME, "--accept")
    assert reviewed.returncode == 0, reviewed.stdout + reviewed.stderr
    return project


def test_a_new_policy_says_nothing_of_refunds_until_its_words_say_order(scaffolded: Path) -> None:
    project = scaffolded
    ordered = date.today() - timedelta(days=2)

    site = built(project)
    text, table = page_words(site)
    assert not business([text]), business([text])
    assert not business(table), business(table)
    # Titled by its own page, not by the site's (the refund policy's) name.
    title = (site / NAME / "index.html").read_text(encoding="utf-8")
    assert "<title>Fixture words policy</title>" in title
    # Its header's mark, which carries that name, leads to its own page (not the refund policy's).
    logo = re.search(r'<a href="([^"]*)" title="([^"]*)" class="md-header__button md-logo"', title)
    assert logo is not None and logo.groups() == ("./", "Fixture words policy"), logo
    # Its first version is still to come: the banner speaks of cases, in neutral words.
    assert "It applies to cases opened from" in text
    result = checker_json(project, ordered)
    assert not business(strings(result)), business(strings(result))
    assert result["policy"]["applied"].startswith("Your case began before this policy was first")
    staff = check(project, *flags(answers(project, ordered)))
    assert "the first, as the case predates it." in staff.stdout, staff.stdout + staff.stderr

    # The editor says what the policy is about: its pages, self-check and CLI say it.
    policy_file = project / PACKAGE / "policy.toml"
    policy_file.write_text(policy_file.read_text(encoding="utf-8") + ORDER_WORDS, "utf-8")
    site = built(project)
    text, table = page_words(site)
    assert not business([text]) and not business(table)
    assert "It applies to orders placed from" in text
    assert "how long ago you ordered" in text  # the self-check's words while it loads
    result = checker_json(project, ordered)
    assert result["policy"]["applied"].startswith("You ordered before this policy was first")
    staff = check(project, *flags(answers(project, ordered)))
    assert "the first, as the order predates it." in staff.stdout, staff.stdout + staff.stderr


def test_the_cli_says_nothing_of_purchases_to_support_on_a_new_policy(scaffolded: Path) -> None:
    ordered = date.today() - timedelta(days=2)
    staff = check(scaffolded, *flags(answers(scaffolded, ordered)))
    assert staff.returncode == 0, staff.stdout + staff.stderr
    # The answers it was judged with are listed by the names the policy's file gives them.
    fields = set(
        re.findall(
            r"^\[versions\.questions\.(\w+)\]",
            (scaffolded / PACKAGE / "policy.toml").read_text("utf-8"),
            re.MULTILINE,
        )
    )
    prose = [
        line
        for line in staff.stdout.splitlines()
        if not any(line.strip().startswith(f"{field} =") for field in fields)
    ]
    assert not business(prose), business(prose)


ASSETS = ROOT / "policy_site" / "shipping" / "assets" / "policy-check"
TEMPLATES = ROOT / "policy_site" / "pages" / "templates"
# The decision summary is the refund policy's own table (it refuses a policy without the refund
# policy's questions), so its words are that policy's; every other template serves any policy.
REFUND_ONLY_TEMPLATES = {"decision_summary.html"}


def test_the_browser_code_and_the_pages_templates_hold_no_words_of_a_policys_business() -> None:
    # The browser's code fills in words from the page and the decision table: any text of its own
    # (a string a customer could read) must not speak of refunds or purchases.
    literal = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`")
    said = []
    scripts = sorted([*ASSETS.glob("*.js"), *ASSETS.glob("*.mjs")])
    assert scripts, f"no browser code in {ASSETS}"
    for script in scripts:
        code = re.sub(r"/\*.*?\*/", "", script.read_text(encoding="utf-8"), flags=re.DOTALL)
        code = re.sub(r"(?m)(^|\s)//.*$", "", code)
        said += [f"{script.name}: {text}" for text in literal.findall(code)]
    # The templates' own text: what is left once Jinja's parts and the HTML tags (class names
    # and attributes) are taken out.
    templates = sorted(TEMPLATES.glob("*.html"))
    assert templates, f"no templates in {TEMPLATES}"
    for template in templates:
        if template.name in REFUND_ONLY_TEMPLATES:
            continue
        text = template.read_text(encoding="utf-8")
        for part in (r"\{#.*?#\}", r"\{%.*?%\}", r"\{\{.*?\}\}", r"<[^>]*>"):
            text = re.sub(part, " ", text, flags=re.DOTALL)
        said.append(f"{template.name}: {text}")
    # A name (a CSS class "policy-check__busy", a field "purchase_date") is not a word anyone reads.
    words = [re.sub(r"[\w-]*[-_][\w-]*", " ", text) for text in said]
    assert not business(words), business(words)
