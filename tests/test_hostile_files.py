"""The bytes validated are the bytes uploaded (issue 20): a file swapped, re-pointed or
written to between the checks and the upload is not sent, even to an index that
compares no digests; and no link is followed out of packages-dir at either moment."""

from __future__ import annotations

import dataclasses
import io
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import (
    TRUST_CONFIG,
    GitHub,
    make_sdist,
    make_wheel,
    metadata_text,
    publisher_for_run,
)
from fakes.index import LocalIndex
from fakes.sigstore import LocalSigstore

from publisher import attest, messages
from publisher.console import Console
from publisher.dists import Digests, load_dist
from publisher.errors import DistError
from publisher.http import Http
from publisher.index import Index
from publisher.messages import Msg
from publisher.secret import Secret
from publisher.upload import Uploader

WHEEL = "example-1.0.0-py3-none-any.whl"
CHANGED = "A distribution changed after it was checked"


def _ready(github: GitHub, index: LocalIndex) -> Path:
    """An sdist and a wheel to publish to an index that stores what it gets."""
    make_sdist(github.dist)
    wheel = make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    index.state.check_digests = False
    return wheel


def _other_wheel(folder: Path) -> Path:
    """A valid wheel of the same name with other bytes."""
    meta = metadata_text("example", "1.0.0", Summary="Not the file that was checked")
    return make_wheel(folder, metadata=meta)


def _refused_at_upload(
    github: GitHub, index: LocalIndex, meanwhile: Callable[[], None], title: str
) -> str:
    """Run the action with ``meanwhile`` done while it waits for the mint: the run
    fails with ``title``, and the wheel's bytes never reach the index. The log."""
    index.state.on_request.append(("/_/oidc/mint-token", meanwhile))
    run = github.run()
    assert run.code == 1, run.log
    assert title in run.log
    assert WHEEL not in index.state.projects["example"].files
    assert all(upload["filename"] != WHEEL for upload in index.state.uploads)
    return run.log


def test_file_replaced_after_the_checks_is_not_uploaded(
    github: GitHub, index: LocalIndex, tmp_path: Path
) -> None:
    wheel = _ready(github, index)
    other = _other_wheel(tmp_path / "other")
    log = _refused_at_upload(github, index, lambda: os.replace(other, wheel), CHANGED)
    assert "dist/example-1.0.0-py3-none-any.whl" in log


def test_file_written_to_after_the_checks_is_not_uploaded(
    github: GitHub, index: LocalIndex
) -> None:
    wheel = _ready(github, index)

    def scribble() -> None:
        with wheel.open("r+b") as fh:  # the same file, same size, other bytes
            fh.seek(-4, os.SEEK_END)
            fh.write(b"\0\0\0\0")

    _refused_at_upload(github, index, scribble, CHANGED)


def test_link_re_pointed_out_of_the_folder_is_not_followed(
    github: GitHub, index: LocalIndex, tmp_path: Path
) -> None:
    """A link to a file inside packages-dir passes; re-pointed outside it before the
    upload, it is refused, and the file outside is not sent."""
    make_sdist(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    index.state.check_digests = False
    real = make_wheel(github.dist / "build")
    link = github.dist / WHEEL
    link.symlink_to(real)
    outside = _other_wheel(tmp_path / "outside")

    def re_point() -> None:
        link.unlink()
        link.symlink_to(outside)

    _refused_at_upload(github, index, re_point, "A link in packages-dir points outside it")


def test_upload_stops_before_its_last_byte_when_the_bytes_differ(
    index: LocalIndex, tmp_path: Path
) -> None:
    """The last guard: bytes hashed on their way out, and the request cut before the
    end if they are not the ones validated, so the index never gets a whole file."""
    dist = load_dist(make_wheel(tmp_path / "dist"))
    claimed = dataclasses.replace(dist, digests=Digests("0" * 64, dist.digests.size))
    index.state.check_digests = False
    index.state.user_tokens.add("pypi-" + "t" * 40)
    uploader = Uploader(
        Http(Console({}, stream=io.StringIO())),
        Index(index.upload_url),
        "__token__",
        Secret("pypi-" + "t" * 40),
    )
    with pytest.raises(DistError) as raised:
        uploader.send(claimed)
    assert raised.value.title == CHANGED
    assert index.state.uploads == []
    # The index saw the request's head and part of its body at most, then the end.
    deadline = time.monotonic() + 5
    while not index.state.incomplete and time.monotonic() < deadline:
        time.sleep(0.01)  # the server's thread is still reading what was sent
    assert index.state.incomplete == ["/legacy/"]


# --- paths the workflow gives -------------------------------------------------------------


@pytest.mark.parametrize("where", ["absolute", "dot-dot", "link"])
def test_packages_dir_outside_the_workspace_is_refused_unlisted(
    github: GitHub, tmp_path: Path, where: str
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "id_rsa-backup.txt").write_text("not for the log")
    value = {"absolute": str(outside), "dot-dot": "../elsewhere", "link": "dist"}[where]
    if where == "link":
        github.dist.symlink_to(outside)
    run = github.run({"packages-dir": value})
    assert run.code == 1
    run.shows(Msg.PATH_OUTSIDE_WORKSPACE, "error", name="packages-dir", value=value)
    assert "id_rsa-backup" not in run.log + run.summary  # the folder was not listed


def _trust_config_refused(github: GitHub, reason: object) -> str:
    """Run with the trust config `trust.json` in the workspace: refused for ``reason``
    before the mint. The log and the summary."""
    make_wheel(github.dist)
    github.index.state.add_project("example", publisher_for_run(github.index))
    run = github.run({"sigstore-trust-config": "trust.json"})
    assert run.code == 1
    run.shows(Msg.TRUST_CONFIG_BAD, "error", path="trust.json", reason=reason)
    assert "/_/oidc/mint-token" not in github.index.state.paths()
    return run.log + run.summary


def test_trust_config_is_never_quoted(github: GitHub) -> None:
    """A file that is no trust config (a key, a token, the process's environment) is
    refused without a character of it in the log."""
    (github.workspace / "trust.json").write_text("hunter2-private-token")
    reason = messages.phrase(Msg.TRUST_CONFIG_UNUSABLE, error="(top): json_invalid")
    shown = _trust_config_refused(github, reason)
    assert "hunter2" not in shown


def test_trust_config_link_out_of_the_workspace_is_refused(github: GitHub, tmp_path: Path) -> None:
    """Re-pointed out of the workspace after the inputs were read (while the action
    waits for the index), the link is not followed when the file is read."""
    secret = tmp_path / "environ"
    secret.write_text("AWS_SECRET=hunter2")
    config = github.workspace / "trust.json"
    config.write_text("{}")

    def re_point() -> None:
        config.unlink()
        config.symlink_to(secret)

    github.index.state.on_request.append(("/_/oidc/audience", re_point))
    workspace = str(github.workspace.resolve())
    shown = _trust_config_refused(github, messages.phrase(Msg.FILE_OUTSIDE, folder=workspace))
    assert "hunter2" not in shown


def test_trust_config_is_read_with_a_cap(github: GitHub) -> None:
    (github.workspace / "trust.json").write_bytes(b"{" + b" " * (2 << 20) + b"}")
    _trust_config_refused(
        github, messages.phrase(Msg.FILE_TOO_LARGE, limit=attest.MAX_TRUST_CONFIG)
    )


@pytest.mark.parametrize("where", ["proc", "dot-dot", "link"])
def test_trust_config_outside_the_workspace_is_refused(github: GitHub, where: str) -> None:
    make_wheel(github.dist)
    value = {"proc": "/proc/self/environ", "dot-dot": "../trust.json", "link": "t.json"}[where]
    (github.workspace / "t.json").symlink_to("/proc/self/environ")
    run = github.run({"sigstore-trust-config": value}, env={"MARKER": "hunter2"})
    assert run.code == 1
    run.shows(Msg.PATH_OUTSIDE_WORKSPACE, "error", name="sigstore-trust-config", value=value)
    assert "hunter2" not in run.log + run.summary


@pytest.mark.parametrize("kind", ["link", "fifo"])
def test_attestation_beside_a_dist_is_read_from_a_regular_file_inside(
    github: GitHub, index: LocalIndex, sig: LocalSigstore, tmp_path: Path, kind: str
) -> None:
    """A link out of packages-dir is not followed; a named pipe (whose stat() says 0
    bytes) is not read, which would block the run for ever."""
    make_sdist(github.dist)
    wheel = make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    own = wheel.with_name(wheel.name + ".build.attestation")
    if kind == "link":
        elsewhere = tmp_path / "elsewhere.attestation"
        elsewhere.write_text('{"version": 1}')
        own.symlink_to(elsewhere)
        reason = messages.phrase(Msg.FILE_OUTSIDE, folder=str(github.dist.resolve()))
    else:
        os.mkfifo(own)
        reason = messages.phrase(Msg.FILE_NOT_REGULAR)
    run = github.run({"sigstore-trust-config": TRUST_CONFIG}, subprocess_run=kind == "fifo")
    assert run.code == 1
    run.shows(Msg.ATTESTATION_UNREADABLE, "error", path=f"dist/{own.name}", reason=reason)
    assert "/_/oidc/mint-token" not in index.state.paths()
