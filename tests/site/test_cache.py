"""The build's cache never holds half an entry: what a failed or raced build leaves behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_site.shipping import cache


def whole(folder: Path) -> bool:
    return (folder / "done").is_file()


def test_a_step_that_fails_publishes_nothing_and_leaves_no_staging(tmp_path: Path) -> None:
    target = tmp_path / "stdlib" / "key"

    def fail_half_way() -> None:
        with cache.staged_folder(target, complete=whole) as out:
            (out / "half").write_bytes(b"written before the failure")
            raise RuntimeError("the run under Node failed")

    with pytest.raises(RuntimeError, match="failed"):
        fail_half_way()
    assert list((tmp_path / "stdlib").iterdir()) == []


def test_a_step_that_succeeds_is_renamed_into_place_readable_by_all(tmp_path: Path) -> None:
    target = tmp_path / "stdlib" / "key"
    with cache.staged_folder(target, complete=whole) as out:
        (out / "done").write_text("yes", encoding="utf-8")
        assert not target.exists(), "published before the step ended"
    assert (target / "done").read_text(encoding="utf-8") == "yes"
    assert target.stat().st_mode & 0o755 == 0o755
    assert [p.name for p in (tmp_path / "stdlib").iterdir()] == ["key"]


def test_when_another_build_published_first_its_whole_copy_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "key"
    with cache.staged_folder(target, complete=whole) as out:
        (out / "done").write_text("mine", encoding="utf-8")
        target.mkdir()
        (target / "done").write_text("theirs", encoding="utf-8")
        (target / "more").write_text("so the rename cannot replace it", encoding="utf-8")
    assert (target / "done").read_text(encoding="utf-8") == "theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key"]


def test_a_half_entry_in_the_way_is_not_taken_for_a_whole_one(tmp_path: Path) -> None:
    target = tmp_path / "key"
    target.mkdir()
    (target / "half").write_text("from a build that was killed mid-copy", encoding="utf-8")
    with (
        pytest.raises(OSError, match="not empty"),
        cache.staged_folder(target, complete=whole) as out,
    ):
        (out / "done").write_text("mine", encoding="utf-8")
    assert not (target / "done").exists()


def test_a_file_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    path = tmp_path / "ledger" / "key.txt"
    cache.write_file(path, b"first")
    cache.write_file(path, b"second")
    assert path.read_bytes() == b"second"
    assert [p.name for p in path.parent.iterdir()] == ["key.txt"]
