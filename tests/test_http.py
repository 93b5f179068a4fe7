"""The one HTTP client: which faults are retried, and which are final."""

from __future__ import annotations

import io

import pytest
import requests
import responses

from publisher.console import Console
from publisher.errors import IndexServerError, TransientError
from publisher.http import Http, RetryPolicy

URL = "https://upload.example.org/simple/x/"


def _http() -> Http:
    return Http(Console({}, stream=io.StringIO()), RetryPolicy(base=0.0, cap=0.0))


@responses.activate
def test_certificate_errors_are_final() -> None:
    responses.get(URL, body=requests.exceptions.SSLError("certificate verify failed"))
    with pytest.raises(IndexServerError) as caught:
        _http().request("GET", URL, what="testing")
    assert "REQUESTS_CA_BUNDLE" in str(caught.value)
    assert len(responses.calls) == 1


@responses.activate
def test_body_cut_short_is_retried() -> None:
    responses.get(URL, body=requests.exceptions.ChunkedEncodingError("ended prematurely"))
    responses.get(URL, body="ok")
    assert _http().request("GET", URL, what="testing").text == "ok"
    assert len(responses.calls) == 2


@responses.activate
def test_gives_up_after_the_last_try() -> None:
    responses.get(URL, body=requests.ConnectionError("refused"))
    with pytest.raises(TransientError, match="after 4 tries"):
        _http().request("GET", URL, what="testing")
    assert len(responses.calls) == 4


@responses.activate
def test_other_4xx_is_returned_at_once() -> None:
    responses.get(URL, status=403)
    assert _http().request("GET", URL, what="testing").status_code == 403
    assert len(responses.calls) == 1


def test_one_rule_for_waiting() -> None:
    """Every retry loop (requests, the mint, uploads) asks the same policy."""
    policy = RetryPolicy(tries=4, base=1.0, cap=10.0, budget=30.0)
    assert policy.next_wait(1, asked=5) == 5
    assert policy.next_wait(1, asked=61) is None  # too long to hold the job for
    assert policy.next_wait(4) is None  # that was the last try
    assert policy.next_wait(3, waited=29.0) is None  # past the backoff budget
    wait = policy.next_wait(2)
    assert wait is not None
    assert 1.0 <= wait <= 2.0
