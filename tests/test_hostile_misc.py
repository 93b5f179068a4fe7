"""The smaller points of issue 20: secrets in every part of a URL, hosts read two ways,
an upload token that would hide what the run shows, signing within the run's time, a
slow description rendered once, and the job's environment."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import (
    TRUST_CONFIG,
    GitHub,
    file_sha256,
    make_wheel,
    metadata_text,
    publisher_for_run,
)
from fakes.index import LocalIndex
from fakes.sigstore import LocalSigstore

from publisher import dists, http, messages
from publisher.messages import Msg

SECRET = "hunter22secret"


# --- a secret anywhere in a URL ---------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            f"https://upload.example.org/legacy/?token={SECRET}",
            "https://upload.example.org/legacy/?***",
        ),
        (f"https://upload.example.org/legacy/#{SECRET}", "https://upload.example.org/legacy/#***"),
        (
            f"https://upload.example.org/legacy/?a=1#{SECRET}",
            "https://upload.example.org/legacy/?***#***",
        ),
    ],
)
def test_secret_in_a_query_or_fragment_is_not_echoed(github: GitHub, url: str, shown: str) -> None:
    make_wheel(github.dist)
    run = github.run({"repository-url": url})
    assert run.code == 1
    reason = messages.phrase(Msg.URL_HAS_QUERY)
    run.shows(Msg.URL_INVALID, "error", url=shown, what="repository-url", reason=reason)
    assert SECRET not in run.log + run.summary
    assert github.index.state.requests == []


@pytest.mark.parametrize(
    "url",
    [
        f"https:/__token__:{SECRET}@upload.example.org/legacy/",
        f"https:__token__:{SECRET}@upload.example.org/legacy/",
        f"https:\\\\__token__:{SECRET}@upload.example.org/legacy/",
        f"https:///__token__:{SECRET}@upload.example.org/legacy/",
        f"ht\ttps://__token__:{SECRET}@upload.example.org/legacy/",
        f" https://__token__:{SECRET}@upload.example.org/legacy/",
    ],
)
def test_user_info_in_any_form_is_not_echoed(github: GitHub, url: str) -> None:
    """`https:/x@y` is no URL to urllib.parse (no host), but lenient readers (browsers,
    WHATWG's parser, which also drops tabs and leading spaces) take it as `https://x@y`:
    it is credentials, refused as such, unechoed."""
    make_wheel(github.dist)
    run = github.run({"repository-url": url})
    assert run.code == 1
    run.shows(Msg.URL_HAS_CREDENTIALS, "error", what="repository-url")
    assert SECRET not in run.log + run.summary
    assert github.index.state.requests == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://localhost\\.upload.example.org/legacy/", Msg.URL_BACKSLASH),
        ("https://upload.example.org\\/legacy/", Msg.URL_BACKSLASH),
        ("http://127.0.0.1\\.pypi.org/legacy/", Msg.URL_BACKSLASH),
        # urllib.parse keeps the escapes; urllib3 decodes them and connects to PyPI.
        ("https://upl%6Fad.pypi.org/legacy/", Msg.URL_PARSERS_DIFFER),
        ("https://[fe80::1%25eth0]/legacy/", Msg.URL_PARSERS_DIFFER),
        ("https://bücher.example/legacy/", Msg.URL_HOST_NOT_ASCII),
        ("https://upload.example.org:99999/legacy/", Msg.URL_UNREADABLE),
    ],
)
def test_host_read_differently_by_two_parsers_is_refused(
    github: GitHub, url: str, reason: Msg
) -> None:
    """urllib.parse, which our rules read, takes `localhost\\.upload.example.org` as
    the host; urllib3, which connects, stops at the backslash: the rules would pass one
    host and the token go to another. Refused before any request, with the reason."""
    make_wheel(github.dist)
    run = github.run({"repository-url": url})
    assert run.code == 1
    why = messages.phrase(reason)
    run.shows(Msg.URL_INVALID, "error", url=url, what="repository-url", reason=why)
    assert github.index.state.requests == []


# --- an upload token that masking would make harmful -----------------------------------

LONG_NAME = "example_with_a_long_project_name"


def _ready(github: GitHub, index: LocalIndex, name: str = "example") -> Path:
    wheel = make_wheel(github.dist, name)
    index.state.add_project(name, publisher_for_run(index))
    return wheel


def test_token_with_white_space_is_refused_unmasked(github: GitHub, index: LocalIndex) -> None:
    """A space is printable: a token holding one passed, and its mask hid every
    `pypi-aaa…` and `bbb…` after it."""
    _ready(github, index)
    index.state.token_override = "pypi-" + "a" * 30 + " " + "b" * 10
    run = github.run()
    assert run.code == 1
    run.shows(Msg.MINT_TOKEN_IMPLAUSIBLE, "error")
    assert "::add-mask::" + index.state.token_override not in run.log
    assert index.state.uploads == []


@pytest.mark.parametrize("print_hash", ["true", "false"])
@pytest.mark.parametrize("shown", ["sha256", "filename", "part of the filename", "release page"])
def test_token_that_the_run_shows_is_refused_unmasked(
    github: GitHub, index: LocalIndex, shown: str, print_hash: str
) -> None:
    """An index answering with a file's sha256, its name (or part of it) or the
    release's page as the token: masked, it would vanish from the log, the outputs
    and the summary (and GitHub drops an output holding a masked value). Refused, and
    still shown, whether the log printed it before the mint (print-hash) or not."""
    wheel = _ready(github, index, LONG_NAME)
    value = {
        "sha256": file_sha256(wheel),
        "filename": wheel.name,
        "part of the filename": f"{LONG_NAME}-1.0.0",
        "release page": f"{index.url}/project/{LONG_NAME.replace('_', '-')}/1.0.0/",
    }[shown]
    index.state.token_override, index.state.token_is_public = value, True
    run = github.run({"print-hash": print_hash})
    assert run.code == 1
    run.shows(Msg.MINT_TOKEN_SHOWN, "error")
    assert f"::add-mask::{value}" not in run.log
    assert index.state.uploads == []
    if "filename" in shown:  # the failure's summary lists the files (not their digests)
        assert value in run.summary


# --- signing within the run's time ------------------------------------------------------


def test_signing_counts_against_the_run_deadline(
    github: GitHub, index: LocalIndex, sig: LocalSigstore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run's network time (shortened here to 2 s) bounds Sigstore's calls too: a
    Rekor that holds its answer far longer stops the run when the run's time is up,
    not after each call's own 120 s (nor after the 30 minutes' worth of them a release
    of many files could take). Nothing is uploaded."""
    _ready(github, index)
    monkeypatch.setattr(http, "RUN_DEADLINE", 2.0)
    sig.fail("rekor", 503, pause=20.0)
    started = time.monotonic()
    run = github.run({"sigstore-trust-config": TRUST_CONFIG}, in_process=True)
    assert time.monotonic() - started < 10
    assert run.code == 1
    what = messages.phrase(Msg.DOING_SIGN, deployment=f"the Sigstore deployment of {TRUST_CONFIG}")
    run.shows(Msg.RUN_DEADLINE, "error", seconds=2, what=what)
    assert index.state.uploads == []


# --- a slow description, rendered once --------------------------------------------------


def test_a_slow_description_is_rendered_once_for_all_the_files(
    github: GitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files of a release share their description: one too slow to render (cut
    off, here after 0.05 s) is rendered once, not once per file (50 wheels took 50
    times the cut-off), and each file is still named. The renders are counted at
    docutils' door, readme_renderer (which the index uses too)."""
    import readme_renderer.rst

    monkeypatch.setattr(dists, "RENDER_SECONDS", 0.05)
    renders: list[str] = []
    render = readme_renderer.rst.render

    def counted(text: str, *args: object, **kwargs: object) -> object:
        renders.append(text)
        return render(text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(readme_renderer.rst, "render", counted)
    row = "+" + "---+" * 80 + "\n"
    table = f"{time.time_ns()}\n\n" + row + ("|" + "   |" * 80 + "\n" + row) * 190  # ~0.8 s
    meta = metadata_text(
        "example", "1.0.0", Description_Content_Type="text/x-rst", Description=table
    )
    tags = ("py3-none-any", "cp312-cp312-manylinux_2_17_x86_64", "cp313-cp313-win_amd64")
    wheels = [
        make_wheel(github.dist, filename=f"example-1.0.0-{tag}.whl", metadata=meta) for tag in tags
    ]
    run = github.run(in_process=True)
    assert run.code == 1
    listed = run.shows(Msg.MANY_PROBLEMS, "error", count=3)
    for wheel in wheels:
        fields = {"path": f"dist/{wheel.name}", "seconds": 0.05}
        assert messages.render(Msg.DESCRIPTION_TOO_SLOW, fields) in listed.body
    assert len(renders) == 1
    assert github.index.state.requests == []


# --- the job's environment ----------------------------------------------------------------


def _preload_breaking_connect(folder: Path) -> Path:
    """A library that, preloaded, makes every connection fail (as a sandboxing or
    tracing shim of a build step might): built with the C compiler, as a build would."""
    source = folder / "noconnect.c"
    source.write_text(
        "#include <errno.h>\n#include <sys/socket.h>\n"
        "int connect(int fd, const struct sockaddr *address, socklen_t length) {\n"
        "    (void)fd; (void)address; (void)length;\n"
        "    errno = ECONNREFUSED;\n    return -1;\n}\n"
    )
    library = folder / "libnoconnect.so"
    compiler = shutil.which("cc") or shutil.which("gcc")
    assert compiler, "this test builds a small library: it needs a C compiler (cc)"
    subprocess.run([compiler, "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return library


def test_a_preload_of_the_jobs_environment_does_not_reach_the_publish(
    github: GitHub, index: LocalIndex, tmp_path: Path
) -> None:
    """`LD_PRELOAD` (and any LD_ variable) in the job's `env:` or `$GITHUB_ENV`
    reaches the container: the entry point starts Python again without it, so the
    process that publishes does not run the library's code, and says so. (Its first
    start did load it: the test's library does nothing there.) The others of the list
    go with it (`LD_LIBRARY_PATH` here at a build's own libssl, which cannot load)."""
    _ready(github, index)
    library = _preload_breaking_connect(tmp_path)
    built = tmp_path / "lib"
    built.mkdir()
    (built / "libssl.so.3").write_bytes(b"")
    env = {"LD_PRELOAD": str(library), "LD_LIBRARY_PATH": str(built), "GCONV_PATH": str(built)}
    run = github.run(env=env, subprocess_run=True)
    assert run.code == 0, run.log
    names = "GCONV_PATH, LD_LIBRARY_PATH, LD_PRELOAD"
    assert run.logs(Msg.LOG_ENVIRONMENT_DROPPED, names=names)
    assert len(index.state.uploads) == 1


@pytest.mark.parametrize("where", ["NETRC", "HOME"])
def test_a_netrc_is_not_read(github: GitHub, index: LocalIndex, tmp_path: Path, where: str) -> None:
    """requests reads `~/.netrc` (HOME is the job's /github/home) or the file `$NETRC`
    names for any request without credentials: its password would go to the index and
    to Sigstore, and replace the OIDC request's own Authorization (the run failed)."""
    _ready(github, index)
    netrc = tmp_path / "netrc" if where == "NETRC" else github.workspace.parent / ".netrc"
    netrc.parent.mkdir(parents=True, exist_ok=True)
    netrc.write_text(f"default login someone password {SECRET}\n")
    run = github.run(env={"NETRC": str(netrc)} if where == "NETRC" else None, in_process=True)
    assert run.code == 0, run.log
    assert len(index.state.uploads) == 1
