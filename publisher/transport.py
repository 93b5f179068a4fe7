"""The requests session under :class:`publisher.http.Http`, with a deadline for each
request as a whole. requests and urllib3 time out each socket read on its own, so an
answer trickled one byte at a time would last for ever; here the connection each
request uses is known, and a timer shuts it down when that request's time is up.

Several requests may run at once (uploads in parallel, see :mod:`publisher.executor`):
each has its own deadline and cuts off only its own connection."""

from __future__ import annotations

import contextlib
import socket
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import requests

_CURRENT = threading.local()  # the deadline of the request this thread is making


def _track(sock: socket.socket | None) -> None:
    cutoff: Cutoff | None = getattr(_CURRENT, "cutoff", None)
    if sock is not None and cutoff is not None:
        cutoff.watch(sock)


def make_session(user_agent: str) -> tuple[requests.Session, Deadlines]:
    """A session whose connections are tracked, and the :class:`Deadlines` that can cut
    them off."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    # A new connection is watched once open; a kept-alive one when a request starts on it.
    class TrackedHTTPConnection(HTTPConnection):
        def connect(self) -> None:
            super().connect()
            _track(self.sock)

        def request(self, *args: Any, **kwargs: Any) -> None:
            _track(self.sock)
            super().request(*args, **kwargs)

    # The same for TLS (its connect, found first after ours, wraps the socket).
    class TrackedHTTPSConnection(TrackedHTTPConnection, HTTPSConnection):
        pass

    class TrackedHTTPPool(HTTPConnectionPool):
        ConnectionCls = TrackedHTTPConnection

    class TrackedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = TrackedHTTPSConnection

    pools: dict[str, Any] = {"http": TrackedHTTPPool, "https": TrackedHTTPSPool}

    class TrackedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = pools

        def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
            manager = super().proxy_manager_for(proxy, **kwargs)
            manager.pool_classes_by_scheme = pools
            return manager

    from publisher.executor import MOST_AT_ONCE

    session = requests.Session()
    session.headers["User-Agent"] = user_agent
    for prefix in ("http://", "https://"):
        # A connection for each upload that may run at once, kept for the next one.
        session.mount(prefix, TrackedAdapter(pool_maxsize=MOST_AT_ONCE))
    return session, Deadlines()


class Cutoff:
    """One request's deadline: the connections it uses, shut down when its time is up
    (``expired`` is then set)."""

    def __init__(self) -> None:
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._lock = threading.Lock()
        self.expired = False

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when the time is up (at once, if it is)."""
        with self._lock:
            self._sockets.add(sock)
            if not self.expired:
                return
        _shut(sock)

    def expire(self) -> None:
        """The time is up: unblock a recv or send in progress in the requesting thread."""
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class Deadlines:
    """Gives each request made through the session a deadline of its own."""

    @contextmanager
    def limit(self, seconds: float) -> Iterator[Cutoff]:
        """Run the block's requests (in this thread) with ``seconds`` in all; after that
        their connections are shut down (the request then fails, and the
        :class:`Cutoff` yielded says ``expired``)."""
        from publisher.executor import after

        cutoff = Cutoff()
        _CURRENT.cutoff = cutoff
        cancel = after(seconds, cutoff.expire, "deadline")
        try:
            yield cutoff
        finally:
            cancel()
            _CURRENT.cutoff = None
