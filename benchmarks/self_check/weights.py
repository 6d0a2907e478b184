"""Bytes of what the benchmark's server sent, raw and as precompressed files would be sent:
gzip -9 and brotli quality 11, kept on disk by content hash (the 9.6 MB WebAssembly file takes a
minute to compress)."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.browser.server import LoggedRequest, SiteServer


class Compressor:
    """gzip -9 and brotli q11 sizes of files, kept on disk by content hash between runs."""

    def __init__(self, cache_file: Path) -> None:
        self.cache_file = cache_file
        try:
            self.cache: dict[str, int] = json.loads(cache_file.read_text())
        except (OSError, ValueError):
            self.cache = {}
        self.brotli_how = _brotli_method()

    def sizes(self, file: Path) -> tuple[int, int | None]:
        """(gzip size, brotli size or None when brotli is n/a) of ``file``."""
        data = file.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if f"gzip9:{digest}" not in self.cache:
            self.cache[f"gzip9:{digest}"] = len(gzip.compress(data, compresslevel=9, mtime=0))
        brotli_size = None
        if self.brotli_how is not None:
            key = f"brotli11:{digest}"
            if key not in self.cache:
                self.cache[key] = _brotli_size(self.brotli_how, file, data)
            brotli_size = self.cache[key]
        return self.cache[f"gzip9:{digest}"], brotli_size

    def save(self) -> None:
        """Keep the computed sizes for the next run."""
        with contextlib.suppress(OSError):
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            self.cache_file.write_text(json.dumps(self.cache, indent=0, sort_keys=True))


def _brotli_method() -> str | None:
    with contextlib.suppress(ImportError):
        import brotli  # noqa: F401 (optional)

        return "module"
    if shutil.which("node"):
        return "node"
    return None


def _brotli_size(how: str, file: Path, data: bytes) -> int:
    if how == "module":
        import brotli

        return len(brotli.compress(data, quality=11))
    script = (
        "const z=require('zlib'),fs=require('fs');const b=fs.readFileSync(process.argv[1]);"
        "process.stdout.write(String(z.brotliCompressSync(b,{params:{"
        "[z.constants.BROTLI_PARAM_QUALITY]:11,[z.constants.BROTLI_PARAM_SIZE_HINT]:b.length}"
        "}).length))"
    )
    completed = subprocess.run(
        ["node", "-e", script, str(file)], capture_output=True, text=True, check=True
    )
    return int(completed.stdout)


@dataclass
class Weight:
    """Bytes of a set of responses: as sent by the server, and as precompressed files."""

    requests: int = 0
    raw: int = 0
    gzip: int = 0
    brotli: int | None = 0
    files: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """For the JSON file."""
        return {
            "requests": self.requests,
            "raw": self.raw,
            "gzip": self.gzip,
            "brotli": self.brotli,
            "files": self.files,
        }


def weigh(
    sent: list[LoggedRequest],
    server: SiteServer,
    compressor: Compressor,
    *,
    skip: tuple[str, ...] = (),
) -> Weight:
    """The weight of ``sent`` by ``server`` (bodies only), leaving out paths that contain one of
    ``skip``; compressed sizes are those of the files the paths name."""
    weight = Weight()
    for response in sent:
        if any(part in response.path for part in skip):
            continue
        weight.requests += 1
        weight.raw += response.sent_length
        weight.files.append(f"{response.status} {response.path} {response.sent_length}")
        file = server.file_for(response.path)
        if response.status != 200 or file is None:
            continue
        gzip_size, brotli_size = compressor.sizes(file)
        weight.gzip += gzip_size
        if brotli_size is None or weight.brotli is None:
            weight.brotli = None
        else:
            weight.brotli += brotli_size
    return weight
