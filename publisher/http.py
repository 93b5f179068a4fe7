"""One HTTP client for every request the action makes: a deadline on each request as a
whole and on the run, a size cap on answers, plain http only to loopback (and never
through a proxy), and bounded retries with backoff for the faults real servers have
(connection errors, 429, any 5xx)."""

from __future__ import annotations

import email.utils
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from publisher import messages
from publisher.errors import IndexServerError, PublishError, TransientError
from publisher.messages import Msg
from publisher.urls import check_url

if TYPE_CHECKING:
    import requests

    from publisher.console import Console
    from publisher.transport import Deadlines

TOO_MANY_REQUESTS = 429  # with any 5xx, an answer worth another try


def passing(status: int) -> bool:
    """Whether an HTTP status is a fault that may pass (429, any 5xx): worth another
    try, for every request, the mint, uploads and Sigstore's services alike."""
    return status == TOO_MANY_REQUESTS or 500 <= status <= 599


# Every key requests reads the environment's proxies into (ALL_PROXY is "all"), unset.
NO_PROXY: dict[str, str | None] = {"http": None, "https": None, "all": None}
MAX_BODY = 8 << 20  # no answer we read is legitimately bigger than this (but:)
# a simple-API page lists every file of a project: tens of thousands for nightlies.
MAX_PAGE = 64 << 20
TIMEOUT = (10.0, 60.0)  # connect, and each read
REQUEST_DEADLINE = 120.0  # one request, answer included, whatever the reads do
UPLOAD_RATE = 1 << 20  # bytes per second an upload gets, on top of REQUEST_DEADLINE
VERBOSE_BODY = 2000  # bytes of an answer that verbose shows
QUOTED = 300  # characters of an answer a message quotes: what the server said, not its page
RUN_DEADLINE = 30 * 60.0  # the whole run's network time; see docs/troubleshooting.md
MAX_RETRY_AFTER = 60.0  # a longer Retry-After is not worth holding the job for
JITTER = 0.5  # each backoff is shortened at random by up to this part of it
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: ``tries`` attempts, backoff ``base * 2**n`` (with jitter) capped
    at ``cap`` seconds, and never more than ``budget`` seconds of waiting in all, the
    waits a server asks for (``Retry-After``) included."""

    tries: int = 4
    base: float = 1.0
    cap: float = 10.0
    budget: float = MAX_RETRY_AFTER

    def delay(self, attempt: int) -> float:
        """Backoff before try ``attempt + 1`` (attempt counts from 1)."""
        backoff = min(self.cap, self.base * 2 ** (attempt - 1))
        return float(backoff * random.uniform(1.0 - JITTER, 1.0))  # noqa: S311

    def next_wait(
        self, attempt: int, asked: float | None = None, waited: float = 0.0
    ) -> float | None:
        """Seconds to wait before try ``attempt + 1``, or None to stop: after the last
        try, or when the wait (the server's ``Retry-After``, else backoff) would take the
        time already ``waited`` past the budget."""
        if attempt >= self.tries:
            return None
        # The server said when: wait that long, within the budget.
        delay = asked if asked is not None else self.delay(attempt)
        return None if waited + delay > self.budget else delay


# The policy of every run. Nothing outside the code changes it (no variable a
# workflow could set): the tests' harness swaps it for a faster one in its own process.
DEFAULT_POLICY = RetryPolicy()


@dataclass(frozen=True)
class Again:
    """An attempt hit a passing fault: worth another try, after ``retry_after`` seconds
    if the server asked for that. ``error`` is what to report if no try is left."""

    fault: str
    retry_after: float | None = None
    error: PublishError | None = None


def reraise(again: Again, tries: int) -> NoReturn:
    """The usual end of retrying: the last try's error."""
    assert again.error is not None
    raise again.error


def retrying(
    policy: RetryPolicy,
    console: Console,
    what: str,
    attempt: Callable[[], T | Again],
    give_up: Callable[[Again, int], T] = reraise,
) -> T:
    """The one retry loop: call ``attempt`` until it gives a result, waiting between
    tries as ``policy`` says; when it says stop, return ``give_up(last, tries)`` (by
    default, raise the last try's error)."""
    waited = 0.0
    tries = 0
    while True:
        tries += 1
        result = attempt()
        if not isinstance(result, Again):
            return result
        delay = policy.next_wait(tries, result.retry_after, waited)
        if delay is None:
            return give_up(result, tries)
        console.info(  # a plain line: annotations are few per step, kept for findings
            Msg.LOG_RETRYING,
            what=what,
            fault=result.fault,
            attempt=tries,
            tries=policy.tries,
            delay=f"{delay:.1f}",
        )
        time.sleep(delay)
        waited += delay


def no_netrc(request: T) -> T:
    """An authentication that adds nothing, given to every request that has none:
    requests would otherwise read ``~/.netrc`` (or the file ``$NETRC`` names, from the
    job's environment) and send its password to the index, to Sigstore's services, and
    to GitHub in place of the OIDC request's own ``Authorization``."""
    return request


def retry_after(response: requests.Response) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (seconds or an HTTP date)."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    if re.fullmatch(r"[0-9]{1,9}", value.strip()):  # ASCII digits: "²".isdigit() is true
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class RunClock:
    """The run's network time: ``seconds`` from its start, for every request and every
    call to Sigstore's services, so that nothing the index or Sigstore does holds the
    job longer."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._ends = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left (0 or less: none)."""
        return self._ends - time.monotonic()

    def spent(self, what: str) -> PublishError:
        """The error of a run whose time ran out ``what`` (a doing phrase)."""
        return IndexServerError(Msg.RUN_DEADLINE, what=what, seconds=int(self.seconds))


class Http:
    """The run's HTTP client."""

    def __init__(
        self,
        console: Console,
        policy: RetryPolicy | None = None,
        *,
        run_deadline: float | None = None,
    ) -> None:
        self.console = console
        self.policy = policy or DEFAULT_POLICY
        self._session: requests.Session | None = None
        self._deadlines: Deadlines | None = None
        self.clock = RunClock(RUN_DEADLINE if run_deadline is None else run_deadline)
        self._lock = threading.Lock()  # requests may be made from several threads

    @property
    def session(self) -> requests.Session:
        """A shared session, made on first use (importing requests costs start-up time).
        Requests from several threads share its connection pool, which urllib3 makes
        safe for that; each has its own deadline (see publisher.transport)."""
        with self._lock:
            if self._session is None:
                from publisher.transport import make_session

                self._session, self._deadlines = make_session("trusted-publish-action")
            return self._session

    def request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        retry: bool = True,
        secret_answer: bool = False,
        deadline: float | None = None,
        max_body: int = MAX_BODY,
        final: bool = False,
        **kwargs: Any,
    ) -> requests.Response:
        """Send a request, retrying transient faults when ``retry``.

        The body is read, capped at ``max_body`` bytes; a larger answer is an error. After the
        last try the last answer is returned, or, if there was none, an error raised.
        Without ``retry`` a transient fault raises :class:`TransientError` at once. Each
        try has ``deadline`` seconds in all (``REQUEST_DEADLINE`` by default), within
        what is left of the run's. With ``verbose`` the answer is logged, unless
        ``secret_answer`` (it holds a token). A ``final`` request (the clean-up at the
        end of a run) gets its ``deadline`` even when the run's time is up.
        """
        import requests

        check_url(url, what)
        kwargs.setdefault("timeout", TIMEOUT)
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("auth", no_netrc)
        if url.startswith("http://"):
            # Loopback only (check_url): never through a proxy, which would see the
            # credentials in clear text.
            kwargs["proxies"] = dict(NO_PROXY)
        last: list[requests.Response] = []

        def attempt() -> requests.Response | Again:
            try:
                response = self._send(
                    method, url, what, deadline or REQUEST_DEADLINE, max_body, kwargs, final
                )
            except TransientError as exc:  # cut off at the deadline: may pass, like a timeout
                return Again(str(exc.fields["fault"]), None, exc)
            except requests.exceptions.SSLError as exc:  # not a passing fault: don't retry
                raise IndexServerError(Msg.TLS_FAILED, url=url, reason=_short(exc)) from None
            except requests.Timeout:
                return Again("timed out")
            except (
                requests.ConnectionError,
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
            ) as exc:
                return Again(f"connection failed ({_short(exc)})")
            except requests.RequestException as exc:  # not a passing fault: don't retry
                raise IndexServerError(
                    Msg.REQUEST_FAILED, what=what, url=url, fault=_short(exc), tries=1
                ) from None
            except OSError as exc:  # raised by requests for a missing CA bundle
                raise IndexServerError(Msg.TLS_SETUP_FAILED, url=url, reason=_short(exc)) from None
            self._log_answer(method, url, response, secret_answer)
            if not passing(response.status_code) or not retry:
                return response
            last[:] = [response]
            return Again(f"HTTP {response.status_code}", retry_after(response))

        def give_up(again: Again, tries: int) -> requests.Response:
            if last:
                return last[0]
            if again.error is not None:
                raise again.error
            raise TransientError(
                Msg.REQUEST_FAILED, what=what, url=url, fault=again.fault, tries=tries
            )

        policy = self.policy if retry else RetryPolicy(tries=1)
        return retrying(policy, self.console, what, attempt, give_up)

    def _send(
        self,
        method: str,
        url: str,
        what: str,
        deadline: float,
        max_body: int,
        kwargs: dict[str, Any],
        final: bool = False,
    ) -> requests.Response:
        """One try, cut off after ``deadline`` seconds (or when the run's time is up,
        unless ``final``)."""
        left = deadline if final else self.clock.left()
        if left <= 0:
            raise self.clock.spent(what)
        session = self.session
        assert self._deadlines is not None
        limit = min(deadline, left)
        too_slow = TransientError(
            Msg.REQUEST_TOO_SLOW,
            what=what,
            url=url,
            seconds=int(limit),
            fault=f"no complete answer within {int(limit)} s",
        )
        with self._deadlines.limit(limit) as cutoff:
            try:
                response = session.request(method, url, stream=True, **kwargs)
                read_capped(response, url, max_body)
            except Exception:
                if cutoff.expired:
                    raise too_slow from None
                raise
        if cutoff.expired:  # cut off, the answer may be short of its end
            raise too_slow
        return response

    def _log_answer(self, method: str, url: str, response: requests.Response, secret: bool) -> None:
        if not self.console.verbose:
            return
        if secret:
            body = messages.phrase(Msg.LOG_ANSWER_SECRET)
        else:
            text = response.content[:VERBOSE_BODY].decode("utf-8", "replace")
            body = messages.lines(text.splitlines(), prefix="    ")
        self.console.debug(
            Msg.LOG_REQUEST,
            method=method,
            url=url,
            status=response.status_code,
            reason=response.reason or "",
            body=body,
        )


# urllib3 wraps the cause in its pools' and connections' names: the cause is the part
# a user can act on ("[Errno 111] Connection refused", "Read timed out").
_ERRNO = re.compile(r"\[Errno [-\d]+\] [^'\")]+")
_INNER = re.compile(r"\w+\((?:'([^']+)'|\"([^\"]+)\")\)")


def _short(exc: Exception) -> str:
    """A requests error in a few words: its cause, without urllib3's object names."""
    text = str(exc)
    if errno := _ERRNO.search(text):
        text = errno.group().strip()
    elif inner := _INNER.findall(text):
        text = next(part for part in inner[-1] if part)
    return text if len(text) < 200 else text[:200] + "…"


def read_capped(
    response: requests.Response, url: str, limit: int, key: Msg = Msg.ANSWER_TOO_LARGE
) -> None:
    """Read the whole body into ``response`` (so ``.json()``/``.text`` work), refusing
    answers larger than ``limit`` bytes, decompressed (error ``key``)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > limit:
            response.close()
            raise IndexServerError(key, url=url, limit=limit)
        chunks.append(chunk)
    response._content = b"".join(chunks)


def json_object(response: requests.Response, what: str) -> dict[str, Any]:
    """The answer's body as a JSON object (whatever its Content-Type), or a clear error."""
    from . import safejson

    try:
        data = safejson.loads(response.content or b"null")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise IndexServerError(
            Msg.ANSWER_NOT_JSON,
            what=what,
            url=response.url,
            status=response.status_code,
            body=quoted(response),
        )
    return data


def quoted(response: requests.Response) -> str:
    """The start of an answer's text, as a message quotes it (escaped when filled)."""
    return response.text[:QUOTED]


def upload_deadline(size: int) -> float:
    """The deadline of an upload of ``size`` bytes."""
    return REQUEST_DEADLINE + size / UPLOAD_RATE
