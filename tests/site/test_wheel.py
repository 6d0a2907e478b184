"""The checker wheel the self-check loads, and the trimmed lock file that lets Pyodide verify it."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from policy_site.shipping.wheel import (
    CHECKER_DISTRIBUTION,
    ENGINE_DIR,
    LOCK_PACKAGE_NAME,
    CheckerWheelError,
    build_checker_wheel,
    write_lock,
)

REPO = Path(__file__).resolve().parents[2]
CHECKER_DIR = REPO / "checker"
POLICY_FILE = CHECKER_DIR / "policy.toml"


@pytest.fixture
def site_policy(tmp_path: Path) -> Path:
    """A site's own policy: the shipped one with another support address."""
    policy = tmp_path / "site-policy.toml"
    text = POLICY_FILE.read_text(encoding="utf-8")
    assert 'support_email = "support@imgtostl.com"' in text
    policy.write_text(
        text.replace(
            'support_email = "support@imgtostl.com"', 'support_email = "help@example.org"'
        ),
        encoding="utf-8",
    )
    return policy


def names_in(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def read_from(wheel: Path, name: str) -> bytes:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(name)


def test_the_wheel_holds_only_the_policy_package_and_the_engine(tmp_path: Path) -> None:
    wheel = build_checker_wheel(CHECKER_DIR, POLICY_FILE, tmp_path)
    assert wheel.name == "refund_policy_checker-1.0.0-py3-none-any.whl"
    expected = {f"checker/{file.name}" for file in CHECKER_DIR.glob("*.py")}
    expected |= {f"policy_engine/{file.name}" for file in ENGINE_DIR.glob("*.py")}
    expected.remove("policy_engine/cli.py")  # support staff's, never run in the browser
    expected.add("checker/policy.toml")
    names = names_in(wheel)
    package_files = {name for name in names if ".dist-info/" not in name}
    assert package_files == expected
    assert {name.split("/")[0] for name in names - package_files} == {
        "refund_policy_checker-1.0.0.dist-info"
    }
    metadata = read_from(wheel, "refund_policy_checker-1.0.0.dist-info/METADATA").decode()
    assert f"Name: {CHECKER_DISTRIBUTION}" in metadata
    assert "Requires-Dist" not in metadata


def test_the_wheel_carries_the_sites_policy(tmp_path: Path, site_policy: Path) -> None:
    wheel = build_checker_wheel(CHECKER_DIR, site_policy, tmp_path)
    assert read_from(wheel, "checker/policy.toml") == site_policy.read_bytes()

    # Imported from the wheel alone (not this repository), the checker answers with that policy.
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    answers = {
        "purchase_date": "2026-05-01",
        "request_date": "2026-05-02",
        "purchase_type": "credit_pack",
        "reason": "duplicate_payment",
        "credits_used": "none",
    }
    program = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import checker; "
        "result = json.loads(checker.check_json(sys.argv[2])); "
        "print(json.dumps([checker.__file__, result['email']['to']]))"
    )
    completed = subprocess.run(
        [sys.executable, "-I", "-c", program, str(unpacked), json.dumps(answers)],
        capture_output=True,
        text=True,
        check=True,
    )
    module_file, email_to = json.loads(completed.stdout)
    assert Path(module_file).is_relative_to(unpacked)
    assert email_to == "help@example.org"


def test_the_same_inputs_give_the_same_cached_wheel_byte_for_byte(
    tmp_path: Path, site_policy: Path
) -> None:
    first = build_checker_wheel(CHECKER_DIR, site_policy, tmp_path / "cache")
    built_at = first.stat().st_mtime_ns
    again = build_checker_wheel(CHECKER_DIR, site_policy, tmp_path / "cache")
    assert again == first
    assert again.stat().st_mtime_ns == built_at  # reused, not rebuilt

    elsewhere = build_checker_wheel(CHECKER_DIR, site_policy, tmp_path / "other-cache")
    assert elsewhere.read_bytes() == first.read_bytes()


def test_a_changed_policy_or_module_gives_a_new_wheel(tmp_path: Path, site_policy: Path) -> None:
    cache = tmp_path / "cache"
    shipped = build_checker_wheel(CHECKER_DIR, POLICY_FILE, cache)
    with_site_policy = build_checker_wheel(CHECKER_DIR, site_policy, cache)
    assert with_site_policy != shipped
    assert with_site_policy.read_bytes() != shipped.read_bytes()

    edited = tmp_path / "checker"
    edited.mkdir()
    for file in CHECKER_DIR.glob("*.py"):
        (edited / file.name).write_bytes(file.read_bytes())
    with (edited / "outcomes.py").open("a", encoding="utf-8") as module:
        module.write("\n# an editor's change\n")
    with_edit = build_checker_wheel(edited, POLICY_FILE, cache)
    assert with_edit not in (shipped, with_site_policy)
    assert read_from(with_edit, "checker/outcomes.py").endswith(b"# an editor's change\n")


def test_stray_files_next_to_the_package_stay_out(tmp_path: Path) -> None:
    package = tmp_path / "checker"
    package.mkdir()
    for file in CHECKER_DIR.glob("*.py"):
        (package / file.name).write_bytes(file.read_bytes())
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "rules.cpython-313.pyc").write_bytes(b"compiled")
    (package / "notes.txt").write_text("not for the browser", encoding="utf-8")
    (package / "policy.toml").write_text("# the package's own policy, replaced\n", "utf-8")
    wheel = build_checker_wheel(package, POLICY_FILE, tmp_path / "cache")
    names = names_in(wheel)
    assert not any("__pycache__" in name or name.endswith(".txt") for name in names)
    assert read_from(wheel, "checker/policy.toml") == POLICY_FILE.read_bytes()


def test_a_folder_that_is_not_the_package_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CheckerWheelError, match=r"no __init__\.py"):
        build_checker_wheel(tmp_path, POLICY_FILE, tmp_path / "cache")
    with pytest.raises(CheckerWheelError, match="does not exist"):
        build_checker_wheel(CHECKER_DIR, tmp_path / "policy.toml", tmp_path / "cache")


def test_the_lock_lists_only_the_policys_wheel_with_its_real_hash(
    runtime: Path, tmp_path: Path
) -> None:
    wheel = build_checker_wheel(CHECKER_DIR, POLICY_FILE, tmp_path / "cache")
    out_dir = tmp_path / "site" / "checker"
    lock_file = write_lock(runtime / "pyodide-lock.json", wheel, out_dir)

    assert lock_file == out_dir / "pyodide-lock.json"
    shipped = out_dir / wheel.name
    assert shipped.read_bytes() == wheel.read_bytes()
    lock = json.loads(lock_file.read_text(encoding="utf-8"))
    runtime_lock = json.loads((runtime / "pyodide-lock.json").read_text(encoding="utf-8"))
    assert lock["info"] == runtime_lock["info"]
    assert list(lock["packages"]) == [LOCK_PACKAGE_NAME]
    entry = lock["packages"][LOCK_PACKAGE_NAME]
    assert entry["sha256"] == hashlib.sha256(shipped.read_bytes()).hexdigest()
    assert entry["file_name"] == wheel.name  # beside the lock, where Pyodide looks
    assert sorted(entry["imports"]) == ["checker", "policy_engine"]
    assert entry["depends"] == []
    assert entry["install_dir"] == "site"


def test_a_new_wheel_in_the_same_folder_gets_a_new_hash(
    runtime: Path, tmp_path: Path, site_policy: Path
) -> None:
    out_dir = tmp_path / "site"
    first = write_lock(
        runtime / "pyodide-lock.json",
        build_checker_wheel(CHECKER_DIR, POLICY_FILE, tmp_path),
        out_dir,
    )
    first_hash = json.loads(first.read_text())["packages"][LOCK_PACKAGE_NAME]["sha256"]
    wheel = build_checker_wheel(CHECKER_DIR, site_policy, tmp_path)
    second = write_lock(runtime / "pyodide-lock.json", wheel, out_dir)
    second_hash = json.loads(second.read_text())["packages"][LOCK_PACKAGE_NAME]["sha256"]
    assert second_hash != first_hash
    assert second_hash == hashlib.sha256((out_dir / wheel.name).read_bytes()).hexdigest()


def test_a_gitignore_around_the_cache_does_not_drop_files(tmp_path: Path) -> None:
    # A cache folder inside a checkout whose .gitignore would exclude parts of the package.
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / ".git").mkdir()
    (checkout / ".gitignore").write_text("*.toml\npolicy.py\n", encoding="utf-8")
    wheel = build_checker_wheel(CHECKER_DIR, POLICY_FILE, checkout / ".cache")
    assert {"checker/policy.toml", "checker/policy.py"} <= names_in(wheel)
