"""What the site ships for the self-check, and where: build time only.

* the pinned Pyodide core, verified, under ``assets/pyodide/314.0.7/``;
* the checker as a wheel, its lock (which lists only that wheel, with its sha256) and the standard
  library it starts with, in ``assets/policy-check/checker-<digest>/``;
* the widget's scripts and styles in ``assets/policy-check/widget-<digest>/``.

Each folder's name changes whenever a file in it does, so browsers may keep them forever
(``_headers`` says so) and never pair a cached file with a newer one.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from policy_site.package import PolicyPackage
from policy_site.shipping import cache as cache_files
from policy_site.shipping import runtime, stdlib, wheel

ASSETS = Path(__file__).parent / "assets"
WIDGET_SOURCE = ASSETS / "policy-check"
RUNTIME_DIR = f"assets/pyodide/{runtime.PYODIDE_VERSION}"
# The runtime's core files the page loads. Its lock is not shipped (ours lists only the checker's
# wheel, beside it), nor its standard library (the checker's folder has the one it starts with).
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
WIDGET_FILES = (
    "widget.js",
    "component.js",
    "machine.js",
    "draw.js",
    "runtime.js",
    "table.js",
    "dates.js",
    "progress.js",
    "state.js",
    "form.js",
    "result.js",
    "worker.js",
    "load-checker.mjs",
    "widget.css",
)
# What widget.js imports (static imports): preloaded with it.
WIDGET_IMPORTS = (
    "component.js",
    "machine.js",
    "draw.js",
    "form.js",
    "result.js",
    "runtime.js",
    "state.js",
    "table.js",
    "dates.js",
    "progress.js",
)
POLICY_CSS = "assets/policy.css"
DECISIONS_NAME = "decisions.json"


class ShippingError(Exception):
    """Something the self-check needs could not be made. The message says what to do."""


def content_name(files: list[Path]) -> str:
    """16 hex digits that change whenever any of ``files`` does."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(runtime.file_sha256(file).encode())
    return digest.hexdigest()[:16]


def widget_dir() -> str:
    """The site folder of the widget's scripts and styles, named after their content."""
    return f"assets/policy-check/widget-{content_name([WIDGET_SOURCE / n for n in WIDGET_FILES])}"


@dataclass(frozen=True)
class Shipment:
    """The files to add to the site (site path -> source file), and the folders that hold them."""

    files: dict[str, Path]
    runtime_dir: str
    checker_dir: str
    widget_dir: str
    stdlib_name: str = stdlib.STDLIB_NAME
    wheel_name: str = ""
    wheel_sha256: str = ""
    package: str = ""  # the wheel's name in its lock, which the page loads
    # What a full check downloads, by file name: (bytes the browser's stream yields, bytes on the
    # wire from a host that serves the build's compressed copies). The page counts progress
    # against these (a host's own Content-Length replaces the second once a response arrives).
    downloads: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def lock(self) -> str:
        return f"{self.checker_dir}/{wheel.LOCK_FILE_NAME}"

    @property
    def stdlib(self) -> str:
        return f"{self.checker_dir}/{self.stdlib_name}"

    @property
    def wheel(self) -> str:
        return f"{self.checker_dir}/{self.wheel_name}"

    @property
    def decisions(self) -> str:
        return f"{self.checker_dir}/{DECISIONS_NAME}"

    @property
    def worker(self) -> str:
        return f"{self.widget_dir}/worker.js"


def ship(
    policy: PolicyPackage,
    cache: Path,
    *,
    pyodide_source: Path | None,
    fast_start: bool,
    decisions: bytes = b"{}",
) -> Shipment:
    """Make (or take from ``cache``) everything the self-check needs, verified. ``decisions`` is
    the page's decision table (policy_site/shipping/decisions.py), shipped beside the checker.

    Raises :class:`ShippingError` with what to do.
    """
    try:
        core = runtime.ensure_runtime(cache, pyodide_source)
        built = wheel.build_checker_wheel(
            policy.folder,
            policy.policy_path,
            cache,
            wheel.distribution(policy.name),
            data_policy=policy.import_name if policy.data_folder is not None else None,
        )
        lock_dir = cache / "site-locks" / built.parent.name
        lock = lock_dir / wheel.LOCK_FILE_NAME
        runtime_lock = core / wheel.LOCK_FILE_NAME
        # Verified before it ships: the wheel beside the lock is the one just verified, and the
        # lock lists it with its sha256. Anything else in the cache is made again.
        shipped_wheel = lock_dir / built.name
        if not (
            shipped_wheel.is_file()
            and shipped_wheel.read_bytes() == built.read_bytes()
            and wheel.lock_matches(lock, shipped_wheel, runtime_lock)
        ):
            shutil.rmtree(lock_dir, ignore_errors=True)

            def whole(done: Path) -> bool:
                return wheel.lock_matches(
                    done / wheel.LOCK_FILE_NAME, done / built.name, runtime_lock
                )

            with cache_files.staged_folder(lock_dir, complete=whole) as out:
                wheel.write_lock(runtime_lock, built, out)
        python_stdlib = core / stdlib.STDLIB_NAME
        if fast_start:
            python_stdlib = gzipped(
                stdlib.tailored_stdlib(
                    core, lock_dir / built.name, lock, wheel.lock_name(built), cache
                )
            )
    except (runtime.RuntimeUnavailable, wheel.CheckerWheelError, stdlib.StdlibError) as error:
        raise ShippingError(str(error)) from error
    except OSError as error:
        raise ShippingError(
            f"The self-check's files could not be written to the cache ({error.strerror or error}"
            f": {error.filename}). Free some disk space, or choose another cache folder with the "
            f"environment variable {runtime.CACHE_ENV}."
        ) from error
    files = {f"{RUNTIME_DIR}/{name}": core / name for name in RUNTIME_FILES}
    # Pyodide fetches a lock's wheels from the lock's own folder.
    shipped_wheel = lock_dir / built.name
    table = cache / "decisions" / hashlib.sha256(decisions).hexdigest()[:32] / DECISIONS_NAME
    if not (table.is_file() and table.read_bytes() == decisions):
        cache_files.write_file(table, decisions)
    checker_files = [lock, shipped_wheel, python_stdlib, table]
    checker_dir = f"assets/policy-check/checker-{content_name(checker_files)}"
    files |= {f"{checker_dir}/{file.name}": file for file in checker_files}
    widget = widget_dir()
    files |= {f"{widget}/{name}": WIDGET_SOURCE / name for name in WIDGET_FILES}
    files[POLICY_CSS] = ASSETS / "policy.css"
    downloads = {
        name: ((core / name).stat().st_size, runtime.CORE_BROTLI_BYTES[name])
        for name in RUNTIME_FILES
    }
    # Zips, the gzipped library and the lock go as they are: no host compresses them further.
    downloads |= {
        file.name: (file.stat().st_size, file.stat().st_size) for file in checker_files[:3]
    }
    return Shipment(
        files,
        RUNTIME_DIR,
        checker_dir,
        widget,
        stdlib_name=python_stdlib.name,
        wheel_name=shipped_wheel.name,
        wheel_sha256=runtime.file_sha256(shipped_wheel),
        package=wheel.lock_name(shipped_wheel),
        downloads=downloads,
    )


def gzipped(library: Path) -> Path:
    """``library`` (the tailored standard library, a zip of stored entries) gzipped beside it.

    Stored entries let one compressor see the whole library: 1.2 MB gzipped, against 1.5 MB for
    a zip deflated entry by entry. The page's worker unzips it (the browser's own
    DecompressionStream), so the saving does not depend on the host compressing zips, which
    Netlify, Cloudflare Pages and GitHub Pages do not.
    """
    target = library.with_name(library.name + ".gz")
    data = library.read_bytes()
    try:
        made = target.is_file() and gzip.decompress(target.read_bytes()) == data
    except (OSError, EOFError):
        made = False  # not a whole gzip file: made again
    if not made:
        cache_files.write_file(target, gzip.compress(data, compresslevel=9, mtime=0))
    return target
