"""A private Sigstore deployment (`sigstore-trust-config`) that is hostile or misnamed
(issue 20): its services are https (plain http to loopback only), checked before the
mint; the signing token never crosses a proxy in clear text; its answers are capped
like the index's."""

from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from conftest import TRUST_CONFIG, GitHub, make_sdist, make_wheel, publisher_for_run
from fakes.index import LocalIndex
from fakes.sigstore import LocalSigstore

from publisher.messages import Msg


def _ready(github: GitHub, index: LocalIndex) -> None:
    make_sdist(github.dist)
    make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))


@pytest.mark.parametrize(
    ("field", "url"),
    [
        ("caUrls", "http://fulcio.example.org"),
        ("rekorTlogUrls", "http://rekor.example.org"),
        ("caUrls", "ftp://fulcio.example.org"),
        ("rekorTlogUrls", "https://user:pass@rekor.example.org"),
    ],
)
def test_services_of_a_deployment_must_be_https_before_the_mint(
    github: GitHub, index: LocalIndex, sig: LocalSigstore, field: str, url: str
) -> None:
    _ready(github, index)
    path = github.workspace / TRUST_CONFIG
    config = json.loads(path.read_text())
    config["signingConfig"][field][0]["url"] = url
    path.write_text(json.dumps(config))
    run = github.run({"sigstore-trust-config": TRUST_CONFIG})
    assert run.code == 1
    annotation = run.shows(Msg.TRUST_CONFIG_BAD, "error", path=TRUST_CONFIG)
    assert f"signingConfig.{field}[0]" in annotation.body
    assert "example.org" not in run.log  # nothing of the file is quoted
    assert "/_/oidc/mint-token" not in index.state.paths()
    assert sig.requests == []


class _Proxy(BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        self.seen.append(self.path)
        self.send_response(502)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def test_signing_token_never_crosses_a_proxy_in_clear_text(
    github: GitHub, index: LocalIndex, sig: LocalSigstore
) -> None:
    """A deployment on this machine over plain http, a proxy in the environment: the
    requests to Fulcio (which carry the signing token) and Rekor go direct."""
    _ready(github, index)
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{proxy.server_address[1]}"
    env = {"HTTP_PROXY": address, "http_proxy": address, "ALL_PROXY": address, "NO_PROXY": ""}
    try:
        run = github.run({"sigstore-trust-config": TRUST_CONFIG}, env=env)
    finally:
        proxy.shutdown()
    assert run.code == 0, run.log
    assert len(run.output_list("attestations")) == 2
    assert _Proxy.seen == []


def test_gzip_bomb_from_the_deployment_is_capped(
    github: GitHub, index: LocalIndex, sig: LocalSigstore
) -> None:
    """64 MiB of zeros in 64 kB of gzip, as Fulcio's answer: refused once 8 MiB are
    read, by name, and nothing is uploaded."""
    _ready(github, index)
    bomb = gzip.compress(b"\0" * (64 << 20))
    sig.fail("fulcio", 200, body=bomb, headers={"Content-Encoding": "gzip"})
    run = github.run({"sigstore-trust-config": TRUST_CONFIG})
    assert run.code == 1
    run.shows(Msg.SIGSTORE_ANSWER_TOO_LARGE, "error")
    assert index.state.uploads == []
