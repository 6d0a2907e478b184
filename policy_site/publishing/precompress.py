"""Precompressed copies of the built site's files, for hosts that serve them.

A host with ``gzip_static`` / ``brotli_static`` (nginx), or any server that looks for ``file.br``
and ``file.gz`` next to ``file``, sends these instead of the raw file to browsers that accept the
encoding, without compressing on every request. That matters most for the runtime: the 9.6 MB
``pyodide.asm.wasm`` travels as 2.7 MB of brotli. Hosts that compress by themselves (Netlify,
Cloudflare Pages, GitHub Pages) do not use the copies but publish them as files, which count
towards their size limits: turn the ``precompress`` option off for them.

Brotli at quality 11 takes about 40 s for the WebAssembly file alone, so every compressed copy is
kept in the cache by the content it was made from: a rebuild compresses only what changed. A
cached copy ships only after it has been decompressed and found equal to the file's bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import brotli

from policy_site.shipping import cache

# Text and WebAssembly: what compresses. Images, zips and wheels are compressed already.
COMPRESSIBLE = frozenset(
    {".html", ".css", ".js", ".mjs", ".json", ".map", ".xml", ".svg", ".txt", ".wasm"}
)
# Below this, the headers of a compressed response outweigh what compression saves.
MIN_BYTES = 1024
ENCODINGS: dict[str, Callable[[bytes], bytes]] = {
    # mtime=0: the same file always gives the same bytes.
    ".gz": lambda data: gzip.compress(data, compresslevel=9, mtime=0),
    ".br": lambda data: brotli.compress(data, quality=11),
}
DECODINGS: dict[str, Callable[[bytes], bytes]] = {
    ".gz": gzip.decompress,
    ".br": brotli.decompress,
}


@dataclass
class Precompressed:
    files: int = 0  # files that got compressed copies
    made: int = 0  # compressed copies made now (the rest came from the cache)
    raw_bytes: int = 0
    brotli_bytes: int = 0


def precompress_site(site_dir: Path, cache_dir: Path) -> Precompressed:
    """Write ``name.gz`` and ``name.br`` beside every compressible file of ``site_dir``.

    A copy is written only if it is smaller than the file. A copy that no longer matches its file
    (left by an earlier ``mkdocs build --dirty``: the file shrank, or is gone) is removed, so a
    host never sends old content in place of new; copies that match (MkDocs' own
    ``sitemap.xml.gz``) stay.
    """
    stats = Precompressed()
    store = Path(cache_dir) / "compressed"
    for file in sorted(Path(site_dir).rglob("*")):
        if not file.is_file():
            continue
        if file.suffix in ENCODINGS:
            original = file.with_name(file.name.removesuffix(file.suffix))
            if original.suffix in COMPRESSIBLE and not original.is_file():
                file.unlink()
            continue
        if file.suffix not in COMPRESSIBLE:
            continue
        data = file.read_bytes()
        if len(data) < MIN_BYTES:
            for suffix in ENCODINGS:
                _drop_if_stale(file.with_name(file.name + suffix), data)
            continue
        key = hashlib.sha256(data).hexdigest()
        wrote = False
        for suffix, compress in ENCODINGS.items():
            cached = store / key[:2] / f"{key}{suffix}"
            # Kept by the file's hash, but trusted only if it still decompresses to the file: a
            # copy altered in the cache would otherwise ship beside a raw file that passes.
            if not (cached.is_file() and _decompresses_to(cached, data)):
                cache.write_file(cached, compress(data))
                stats.made += 1
            target = file.with_name(file.name + suffix)
            if cached.stat().st_size < len(data):
                shutil.copyfile(cached, target)
                wrote = True
                if suffix == ".br":
                    stats.brotli_bytes += cached.stat().st_size
            else:
                _drop_if_stale(target, data)
        if wrote:
            stats.files += 1
            stats.raw_bytes += len(data)
    return stats


def _decompresses_to(copy: Path, data: bytes) -> bool:
    """Whether ``copy`` (a ``.gz`` or ``.br`` file) holds exactly ``data``."""
    try:
        return DECODINGS[copy.suffix](copy.read_bytes()) == data
    except (OSError, EOFError, zlib.error, brotli.error):  # not a valid copy at all
        return False


def _drop_if_stale(copy: Path, data: bytes) -> None:
    """Remove ``copy`` unless it decompresses to ``data`` (such as MkDocs' own sitemap.xml.gz)."""
    if copy.is_file() and not _decompresses_to(copy, data):
        copy.unlink()
