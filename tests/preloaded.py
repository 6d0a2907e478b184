"""The project's own commands, each in a fresh process forked from one that has already imported
the libraries they import: what ``mkdocs build`` or ``python -m policy_review.review`` does, less
the half second each spends importing MkDocs, the theme and the engine before it starts.

The tests build copies of the site and run editors' commands some 130 times a run; on the
project's two cores those imports were a tenth of the suite's CPU. Each command still runs in a
process of its own, with its own arguments, working folder, environment, standard input and exit
status, as :func:`subprocess.run` would run it (tests/test_preloaded.py holds it to that), and its
exit runs what a Python process runs at exit (``atexit`` handlers: an interrupted build discards
its staging folder). What the server imports is libraries only, never a policy's package,
nothing from a project folder, and nothing whose import reads the environment (Material's
templates read ``NO_MKDOCS_2_WARNING``). What a command inherits from the server instead of
making afresh is the interpreter's own start: its flags and its hash seed (one per test worker,
not one per command).

A command that needs something else (another program, ``PYTHON*`` variables, which the
interpreter reads as it starts) runs with :func:`subprocess.run` instead. ``TEST_PRELOAD=0``
runs every command that way (to compare, or to rule this module out)."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import runpy
import select
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from typing import Any

# What the server imports before it forks: the libraries every build and review imports.
PRELOAD = (
    "mkdocs.__main__",
    "mkdocs.commands.build",
    "material",
    "markdown.extensions.admonition",
    "markdown.extensions.tables",
    "pymdownx.superfences",
    "pymdownx.quotes",
    "policy_site.plugin",
    "policy_review.review",
    "policy_engine.checking",
)
# The commands it runs: a console script of the environment, or a module with ``python -m``.
SCRIPTS = {Path(sys.executable).with_name("mkdocs")}
MODULES = ("policy_review.", "policy_site.")


def _serve() -> None:
    """The server's loop: a request (JSON, one line) on its standard input; the child's pid, then
    its exit status (as :attr:`subprocess.Popen.returncode` gives it) on its standard output."""
    for name in PRELOAD:
        __import__(name)
    # Unbuffered: a child forked mid-read would otherwise inherit the next request, read ahead.
    requests = os.fdopen(os.dup(0), "rb", buffering=0)
    answers = os.dup(1)
    for line in iter(requests.readline, b""):
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            requests.close()
            os.close(answers)
            _child(request)
        os.write(answers, json.dumps({"pid": pid}).encode() + b"\n")
        _, status = os.waitpid(pid, 0)
        answer = {"returncode": os.waitstatus_to_exitcode(status)}
        os.write(answers, json.dumps(answer).encode() + b"\n")


def _child(request: dict[str, Any]) -> None:
    """Run one command in this forked process, as the interpreter would have run it, then exit."""
    code: int = 1
    try:
        os.chdir(request["cwd"])
        for fd, path, flags in (
            (0, request["stdin"], os.O_RDONLY),
            (1, request["stdout"], os.O_WRONLY | os.O_TRUNC),
            (2, request["stderr"], os.O_WRONLY | os.O_TRUNC),
        ):
            opened = os.open(path, flags)
            os.dup2(opened, fd)
            os.close(opened)
        os.environ.clear()
        os.environ.update(request["env"])
        signal.signal(signal.SIGINT, signal.default_int_handler)
        sys.argv = list(request["argv"])
        if request.get("module"):
            sys.path.insert(0, os.getcwd())
            # As ``python -m``: the module runs as __main__, a fresh copy of it, not the
            # preloaded one (which other modules imported, as they would have imported their own).
            sys.modules.pop(request["module"], None)
            runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
        else:
            sys.path.insert(0, str(Path(request["script"]).parent))
            runpy.run_path(request["script"], run_name="__main__")
        code = 0
    except SystemExit as done:
        code = _exit_code(done.code)
    except BaseException:  # what the interpreter prints for an uncaught exception, then 1
        traceback.print_exc()
        code = 1
    finally:
        try:
            threading._shutdown()  # type: ignore[attr-defined]  # as the interpreter's exit does
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


class _Server:
    """One per test process, started on first use; started again if a command was interrupted
    while it ran (a test's timeout, Ctrl-C), so that no answer is left unread."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            # -P: nothing from the folder it starts in (the child adds what the command would).
            [sys.executable, "-P", "-c", "from tests.preloaded import _serve; _serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,  # unbuffered: select() then sees every answer not yet read
            cwd=tempfile.gettempdir(),
            env=env,
        )
        self.lock = threading.Lock()
        self.broken = False

    def usable(self) -> bool:
        return not self.broken and self.process.poll() is None

    def run(self, request: dict[str, Any], timeout: float) -> int:
        process = self.process
        assert process.stdin is not None and process.stdout is not None
        with self.lock:
            pid = None
            try:
                process.stdin.write(json.dumps(request).encode() + b"\n")
                pid = json.loads(process.stdout.readline())["pid"]
                ready, _, _ = select.select([process.stdout], [], [], timeout)
                if not ready:
                    # As subprocess.run does: killed, and waited for (the server reaps it).
                    os.kill(pid, signal.SIGKILL)
                    process.stdout.readline()
                    raise subprocess.TimeoutExpired(request["argv"], timeout)
                answer = json.loads(process.stdout.readline())
            except subprocess.TimeoutExpired:
                raise
            except BaseException:
                self.broken = True
                if pid is not None:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                process.kill()
                raise
        return int(answer["returncode"])

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


_server: _Server | None = None


def forkable(args: list[str], env: dict[str, str] | None = None) -> bool:
    """Whether ``args`` (in ``env``) is a command :func:`run` can fork from the preloaded
    process: one of the project's, in an environment the interpreter does not read as it starts."""
    return _request(args) is not None and not any(name.startswith("PYTHON") for name in env or {})


def run(
    args: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    input: str | None = None,
    timeout: float,
    fork: bool | None = None,
) -> subprocess.CompletedProcess[str]:
    """:func:`subprocess.run` of ``args`` (text, output captured, never raising on failure),
    forked from the preloaded process when it is one of the project's commands (``fork``: unless
    ``TEST_PRELOAD=0``)."""
    if fork is None:
        fork = os.environ.get("TEST_PRELOAD") != "0"
    if not fork or not forkable(args, env):
        return subprocess.run(
            args,
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=cwd,
            env=env,
            check=False,
        )
    request = _request(args)
    assert request is not None
    global _server
    if _server is None or not _server.usable():
        _server = _Server(_server_environment())
        atexit.register(_server.close)
    with tempfile.TemporaryDirectory(prefix="preloaded-") as folder:
        files = {name: Path(folder) / name for name in ("stdin", "stdout", "stderr")}
        for path in files.values():
            path.write_text("")
        if input is not None:
            files["stdin"].write_text(input, encoding="utf-8")
        request |= {"cwd": str(cwd), "env": env, **{n: str(p) for n, p in files.items()}}
        returncode = _server.run(request, timeout)
        return subprocess.CompletedProcess(
            args, returncode, _decoded(files["stdout"]), _decoded(files["stderr"])
        )


def _decoded(path: Path) -> str:
    # As subprocess.run(text=True) reads it: the locale's encoding, universal newlines.
    return path.read_bytes().decode().replace("\r\n", "\n").replace("\r", "\n")


def _request(args: list[str]) -> dict[str, Any] | None:
    if Path(args[0]) in SCRIPTS:
        return {"script": args[0], "argv": list(args)}
    if (
        len(args) >= 3
        and args[0] == sys.executable
        and args[1] == "-m"
        and args[2].startswith(MODULES)
    ):
        return {"module": args[2], "argv": [args[2], *args[3:]]}
    return None


def _server_environment() -> dict[str, str]:
    """The server's own: a bare one, as the tests' commands have (tests/site/projects.py)."""
    return {
        "PATH": os.pathsep.join(["/usr/bin", "/bin"]),
        "HOME": str(Path.home()),
        "NO_MKDOCS_2_WARNING": "1",
        **{name: os.environ[name] for name in ("LANG", "LC_ALL") if name in os.environ},
    }
