"""What a published page may hold, judged on the HTML the build made (build time only).

The proofreading (:mod:`policy_site.pages.proofread`) reads the editor's Markdown and explains the
usual mistakes well, but a check of the *source* reads HTML differently from a browser: a comment
closed by ``--!>``, an entity inside ``javascript:``, a tab in a scheme. So the gate is this
module: every page's content, once Markdown has rendered it, is parsed with justhtml, an HTML5
parser that follows the standard's tokenizer and tree builder as browsers do, and every element,
attribute and URL in the tree is judged against an explicit allow-list (:data:`ALLOWED_TAGS`).
Anything else is a :class:`Finding`, which the Markdown extension reports at the editor's line.

The HTML the site's own ``///`` blocks make (the self-check, the worked examples, the summary, the
history) is build output, not the editor's: it is replaced, for the check only, by a marker
element that carries a secret token (:data:`MARKER`), and the marker must come out of the parse
as an element of its own. An editor cannot write the token, and HTML left open around a block
(which would swallow it into an attribute or a comment) is refused.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

from justhtml import JustHTML

from policy_site.pages.proofread import ALLOWED_HTML

# The elements an editor's page may hold, each with the attributes it may carry besides
# GLOBAL_ATTRIBUTES: what Python-Markdown, its tables (aligned by class, not style), admonitions
# and contents (permalinks) make, the clause anchors, and the inline tags editors write (abbr,
# kbd, br…). All of it is inert: nothing here runs, loads from another site or takes input.
ALLOWED_TAGS: dict[str, frozenset[str]] = {
    **{tag: frozenset() for tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "span")},
    # A table's scrolling box (extension.TableTreeprocessor): a named region keyboards can reach.
    "div": frozenset({"role", "tabindex", "aria-label"}),
    **{tag: frozenset() for tag in ("ul", "dl", "dt", "dd", "pre", "hr", "br", "wbr")},
    **{tag: frozenset() for tag in ("table", "thead", "tbody", "tfoot", "tr", "caption")},
    **{tag: frozenset() for tag in ("abbr", "b", "cite", "code", "dfn", "em", "i", "kbd")},
    **{tag: frozenset() for tag in ("mark", "s", "samp", "small", "strong", "sub", "sup")},
    **{tag: frozenset() for tag in ("u", "var")},
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "th": frozenset({"colspan", "rowspan", "scope"}),
    "td": frozenset({"colspan", "rowspan"}),
    "time": frozenset({"datetime"}),
    "q": frozenset({"cite"}),
    "blockquote": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
}
# The ones an editor writes as HTML (the rest come from Markdown), as the proofreading says.
EDITOR_TAGS = tuple(ALLOWED_HTML)
GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir"})
# Attributes whose value is a URL: where a link goes, or what the page loads.
LINK_ATTRIBUTES = frozenset({"href", "cite"})
LOAD_ATTRIBUTES = frozenset({"src"})
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

# What the check puts where a block's own HTML goes, and the attribute that marks an element the
# blocks made (the self-check's <section>, an example's box), removed from the real page.
MARKER = "refund-trusted-html"
TRUST_ATTRIBUTE = "data-refund-trusted"

# Kinds of refused element, with why and what to write instead.
_SCRIPTS = frozenset({"script", "noscript", "template", "slot"})
_EMBEDS = frozenset(
    {"iframe", "frame", "frameset", "object", "embed", "applet", "portal", "fencedframe"}
)
_MEDIA = frozenset({"video", "audio", "source", "track", "picture", "canvas", "map", "area"})
_FORMS = frozenset(
    {"form", "input", "button", "select", "option", "optgroup", "textarea", "label", "fieldset"}
    | {"legend", "output", "datalist", "meter", "progress", "dialog", "search"}
)
_PAGE = frozenset({"meta", "base", "link", "style", "title", "head", "body", "html"})
_UNCLOSED = {
    "eof-in-comment": "an HTML comment “<!--” is never closed with “-->”",
    "eof-in-tag": "an HTML tag is never closed with “>” (or a quoted value never ends)",
    "eof-in-cdata": "a “<![CDATA[” section is never closed",
    "eof-in-doctype": "a “<!DOCTYPE” is never closed",
}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# What the URL standard strips from both ends of a URL, and removes wherever it is.
_C0_OR_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")


@dataclass(frozen=True)
class Finding:
    """Something on a page that may not be published: what and what to write instead (a
    sentence), and what to look for in the editor's source to find its line."""

    message: str
    tag: str = ""  # the element, as "<meta" would be written
    attribute: str = ""  # an attribute's name
    value: str = ""  # an attribute's value, as the parser decoded it
    needle: str = ""  # other text that wrote it, such as "<?"
    line: int = 0  # the line, where the check knows it (a block's)


def normalise_url(url: str) -> str:
    """``url`` as the WHATWG URL parser reads it before it looks for a scheme: control characters
    and spaces stripped from both ends, tabs and newlines removed everywhere, backslashes read as
    slashes (as they are in http(s) URLs). Entities are already decoded by the HTML parser."""
    return _TAB_OR_NEWLINE.sub("", url.strip(_C0_OR_SPACE)).replace("\\", "/")


def _shown(url: str) -> str:
    url = url.encode("unicode_escape").decode("ascii") if not url.isprintable() else url
    return url if len(url) <= 50 else url[:50] + "…"


def link_problem(url: str) -> str | None:
    """Why a link to ``url`` may not be published, or None: a link goes to a web address
    (``https:``, ``http:``), an email address (``mailto:``) or a page of this site."""
    seen = normalise_url(url)
    scheme = _SCHEME.match(seen)
    if scheme is not None:
        if scheme.group(1).lower() in LINK_SCHEMES:
            return None
        return (
            f"the link “{_shown(url)}” is not allowed: a link goes to a web address (https://…), "
            "an email address (mailto:…) or a page of this site. Write one of those instead"
        )
    if seen.startswith("//"):
        return (
            f"the link “{_shown(url)}” has no scheme, so browsers take it to another site "
            f"(“{seen[2:].split('/')[0]}”). Write the whole address, https://{seen[2:]}, or a "
            "path within this site"
        )
    squeezed = re.sub(r"\s+", "", seen)
    hidden = _SCHEME.match(squeezed)
    if hidden is not None and hidden.group(1).lower() not in LINK_SCHEMES:
        return (
            f"the link “{_shown(url)}” hides a “{hidden.group(1)}:” address behind spaces. Write "
            "a web address (https://…), an email address (mailto:…) or a page of this site"
        )
    return None


def load_problem(url: str) -> str | None:
    """Why the page may not load ``url`` (an image), or None: only this site's own files."""
    seen = normalise_url(url)
    if _SCHEME.match(seen) is None and not seen.startswith("//"):
        return None
    return (
        f"the image “{_shown(url)}” would be loaded from another site (or from the address "
        "itself), which tells that site about every visitor and is blocked by the site's "
        "security policy. Save the image in docs/assets/images/ and write "
        "![what it shows](assets/images/its-name.png)"
    )


# An email address as a visitor reads one in the page's words, and a web address.
_EMAIL_TEXT = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_WEB_TEXT = re.compile(
    r"^(?:(?P<scheme>https?)://)?(?P<host>(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,})"
    r"(?P<rest>[/?#]\S*)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Addresses:
    """The email addresses a page may name, as the policy file declares them (``source``: that
    file's name, for messages); ``first`` is the one to suggest."""

    first: str
    others: frozenset[str] = frozenset()
    source: str = "the policy file"

    def __contains__(self, address: object) -> bool:
        return isinstance(address, str) and address.lower() in {
            known.lower() for known in {self.first, *self.others}
        }


def mail_recipients(url: str) -> list[str] | None:
    """Every address a ``mailto:`` link writes to (its path, and its to/cc/bcc fields), decoded;
    None when ``url`` is no mailto: link."""
    seen = normalise_url(url)
    scheme = _SCHEME.match(seen)
    if scheme is None or scheme.group(1).lower() != "mailto":
        return None
    path, _, query = seen[scheme.end() :].partition("?")
    recipients = [part.strip() for part in unquote(path).split(",")]
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name.lower() in ("to", "cc", "bcc"):
            recipients += [part.strip() for part in value.split(",")]
    return [recipient for recipient in recipients if recipient]


# The endings by which words without https:// or www. read as a web address ("imgtostl.com"),
# and not as a file's name ("examples.md", "policy.toml", "run.py").
WEB_ENDINGS = frozenset(
    {"com", "net", "org", "info", "biz", "io", "co", "app", "dev", "shop", "store", "online"}
    | {"site", "help", "support", "example", "eu", "uk", "us", "de", "fr", "nl", "es", "it"}
    | {"ca", "au", "ch", "at", "be", "se", "no", "dk", "fi", "ie", "nz", "jp", "cn", "br", "mx"}
    | {"pt", "cz", "gr", "hu", "ro", "tr", "za", "kr", "tw", "sg", "hk", "me", "tv", "cloud"}
)


def _web_address(text: str, *, bare: bool = True) -> tuple[str, str] | None:
    """(host, path) of a web address written as words ("imgtostl.com/terms"), or None.

    Words without ``https://`` or ``www.`` count only if they end like a web address
    (:data:`WEB_ENDINGS`), unless ``bare`` is false (the link's own address)."""
    match = _WEB_TEXT.match(text.strip())
    if match is None:
        return None
    written = match.group("scheme") or match.group("host").lower().startswith("www.")
    if bare and not written and match.group("host").lower().rsplit(".", 1)[-1] not in WEB_ENDINGS:
        return None
    rest = re.split(r"[?#]", match.group("rest") or "")[0]
    host = match.group("host").lower().rstrip(".")
    # www.example.com is example.com's own: the same address either way.
    return host.removeprefix("www."), rest.rstrip("/")


def address_problem(text: str, href: str, addresses: Addresses) -> tuple[str, str] | None:
    """Why a link whose words are ``text`` and that goes to ``href`` may not be published, with
    what the editor wrote that shows it (an address, or the words), or None: every mailto:
    goes to an address ``addresses`` holds, and words that are an email address or a web
    address go to that same address."""
    recipients = mail_recipients(href)
    suggest = (
        "write {{ support_email }} (a link to "
        f"{addresses.first}) instead, or declare the address in {addresses.source}"
    )
    words = " ".join(text.split())
    if _EMAIL_TEXT.fullmatch(words) is not None and (
        recipients is None or [r.lower() for r in recipients] != [words.lower()]
    ):
        honest = f"[{words}](mailto:{words})" if words in addresses else "{{ support_email }}"
        return (
            f"the link's words show the address {_shown(words)} but it goes to "
            f"“{_shown(href)}”; a visitor trusts the words. Write {honest} instead, or give "
            "the link words that are not an address",
            words,
        )
    for recipient in recipients or []:
        if recipient not in addresses:
            return (
                f"the link mails {_shown(recipient)}, an address {addresses.source} does not "
                f"declare (customers write to {addresses.first}); {suggest}",
                recipient,
            )
    if recipients is not None:
        return None
    shown = _web_address(words)
    if shown is None:
        return None
    seen = normalise_url(href)
    target = _web_address(re.sub(r"^https?://", "", seen, flags=re.IGNORECASE), bare=False)
    if not re.match(r"^https?://", seen, flags=re.IGNORECASE) or target is None:
        target = None
    host, path = shown
    if target is None or target[0] != host or (path and target[1] != path):
        return (
            f"the link's words show the address {_shown(words)} but it goes to "
            f"“{_shown(href)}”; a visitor trusts the words. Write [{words}](https://"
            f"{words.split('://')[-1]}) instead, with the address it really goes to as its words",
            words,
        )
    return None


def text_address_problem(address: str, addresses: Addresses) -> str | None:
    """Why the page's words may not name the email address ``address``, or None."""
    if address in addresses:
        return None
    return (
        f"the page names the email address {_shown(address)}, which {addresses.source} does not "
        f"declare (customers write to {addresses.first}); write {{{{ support_email }}}} instead, "
        f"or declare the address in {addresses.source}"
    )


def _refused_element(tag: str, namespace: str) -> str:
    if namespace != "html":
        kind = "SVG" if namespace == "svg" else "MathML"
        return (
            f"<{tag}> ({kind} written into the page) is not allowed: it can run scripts and load "
            "from other sites. Save a drawing as a file in docs/assets/images/ and show it with "
            "![what it shows](assets/images/its-name.svg)"
        )
    if tag in _SCRIPTS:
        return (
            f"<{tag}> is not allowed in the policy's pages: it holds scripts or markup that runs "
            "or appears later in every visitor's browser. Remove it; new behaviour for the page "
            "is a developer's change"
        )
    if tag in _EMBEDS:
        return (
            f"<{tag}> is not allowed in the policy's pages: they show nothing from other sites. "
            "Link to it instead, like [its title](https://…)"
        )
    if tag in _MEDIA:
        return (
            f"<{tag}> is not allowed in the policy's pages: they play or draw nothing. Link to "
            "it instead, like [its title](https://…), or show a picture with "
            "![what it shows](assets/images/its-name.png)"
        )
    if tag in _FORMS:
        return (
            f"<{tag}> is not allowed in the policy's pages: a form there could ask visitors for "
            "their details and send them anywhere. Remove it; the self-check is the page's only "
            "form (“/// policy-check”)"
        )
    if tag in _PAGE:
        return (
            f"<{tag}> is not allowed in the policy's pages: it changes the whole page (where it "
            "sends visitors, what it loads, how it looks). Remove it; the page's settings are in "
            "mkdocs.yml and the look in docs/assets/brand.css, a developer's change"
        )
    allowed = ", ".join(f"<{name}>" for name in EDITOR_TAGS)
    return (
        f"<{tag}> is not allowed in the policy's pages. Write it in Markdown; the HTML the pages "
        f"may hold is {allowed}"
    )


def _attribute_problem(tag: str, name: str, value: str) -> str | None:
    if name.startswith("on"):
        return (
            f'{name}="…" on <{tag}> is not allowed: an event handler is a script. Remove the '
            "attribute"
        )
    if name == "style":
        return (
            f'style="…" on <{tag}> is not allowed: the site\'s look comes from its stylesheet '
            "(and a style can load from other sites). Remove the attribute; a table column is "
            "aligned with colons in its Markdown separator line, like |:---:|"
        )
    if name not in GLOBAL_ATTRIBUTES and name not in ALLOWED_TAGS[tag]:
        may = ", ".join(sorted(GLOBAL_ATTRIBUTES | ALLOWED_TAGS[tag]))
        return f'{name}="…" on <{tag}> is not allowed; <{tag}> may only have {may}. Remove it'
    if name in LINK_ATTRIBUTES:
        return link_problem(value)
    if name in LOAD_ATTRIBUTES:
        return load_problem(value)
    return None


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


class _Judge:
    def __init__(self, token: str, addresses: Addresses | None) -> None:
        self.token = token
        self.addresses = addresses
        self.found: list[Finding] = []
        self.markers: set[str] = set()

    def words(self, text: str, *, tag: str = "", attribute: str = "") -> None:
        """Judge the email addresses that ``text`` (a text node or an attribute's value) names."""
        if self.addresses is None:
            return
        for address in _EMAIL_TEXT.findall(text):
            why = text_address_problem(address, self.addresses)
            if why:
                value = text if attribute else ""
                self.found.append(
                    Finding(
                        _sentence(why), tag=tag, attribute=attribute, value=value, needle=address
                    )
                )

    def walk(self, node: object) -> None:
        for child in getattr(node, "children", None) or ():
            self.node(child)

    def node(self, node: object) -> None:
        name: str = getattr(node, "name", "")
        if name == "#text":
            self.words(getattr(node, "data", None) or "")
            return
        if name in ("#text", "#comment", "!doctype"):
            return  # text, and a comment as a browser ends it, are inert
        if name == "#processing-instruction" or name.startswith("#"):
            self.found.append(
                Finding(
                    "“<?…>” is not allowed in the policy's pages: it is not HTML. Remove it.",
                    needle="<?",
                )
            )
            return
        namespace: str = getattr(node, "namespace", None) or "html"
        attributes: dict[str, str | None] = getattr(node, "attrs", None) or {}
        if name == MARKER and namespace == "html" and attributes.get("data-token") == self.token:
            self.markers.add(attributes.get("data-index") or "")
            return
        trusted = bool(self.token) and attributes.get(TRUST_ATTRIBUTE) == self.token
        if not trusted and (namespace != "html" or name not in ALLOWED_TAGS):
            self.found.append(Finding(_sentence(_refused_element(name, namespace)), tag=name))
            return  # one finding for the element, whatever it holds
        if not trusted:
            for attribute, value in attributes.items():
                why = _attribute_problem(name, attribute, value or "")
                if why:
                    self.found.append(
                        Finding(_sentence(why), tag=name, attribute=attribute, value=value or "")
                    )
            for attribute in ("title", "alt", "aria-label"):
                self.words(attributes.get(attribute) or "", tag=name, attribute=attribute)
            href = attributes.get("href")
            if name == "a" and href is not None and self.addresses is not None:
                problem = address_problem(_text_of(node), href, self.addresses)
                if problem:
                    why, shown = problem
                    self.found.append(
                        Finding(
                            _sentence(why), tag=name, attribute="href", value=href, needle=shown
                        )
                    )
                    return  # one finding for the link, its words included
        self.walk(node)


def _text_of(node: object) -> str:
    if getattr(node, "name", "") == "#text":
        return getattr(node, "data", None) or ""
    return "".join(_text_of(child) for child in getattr(node, "children", None) or ())


def judge(
    content: str,
    *,
    token: str = "",
    markers: dict[str, int] | None = None,
    addresses: Addresses | None = None,
) -> list[Finding]:
    """Everything in ``content`` (a page's HTML) that may not be published, in page order.

    ``addresses``: the email addresses the page may name and mail (none given: not judged).

    ``markers`` are the indices of the blocks' HTML that the check replaced by marker elements
    carrying ``token``, each with its block's line; each must come out of the parse as an
    element.
    """
    document = JustHTML(content, fragment=True, sanitize=False, collect_errors=True)
    judge_ = _Judge(token, addresses)
    for error in document.errors:
        if error.code in _UNCLOSED:
            judge_.found.append(
                Finding(
                    f"{_UNCLOSED[error.code][0].upper()}{_UNCLOSED[error.code][1:]}, so it would "
                    "swallow the rest of the page. Close it, or remove it.",
                    needle="<!--" if "comment" in error.code else "",
                )
            )
    judge_.walk(document.root)
    for index, line in (markers or {}).items():
        if index not in judge_.markers:
            judge_.found.append(
                Finding(
                    "HTML written before this “///” block is left open (an unclosed tag, quote "
                    "or comment), so the block's own HTML would end up inside it. Close that "
                    "HTML before the block.",
                    line=line,
                )
            )
    return judge_.found


def locate(finding: Finding, lines: list[str], used: set[tuple[int, str]]) -> int | None:
    """The 1-based line of ``lines`` (the editor's Markdown, code samples blanked) that wrote
    ``finding``, or None. ``used`` holds lines already given to an equal finding, so that two
    equal findings point at two lines."""
    if finding.line:
        return finding.line
    decoded = [html.unescape(line) for line in lines]
    key = f"{finding.tag}|{finding.attribute}|{finding.value}|{finding.message}"

    def take(line: int) -> int | None:
        if (line, key) in used:
            return None
        used.add((line, key))
        return line

    def squeezed(text: str) -> str:
        return re.sub(r"\s+", "", normalise_url(text)).lower()

    value = squeezed(finding.value) if finding.value else ""
    joined = "\n".join(decoded).lower()
    if finding.tag:
        # The tag as written, with this attribute (and value) before its next tag: a tag may
        # be spread over lines, and its line is where it starts.
        attribute = re.compile(rf"(?<![\w:-]){re.escape(finding.attribute)}(?![\w-])")
        for match in re.finditer(rf"<\s*{re.escape(finding.tag)}(?![\w-])", joined):
            end = joined.find("<", match.start() + 1)
            segment = joined[match.start() : end if end >= 0 else len(joined)]
            if finding.attribute and not attribute.search(segment):
                continue
            if value and value not in squeezed(segment):
                continue
            if (line := take(joined.count("\n", 0, match.start()) + 1)) is not None:
                return line
    for index, line_text in enumerate(decoded):
        if value and value in squeezed(line_text) and (line := take(index + 1)):
            return line
        needle = finding.needle.lower()
        if needle and needle in line_text.lower() and (line := take(index + 1)) is not None:
            return line
    return None
