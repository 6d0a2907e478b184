"""The build's cache: entries are made beside their place and renamed into it when complete.

A rename within one file system is atomic, so an interrupted or failed build never leaves half an
entry where a later build would take it for a whole one; two builds making the same entry at once
both succeed, and keep one copy.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staged_folder(target: Path, *, complete: Callable[[Path], bool]) -> Iterator[Path]:
    """Yield an empty folder beside ``target``; rename it to ``target`` when the block ends.

    If the block raises, the folder is removed. If another build published ``target`` first and
    ``complete(target)`` says it is whole, its copy is kept.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        yield staging
        staging.chmod(0o755)  # mkdtemp makes it private; cache entries are public data
        try:
            staging.rename(target)
        except OSError:
            if not complete(target):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_file(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
