"""What an editor's drawing (an SVG file under ``docs/``) may hold (build time only).

The logo is shown on every page, and an SVG file is a document of its own: opened at its address
from a host that sends no headers (GitHub Pages), a ``<script>`` in it runs with the site's
origin, and the page's ``<meta>`` Content-Security-Policy does not cover it. So every SVG file an
editor may add is parsed by the standard library's XML parser behind defusedxml (no DTD, no
entities, nothing external), and held to an allow-list: shapes, paths, text, gradients, clips,
masks, simple filters, ``<title>``, ``<desc>`` and ``<style>`` (:data:`ELEMENTS`), with
presentation attributes only (:data:`ATTRIBUTES`). References (``href``, ``xlink:href``,
``url()`` in attributes and styles) may only point inside the file (``#id``). The metadata that
drawing programs write (Inkscape, Illustrator) in their own namespaces is inert and kept.

Where the host applies headers, SVG files are also served with a Content-Security-Policy of their
own (:mod:`policy_site.publishing.headers`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tinycss2
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from tinycss2 import ast

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
# The namespaces drawing programs keep their own notes in; browsers neither show nor run them.
EDITOR_NAMESPACES = frozenset(
    {
        "http://www.inkscape.org/namespaces/inkscape",
        "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://creativecommons.org/ns#",
        "http://web.resource.org/cc/",
        "http://purl.org/dc/elements/1.1/",
        "http://purl.org/dc/terms/",
        "http://ns.adobe.com/AdobeIllustrator/10.0/",
        "http://ns.adobe.com/Extensibility/1.0/",
        "http://ns.adobe.com/Graphs/1.0/",
        "http://ns.adobe.com/SaveForWeb/1.0/",
        "http://ns.adobe.com/Variables/1.0/",
        "http://ns.adobe.com/ImageReplacement/1.0/",
        "http://www.serif.com/",
    }
)
# The SVG elements a drawing may hold: all of them draw, group or describe, and none runs, links
# or loads.
ELEMENTS = frozenset(
    {"svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "style"}
    | {"path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan"}
    | {"linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern", "filter"}
    | {"feGaussianBlur", "feOffset", "feFlood", "feComposite", "feMerge", "feMergeNode"}
    | {"feBlend", "feColorMatrix", "feDropShadow", "feMorphology"}
)
# Attributes (without a namespace) any of them may carry: geometry, paint and text.
ATTRIBUTES = frozenset(
    {"id", "class", "style", "lang", "role", "version", "baseProfile", "focusable"}
    | {"x", "y", "width", "height", "viewBox", "preserveAspectRatio", "transform", "d"}
    | {"points", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr"}
    | {"pathLength", "gradientUnits", "gradientTransform", "spreadMethod", "offset"}
    | {"patternUnits", "patternContentUnits", "patternTransform", "clipPathUnits"}
    | {"maskUnits", "maskContentUnits", "filterUnits", "primitiveUnits", "in", "in2"}
    | {"result", "stdDeviation", "dx", "dy", "mode", "operator", "k1", "k2", "k3", "k4"}
    | {"type", "values", "radius", "flood-color", "flood-opacity", "rotate", "textLength"}
    | {"lengthAdjust", "enable-background", "data-name", "fill", "fill-opacity", "fill-rule"}
    | {"stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit"}
    | {"stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "opacity", "color"}
    | {"clip-path", "clip-rule", "mask", "filter", "stop-color", "stop-opacity"}
    | {"font-family", "font-size", "font-weight", "font-style", "text-anchor"}
    | {"dominant-baseline", "alignment-baseline", "letter-spacing", "word-spacing"}
    | {"text-decoration", "display", "visibility", "overflow", "vector-effect"}
    | {"shape-rendering", "text-rendering", "color-interpolation", "paint-order"}
    | {"color-interpolation-filters", "mix-blend-mode", "isolation", "media"}
)
_ARIA = re.compile(r"^aria-[a-z]+$")
_LOCAL_REFERENCE = re.compile(r"^#[A-Za-z_][\w.:-]*$")


@dataclass(frozen=True)
class DrawingFinding:
    """Something a drawing may not hold: its line, and a message saying what to do."""

    line: int
    message: str


def _split(name: str) -> tuple[str, str]:
    """``{namespace}local`` as (namespace, local)."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _urls(tokens: list[Any]) -> list[str]:
    """Every ``url(…)`` (or ``src(…)``) address in ``tokens``, however deep."""
    found: list[str] = []
    for token in tokens:
        if isinstance(token, ast.URLToken):
            found.append(token.value)
        elif isinstance(token, ast.FunctionBlock):
            if token.lower_name in ("url", "src"):
                strings = [t.value for t in token.arguments if isinstance(t, ast.StringToken)]
                found.append(strings[0] if strings else "")
            else:
                found += _urls(token.arguments)
        elif isinstance(token, ast.AtRule | ast.QualifiedRule):
            found += _urls(list(token.prelude) + list(token.content or []))
        elif isinstance(
            token, ast.ParenthesesBlock | ast.SquareBracketsBlock | ast.CurlyBracketsBlock
        ):
            found += _urls(token.content)
        elif isinstance(token, ast.Declaration):
            found += _urls(token.value)
    return found


def _style_problem(css: str, *, sheet: bool) -> str | None:
    """Why a ``style`` attribute (or, with ``sheet``, a ``<style>`` element's text) may not be
    kept: it loads something, or imports a stylesheet."""
    if sheet:
        nodes: list[Any] = tinycss2.parse_stylesheet(css, skip_comments=True)
        for node in nodes:
            if isinstance(node, ast.AtRule) and node.lower_at_keyword not in ("media", "supports"):
                return (
                    f"@{node.at_keyword} in a <style> may load from another site; remove it and "
                    "keep the rules that set colours and strokes"
                )
    else:
        nodes = tinycss2.parse_blocks_contents(css, skip_comments=True)
    for url in _urls(nodes):
        if not _LOCAL_REFERENCE.match(url.strip()):
            return _reference_message(f"url({url[:50]})")
    return None


def _reference_message(what: str) -> str:
    return (
        f"{what} points outside the drawing, so the file would load from another site (or run "
        "an address) when it is opened; a drawing may only point inside itself, so write "
        "#an-id-in-this-file instead, or draw it in the file"
    )


def _element_message(local: str, namespace: str) -> str:
    if namespace == "http://www.w3.org/1999/xhtml" or local in ("script", "foreignObject"):
        return (
            f"<{local}> is not allowed in a drawing: it runs scripts or shows a web page inside "
            "the file, with this site's address, when the file is opened. Remove it"
        )
    if local in ("image", "feImage"):
        return (
            f"<{local}> is not allowed in a drawing: it loads a picture from another file or "
            "site. Draw it with paths instead (a drawing program's “trace bitmap”), or show the "
            "picture on the page with ![what it shows](assets/images/its-name.png)"
        )
    if local in ("a", "animate", "set", "animateMotion", "animateTransform", "discard"):
        return (
            f"<{local}> is not allowed in a drawing: it links elsewhere or changes the drawing "
            "(and its links) after it is shown. Remove it"
        )
    if not namespace:
        return (
            f"<{local}> has no SVG namespace, so browsers do not read the file as a drawing; "
            'write <svg xmlns="http://www.w3.org/2000/svg" …> at the top instead'
        )
    allowed = ", ".join(f"<{name}>" for name in sorted(ELEMENTS, key=str.lower))
    return (
        f"<{local}> is not allowed in a drawing; it may hold {allowed}. Remove it, or save the "
        "drawing again as plain SVG"
    )


class _Target:
    """A tree builder's target that judges each element as the parser meets it."""

    def __init__(self) -> None:
        self.parser: DefusedXMLParser | None = None
        self.found: list[DrawingFinding] = []
        self.open: list[int] = []  # the lines of the elements around the current one
        self.text: list[str] = []

    @property
    def line(self) -> int:
        return int(self.parser.parser.CurrentLineNumber) if self.parser else 0  # type: ignore[attr-defined]

    def refuse(self, message: str, line: int | None = None) -> None:
        self.found.append(DrawingFinding(self.line if line is None else line, message))

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        namespace, local = _split(tag)
        if not self.open and (namespace, local) != (SVG, "svg"):
            self.refuse(
                _element_message(local, namespace)
                if namespace != SVG
                else (f"a drawing starts with <svg>, not <{local}>; save it again as plain SVG")
            )
        elif (namespace == SVG and local not in ELEMENTS) or (
            namespace != SVG and namespace not in EDITOR_NAMESPACES
        ):
            self.refuse(_element_message(local, namespace))
        self.open.append(self.line)
        self.text = []
        for name, value in attributes.items():
            problem = self.attribute_problem(local, name, value, inert=namespace != SVG)
            if problem:
                self.refuse(problem)

    def attribute_problem(self, tag: str, name: str, value: str, *, inert: bool) -> str | None:
        """Why an attribute may not be kept, or None; ``inert``: it is on an element that a
        drawing program keeps for itself, which browsers neither show nor run."""
        namespace, local = _split(name)
        if local.lower().startswith("on") and namespace in ("", SVG, XLINK):
            return (
                f'{local}="…" on <{tag}> is not allowed: an event handler is a script that runs '
                "when the file is opened. Remove the attribute"
            )
        if local == "href" and namespace in ("", XLINK):
            if _LOCAL_REFERENCE.match(value.strip()):
                return None
            return _reference_message(f'{"xlink:" if namespace else ""}href="{value[:50]}"')
        if namespace in EDITOR_NAMESPACES or namespace == XML or (inert and not namespace):
            return None
        if namespace == XLINK and local in ("title", "type", "role", "show", "actuate"):
            return None
        if namespace or (local not in ATTRIBUTES and not _ARIA.match(local)):
            return (
                f'{name.rpartition("}")[2]}="…" on <{tag}> is not allowed in a drawing (it '
                "may only have the attributes that shape, paint and describe it). Remove it, "
                "or save the drawing again as plain SVG"
            )
        if local == "style":
            problem = _style_problem(value, sheet=False)
            return problem and f'style="…" on <{tag}>: {problem}'
        if "(" in value:
            for url in _urls(tinycss2.parse_component_value_list(value)):
                if not _LOCAL_REFERENCE.match(url.strip()):
                    return _reference_message(f'{local}="url({url[:50]})"')
        return None

    def end(self, tag: str) -> None:
        namespace, local = _split(tag)
        line = self.open.pop()
        if (namespace, local) == (SVG, "style"):
            problem = _style_problem("".join(self.text), sheet=True)
            if problem:
                self.refuse(f"<style>: {problem}", line)
        self.text = []

    def data(self, text: str) -> None:
        self.text.append(text)

    def pi(self, target: str, data: str) -> None:
        self.refuse(
            f"<?{target} …?> is not allowed in a drawing: it can load a stylesheet from another "
            "site. Remove it"
        )

    def comment(self, text: str) -> None:
        return None  # inert

    def close(self) -> None:
        return None


def judge_drawing(data: bytes) -> list[DrawingFinding]:
    """Everything in the SVG file ``data`` that may not be published, in file order."""
    target = _Target()
    parser = DefusedXMLParser(
        target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    target.parser = parser
    try:
        parser.feed(data)
        parser.close()
    except DefusedXmlException:
        target.refuse(
            "a <!DOCTYPE …> or <!ENTITY …> is not allowed in a drawing: it can swell the file "
            "a billionfold or read other files. Remove the line; browsers do not need it"
        )
    except ParseError as error:
        line = error.position[0] if error.position else target.line
        target.refuse(
            f"the drawing is not well-formed XML ({str(error).split(':')[0]}), so browsers "
            "show nothing; save it again from the drawing program",
            line,
        )
    return sorted(target.found, key=lambda finding: finding.line)


def drawing_problems(path: Path, shown: str) -> list[str]:
    """``shown:LINE: …`` for everything the SVG file at ``path`` may not hold."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return [f"{shown}: the drawing could not be read ({error.strerror or error})"]
    return [f"{shown}:{finding.line}: {finding.message}." for finding in judge_drawing(data)]
