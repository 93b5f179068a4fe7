"""The requests session under :class:`publisher.http.Http`, with a deadline for each
request as a whole. requests and urllib3 time out each socket read on its own, so an
answer trickled one byte at a time would last for ever; here every connection the
session opens is known, and a timer shuts them down when a request's time is up."""

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

_CURRENT = threading.local()  # the sockets of the session making a request in this thread


def _track(sock: socket.socket | None) -> None:
    known = getattr(_CURRENT, "sockets", None)
    if sock is not None and known is not None:
        known.add(sock)


def make_session(user_agent: str) -> tuple[requests.Session, Deadlines]:
    """A session whose connections are tracked, and the :class:`Deadlines` that can cut
    them off."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class TrackedHTTPConnection(HTTPConnection):
        def connect(self) -> None:
            super().connect()
            _track(self.sock)

    class TrackedHTTPSConnection(HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            _track(self.sock)

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

    session = requests.Session()
    session.headers["User-Agent"] = user_agent
    for prefix in ("http://", "https://"):
        session.mount(prefix, TrackedAdapter())
    return session, Deadlines()


class Deadlines:
    """Cuts off the connections of a request that outlives its time."""

    def __init__(self) -> None:
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self.expired = False

    def _expire(self) -> None:
        self.expired = True
        for sock in list(self._sockets):
            # Unblocks a recv or send in progress in the requesting thread.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    @contextmanager
    def limit(self, seconds: float) -> Iterator[None]:
        """Run the block's requests with ``seconds`` in all; after that their
        connections are shut down (the request then fails, and ``expired`` is set)."""
        self.expired = False
        _CURRENT.sockets = self._sockets
        timer = threading.Timer(max(0.0, seconds), self._expire)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            _CURRENT.sockets = None
