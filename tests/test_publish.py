"""The daily publish (dev/publishing.md): what can be checked without a host.

The workflows and the host's configuration parse and agree with each other and with mkdocs.yml;
the tests run on every push, pull request and day, and only a passing run of main publishes; and
the publish's build steps, run in its order on a fresh ``git clone`` of the project (what the CI
runner has), build the site with its ``_headers``.
"""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import yaml

from tests.site.projects import only_the_refund_policy

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
NETLIFY = ROOT / "netlify.toml"


def workflow(name: str = "publish") -> dict[str, Any]:
    loaded = yaml.safe_load((WORKFLOWS / f"{name}.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    # YAML 1.1 reads the key `on` as true.
    loaded["on"] = loaded.pop(True, loaded.get("on"))
    return loaded


def test_every_push_pull_request_and_day_runs_the_projects_own_ci() -> None:
    flow = workflow("ci")
    assert {"push", "pull_request", "schedule"} <= set(flow["on"])
    assert flow["on"]["push"] is None or "branches" not in flow["on"]["push"]  # every branch
    (schedule,) = flow["on"]["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    # Once a day, every day, early in the new day (UTC, the zone the build's "today" uses).
    assert minute.isdigit() and hour.isdigit() and (day, month, weekday) == ("*", "*", "*")
    assert flow["env"]["TZ"] == "UTC"
    (job,) = flow["jobs"].values()
    assert [step["run"] for step in job["steps"] if "run" in step] == ["bash .ci/run"]


def test_only_a_passing_test_run_of_main_publishes_and_it_publishes_that_commit() -> None:
    flow = workflow()
    # No trigger of its own: it follows ci.yml (push to main, the daily schedule, a manual run).
    assert set(flow["on"]) == {"workflow_run"}
    follows = flow["on"]["workflow_run"]
    assert follows["workflows"] == [workflow("ci")["name"]]
    assert follows["branches"] == ["main"] and follows["types"] == ["completed"]
    condition = flow["jobs"]["build"]["if"]
    assert "github.event.workflow_run.conclusion == 'success'" in condition
    assert "github.event.workflow_run.event != 'pull_request'" in condition
    steps = flow["jobs"]["build"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["ref"] == "${{ github.event.workflow_run.head_sha }}"
    # Every job that publishes waits for the build, which waits for the tests' success.
    for name, job in flow["jobs"].items():
        assert name == "build" or job["needs"] == "build"
    assert flow["env"]["TZ"] == "UTC"
    build = flow["jobs"]["build"]["steps"]
    assert [step["run"] for step in build if "run" in step] == ["./run build"]
    upload = next(s for s in build if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "site"
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in deploy["steps"])
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_the_host_that_reads_headers_builds_the_same_way_and_only_when_the_tests_ask() -> None:
    netlify = tomllib.loads(NETLIFY.read_text(encoding="utf-8"))
    assert netlify["build"]["command"] == "./run build"
    # Netlify cancels a build when the ignore command exits 0: its own builds on a push are
    # cancelled; one its build hook asked for (INCOMING_HOOK_URL set) goes ahead.
    ignore = netlify["build"]["ignore"]
    for hook, cancelled in (({}, True), ({"INCOMING_HOOK_URL": "https://hook.invalid/1"}, False)):
        done = subprocess.run(["bash", "-c", ignore], env=hook, check=False)
        assert (done.returncode == 0) is cancelled
    hook_job = workflow()["jobs"]["rebuild-elsewhere"]
    assert "if" not in hook_job  # every passing run of main, not only the schedule's
    assert "PUBLISH_BUILD_HOOK" in hook_job["steps"][0]["run"]
    assert netlify["build"]["publish"] == "site"
    assert netlify["build"]["environment"]["TZ"] == "UTC"
    # site/ is where mkdocs.yml builds to (its default when site_dir is not set).
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    site_dir = re.search(r"^site_dir:\s*(\S+)", config, re.M)
    assert site_dir is None or site_dir.group(1).strip("\"'/") == "site"


def test_the_workflow_builds_the_site_from_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    # The workflow is tested on the refund policy's site as git has it, not on a policy an editor
    # is still writing (the build refuses a new policy's placeholder address, as it should).
    only_the_refund_policy(clone)
    flow = workflow()
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("VIRTUAL_ENV", "PYTHONPATH", "PYTEST", "POLICY_SITE_TODAY"))
    }
    environment |= {name: str(value) for name, value in flow["env"].items()}
    for step in flow["jobs"]["build"]["steps"]:
        if "run" not in step:
            continue  # actions: checkout (the clone), set-up of Python and Node, cache, upload
        done = subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            cwd=clone,
            env=environment,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert done.returncode == 0, f"{step['name']}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    site = clone / "site"
    assert (site / "index.html").is_file()
    assert "Content-Security-Policy:" in (site / "_headers").read_text(encoding="utf-8")
    assert (site / "history" / "index.html").is_file()
