"""Every address a page shows or mails is the policy's (policy_site/pages/safety.py, issue 33):
a mailto: goes to an address the policy file declares, and a link whose words are an address goes
to that same address. A corpus of hostile and benign links, rendered through the extension."""

# The corpus keeps one case per line; its long lines are deliberate.
# ruff: noqa: E501

from __future__ import annotations

import pytest

from policy_site.pages import safety
from tests.site.test_output_check import INTRO, REFUND, render

SUPPORT = "support@imgtostl.com"  # checker/policy.toml's support_email
ADDRESSES = safety.Addresses(SUPPORT, source="checker/policy.toml")

# (what an editor writes, from line 3 of a page; what the message says)
# fmt: off
HOSTILE = [
    ("Write to [refunds@imgtostl.com](mailto:refunds@imgtostl-help.example).", "show the address refunds@imgtostl.com but it goes to"),
    ("Write to [support@imgtostl.com](mailto:support@imgtostl-help.example).", "Write [support@imgtostl.com](mailto:support@imgtostl.com) instead"),
    ("[Write to support](mailto:refunds@imgtostl-support.example)", "an address checker/policy.toml does not declare"),
    ("[Write to support](mailto:support@imgtostl.com?cc=refunds@evil.example)", "link mails refunds@evil.example"),
    ("[Write to support](mailto:support@imgtostl.com?bcc=refunds@evil.example)", "link mails refunds@evil.example"),
    ("[Write to support](mailto:support@imgtostl.com,refunds@evil.example)", "link mails refunds@evil.example"),
    ("[Write to support](mailto:refunds%40evil.example)", "link mails refunds@evil.example"),
    ("[Write to support](MAILTO:refunds@evil.example)", "link mails refunds@evil.example"),
    ('<a href="mailto:&#114;efunds@evil.example">Write to support</a>', "link mails refunds@evil.example"),
    ("[support@imgtostl.com](https://evil.example/form)", "show the address support@imgtostl.com but it goes to"),
    ("[https://imgtostl.com/terms](https://evil.example/terms)", "show the address https://imgtostl.com/terms but it goes to"),
    ("[imgtostl.com](https://imgtostl.com.evil.example/)", "show the address imgtostl.com but it goes to"),
    ("[www.imgtostl.com/refunds](https://imgtostl.com/other)", "show the address www.imgtostl.com/refunds"),
    ("[imgtostl.com/terms](examples.md)", "show the address imgtostl.com/terms but it goes to"),
    ("[www.imgtostl.de](https://evil.example/)", "show the address www.imgtostl.de but it goes to"),
    ("Or email refunds@imgtostl-support.example for a faster refund.", "names the email address refunds@imgtostl-support.example"),
    ("Or email <b>refunds@imgtostl-support.example</b> today.", "names the email address refunds@imgtostl-support.example"),
    ('Write to <abbr title="refunds@imgtostl-support.example">us</abbr>.', "names the email address refunds@imgtostl-support.example"),
    ("[Write to support](mailto:support@imgtostl.com%2C%20refunds@evil.example)", "link mails refunds@evil.example"),
    ("[Write to support](mailto:?to=refunds@evil.example)", "link mails refunds@evil.example"),
    ("Write to <refunds@evil.example>.", "link mails refunds@evil.example"),
    ("[imgtostl.com](https://imgtostl.com@evil.example/)", "show the address imgtostl.com but it goes to"),
    ("[imgtostl.com](https://imgtostl.com:443@evil.example/)", "show the address imgtostl.com but it goes to"),
    ("[imgtostl.com](https://imgt\u043estl.com/)", "show the address imgtostl.com but it goes to"),
    ("Write to support@imgt\u043estl.com today.", "names the email address support@imgt\u043estl.com"),
]
# fmt: on

BENIGN = [
    "Write to {{ support_email }} within a week.",
    f"Write to [{SUPPORT}](mailto:{SUPPORT}).",
    f"[Write to support](mailto:{SUPPORT}?subject=Refund%20request).",
    "[Write to support](mailto:SUPPORT@ImgToSTL.com)",
    "See [our terms](https://imgtostl.com/terms) and <https://imgtostl.com/terms>.",
    "See [imgtostl.com](https://imgtostl.com/) or [http://imgtostl.com/terms](https://imgtostl.com/terms/).",
    "See [the examples](examples.md) and [history](/history/).",
    "Open [examples.md](examples.md), [policy.toml](https://github.com/imgtostl/policy/blob/main/checker/policy.toml) or [run.py](https://github.com/imgtostl/policy).",
    "See [www.imgtostl.com](https://imgtostl.com/) and [imgtostl.com/terms](https://www.imgtostl.com/terms?lang=en).",
]


@pytest.mark.parametrize(("text", "message"), HOSTILE, ids=[case[0][:50] for case in HOSTILE])
def test_an_address_that_is_not_the_policys_is_refused_at_its_line(text: str, message: str) -> None:
    html, problems = render(INTRO + text + "\n")
    assert problems, f"built: {html}"
    assert any(problem.startswith("the page:3: ") for problem in problems), problems
    assert any(message in problem for problem in problems), problems
    assert all("instead" in problem for problem in problems), problems
    # The output check alone refuses it, on the HTML the page would get.
    assert safety.judge(html, addresses=ADDRESSES), html


@pytest.mark.parametrize("text", BENIGN)
def test_the_policys_own_addresses_and_honest_links_are_allowed(text: str) -> None:
    html, problems = render(INTRO + text + "\n")
    assert problems == []
    assert safety.judge(html, addresses=ADDRESSES) == []


def test_the_address_to_write_is_the_policy_files_own() -> None:
    _, problems = render(INTRO + "[Write to support](mailto:refunds@evil.example)\n")
    assert problems == [
        "the page:3: The link mails refunds@evil.example, an address checker/policy.toml does "
        f"not declare (customers write to {REFUND.read_policies().first.support_email}); write "
        "{{ support_email }} (a link to support@imgtostl.com) instead, or declare the address in "
        "checker/policy.toml."
    ]


def test_a_declared_list_of_addresses_may_be_mailed() -> None:
    addresses = safety.Addresses(SUPPORT, frozenset({"billing@imgtostl.com"}))
    link = '<a href="mailto:billing@imgtostl.com">billing@imgtostl.com</a>'
    assert safety.judge(link, addresses=addresses) == []
    assert safety.judge(link, addresses=ADDRESSES)
