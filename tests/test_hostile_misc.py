"""The smaller points of issue 20: secrets in every part of a URL, hosts read two ways,
an upload token that would hide what the run shows, signing within the run's time, a
slow description rendered once, and the job's environment."""

from __future__ import annotations

import pytest
from conftest import GitHub, make_wheel

from publisher import messages
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
