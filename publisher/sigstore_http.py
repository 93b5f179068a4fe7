"""sigstore-python's requests, held to our client's rules.

Its clients (Fulcio, Rekor, the timestamp authorities) each make their own
``requests.Session``: no timeout, every answer read whole (a 1 MiB gzip answer from a
hostile deployment cost 3 GB), the environment's proxies used for plain http too (the
signing token would cross the proxy in clear text), redirects followed, a ``.netrc``
password added. Each of their modules gets a ``requests`` whose ``Session`` is
:class:`GuardedSession`: https only (plain http to loopback), never through a proxy in
clear text, no redirects, no ``.netrc`` credentials, our timeouts, and answers capped
as the index's are. sigstore-python is pinned; a test fails if these modules stop
making their sessions this way."""

from __future__ import annotations

import importlib
import types
from typing import Any

import requests

from publisher import messages
from publisher.http import MAX_BODY, NO_PROXY, TIMEOUT, no_netrc, read_capped
from publisher.messages import Msg
from publisher.urls import check_url

# The modules of sigstore-python 4.x that open sessions, each with `import requests`.
CLIENT_MODULES = (
    "sigstore._internal.fulcio.client",
    "sigstore._internal.rekor.client",
    "sigstore._internal.rekor.client_v2",
    "sigstore._internal.timestamp",
)


class GuardedSession(requests.Session):
    """A session for a Sigstore service, with the run's rules for requests."""

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        """As ``requests.Session.request``, guarded (see the module's docstring)."""
        target = url.decode() if isinstance(url, bytes) else url
        check_url(target, messages.phrase(Msg.SIGSTORE_SERVICE))
        kwargs.setdefault("timeout", TIMEOUT)
        kwargs["allow_redirects"] = False
        kwargs.setdefault("auth", no_netrc)
        if target.startswith("http://"):  # loopback only: never through a proxy
            kwargs["proxies"] = dict(NO_PROXY)
        kwargs["stream"] = True
        response = super().request(method, url, *args, **kwargs)
        read_capped(response, target, MAX_BODY, Msg.SIGSTORE_ANSWER_TOO_LARGE)
        return response


class _Requests(types.ModuleType):
    """``requests`` as sigstore's clients see it: the same, but for ``Session``."""

    Session = GuardedSession

    def __getattr__(self, name: str) -> Any:
        return getattr(requests, name)


_GUARDED = _Requests("requests")


def install() -> None:
    """Give sigstore-python's client modules the guarded ``requests`` (idempotent)."""
    for name in CLIENT_MODULES:
        module = importlib.import_module(name)
        if module.__dict__.get("requests") not in (requests, _GUARDED):
            raise RuntimeError(f"{name} no longer uses `requests` as this module expects")
        module.__dict__["requests"] = _GUARDED
