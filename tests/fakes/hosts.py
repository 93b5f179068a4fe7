"""The local index answering for another host, in this process: every request the
action sends to ``https://<host>/…`` reaches the local index at the same path, as if
the index were that host (pypi.org, say). The rules the action keeps for PyPI only
(API tokens, the 14-day rule as an error, where an audience may come from) can then be
met end to end, with no network. Requests to loopback go out as they are.

It works on ``requests`` (through ``responses``), so only for runs in this process:
tests that use it run the action with ``in_process=True``."""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from fakes.index import LocalIndex

# Headers the local answer sets for its own connection; responses sets its own.
_HOP = {"content-length", "transfer-encoding", "connection", "keep-alive"}


def _forward(index: LocalIndex, request: Any) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(request.url)
    body = request.body
    if hasattr(body, "read"):  # a streamed multipart upload
        body = body.read()
    if isinstance(body, str):
        body = body.encode()
    local = urlsplit(index.url)
    connection = http.client.HTTPConnection(local.hostname or "127.0.0.1", local.port, timeout=30)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        # As sent to that host: the index answers as it would (its audience, say).
        headers = {**dict(request.headers), "Host": parts.netloc}
        connection.request(request.method, path, body=body, headers=headers)
        answer = connection.getresponse()
        data = answer.read()
        headers = {k: v for k, v in answer.getheaders() if k.lower() not in _HOP}
        return answer.status, headers, data
    finally:
        connection.close()


@contextmanager
def served_as(index: LocalIndex, *hosts: str) -> Iterator[None]:
    """While inside, ``https://<host>/…`` for each of ``hosts`` is the local index."""
    import responses

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru(re.compile(r"http://(127\.0\.0\.1|localhost)[:/]"))
        for host in hosts:
            pattern = re.compile(rf"https://{re.escape(host)}/.*")
            for method in ("GET", "POST"):
                mock.add_callback(method, pattern, callback=lambda r: _forward(index, r))
        yield
