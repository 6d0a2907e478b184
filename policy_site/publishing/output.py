"""The built site appears whole or not at all (build time only).

MkDocs writes its pages straight into ``site_dir``, emptying it first, so a build that fails half
way (a placeholder typo under ``strict``, an unreachable registry) used to leave a site that was
wiped, half rewritten, or had the mistake in it, and a deploy step that copies ``site/`` without
looking at the exit status would publish that. So the plugin points MkDocs at a staging folder
beside the target, and only a build that succeeds is swapped in (:meth:`Output.publish`); any
failure removes the staging folder (:meth:`Output.discard`) and leaves the target as it was, the
last good build. The same holds for ``mkdocs serve``: the preview keeps the last good build while
the terminal says what to fix.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
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


class OutputError(Exception):
    """The staging folder could not be made or swapped in. The message says what to do."""


class Output:
    """The build's output folder ``target``, written through a staging folder beside it."""

    def __init__(self, target: Path) -> None:
        # A symlinked site folder stays a symlink: the swap happens where it points.
        self.target = Path(target).resolve()
        self.staging: Path | None = None

    def begin(self, *, dirty: bool = False) -> Path:
        """A new, empty staging folder (for ``--dirty``, a copy of the last build) to build into.

        Staging and previous folders left by a build that was killed are removed first.
        """
        parent, name = self.target.parent, self.target.name
        try:
            parent.mkdir(parents=True, exist_ok=True)
            for pattern in (_STAGING, _PREVIOUS):
                for leftover in parent.glob(pattern.format(name=name) + "*"):
                    shutil.rmtree(leftover, ignore_errors=True)
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
        """Swap the finished staging folder in for the target; the old build is removed."""
        if self.staging is None:
            return
        parent, name = self.target.parent, self.target.name
        previous = None
        try:
            if self.target.exists():
                previous = Path(tempfile.mkdtemp(prefix=_PREVIOUS.format(name=name), dir=parent))
                self.target.rename(previous / name)
            self.staging.rename(self.target)
        except OSError as error:
            if previous is not None and (previous / name).exists() and not self.target.exists():
                (previous / name).rename(self.target)  # put the last good build back
            self.discard()
            raise OutputError(
                f"the new build could not replace {self.target} ({error.strerror or error}); "
                "the last good build is still there."
            ) from error
        finally:
            if previous is not None:
                shutil.rmtree(previous, ignore_errors=True)
        self.staging = None

    def discard(self) -> None:
        """Remove the staging folder: the target keeps the last good build."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None


def mkdocs_problem(version: str = mkdocs.__version__) -> str | None:
    """Why the build cannot count its problems with this MkDocs, or None when it can."""
    if version.split(".")[:2] == MKDOCS_COUNTING.split(".") and hasattr(
        mkdocs_utils, "CountHandler"
    ):
        return None
    return (
        f"MkDocs {version} is installed, but the refund-policy plugin counts a strict build's "
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
