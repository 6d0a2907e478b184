"""What the site ships for the self-check, and where: build time only.

* the pinned Pyodide core, verified, under ``assets/pyodide/314.0.7/``;
* the checker as a wheel, its lock (which lists only that wheel, with its sha256) and the standard
  library it starts with, in ``assets/refund-check/checker-<digest>/``;
* the widget's scripts and styles in ``assets/refund-check/widget-<digest>/``.

Each folder's name changes whenever a file in it does, so browsers may keep them forever
(``_headers`` says so) and never pair a cached file with a newer one.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import checker
from refund_site import cache as cache_files
from refund_site import runtime, stdlib, wheel

ASSETS = Path(__file__).parent / "assets"
WIDGET_SOURCE = ASSETS / "refund-check"
RUNTIME_DIR = f"assets/pyodide/{runtime.PYODIDE_VERSION}"
# The runtime's core files the page loads. Its lock is not shipped (ours lists only the checker's
# wheel, beside it), nor its standard library (the checker's folder has the one it starts with).
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
WIDGET_FILES = (
    "widget.js",
    "runtime.js",
    "state.js",
    "form.js",
    "result.js",
    "worker.js",
    "load-checker.mjs",
    "widget.css",
)
POLICY_CSS = "assets/policy.css"


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
    return f"assets/refund-check/widget-{content_name([WIDGET_SOURCE / n for n in WIDGET_FILES])}"


@dataclass(frozen=True)
class Shipment:
    """The files to add to the site (site path -> source file), and the folders that hold them."""

    files: dict[str, Path]
    runtime_dir: str
    checker_dir: str
    widget_dir: str

    @property
    def lock(self) -> str:
        return f"{self.checker_dir}/{wheel.LOCK_FILE_NAME}"

    @property
    def stdlib(self) -> str:
        return f"{self.checker_dir}/{stdlib.STDLIB_NAME}"

    @property
    def worker(self) -> str:
        return f"{self.widget_dir}/worker.js"


def ship(
    policy_file: Path, cache: Path, *, pyodide_source: Path | None, fast_start: bool
) -> Shipment:
    """Make (or take from ``cache``) everything the self-check needs, verified.

    Raises :class:`ShippingError` with what to do.
    """
    try:
        core = runtime.ensure_runtime(cache, pyodide_source)
        built = wheel.build_checker_wheel(Path(checker.__file__).parent, policy_file, cache)
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
            python_stdlib = stdlib.tailored_stdlib(
                core, lock_dir / built.name, lock, wheel.LOCK_PACKAGE_NAME, cache
            )
    except (runtime.RuntimeUnavailable, wheel.CheckerWheelError, stdlib.StdlibError) as error:
        raise ShippingError(str(error)) from error
    files = {f"{RUNTIME_DIR}/{name}": core / name for name in RUNTIME_FILES}
    # Pyodide fetches a lock's wheels from the lock's own folder.
    checker_files = [lock, lock_dir / built.name, python_stdlib]
    checker_dir = f"assets/refund-check/checker-{content_name(checker_files)}"
    files |= {f"{checker_dir}/{file.name}": file for file in checker_files}
    widget = widget_dir()
    files |= {f"{widget}/{name}": WIDGET_SOURCE / name for name in WIDGET_FILES}
    files[POLICY_CSS] = ASSETS / "policy.css"
    return Shipment(files, RUNTIME_DIR, checker_dir, widget)
