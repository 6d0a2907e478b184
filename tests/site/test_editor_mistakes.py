"""An editor cannot publish a broken or unsafe policy: each mistake, made in a copy of the project
and built with the real ``mkdocs build --strict``, is named with its file, line and fix, nothing
is built, and the last good site stays as it was.

One build per class of mistake: the page's Markdown, the policy file's values, its TOML, and a
first build that cannot reach the registry. (The extension's and the policy reader's tests make
each mistake on its own, in-process.)
"""

# The tables of mistakes keep one case per entry; their long lines are deliberate.
# ruff: noqa: E501

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

from tests.policies import first_words
from tests.site.projects import MKDOCS, build, build_environment, copy_project, edit

LAST_GOOD = "<!doctype html><title>The last good build</title>"


def with_last_good_site(project: Path) -> Path:
    """A ``site/`` as a previous successful build left it (as a deploy would copy it)."""
    site = project / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text(LAST_GOOD, encoding="utf-8")
    (site / "assets" / "kept.css").write_text("p {}", encoding="utf-8")
    return site


def assert_nothing_built(project: Path, result: subprocess.CompletedProcess[str]) -> None:
    """The build failed, said so last, counted the problems, and left the last good site."""
    assert result.returncode == 1, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    problems = len(re.findall(r"^(?:WARNING|ERROR) +- ", result.stderr, re.MULTILINE))
    assert problems > 0
    last = result.stdout.strip().splitlines()[-1]
    s = "s" if problems > 1 else ""
    assert last == (
        f"Nothing was built: fix the {problems} problem{s} above, then build again. "
        "site/ still holds the last good build, unchanged."
    ), last
    site = project / "site"
    assert (site / "index.html").read_text(encoding="utf-8") == LAST_GOOD
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == [
        "assets",
        "assets/kept.css",
        "index.html",
    ]
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def line_of(path: Path, text: str) -> int:
    """The line of ``path`` where ``text`` (which may span lines) first starts, 1-based."""
    content = path.read_text(encoding="utf-8")
    return content.count("\n", 0, content.index(text)) + 1


def line_starting(path: Path, text: str) -> int:
    """The first line of ``path`` that begins with ``text``, 1-based."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(text))


# Mistakes in the policy's Markdown: (what is replaced, by what, text on the line the message must
# name, or None for a message about the whole site, and what the message says).
# fmt: off
PAGE_MISTAKES = [
    ("{{ refund_window_days }} days of purchase", "{{ refund_window_dasy }} days of purchase", "{{ refund_window_dasy }}",
     "{{ refund_window_dasy }} is not a policy value. Did you mean {{ refund_window_days }}?"),
    ("Last updated: {{ last_updated }}", "Last updated: {{ last_updated }", "Last updated:",
     "“{{ last_updated }” has one closing brace, so it would be shown as it is. Write {{ last_updated }}."),
    ("Refund requests and billing questions: {{ support_email }}", "Refund requests and billing questions: {support_email}", "Refund requests and billing",
     "“{support_email}” has single braces, so it would be shown as it is. Write {{ support_email }}."),
    ("Please contact support before opening a payment dispute.", "Please contact support within 7 days, before opening a payment dispute.", "Please contact support within",
     "“7 days” is policy.toml's refund_window_days (7) typed as a number, so it would not change when policy.toml does. Write “{{ refund_window_days }} days”; if it must stay as it is whatever the policy says, write {literal: 7 days}."),
    ("refunded {clause: failed-job}", "refunded {clause: failed-jobs}", "refunded {clause: failed-jobs}",
     "{clause: failed-jobs} names no rule of the self-check."),
    (first_words("substantial-use"), "A large part of the credits has been used", "A large part of the credits",
     "The bullet for clause “substantial-use” reads “A large part of the credits has been used”"),
    (" {clause: terms-violation}", "", None,
     "no bullet of the policy is marked as clause “terms-violation”"),
    ("Refunds are usually eligible when:\n", "Refunds are usually eligible when:\n\n- The request is made more than {{ refund_window_days }} days after purchase {clause: late-request}\n", "Refunds are usually not eligible when:\n\n- The request",
     "Clause “late-request” is already marked at docs/index.md:"),
    ("/// policy-check\n///\n", "/// policy-check\n///\n\n/// policy-check\n///\n", "/// policy-check\n///\n\n/// policy-check",
     "A second “/// policy-check” block: this page already has one at line"),
    ("/// decision-summary\n///\n", "", None,
     "the policy page has no “/// decision-summary” block, so readers without JavaScript get no summary of usual outcomes"),
    # Unsafe HTML, in a clause bullet (and in its words in policy.toml, see the test) and in prose.
    ("payment occurred {clause", "payment occurred <script>alert(1)</script> {clause", "payment occurred <script>",
     "<script> is not allowed in the policy's pages: a script here would run in every visitor's browser."),
    ("## Alternatives to Refunds\n", "## Alternatives to Refunds\n\n<iframe src=\"https://example.com/offers\"></iframe>\n", "<iframe",
     "<iframe> is not allowed in the policy's pages: they show nothing from other sites."),
    ("## Chargebacks\n", "## Chargebacks\n\n<b onclick=\"steal()\">Read this first</b>\n", "<b onclick",
     "onclick=\"…\" on <b> is not allowed: an event handler is a script. Remove the attribute."),
    ("## Processing Time\n", "## Processing Time\n\nSee [the status page](javascript:alert(1)).\n", "See [the status page]",
     "The link “javascript:alert(1” is not allowed: a link goes to a web address (https://…)"),
    ("## Subscription Refunds\n", "## Subscription Refunds\n\n<style>body { display: none }</style>\n", "<style>",
     "<style> is not allowed in the policy's pages: the site's look comes from its stylesheet."),
]
# fmt: on

# The same, in the worked examples' page (docs/examples.md).
# fmt: off
EXAMPLE_MISTAKES = [
    ("reason: duplicate_payment\ncredits_used: none\nnote: Include the order IDs and the purchase date so support can find both payments.\nexpect: likely_eligible",
     "reason: duplicate_payment\ncredits_used: none\nnote: Include the order IDs and the purchase date so support can find both payments.\nexpect: likely_not_eligible", "/// example | I was charged twice",
     "The example “I was charged twice for the same credit pack” expects likely_not_eligible but the checker says likely_eligible"),
    ("note: Your account's credit history shows how many credits you used, and that decides the usual answer.\nexpect: needs_review\n///",
     "note: Your account's credit history shows how many credits you used, and that decides the usual answer.\nexpect: needs_review", "/// example | I bought credits recently but I am not sure",
     "The “/// example” block is not closed. Add a line with only /// after its last line."),
]
# fmt: on


def test_mistakes_in_the_page_are_each_named_and_nothing_is_built(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    with_last_good_site(project)
    page, policy = project / "docs" / "index.md", project / "checker" / "policy.toml"
    examples = project / "docs" / "examples.md"
    for old, new, _, _ in PAGE_MISTAKES:
        edit(page, old, new)
    for old, new, _, _ in EXAMPLE_MISTAKES:
        edit(examples, old, new)
    # The clause's words in policy.toml get the script too, as an editor keeping both the same.
    edit(policy, 'payment occurred"', 'payment occurred <script>alert(1)</script>"')
    # Shown as code, a block, a placeholder or a script is a sample, not a mistake.
    edit(
        page,
        "## Contact\n",
        "## Contact\n\n```\n/// policy-check\n///\n{{ refund_days }} <script>x()</script>\n```\n\n"
        "Write `{{ last_updated }` and `<script>` like this. We kept {literal: 7 days} here.\n",
    )
    result = build(project)
    assert_nothing_built(project, result)
    for _, _, at, message in PAGE_MISTAKES:
        if at is None:
            assert message in result.stderr, message
            continue
        lines = at.count("\n")
        line = line_of(page, at) + lines
        expected = f"docs/index.md:{line}: {message}"
        assert expected in result.stderr, f"{expected}\n\n{result.stderr}"
    for _, _, at, message in EXAMPLE_MISTAKES:
        line = line_of(examples, at) + at.count("\n")
        expected = f"docs/examples.md:{line}: {message}"
        assert expected in result.stderr, f"{expected}\n\n{result.stderr}"
    at = line_starting(policy, 'text = "A duplicate or accidental duplicate payment occurred')
    assert f"checker/policy.toml:{at}: in clause duplicate-payment, <script> is not allowed" in (
        result.stderr
    )
    # The samples shown as code, and the marked literal, are not reported.
    contact = line_of(page, "## Contact")
    assert not re.search(rf"docs/index\.md:{contact + 2}\d*:", result.stderr)
    for sample_line in range(contact + 1, contact + 9):
        assert f"docs/index.md:{sample_line}:" not in result.stderr, sample_line


# Mistakes in policy.toml's values: (what is replaced, by what, text on the named line, message).
# fmt: off
VALUE_MISTAKES = [
    ("refund_window_days = 7", 'refund_window_days = "seven"', "refund_window_days",
     'refund_window_days must be a whole number of days, written without quotes; it is "seven". Write it like refund_window_days = 7'),
    ("repeat_request_limit = 2", "repeat_request_limit = 0", "repeat_request_limit",
     "repeat_request_limit must be a whole number of requests from 1 to 100; it is 0."),
    ("creem_settlement_days_min = 5", "creem_settlement_days_min = 12", "creem_settlement_days_min",
     "creem_settlement_days_min (12) is more than creem_settlement_days_max (10); the smaller number of days comes first"),
    ('last_updated = "May 2026"\n', "", "[[versions]]",
     'last_updated is missing in the version of 2026-05-01; add a line last_updated = "May 2026"'),
    ('support_email = "support@imgtostl.com"', 'support_email = "support at imgtostl"', "support_email",
     'support_email must be one email address; it is "support at imgtostl".'),
    ('when = { reason = "duplicate_payment" }', 'when = { reasn = "duplicate_payment" }', "when = { reasn",
     "reasn is not an answer a condition can read. Did you mean reason?"),
]
# fmt: on


def test_wrong_values_in_the_policy_file_are_each_named_with_their_line(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    with_last_good_site(project)
    policy = project / "checker" / "policy.toml"
    for old, new, _, _ in VALUE_MISTAKES:
        edit(policy, old, new)
    result = build(project)
    assert_nothing_built(project, result)
    for _, _, at, message in VALUE_MISTAKES:
        expected = f"checker/policy.toml:{line_starting(policy, at)}: {message}"
        assert expected in result.stderr, f"{expected}\n\n{result.stderr}"
    assert str(project) not in result.stderr, "the file is named as the editor knows it"


def test_a_policy_file_that_is_not_toml_is_named_in_the_editors_words(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    with_last_good_site(project)
    policy = project / "checker" / "policy.toml"
    edit(policy, 'last_updated = "May 2026"', 'last_updated = "May 2026')
    result = build(project)
    assert_nothing_built(project, result)
    line = line_starting(policy, "last_updated =")
    assert (
        f"checker/policy.toml:{line}: a text in quotes is not closed; end the text with a "
        'double quote (") on the same line'
    ) in result.stderr


def test_a_first_build_offline_fails_within_seconds_with_the_offline_way(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    with_last_good_site(project)
    started = time.monotonic()
    result = build(
        project,
        POLICY_SITE_CACHE=str(tmp_path / "empty-cache"),
        npm_config_cache=str(tmp_path / "empty-npm-cache"),
        npm_config_registry="http://127.0.0.1:9/",
    )
    waited = time.monotonic() - started
    assert_nothing_built(project, result)
    assert "pyodide_source:" in result.stderr and "ECONNREFUSED" in result.stderr
    # npm's retries took about 72 s; a bound this far from both tells the behaviours apart.
    assert waited < 45, f"{waited:.0f} s"


def test_the_preview_keeps_the_last_good_build_while_the_terminal_says_what_to_fix(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path)
    page = project / "docs" / "index.md"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(MKDOCS), "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=build_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    said: list[str] = []
    reader = threading.Thread(target=lambda: said.extend(iter(server.stdout.readline, "")))
    reader.start()

    def wait_for(words: str, after: int = 0) -> int:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for index in range(after, len(said)):
                if words in said[index]:
                    return index + 1
            assert server.poll() is None, "".join(said)
            time.sleep(0.1)
        raise AssertionError(f"never said {words!r}:\n{''.join(said)}")

    def served() -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:
            return response.read().decode("utf-8")

    try:
        seen = wait_for("Serving on")
        assert "Refunds are usually eligible when:" in served()
        edit(page, "Refunds are usually eligible when:", "Refunds {{ usually_eligible }} when:")
        seen = wait_for("Nothing was built", seen)
        assert "docs/index.md:" in "".join(said[:seen]) and "{{ usually_eligible }}" in "".join(
            said[:seen]
        )
        assert "The preview still shows the last good build." in said[seen - 1]
        assert "Refunds are usually eligible when:" in served(), "the preview kept the good build"
        edit(page, "Refunds {{ usually_eligible }} when:", "Refunds are generally eligible when:")
        # Fixed, the preview shows the fix (as soon as the rebuild is served).
        deadline = time.monotonic() + 60
        while "Refunds are generally eligible when:" not in served():
            assert time.monotonic() < deadline, "the fix never showed:\n" + "".join(said)
            assert server.poll() is None, "".join(said)
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
        reader.join(timeout=30)
