"""What an editor's stylesheet may say, judged as a browser parses CSS (build time only).

EDITING.md invites editors to change the site's colours in ``docs/assets/brand.css``, and MkDocs
publishes every stylesheet under ``docs/`` as it is, on every page. CSS can do more than colour:
``content`` writes words under the policy's title that no page check sees, ``display: none`` hides
the self-check, ``url()`` and ``@import`` load from other sites. So every stylesheet an editor may
add is parsed with tinycss2, which follows the CSS Syntax standard's tokenizer as browsers do
(escapes such as ``disp\\lay`` come out as ``display``), and each rule is held to an allow-list:

- custom properties (``--name: …``), whose values may hold colours, fonts and this site's files;
- colours (:data:`COLOUR_PROPERTIES`), with no text colour a visitor cannot read;
- fonts (:data:`FONT_PROPERTIES`), with sizes and line heights that keep text legible;
- spacing (:data:`SPACING_PROPERTIES`), never negative and never more than :data:`MAX_SPACING_REM`;
- at-rules: ``@media`` and ``@supports`` (their rules judged the same way), ``@font-face`` with
  files of this site, ``@charset "utf-8"`` and ``@layer``.

Everything else is refused, whatever the selector: a selector cannot be proved to miss the
policy or the self-check, since an editor may give any element of the page a class. Each finding
is ``docs/…css:LINE: what is wrong; write … instead``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import tinycss2
import tinycss2.color5
from tinycss2 import ast

# Colours: what they paint is always the page's own text and boxes.
COLOUR_PROPERTIES = frozenset(
    {"color", "background-color", "border-color", "outline-color", "caret-color"}
    | {"accent-color", "text-decoration-color", "text-emphasis-color", "column-rule-color"}
    | {"fill", "stroke", "stop-color", "scrollbar-color", "-webkit-tap-highlight-color"}
    | {f"border-{side}-color" for side in ("top", "right", "bottom", "left")}
    | {f"border-{axis}-color" for axis in ("block", "inline")}
    | {f"border-{axis}-{end}-color" for axis in ("block", "inline") for end in ("start", "end")}
)
# Fonts and the look of text. Each is checked by its own rule in _font_problem.
FONT_PROPERTIES = frozenset(
    {"font-family", "font-weight", "font-style", "font-size", "line-height"}
    | {"letter-spacing", "word-spacing", "text-transform", "font-kerning", "font-stretch"}
    | {"font-variant", "font-variant-caps", "font-variant-numeric", "font-variant-ligatures"}
    | {"font-feature-settings", "font-optical-sizing", "font-synthesis", "text-rendering"}
    | {"text-decoration", "text-decoration-line", "text-decoration-style"}
    | {"text-decoration-thickness", "text-underline-offset", "-webkit-font-smoothing"}
    | {"-moz-osx-font-smoothing"}
)
_BOX_SIDES = ("", "-top", "-right", "-bottom", "-left", "-block", "-inline")
_BOX_ENDS = ("-block-start", "-block-end", "-inline-start", "-inline-end")
# Spacing: room around and inside boxes, and their borders' shape.
SPACING_PROPERTIES = frozenset(
    {f"{box}{side}" for box in ("margin", "padding") for side in _BOX_SIDES + _BOX_ENDS}
    | {"gap", "row-gap", "column-gap", "outline-offset"}
)
BORDER_PROPERTIES = frozenset(
    {f"border{side}" for side in _BOX_SIDES + _BOX_ENDS}
    | {f"border{side}-width" for side in _BOX_SIDES + _BOX_ENDS}
    | {f"border{side}-style" for side in _BOX_SIDES + _BOX_ENDS}
    | {"outline", "outline-width", "outline-style", "border-radius"}
    | {f"border-{y}-{x}-radius" for y in ("top", "bottom") for x in ("left", "right")}
)
COLOR_SCHEME = "color-scheme"
# How text is set, chosen among keywords only (no strings: a list marker written as a string
# would be words on the page). None of them hides, moves or adds anything.
KEYWORD_PROPERTIES = frozenset(
    {"text-align", "cursor", "scroll-behavior", "list-style-type", "hyphens", "overflow-wrap"}
    | {"word-break", "text-wrap", "text-underline-position", "text-decoration-skip-ink"}
    | {"font-variant-position", "font-variant-east-asian", "print-color-adjust"}
)
# Room around a box is at most this (in rem, 16 px): more would push the policy out of view.
MAX_SPACING_REM = 4.0
MAX_BORDER_REM = 0.5
# The smallest text a visitor can still read, and line heights that do not overlap lines.
MIN_FONT_REM, MAX_FONT_REM = 0.75, 4.0
MIN_LINE_HEIGHT, MAX_LINE_HEIGHT = 1.0, 3.0
MAX_LETTER_SPACING_EM = 0.3
# A text colour at least this opaque: fainter is not read.
MIN_TEXT_ALPHA = 0.6
# Text and background set in one rule must differ at least this much (WCAG's contrast ratio; 3:1
# is its floor for large text): below it the words cannot be read. Other pairs are left to the
# accessibility audit of the built pages.
MIN_CONTRAST = 3.0

# How many rem a length of each unit is, near enough for a limit (em and ex as at 16 px).
_REM_PER_UNIT = {
    "rem": 1.0, "em": 1.0, "px": 1 / 16, "pt": 1 / 12, "pc": 1.0, "ex": 0.5, "ch": 0.5,
    "cap": 0.7, "lh": 1.5, "rlh": 1.5, "q": 1 / 60.48, "mm": 1 / 6.048, "cm": 1 / 0.6048,
    "in": 6.0,
}  # fmt: skip
_GLOBAL_KEYWORDS = frozenset({"inherit", "initial", "unset", "revert", "revert-layer"})
_COLOUR_FUNCTIONS = frozenset(
    {"rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch", "color"}
    | {"color-mix", "light-dark"}
)
_MATH_FUNCTIONS = frozenset({"calc", "min", "max", "clamp"})
_URL_FUNCTIONS = frozenset({"url", "src"})
_LINE_STYLES = frozenset(
    {"none", "hidden", "solid", "dashed", "dotted", "double", "groove", "ridge", "inset", "outset"}
)
_BORDER_WIDTHS = frozenset({"thin", "medium", "thick"})
_FONT_SIZES = frozenset(
    {"small", "medium", "large", "x-large", "xx-large", "xxx-large", "larger", "math"}
)
_DECORATION_WORDS = frozenset(
    {"none", "underline", "overline", "solid", "double", "dotted", "dashed", "wavy", "auto"}
    | {"from-font"}
)
# What @font-face may say about a font.
_FONT_FACE_DESCRIPTORS = frozenset(
    {"font-family", "src", "font-weight", "font-style", "font-display", "font-stretch"}
    | {"unicode-range", "font-feature-settings", "size-adjust", "ascent-override"}
    | {"descent-override", "line-gap-override", "font-variation-settings"}
)
# Properties that hide, move, cover or reshape what the page shows: refused with that reason.
_LAYOUT = frozenset(
    {"display", "visibility", "opacity", "position", "clip", "clip-path", "transform"}
    | {"translate", "scale", "rotate", "zoom", "filter", "backdrop-filter", "mask", "z-index"}
    | {"height", "max-height", "min-height", "width", "max-width", "min-width", "inset"}
    | {"top", "right", "bottom", "left", "float", "overflow", "overflow-x", "overflow-y"}
    | {"content-visibility", "contain", "text-indent", "order", "flex", "flex-basis", "grid"}
    | {"block-size", "inline-size", "max-block-size", "max-inline-size", "pointer-events"}
    | {"mix-blend-mode", "perspective", "columns", "column-count", "white-space", "text-overflow"}
    | {"line-clamp", "-webkit-line-clamp", "box-sizing", "aspect-ratio", "appearance"}
    | {"animation", "transition", "offset", "user-select", "color-scheme-override"}
)
_LAYOUT_PREFIXES = ("mask-", "inset-", "animation-", "transition-", "grid-", "flex-", "offset-")


@dataclass(frozen=True)
class StyleFinding:
    """Something a stylesheet may not say: its line, and a message saying what to write."""

    line: int
    message: str


def _url_problem(url: str) -> str | None:
    """Why ``url`` is not one of this site's files, or None."""
    seen = url.strip()
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", seen) or seen.startswith(("//", "\\")) or not seen:
        return (
            f"url({seen[:50]}) loads from another site (or from the address itself), which tells "
            "that site about every visitor and is blocked by the site's security policy; save "
            "the file under docs/assets/ and write url(its path from the stylesheet) instead"
        )
    if "\\" in seen:
        return f"url({seen[:50]}) holds a backslash; write the path with slashes instead"
    return None


def _url_of(token: ast.Node) -> str | None:
    """The address of a ``url(…)`` or ``src(…)`` token, or None when it is none."""
    if isinstance(token, ast.URLToken):
        return token.value
    if isinstance(token, ast.FunctionBlock) and token.lower_name in _URL_FUNCTIONS:
        strings = [t for t in token.arguments if isinstance(t, ast.StringToken)]
        return strings[0].value if strings else ""
    return None


def _significant(tokens: list[ast.Node]) -> list[ast.Node]:
    return [t for t in tokens if not isinstance(t, ast.WhitespaceToken | ast.Comment)]


def _rem(token: ast.Node) -> float | None:
    """A length in rem, or None when ``token`` is no length this check can measure."""
    if isinstance(token, ast.NumberToken) and token.value == 0:
        return 0.0
    if isinstance(token, ast.DimensionToken) and token.lower_unit in _REM_PER_UNIT:
        return float(token.value) * _REM_PER_UNIT[token.lower_unit]
    return None


def _words(tokens: list[ast.Node]) -> list[ast.Node]:
    """The significant tokens of a value, commas and slashes left out."""
    return [
        t
        for t in _significant(tokens)
        if not (isinstance(t, ast.LiteralToken) and t.value in (",", "/"))
    ]


def _is_var(token: ast.Node) -> bool:
    return isinstance(token, ast.FunctionBlock) and token.lower_name == "var"


# The custom properties that hold colours: the site's own (which hold nothing but colours, fonts
# and files, see _custom_property_problem) and the theme's colours (--md-…-color, --md-…-color--…).
_COLOUR_VARIABLE = re.compile(r"^--(imgtostl-[\w-]+|md-[\w-]*-color(--[\w-]+)?)$")


def _names_a_colour(token: ast.Node) -> bool:
    """Whether ``token`` is var() of a custom property that holds a colour."""
    arguments = _significant(getattr(token, "arguments", []))
    return bool(
        arguments
        and isinstance(arguments[0], ast.IdentToken)
        and _COLOUR_VARIABLE.match(arguments[0].value)
        and len(arguments) == 1
    )


def _colour_problem(name: str, tokens: list[ast.Node]) -> str | None:
    """Why ``tokens`` are not a colour (or, for ``scrollbar-color``, two) a visitor can read."""
    for token in _words(tokens):
        if isinstance(token, ast.IdentToken) and token.lower_value in _GLOBAL_KEYWORDS:
            continue
        if _is_var(token):
            continue  # a custom property's colour, judged where it is declared
        if (
            isinstance(token, ast.IdentToken)
            and name == COLOR_SCHEME
            and token.lower_value in ("light", "dark", "normal", "only")
        ):
            continue
        # One component value, as tinycss2 documents it (its stubs say only str or a list).
        colour = tinycss2.color5.parse_color(token)  # type: ignore[arg-type]
        if (
            colour is None
            and isinstance(token, ast.FunctionBlock)
            and token.lower_name in _COLOUR_FUNCTIONS
        ):
            continue  # color-mix() and the like: colours, however mixed
        if colour is None:
            return (
                f"“{tinycss2.serialize([token]).strip()[:40]}” is not a colour; write a colour "
                "instead, like #1d3f8f, rgb(29 63 143) or var(--imgtostl-blue)"
            )
        alpha = getattr(colour, "alpha", 1.0)
        if name == "color" and isinstance(alpha, float) and alpha < MIN_TEXT_ALPHA:
            return (
                f"text in “{tinycss2.serialize([token]).strip()[:40]}” is "
                f"{'invisible' if alpha == 0 else 'too faint to read'}; write an opaque "
                "colour instead, like #1d3f8f"
            )
    return None


def _length_problem(
    name: str, tokens: list[ast.Node], *, low: float, high: float, words: frozenset[str]
) -> str | None:
    for token in _words(tokens):
        if isinstance(token, ast.IdentToken) and (
            token.lower_value in words or token.lower_value in _GLOBAL_KEYWORDS
        ):
            continue
        rem = _rem(token)
        if rem is None:
            return (
                f"{name} takes a length this check can measure; write it in rem "
                f"(between {low:g}rem and {high:g}rem) instead of "
                f"“{tinycss2.serialize([token]).strip()[:40]}”"
            )
        if not low <= rem <= high:
            shown = tinycss2.serialize([token]).strip()
            return (
                f"{name}: {shown} would {'overlap or hide' if rem < low else 'push away'} the "
                f"text beside it; write a length between {low:g}rem and {high:g}rem instead"
            )
    return None


def _font_problem(name: str, tokens: list[ast.Node]) -> str | None:
    words = _words(tokens)
    if name == "font-family":
        for token in words:
            if not isinstance(token, ast.IdentToken | ast.StringToken):
                return (
                    "font-family names fonts; write names instead, like "
                    'font-family: "Inter", system-ui, sans-serif'
                )
        return None
    if name == "font-size":
        for token in words:
            if isinstance(token, ast.PercentageToken):
                if not MIN_FONT_REM * 100 <= token.value <= MAX_FONT_REM * 100:
                    return (
                        f"font-size: {token.value:g}% makes text too small or too large to "
                        f"read; write a size between {MIN_FONT_REM * 100:g}% and "
                        f"{MAX_FONT_REM * 100:g}% instead"
                    )
                words = [t for t in words if t is not token]
        return _length_problem(name, words, low=MIN_FONT_REM, high=MAX_FONT_REM, words=_FONT_SIZES)
    if name == "line-height":
        for token in words:
            if isinstance(token, ast.NumberToken | ast.PercentageToken):
                factor = token.value / (100 if isinstance(token, ast.PercentageToken) else 1)
                if not MIN_LINE_HEIGHT <= factor <= MAX_LINE_HEIGHT:
                    return (
                        f"line-height: {tinycss2.serialize([token])} makes lines overlap or "
                        f"drift apart; write a number between {MIN_LINE_HEIGHT:g} and "
                        f"{MAX_LINE_HEIGHT:g} instead, like line-height: 1.5"
                    )
                continue
            if isinstance(token, ast.IdentToken) and (
                token.lower_value == "normal" or token.lower_value in _GLOBAL_KEYWORDS
            ):
                continue
            return _length_problem(
                name, [token], low=MIN_LINE_HEIGHT, high=MAX_LINE_HEIGHT, words=frozenset()
            )
        return None
    if name in ("letter-spacing", "word-spacing"):
        return _length_problem(
            name,
            tokens,
            low=-0.05 if name == "letter-spacing" else 0.0,
            high=MAX_LETTER_SPACING_EM * (1 if name == "letter-spacing" else 2),
            words=frozenset({"normal"}),
        )
    if name in ("text-decoration", "text-decoration-line"):
        for token in words:
            if isinstance(token, ast.IdentToken) and token.lower_value in (
                "line-through",
                "blink",
            ):
                return (
                    f"{name}: {token.value} strikes the words through, as if the policy no "
                    "longer said them; write underline or none instead"
                )
            if isinstance(token, ast.IdentToken) and (
                token.lower_value in _DECORATION_WORDS or token.lower_value in _GLOBAL_KEYWORDS
            ):
                continue
            if _rem(token) is not None and name == "text-decoration":
                continue
            if _colour_problem("text-decoration-color", [token]) is None:
                continue
            return (
                f"“{tinycss2.serialize([token]).strip()[:40]}” is not a text decoration; write "
                "underline, none, a line style or a colour instead"
            )
        return None
    # The rest name a choice among keywords and numbers: no functions, no addresses.
    for token in words:
        if (
            not isinstance(
                token, ast.IdentToken | ast.NumberToken | ast.StringToken | ast.PercentageToken
            )
            and _rem(token) is None
        ):
            return (
                f"{name} takes keywords and numbers; write those instead of "
                f"“{tinycss2.serialize([token]).strip()[:40]}”"
            )
    return None


def _border_problem(name: str, tokens: list[ast.Node]) -> str | None:
    if name.endswith("-radius") or name == "border-radius":
        return _length_problem(name, tokens, low=0, high=MAX_SPACING_REM, words=frozenset())
    for token in _words(tokens):
        if isinstance(token, ast.IdentToken) and (
            token.lower_value in _LINE_STYLES
            or token.lower_value in _BORDER_WIDTHS
            or token.lower_value in _GLOBAL_KEYWORDS
            or token.lower_value == "auto"
        ):
            continue
        if _rem(token) is not None:
            problem = _length_problem(name, [token], low=0, high=MAX_BORDER_REM, words=frozenset())
            if problem:
                return problem
            continue
        if _colour_problem("border-color", [token]) is None:
            continue
        return (
            f"“{tinycss2.serialize([token]).strip()[:40]}” is not part of a border; write a "
            "width, a line style and a colour instead, like 1px solid #1d3f8f"
        )
    return None


def _custom_property_problem(tokens: list[ast.Node]) -> str | None:
    """A custom property may hold colours, fonts' names and this site's files: it takes effect
    where the site's own styles and the theme's use it, and some of those are sizes, offsets
    and shadows (``min-height: var(--rc-target)``, ``box-shadow: var(--md-shadow-z2)``), which a
    length, a number or calc() here could turn into a way to hide the page."""
    for token in tokens:
        url = _url_of(token)
        if url is not None:
            problem = _url_problem(url)
            if problem:
                return problem
            continue
        if isinstance(token, ast.NumberToken | ast.DimensionToken | ast.PercentageToken):
            return (
                f"a custom property may hold a colour, a font's name or url(a file of this "
                f"site), not the size “{tinycss2.serialize([token]).strip()}”: the site's and "
                "the theme's styles use some custom properties as sizes and offsets. Write a "
                "colour instead, or write the size on a property such as margin"
            )
        if isinstance(token, ast.FunctionBlock):
            name = token.lower_name
            if name == "var":
                problem = _custom_property_problem(token.arguments)
                if problem:
                    return problem
                continue
            if name not in _COLOUR_FUNCTIONS:
                return (
                    f"{token.name}() is not allowed in a custom property; write a colour, a "
                    "font's name or url(a file of this site) instead"
                )
            for inner in _urls_in(token.arguments):
                problem = _url_problem(inner)
                if problem:
                    return problem
        elif isinstance(
            token, ast.ParenthesesBlock | ast.SquareBracketsBlock | ast.CurlyBracketsBlock
        ):
            return (
                "a custom property may not hold a bracketed block; write a colour, a font's "
                "name or url(a file of this site) instead"
            )
    return None


def _urls_in(tokens: list[ast.Node]) -> list[str]:
    found: list[str] = []
    for token in tokens:
        url = _url_of(token)
        if url is not None:
            found.append(url)
        elif isinstance(token, ast.FunctionBlock):
            found += _urls_in(token.arguments)
    return found


def _refused_property(name: str) -> str:
    if name == "content":
        return (
            "content writes words into the page that the policy's check never sees (a visitor "
            "reads them as the policy's); write the words in the page's Markdown instead"
        )
    if name in _LAYOUT or name.startswith(_LAYOUT_PREFIXES):
        return (
            f"{name} can hide, move or cover the policy or the self-check, and no selector can "
            "be proved to miss them (an editor may give any element a class); the brand "
            "stylesheet sets colours, fonts and spacing only, so write one of those instead "
            "(a change of layout is a developer's change)"
        )
    if name.startswith("background"):
        return (
            f"{name} may paint a picture (and load it from another site); write "
            "background-color: … instead"
        )
    if name == "font":
        return (
            "the font shorthand is not judged; write font-family, font-size, font-weight and "
            "line-height separately instead"
        )
    return (
        f"{name} is not among what the brand stylesheet may set (colours, fonts, spacing and "
        "borders; EDITING.md, “The company's look”); remove it, or write a colour, font or "
        "spacing instead"
    )


def _declaration_problem(declaration: ast.Declaration) -> str | None:
    name = declaration.lower_name
    value = list(declaration.value)
    if name.startswith("--"):
        return _custom_property_problem(value)
    allowed = (
        (COLOUR_PROPERTIES | FONT_PROPERTIES | SPACING_PROPERTIES | BORDER_PROPERTIES)
        | KEYWORD_PROPERTIES
        | {COLOR_SCHEME, "background"}
    )
    if name not in allowed:
        return _refused_property(name)  # what it does is the reason, whatever its value
    # Then addresses: whatever the property, url() loads.
    for token in _significant(value):
        url = _url_of(token)
        if url is not None:
            return f"{name} may not load a file; remove url({url[:50]}) and write a colour instead"
    for token in _significant(value):
        if isinstance(token, ast.FunctionBlock) and token.lower_name in _MATH_FUNCTIONS:
            return (
                f"{name}: {token.name}() cannot be measured by this check; write the value "
                "itself instead, like 1rem"
            )
        if _is_var(token) and name in BORDER_PROPERTIES and _names_a_colour(token):
            continue  # border: 1px solid var(--imgtostl-blue)
        if _is_var(token) and name not in COLOUR_PROPERTIES | {"font-family", "background"}:
            return (
                f"{name}: var() cannot be measured by this check; write the value itself "
                "instead, like 1rem"
            )
    if name in COLOUR_PROPERTIES or name == COLOR_SCHEME:
        return _colour_problem(name, value)
    if name == "background" and len(_words(value)) == 1:
        if _is_var(_words(value)[0]) and not _names_a_colour(_words(value)[0]):
            return _refused_property(name)
        # A colour alone, as the shorthand is often written: background: #fff.
        problem = _colour_problem("background-color", value)
        return None if problem is None else _refused_property(name)
    if name in FONT_PROPERTIES:
        return _font_problem(name, value)
    if name in SPACING_PROPERTIES:
        # Never negative: a negative margin pulls text over, or out of, what is beside it.
        return _length_problem(
            name, value, low=0.0, high=MAX_SPACING_REM, words=frozenset({"auto"})
        )
    if name in BORDER_PROPERTIES:
        return _border_problem(name, value)
    if name in KEYWORD_PROPERTIES:
        for token in _words(value):
            hidden_pointer = name == "cursor" and getattr(token, "lower_value", "") == "none"
            if not isinstance(token, ast.IdentToken) or hidden_pointer:
                return (
                    f"{name} takes a keyword (like {name}: auto); write one instead of "
                    f"“{tinycss2.serialize([token]).strip()[:40]}”"
                )
        return None
    return _refused_property(name)


def _font_face_problem(declaration: ast.Declaration) -> str | None:
    name = declaration.lower_name
    if name not in _FONT_FACE_DESCRIPTORS:
        return f"@font-face: {name} is not a font's description; remove it"
    for token in _significant(list(declaration.value)):
        url = _url_of(token)
        if url is not None:
            problem = _url_problem(url)
            if problem:
                return problem
        elif isinstance(token, ast.FunctionBlock) and token.lower_name not in (
            "local",
            "format",
            "tech",
        ):
            return (
                f"@font-face: {token.name}() is not a font file; write url(a file of this "
                "site), local(…) or format(…) instead"
            )
    return None


def _luminance(tokens: list[ast.Node]) -> float | None:
    """WCAG's relative luminance of a literal sRGB colour, or None for anything else."""
    words = _words(tokens)
    if len(words) != 1:
        return None
    colour = tinycss2.color5.parse_color(words[0])  # type: ignore[arg-type]
    # tinycss2's colours carry their space and coordinates (its stubs do not say so).
    if colour is None or getattr(colour, "space", None) != "srgb":
        return None
    channels: tuple[float, ...] = tuple(getattr(colour, "coordinates", ()))
    linear = [
        channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4
        for channel in channels
    ]
    return float(0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2])


def _contrast(text: list[ast.Node], background: list[ast.Node]) -> float | None:
    """The contrast ratio of two literal colours, or None when either is not one."""
    first, second = _luminance(text), _luminance(background)
    if first is None or second is None:
        return None
    return (max(first, second) + 0.05) / (min(first, second) + 0.05)


class _Judge:
    def __init__(self) -> None:
        self.found: list[StyleFinding] = []

    def refuse(self, node: ast.Node, message: str) -> None:
        self.found.append(StyleFinding(node.source_line, message))

    def rules(self, rules: Sequence[ast.Node]) -> None:
        for rule in rules:
            if isinstance(rule, ast.ParseError):
                self.refuse(
                    rule,
                    f"this is not CSS a browser reads as written ({rule.message}); write a rule "
                    "like “selector { property: value; }” instead",
                )
            elif isinstance(rule, ast.AtRule):
                self.at_rule(rule)
            elif isinstance(rule, ast.QualifiedRule):
                self.block(rule.content)
            elif isinstance(rule, ast.Declaration):
                problem = _declaration_problem(rule)
                if problem:
                    self.refuse(rule, problem)

    def block(self, content: list[ast.Node] | None) -> None:
        contents = tinycss2.parse_blocks_contents(
            content or [], skip_comments=True, skip_whitespace=True
        )
        self.rules(contents)
        colours = {
            node.lower_name: node
            for node in contents
            if isinstance(node, ast.Declaration)
            and node.lower_name in ("color", "background-color")
        }
        if len(colours) == 2:
            ratio = _contrast(colours["color"].value, colours["background-color"].value)
            if ratio is not None and ratio < MIN_CONTRAST:
                self.refuse(
                    colours["color"],
                    f"this text colour on this rule's background-color has a contrast of "
                    f"{ratio:.1f}:1, too little to read; write colours at least "
                    f"{MIN_CONTRAST:g}:1 apart instead (4.5:1 for body text)",
                )

    def at_rule(self, rule: ast.AtRule) -> None:
        keyword = rule.lower_at_keyword
        if keyword in ("media", "supports", "layer", "container"):
            for token in rule.prelude:
                url = _url_of(token)
                if url is not None:
                    self.refuse(rule, f"@{keyword} may not load a file; remove url({url[:50]})")
                    return
            if rule.content is not None:
                # Rules inside, judged as at the top (and declarations, as nested CSS has them).
                self.block(rule.content)
            return
        if keyword == "font-face":
            for declaration in tinycss2.parse_blocks_contents(
                rule.content or [], skip_comments=True, skip_whitespace=True
            ):
                if isinstance(declaration, ast.Declaration):
                    problem = _font_face_problem(declaration)
                else:
                    problem = "@font-face holds a font's description only; remove this rule"
                if problem:
                    self.refuse(declaration, problem)
            return
        if keyword == "charset":
            strings = [t for t in rule.prelude if isinstance(t, ast.StringToken)]
            if strings and strings[0].value.lower() == "utf-8":
                return
            self.refuse(rule, 'a stylesheet is UTF-8; write @charset "utf-8"; or nothing instead')
            return
        if keyword == "import":
            self.refuse(
                rule,
                "@import loads another stylesheet, unchecked and perhaps from another site; "
                "copy the rules you need into this file instead",
            )
            return
        self.refuse(
            rule,
            f"@{rule.at_keyword} is not allowed in the brand stylesheet (it may use @media, "
            "@supports, @layer and @font-face); remove it, or write its colours in a rule "
            "instead",
        )


def judge_stylesheet(text: str) -> list[StyleFinding]:
    """Everything in the stylesheet ``text`` that may not be published, in file order."""
    judge = _Judge()
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    judge.rules(rules)
    return sorted(judge.found, key=lambda finding: finding.line)


def stylesheet_problems(path: Path, shown: str) -> list[str]:
    """``shown:LINE: …`` for everything the stylesheet at ``path`` may not say (``shown``: its
    name in messages, such as ``docs/assets/brand.css``)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [
            f"{shown}: the stylesheet is not UTF-8 (byte {error.start}); save it as UTF-8 instead"
        ]
    except OSError as error:
        return [f"{shown}: the stylesheet could not be read ({error.strerror or error})"]
    return [f"{shown}:{finding.line}: {finding.message}." for finding in judge_stylesheet(text)]
