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
from conftest import GitHub, make_sdist, make_wheel, metadata_text, publisher_for_run
from fakes.index import LocalIndex

from publisher.console import Console
from publisher.dists import Digests, load_dist
from publisher.errors import DistError
from publisher.http import Http
from publisher.index import Index
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
