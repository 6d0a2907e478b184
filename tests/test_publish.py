"""The daily publish (README, "Publishing"): what can be checked without a host.

The workflow and the host's configuration parse and agree with each other and with mkdocs.yml;
the workflow runs on every push and every day; and its build steps, run in its order on a fresh
``git clone`` of the project (what the CI runner has), build the site with its ``_headers``.
"""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
NETLIFY = ROOT / "netlify.toml"


def workflow() -> dict[str, Any]:
    loaded = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    # YAML 1.1 reads the key `on` as true.
    loaded["on"] = loaded.pop(True, loaded.get("on"))
    return loaded


def test_the_workflow_publishes_on_every_push_and_every_day() -> None:
    flow = workflow()
    assert "push" in flow["on"]
    (schedule,) = flow["on"]["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    # Once a day, every day, early in the new day (UTC, the zone the build's "today" uses).
    assert minute.isdigit() and hour.isdigit() and (day, month, weekday) == ("*", "*", "*")
    assert flow["env"]["TZ"] == "UTC"
    build = flow["jobs"]["build"]["steps"]
    assert [step["run"] for step in build if "run" in step] == ["./run build"]
    upload = next(s for s in build if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "site"
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in deploy["steps"])
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_the_host_that_reads_headers_builds_the_same_way() -> None:
    netlify = tomllib.loads(NETLIFY.read_text(encoding="utf-8"))
    assert netlify["build"]["command"] == "./run build"
    assert netlify["build"]["publish"] == "site"
    assert netlify["build"]["environment"]["TZ"] == "UTC"
    # site/ is where mkdocs.yml builds to (its default when site_dir is not set).
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    site_dir = re.search(r"^site_dir:\s*(\S+)", config, re.M)
    assert site_dir is None or site_dir.group(1).strip("\"'/") == "site"


def test_the_workflow_builds_the_site_from_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    flow = workflow()
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("VIRTUAL_ENV", "PYTHONPATH", "PYTEST", "REFUND_POLICY_TODAY"))
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
