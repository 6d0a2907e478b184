"""A small, quiet static server for the browser tests: the built site on 127.0.0.1.

It serves a folder the way a static host would (right MIME types for the runtime, directory
indexes, the response headers of a Netlify-style ``_headers`` file) and keeps an access log in
memory, so a test can check what the browser asked for, including requests that Playwright does not
report (some made by workers).
"""

from __future__ import annotations

import http.server
import os
import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

# Files a static host does not publish: they configure the host itself.
HOST_CONFIG_FILES = frozenset({"/_headers", "/_redirects"})

MIME_TYPES = {
    ".wasm": "application/wasm",  # WebAssembly.instantiateStreaming refuses anything else
    ".mjs": "text/javascript",  # module scripts and module workers need a JavaScript type
    ".js": "text/javascript",
    ".json": "application/json",
    ".map": "application/json",
    ".css": "text/css",
    ".html": "text/html",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".gz": "application/gzip",
    ".xml": "application/xml",
    ".txt": "text/plain",
}


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server received it."""

    method: str
    path: str  # with the query, as sent
    headers: dict[str, str]
    body_length: int
    body: bytes
    status: int
    time: float  # time.monotonic() when it arrived
    encoding: str = ""  # the response's Content-Encoding: "br" or "gzip" for a precompressed file
    sent_length: int = 0  # bytes of the response body (the compressed copy's, if one was sent)

    @property
    def path_only(self) -> str:
        """The decoded path without the query (what names a file)."""
        return unquote(urlsplit(self.path).path)


@dataclass(frozen=True)
class HeaderRule:
    """One block of a ``_headers`` file: a URL pattern and the headers for matching paths."""

    pattern: str
    headers: tuple[tuple[str, str], ...] = ()
    detach: tuple[str, ...] = ()  # Cloudflare's "! Name": drop a header set by an earlier rule
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", _pattern_regex(self.pattern))

    def matches(self, path: str) -> bool:
        """Whether this rule applies to ``path`` (decoded, without the query)."""
        return self.regex.fullmatch(path) is not None


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    # Netlify and Cloudflare Pages: "*" (a splat) matches anything, also across "/", and
    # ":name" matches one path segment. A pattern with a scheme and host is matched on its path:
    # the test server has one host.
    path = urlsplit(pattern).path if "://" in pattern else pattern
    out = []
    for token in re.split(r"(\*|:[A-Za-z_][A-Za-z0-9_]*)", path):
        if token == "*":
            out.append(".*")
        elif token.startswith(":") and len(token) > 1:
            out.append("[^/]+")
        else:
            out.append(re.escape(token))
    return re.compile("".join(out))


def parse_headers_file(text: str) -> list[HeaderRule]:
    """The rules of a Netlify / Cloudflare Pages ``_headers`` file, in file order.

    A line starting without white space is a URL pattern; the indented ``Name: value`` lines
    under it are its headers. ``#`` starts a comment line. A malformed line raises ``ValueError``
    naming it, so a broken file fails the tests instead of sending no headers.
    """
    rules: list[HeaderRule] = []
    pattern: str | None = None
    headers: list[tuple[str, str]] = []
    detach: list[str] = []

    def close() -> None:
        if pattern is not None:
            rules.append(HeaderRule(pattern, tuple(headers), tuple(detach)))

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not line[0].isspace():
            close()
            pattern, headers, detach = stripped, [], []
            continue
        if pattern is None:
            raise ValueError(f"_headers line {number}: a header before any URL pattern: {line!r}")
        if stripped.startswith("!"):
            detach.append(stripped[1:].strip().lower())
            continue
        name, colon, value = stripped.partition(":")
        if not colon or not name.strip() or not value.strip():
            raise ValueError(f"_headers line {number}: expected “Name: value”, got {line!r}")
        headers.append((name.strip(), value.strip()))
    close()
    return rules


def headers_for(path: str, rules: Iterable[HeaderRule]) -> dict[str, str]:
    """The headers that ``rules`` give ``path``; a header set by several rules is comma-joined."""
    chosen: dict[str, tuple[str, str]] = {}  # lower-case name -> (name as written, value)
    for rule in rules:
        if not rule.matches(path):
            continue
        for name in rule.detach:
            chosen.pop(name, None)
        for name, value in rule.headers:
            key = name.lower()
            if key in chosen:
                chosen[key] = (chosen[key][0], f"{chosen[key][1]}, {value}")
            else:
                chosen[key] = (name, value)
    return dict(chosen.values())


def load_headers_file(site: Path) -> list[HeaderRule]:
    """The rules of ``site/_headers`` if the built site has one, else none."""
    file = site / "_headers"
    if not file.is_file():
        return []
    return parse_headers_file(file.read_text(encoding="utf-8"))


@dataclass
class Trickle:
    """How a slow network serves the files whose path ends with ``suffix``: ``chunk`` bytes every
    ``every`` seconds, and after ``stop_after`` bytes (if given) nothing more, as a connection
    that died without closing."""

    suffix: str
    chunk: int = 64 * 1024
    every: float = 0.05
    stop_after: int | None = None


class _Handler(http.server.SimpleHTTPRequestHandler):
    # Keep-alive: the browser reuses connections, which keeps the many small requests fast.
    protocol_version = "HTTP/1.1"
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        **MIME_TYPES,
    }
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        # Quiet: the access log is kept in memory instead of printed to stderr.
        pass

    def send_response(self, code: int, message: str | None = None) -> None:
        self._status = code
        super().send_response(code, message)

    def end_headers(self) -> None:
        path = unquote(urlsplit(self.path).path)
        site = self.server.site
        for name, value in headers_for(path, site.header_rules).items():
            self.send_header(name, value)
        for name, value in site.extra_headers.items():
            self.send_header(name, value)
        # Logged before the headers go out, so the entry is there by the time the browser (and
        # the test waiting on it) has the response.
        site.record(
            LoggedRequest(
                method=self.command,
                path=self.path,
                headers=dict(self.headers.items()),
                body_length=len(self._body),
                body=self._body,
                status=self._status,
                time=self._arrived,
                encoding=self._encoding,
                sent_length=self._sent_length,
            )
        )
        super().end_headers()

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() == "content-length":
            self._sent_length = int(value)
        super().send_header(keyword, value)

    def send_head(self) -> Any:
        """A precompressed copy (``file.br``, ``file.gz``) when the site server offers them and
        the browser accepts the encoding, as nginx's ``brotli_static`` / ``gzip_static`` do."""
        if self.server.site.precompressed and self.command == "GET":
            path = self.translate_path(self.path)
            if os.path.isdir(path):
                path = os.path.join(path, "index.html")
            accepted = {
                token.split(";")[0].strip()
                for token in self.headers.get("Accept-Encoding", "").split(",")
            }
            for suffix, encoding in ((".br", "br"), (".gz", "gzip")):
                if encoding in accepted and os.path.isfile(path + suffix):
                    stream = open(path + suffix, "rb")  # noqa: SIM115 (copyfile closes it)
                    self.send_response(200)
                    self.send_header("Content-Type", self.guess_type(path))
                    self.send_header("Content-Encoding", encoding)
                    self.send_header("Vary", "Accept-Encoding")
                    self.send_header("Content-Length", str(os.fstat(stream.fileno()).st_size))
                    self._encoding = encoding
                    self.end_headers()
                    return stream
        return super().send_head()

    def copyfile(self, source: Any, outputfile: Any) -> None:
        path = unquote(urlsplit(self.path).path)
        rule = next((t for t in self.server.site.trickles if path.endswith(t.suffix)), None)
        if rule is None:
            super().copyfile(source, outputfile)
            return
        sent = 0
        site = self.server.site
        while not site.stopping.is_set():
            if rule.stop_after is not None and sent >= rule.stop_after:
                site.stopping.wait(0.1)  # hold the connection open, sending nothing
                if rule not in site.trickles:
                    return  # the test moved on: let the browser see the end
                continue
            data = source.read(rule.chunk)
            if not data:
                return
            outputfile.write(data)
            outputfile.flush()
            sent += len(data)
            time.sleep(rule.every)

    def _start(self) -> None:
        self._arrived = time.monotonic()
        self._status = 0
        self._encoding = ""
        self._sent_length = 0
        length = int(self.headers.get("Content-Length") or 0)
        self._body = self.rfile.read(length) if length > 0 else b""

    def do_GET(self) -> None:
        self._start()
        if unquote(urlsplit(self.path).path) in HOST_CONFIG_FILES:
            self.send_error(404)
        else:
            super().do_GET()

    def do_HEAD(self) -> None:
        self._start()
        if unquote(urlsplit(self.path).path) in HOST_CONFIG_FILES:
            self.send_error(404)
        else:
            super().do_HEAD()

    def _not_allowed(self) -> None:
        # A static site accepts no uploads; the body is logged so tests can see what was sent.
        self._start()
        self.send_error(405)

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _not_allowed

    def list_directory(self, path: str | Any) -> None:
        # Like a static host: a folder without index.html is not found, never listed.
        self.send_error(404)
        return None


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    site: SiteServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that drops a connection (an aborted fetch, a closed page) is normal here;
        # no traceback on stderr.
        pass


class SiteServer:
    """Serve ``root`` on 127.0.0.1 at a free port, logging every request in memory.

    Use as a context manager or call :meth:`start` / :meth:`stop`. ``header_rules`` (from
    :func:`load_headers_file`) and ``extra_headers`` are added to every matching response.
    With ``precompressed``, the build's ``.br`` / ``.gz`` copies are sent to browsers that accept
    them, as a host configured for precompressed files does.
    """

    def __init__(
        self,
        root: Path,
        *,
        header_rules: Iterable[HeaderRule] = (),
        extra_headers: Mapping[str, str] | None = None,
        precompressed: bool = False,
    ) -> None:
        self.root = Path(root)
        self.precompressed = precompressed
        self.header_rules: list[HeaderRule] = list(header_rules)
        self.extra_headers: dict[str, str] = dict(extra_headers or {})
        self._log: list[LoggedRequest] = []
        self._lock = threading.Lock()
        # Files served slowly, or stopping half way (a test sets them; see Trickle).
        self.trickles: list[Trickle] = []
        self.stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``, without a trailing slash."""
        if self._httpd is None:
            raise RuntimeError("the server is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on this server."""
        return self.origin + (path if path.startswith("/") else "/" + path)

    def start(self) -> SiteServer:
        """Start serving in a background thread."""
        root = str(self.root)

        class Handler(_Handler):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=root, **kwargs)

        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._httpd.site = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="site-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def record(self, request: LoggedRequest) -> None:
        """Add ``request`` to the access log (called by the handler threads)."""
        with self._lock:
            self._log.append(request)

    @property
    def log(self) -> list[LoggedRequest]:
        """A copy of the access log, oldest first."""
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        """Forget every logged request."""
        with self._lock:
            self._log.clear()

    def requested(self, prefix: str = "/") -> list[LoggedRequest]:
        """The logged requests whose path starts with ``prefix``."""
        return [entry for entry in self.log if entry.path_only.startswith(prefix)]

    def file_for(self, path: str) -> Path | None:
        """The file of the site that ``path`` names (``/x/`` -> ``x/index.html``), if any."""
        relative = unquote(urlsplit(path).path).lstrip("/")
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root.resolve()):
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None
