"""The built site appears whole or not at all (build time only).

MkDocs writes its pages straight into ``site_dir``, emptying it first, so a build that fails half
way (a placeholder typo under ``strict``, an unreachable registry) used to leave a site that was
wiped, half rewritten, or had the mistake in it, and a deploy step that copies ``site/`` without
looking at the exit status would publish that. So the plugin points MkDocs at a staging folder
beside the target, and only a build that succeeds is swapped in (:meth:`Output.publish`); any
failure removes the staging folder (:meth:`Output.discard`) and leaves the target as it was, the
last good build. The same holds for ``mkdocs serve``: the preview keeps the last good build while
the terminal says what to fix.

The swap itself is one atomic exchange of the two folders where the system has one (Linux, macOS),
so ``site/`` is whole at every instant, even if the build is killed mid-publish. Elsewhere it is
two renames, and the last good build is kept aside until the new one is in place; a build killed
between them leaves it aside, and the next build puts it back before anything else.
"""

from __future__ import annotations

import atexit
import ctypes
import errno
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import mkdocs
from mkdocs import utils as mkdocs_utils

from policy_engine.policy import display_name

# MkDocs' internals, not its public API: a strict build counts its warnings and errors with
# mkdocs.utils.CountHandler, which mkdocs.commands.build adds to the "mkdocs" logger. This is how
# MkDocs 1.6 (pyproject.toml pins 1.6.1) does it; another MkDocs may count differently, and a
# count that found nothing would publish a site with problems, so the build checks the version.
MKDOCS_COUNTING = "1.6"

_STAGING = ".{name}.building-"
_PREVIOUS = ".{name}.previous-"
# The steps of a publish, in order, as :class:`Output` names them to its checkpoint.
STEPS = ("recovered", "built", "aside-made", "moved-aside", "swapped", "old-removed")
# renameat2's "the directory of the process" and its flag, and macOS' renamex_np flag.
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_RENAME_SWAP = 2


class OutputError(Exception):
    """The staging folder could not be made or swapped in. The message says what to do."""


def exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step, so that each path always holds one of them whole.

    Linux has ``renameat2(RENAME_EXCHANGE)`` and macOS ``renamex_np(RENAME_SWAP)``; the standard
    library offers neither, hence ctypes. Returns False where the system or its file system has
    no such call (the caller falls back to two renames); raises ``OSError`` when the swap failed.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if sys.platform == "linux":
            swap = libc.renameat2
            swap.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
            swap.argtypes += [ctypes.c_uint]
            arguments: tuple[object, ...] = (_AT_FDCWD, os.fsencode(first), _AT_FDCWD)
            arguments += (os.fsencode(second), _RENAME_EXCHANGE)
        elif sys.platform == "darwin":
            swap = libc.renamex_np
            swap.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
            arguments = (os.fsencode(first), os.fsencode(second), _RENAME_SWAP)
        else:
            return False
    except (AttributeError, OSError):
        return False  # a C library without the call
    if swap(*arguments) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # this file system cannot swap
    raise OSError(code, os.strerror(code), str(first))


class Output:
    """The build's output folder ``target``, written through a staging folder beside it.

    ``checkpoint`` is called with the name of each step of a publish (:data:`STEPS`), so that a
    test can stop the build there; ``swap=False`` publishes with two renames, as on a system
    without an atomic exchange.
    """

    def __init__(
        self,
        target: Path,
        *,
        checkpoint: Callable[[str], None] | None = None,
        swap: bool = True,
    ) -> None:
        # A symlinked site folder stays a symlink: the swap happens where it points.
        self.target = Path(target).resolve()
        self.staging: Path | None = None
        self.checkpoint = checkpoint or (lambda step: None)
        self.swap = swap

    def _leftovers(self, pattern: str) -> list[Path]:
        parent, name = self.target.parent, self.target.name
        return sorted(parent.glob(pattern.format(name=name) + "*"), key=_modified, reverse=True)

    def recover(self) -> None:
        """Put the last good build back if a publish was stopped between its two renames (only
        possible without an atomic exchange), then remove what killed builds left behind."""
        if not self.target.exists():
            for aside in self._leftovers(_PREVIOUS):
                if (aside / self.target.name).is_dir():
                    (aside / self.target.name).rename(self.target)
                    break
        self.checkpoint("recovered")
        for pattern in (_STAGING, _PREVIOUS):
            for leftover in self._leftovers(pattern):
                shutil.rmtree(leftover, ignore_errors=True)

    def begin(self, *, dirty: bool = False) -> Path:
        """A new, empty staging folder (for ``--dirty``, a copy of the last build) to build into.

        A last good build that a killed publish left aside is put back first; then the staging
        and previous folders of killed builds are removed.
        """
        parent, name = self.target.parent, self.target.name
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self.recover()
            self.staging = Path(tempfile.mkdtemp(prefix=_STAGING.format(name=name), dir=parent))
            # A build interrupted (Ctrl-C, an exception MkDocs does not catch) leaves no staging
            # folder behind in the project; one killed outright is cleaned by the next build.
            atexit.register(self.discard)
            self.staging.chmod(0o755)  # mkdtemp makes it private; a site is public
            if dirty and self.target.is_dir():
                shutil.copytree(self.target, self.staging, dirs_exist_ok=True, symlinks=True)
        except OSError as error:
            raise OutputError(
                f"the site could not be built beside {self.target} ({error.strerror or error}). "
                "Check that its folder exists and is writable, and that the disk has space."
            ) from error
        return self.staging

    def publish(self) -> None:
        """Swap the finished staging folder in for the target; the old build is removed after.

        Where the system can, the two folders are exchanged in one atomic step, so the target
        always holds a whole site, the old or the new. Elsewhere the old build is moved aside
        first and kept until the new one is in place; a build stopped between the two renames
        leaves it aside, and the next build puts it back (:meth:`recover`).
        """
        if self.staging is None:
            return
        parent, name = self.target.parent, self.target.name
        previous = None
        try:
            self.checkpoint("built")
            if not self.target.exists():
                self.staging.rename(self.target)
                self.checkpoint("swapped")
            elif self.swap and exchange(self.staging, self.target):
                previous = self.staging  # now holds the old build
                self.checkpoint("swapped")
            else:
                previous = Path(tempfile.mkdtemp(prefix=_PREVIOUS.format(name=name), dir=parent))
                self.checkpoint("aside-made")
                self.target.rename(previous / name)
                self.checkpoint("moved-aside")
                self.staging.rename(self.target)
                self.checkpoint("swapped")
        except OSError as error:
            if previous is not None and (previous / name).exists() and not self.target.exists():
                (previous / name).rename(self.target)  # put the last good build back
            self.discard()
            raise OutputError(
                f"the new build could not replace {self.target} ({error.strerror or error}); "
                "the last good build is still there."
            ) from error
        self.staging = None
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)
            self.checkpoint("old-removed")

    def discard(self) -> None:
        """Remove the staging folder: the target keeps the last good build."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def mkdocs_problem(version: str = mkdocs.__version__) -> str | None:
    """Why the build cannot count its problems with this MkDocs, or None when it can."""
    if version.split(".")[:2] == MKDOCS_COUNTING.split(".") and hasattr(
        mkdocs_utils, "CountHandler"
    ):
        return None
    return (
        f"MkDocs {version} is installed, but the policy-site plugin counts a strict build's "
        f"problems as MkDocs {MKDOCS_COUNTING} does (mkdocs.utils.CountHandler, a part of MkDocs "
        "that may change between versions). Install the pinned versions (./run sets them up "
        "from requirements.lock), or check policy_site/publishing/output.py against the new "
        "MkDocs and change MKDOCS_COUNTING."
    )


def problems_counted() -> int:
    """The warnings and errors logged so far in this build, as MkDocs' strict mode counts them.

    MkDocs adds its counter to the ``mkdocs`` logger for a strict build only; without it, no
    problem stops a build.
    """
    return sum(
        count
        for handler in logging.getLogger("mkdocs").handlers
        if isinstance(handler, mkdocs_utils.CountHandler)
        for _, count in handler.get_counts()
    )


def nothing_built(problems: int, target: Path, *, serving: bool) -> str:
    """The last line of a failed build, in plain words."""
    what = f"{problems} problem{'s' if problems != 1 else ''}" if problems else "a problem"
    kept = (
        "The preview still shows the last good build."
        if serving
        else f"{display_name(target)}/ still holds the last good build, unchanged."
    )
    return f"Nothing was built: fix the {what} above, then build again. {kept}"
