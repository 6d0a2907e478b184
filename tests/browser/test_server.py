"""The browser tests' static server: what it sends and what it logs, with plain HTTP requests."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

from tests.browser.server import SiteServer, headers_for, load_headers_file, parse_headers_file

pytestmark = pytest.mark.browser

HEADERS_FILE = """\
# Every page
/*
  Content-Security-Policy: default-src 'none'; script-src 'self' 'wasm-unsafe-eval'
  X-Content-Type-Options: nosniff
  Referrer-Policy: no-referrer

/assets/pyodide/*
  Cache-Control: public, max-age=31536000, immutable

/history/
  ! Content-Security-Policy
  X-Extra: history

/:page/notes.txt
  X-Extra: notes
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text("<!doctype html><title>home</title>", encoding="utf-8")
    (tmp_path / "history").mkdir()
    (tmp_path / "history" / "index.html").write_text("<title>history</title>", encoding="utf-8")
    (tmp_path / "history" / "notes.txt").write_text("notes", encoding="utf-8")
    runtime = tmp_path / "assets" / "pyodide" / "314.0.7"
    runtime.mkdir(parents=True)
    (runtime / "pyodide.asm.wasm").write_bytes(b"\0asm\1\0\0\0")
    (runtime / "pyodide.mjs").write_text("export {};", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "_headers").write_text(HEADERS_FILE, encoding="utf-8")
    return tmp_path


@pytest.fixture
def server(site: Path) -> Iterator[SiteServer]:
    with SiteServer(site, header_rules=load_headers_file(site)) as running:
        yield running


def get(url: str, data: bytes | None = None) -> tuple[int, Message, bytes]:
    """Status, headers (names in any case) and body of a request to ``url``."""
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_the_headers_file_gives_each_path_its_headers() -> None:
    rules = parse_headers_file(HEADERS_FILE)
    assert [rule.pattern for rule in rules] == [
        "/*",
        "/assets/pyodide/*",
        "/history/",
        "/:page/notes.txt",
    ]
    runtime = headers_for("/assets/pyodide/314.0.7/pyodide.asm.wasm", rules)
    assert runtime["Cache-Control"] == "public, max-age=31536000, immutable"
    assert runtime["Content-Security-Policy"].startswith("default-src 'none'")
    home = headers_for("/", rules)
    assert "Cache-Control" not in home and home["Referrer-Policy"] == "no-referrer"
    history = headers_for("/history/", rules)
    assert "Content-Security-Policy" not in history  # detached by "! Name"
    assert history["X-Extra"] == "history"
    assert headers_for("/history/notes.txt", rules)["X-Extra"] == "notes"
    assert "X-Extra" not in headers_for("/a/b/notes.txt", rules)  # ":page" is one segment


def test_a_header_set_by_two_rules_is_joined_with_a_comma() -> None:
    rules = parse_headers_file("/*\n  Link: </a.css>\n/x\n  Link: </b.css>\n")
    assert headers_for("/x", rules) == {"Link": "</a.css>, </b.css>"}


@pytest.mark.parametrize(
    "text",
    ["  X-Early: before any pattern\n", "/*\n  no colon here\n", "/*\n  X-Empty:\n"],
)
def test_a_malformed_headers_file_is_an_error(text: str) -> None:
    with pytest.raises(ValueError, match="_headers line"):
        parse_headers_file(text)


def test_a_site_without_a_headers_file_gets_no_rules(tmp_path: Path) -> None:
    assert load_headers_file(tmp_path) == []


def test_the_runtime_is_served_with_the_types_browsers_require(server: SiteServer) -> None:
    status, headers, body = get(server.url("/assets/pyodide/314.0.7/pyodide.asm.wasm"))
    assert (status, headers["Content-Type"], body[:4]) == (200, "application/wasm", b"\0asm")
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    status, headers, _ = get(server.url("/assets/pyodide/314.0.7/pyodide.mjs"))
    assert (status, headers["Content-Type"]) == (200, "text/javascript")


def test_pages_folders_and_missing_files_behave_like_a_static_host(server: SiteServer) -> None:
    status, headers, body = get(server.url("/history/"))
    assert (status, b"history" in body) == (200, True)
    assert headers["X-Extra"] == "history" and "Content-Security-Policy" not in headers
    assert get(server.url("/history"))[0] == 200  # redirected to /history/
    assert get(server.url("/missing.js"))[0] == 404
    assert get(server.url("/empty/"))[0] == 404  # never a directory listing
    assert get(server.url("/_headers"))[0] == 404  # the host's configuration is not published


def test_extra_headers_go_on_every_response(server: SiteServer) -> None:
    server.extra_headers["X-Test"] = "yes"
    assert get(server.url("/"))[1]["X-Test"] == "yes"
    assert get(server.url("/missing"))[1]["X-Test"] == "yes"


def test_the_access_log_records_each_request_and_can_be_cleared(
    server: SiteServer, capfd: pytest.CaptureFixture[str]
) -> None:
    get(server.url("/?q=1#ignored"))
    assert get(server.url("/collect?id=7"), data=b"secret answers")[0] == 405
    log = server.log
    assert [(e.method, e.path, e.status) for e in log] == [
        ("GET", "/?q=1", 200),
        ("POST", "/collect?id=7", 405),
    ]
    assert log[1].body_length == len(b"secret answers") and log[1].body == b"secret answers"
    assert log[0].headers["Host"] == server.origin.removeprefix("http://")
    assert server.file_for("/?q=1") == server.root / "index.html"
    assert server.file_for("/collect") is None
    assert server.file_for("/../etc/passwd") is None
    server.clear_log()
    assert server.log == []
    # Quiet: nothing on stdout or stderr.
    assert capfd.readouterr() == ("", "")
