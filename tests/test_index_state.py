"""What the index has already, as the action meets it before the mint: another sdist of
the release, a release older than 14 days, a file it lists with no digest, a page it
cannot read; and an upload answered with a redirect. Each message is read back by its
key, with what reached the index."""

from __future__ import annotations

import time

from conftest import GitHub, make_sdist, make_wheel, publisher_for_run
from fakes.index import Fault, LocalIndex

from publisher import messages
from publisher.messages import Msg


def _project(index: LocalIndex) -> None:
    index.state.add_project("example", publisher_for_run(index))


def test_another_sdist_of_the_release_stops_the_run(github: GitHub, index: LocalIndex) -> None:
    """Warehouse takes one sdist per release: a .zip sdist there already means this
    .tar.gz would be refused, and nothing is minted or sent."""
    sdist, wheel = make_sdist(github.dist), make_wheel(github.dist)
    _project(index)
    index.state.add_file("example", "example-1.0.0.zip", b"old zip sdist", "1.0.0")
    run = github.run()
    assert run.code == 1
    run.shows(
        Msg.SDIST_OTHER_ON_INDEX,
        "error",
        filename=sdist.name,
        project="example",
        version="1.0.0",
        other="example-1.0.0.zip",
    )
    assert index.state.paths("POST") == []  # no mint, no upload
    assert set(index.state.projects["example"].files) == {"example-1.0.0.zip"}
    assert wheel.name in run.summary


def test_another_sdist_of_the_release_is_skipped_with_skip_existing(
    github: GitHub, index: LocalIndex
) -> None:
    sdist, wheel = make_sdist(github.dist), make_wheel(github.dist)
    _project(index)
    index.state.add_file("example", "example-1.0.0.zip", b"old zip sdist", "1.0.0")
    run = github.run({"skip-existing": "true"})
    assert run.code == 0, run.log
    run.shows(Msg.SDIST_OTHER_SKIPPED, "warning", filename=sdist.name, other="example-1.0.0.zip")
    assert run.output_list("skipped") == [sdist.name]
    assert run.output_list("uploaded") == [wheel.name]
    assert set(index.state.projects["example"].files) == {"example-1.0.0.zip", wheel.name}


def test_release_older_than_14_days_is_named(github: GitHub, index: LocalIndex) -> None:
    """A new file for a release first uploaded 15 days ago: Warehouse refuses it (a
    warning beforehand for an index that is not PyPI, which may not have the rule)."""
    wheel = make_wheel(github.dist)
    _project(index)
    first = time.time() - 15 * 86400
    index.state.add_file("example", "example-1.0.0.tar.gz", b"sdist", "1.0.0", uploaded=first)
    run = github.run()
    day = time.strftime("%Y-%m-%d", time.gmtime(first))
    run.shows(Msg.RELEASE_TOO_OLD, "warning", filename=wheel.name, version="1.0.0", first=day)
    # This index has the rule too: it refuses the file, and says why.
    assert run.code == 1
    error = run.shows(Msg.UPLOAD_REFUSED, "error", filename=wheel.name)
    assert "older than 14 days" in error.body
    assert set(index.state.projects["example"].files) == {"example-1.0.0.tar.gz"}


def test_release_within_14_days_takes_new_files(github: GitHub, index: LocalIndex) -> None:
    wheel = make_wheel(github.dist)
    _project(index)
    first = time.time() - 13 * 86400
    index.state.add_file("example", "example-1.0.0.tar.gz", b"sdist", "1.0.0", uploaded=first)
    run = github.run()
    assert run.code == 0, run.log
    assert "14 days" not in run.log
    assert wheel.name in index.state.projects["example"].files


def _page_without_digests(index: LocalIndex, *filenames: str) -> None:
    """The project's simple page as an index without digests writes it (PEP 503 HTML
    with bare links), for the next look-ups."""
    links = "".join(f'<a href="/files/{name}">{name}</a><br>' for name in filenames)
    page = f"<html><body>{links}</body></html>".encode()
    fault = Fault(
        "/simple/example/", status=200, body=page, headers={"Content-Type": "text/html"}, times=9
    )
    index.state.faults.append(fault)


def test_file_listed_without_a_digest_is_a_warning(github: GitHub, index: LocalIndex) -> None:
    """The index lists a file of that name with no digest: it may be these bytes or
    others. The upload is tried (the index compares), with a warning."""
    wheel = make_wheel(github.dist)
    _project(index)
    index.state.add_file("example", wheel.name, wheel.read_bytes(), "1.0.0")
    _page_without_digests(index, wheel.name)
    run = github.run()
    run.shows(Msg.FILE_EXISTS_UNKNOWN, "warning", filename=wheel.name)
    assert run.code == 0, run.log
    assert [u["filename"] for u in index.state.uploads] == [wheel.name]


def test_file_listed_without_a_digest_is_skipped_with_skip_existing(
    github: GitHub, index: LocalIndex
) -> None:
    sdist, wheel = make_sdist(github.dist), make_wheel(github.dist)
    _project(index)
    _page_without_digests(index, wheel.name)
    run = github.run({"skip-existing": "true"})
    assert run.code == 0, run.log
    run.shows(Msg.FILE_SKIPPED_UNKNOWN, "notice", filename=wheel.name)
    assert run.output_list("skipped") == [wheel.name]
    assert [u["filename"] for u in index.state.uploads] == [sdist.name]
    # The log says why it was skipped: no digest to compare.
    why = messages.phrase(Msg.SKIPPED_UNKNOWN)
    assert run.logs(Msg.LOG_SKIPPED, filename=wheel.name, why=why)


def test_page_that_is_not_a_simple_page_is_a_warning(github: GitHub, index: LocalIndex) -> None:
    """The look-up is advisory: a page that lists nothing readable is named, and the
    publish goes on."""
    wheel = make_wheel(github.dist)
    _project(index)
    page = b"Welcome to our package portal"
    fault = Fault("/simple/example/", status=200, body=page, times=9)
    index.state.faults.append(fault)
    run = github.run()
    warning = run.shows(Msg.INDEX_UNREADABLE, "warning", project="example")
    assert "answered a page that is not a simple API page" in warning.body
    assert run.code == 0, run.log
    assert wheel.name in index.state.projects["example"].files


def test_upload_answered_with_a_redirect(github: GitHub, index: LocalIndex) -> None:
    """A redirect is not followed (the token would go where the index points): the
    upload is refused, naming where it pointed."""
    wheel = make_wheel(github.dist)
    _project(index)
    moved = Fault(
        "/legacy/", status=301, headers={"Location": "https://elsewhere.example/up/"}, times=9
    )
    index.state.faults.append(moved)
    run = github.run()
    assert run.code == 1
    error = run.shows(Msg.UPLOAD_NO_ENDPOINT, "error", filename=wheel.name, status=301)
    assert "(a redirect to https://elsewhere.example/up/, not followed)" in error.body
    # The fix is the URL, not the distribution.
    assert "Fix: check `repository-url`" in error.body
    assert "in the distribution" not in run.summary
    assert index.state.projects["example"].files == {}
