"""The build's .br/.gz copies always hold their file's current bytes, or are not there."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli

from policy_site.publishing.precompress import precompress_site

PAGE = "<!doctype html><title>Refunds</title>" + "<p>Usually eligible.</p>" * 100


def test_copies_follow_their_file_through_rebuilds_into_the_same_folder(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    (site / "gone").mkdir(parents=True)
    page = site / "index.html"
    page.write_text(PAGE, encoding="utf-8")
    (site / "gone" / "index.html").write_text(PAGE, encoding="utf-8")
    (site / "icon.png").write_bytes(b"\x89PNG" + bytes(4000))
    (site / "sitemap.xml").write_text("<urlset/>", encoding="utf-8")
    (site / "sitemap.xml.gz").write_bytes(gzip.compress(b"<urlset/>"))  # MkDocs' own

    first = precompress_site(site, cache)
    assert first.files == 2
    assert first.made == 2, "one .br and one .gz for the two pages of the same content"
    assert brotli.decompress((site / "index.html.br").read_bytes()) == page.read_bytes()
    assert gzip.decompress((site / "index.html.gz").read_bytes()) == page.read_bytes()
    assert not (site / "icon.png.br").exists(), "images are compressed already"

    # A rebuild into the same folder (mkdocs build --dirty): one page changed, one shrank below
    # the size worth compressing, one was removed.
    (site / "gone" / "index.html").unlink()
    page.write_text(PAGE.replace("eligible", "not eligible"), encoding="utf-8")
    small = site / "small.html"
    small.write_text(PAGE, encoding="utf-8")
    precompress_site(site, cache)
    small.write_text("<p>Short.</p>", encoding="utf-8")
    second = precompress_site(site, cache)

    assert brotli.decompress((site / "index.html.br").read_bytes()) == page.read_bytes()
    assert gzip.decompress((site / "index.html.gz").read_bytes()) == page.read_bytes()
    assert not (site / "small.html.br").exists() and not (site / "small.html.gz").exists()
    assert not (site / "gone" / "index.html.br").exists()
    assert not (site / "gone" / "index.html.gz").exists()
    assert (site / "sitemap.xml.gz").exists(), "MkDocs' compressed sitemap is left alone"
    assert second.made == 0, "every copy of unchanged content comes from the cache"


def test_a_copy_altered_in_the_cache_is_made_again_not_shipped(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    site.mkdir()
    page = site / "index.html"
    page.write_text(PAGE, encoding="utf-8")
    precompress_site(site, cache)
    # Someone (or a disk fault) overwrites the cached copies with other content.
    altered = PAGE.replace("Usually eligible", "Always eligible").encode()
    for copy in (cache / "compressed").rglob("*.br"):
        copy.write_bytes(brotli.compress(altered))
    for copy in (cache / "compressed").rglob("*.gz"):
        copy.write_bytes(b"not gzip at all")

    again = precompress_site(site, cache)
    assert again.made == 2, "both copies are made afresh"
    assert brotli.decompress((site / "index.html.br").read_bytes()) == page.read_bytes()
    assert gzip.decompress((site / "index.html.gz").read_bytes()) == page.read_bytes()
    for copy in (cache / "compressed").rglob("*.br"):
        assert brotli.decompress(copy.read_bytes()) == page.read_bytes(), "the cache is mended"
