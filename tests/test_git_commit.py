"""The git commit every manifest records is read from ``.git``'s files, the same on a busy machine
as on an idle one, and equal to what ``git rev-parse`` says."""

from __future__ import annotations

import subprocess

from conftest import ROOT

from anchorlib.run.keys import commit_from_git_dir, git_commit

SHA = "0123456789abcdef0123456789abcdef01234567"


def test_a_loose_ref_is_read(tmp_path):
    (tmp_path / "refs" / "heads").mkdir(parents=True)
    (tmp_path / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "refs" / "heads" / "main").write_text(SHA + "\n")
    assert commit_from_git_dir(tmp_path) == SHA


def test_a_packed_ref_is_read_when_there_is_no_loose_one(tmp_path):
    (tmp_path / "HEAD").write_text("ref: refs/heads/main\n")
    other = "f" * 40
    (tmp_path / "packed-refs").write_text(
        "# pack-refs with: peeled fully-peeled sorted \n"
        f"{other} refs/heads/mainline\n"
        f"{SHA} refs/heads/main\n"
        f"^{other}\n"
    )
    assert commit_from_git_dir(tmp_path) == SHA


def test_a_detached_head_is_its_own_commit(tmp_path):
    (tmp_path / "HEAD").write_text(SHA + "\n")
    assert commit_from_git_dir(tmp_path) == SHA


def test_an_unknown_ref_is_none(tmp_path):
    (tmp_path / "HEAD").write_text("ref: refs/heads/gone\n")
    assert commit_from_git_dir(tmp_path) is None


def test_this_checkout_matches_git_rev_parse():
    out = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    if out.returncode != 0:
        import pytest

        pytest.skip("not a git checkout")
    assert git_commit() == out.stdout.strip()
