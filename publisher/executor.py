"""The one place where the action does several things at once: signing and uploading
the files of a release. A step hands over the work (a function) and the items to apply
it to; at most ``limit`` run at the same time, each on a thread of its own, and each
item's log is kept apart and handed back with its result as it finishes, so that the
log of a 250-file release reads one line per file.

The items come in batches: a batch starts once the one before it is done (the first
file of a new release alone, then the other wheels, then the sdists). After a task
fails no new one starts; those running finish and are handed back, so that what they
did is known. A task that meets a server asking to slow down (429, 503) turns the rest
of the run to one task at a time (:meth:`Executor.one_at_a_time`).

The module also runs one call beside the caller (:func:`in_background`), bounded in
time if need be (:func:`within`): hashing beside the archive checks, a Sigstore call
or a description render that must not hold the job; and one call later, unless
cancelled (:func:`after`): a request's deadline, which must act while the thread it
guards is blocked on a socket.

The threads are daemons: a run that is cancelled or ends on an error does not wait
for them (the process ends soon after)."""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from publisher.console import Console

T = TypeVar("T")
R = TypeVar("R")
# The most tasks ever run at once (the `concurrency` input's largest value); the HTTP
# session keeps as many connections to a host.
MOST_AT_ONCE = 32


@dataclass(frozen=True)
class Done(Generic[T, R]):
    """One item's end: its result, or the exception its task raised; what its task
    logged; and how many items are done (this one included) of ``total``."""

    item: T
    result: R | None
    error: BaseException | None
    log: tuple[str, ...]
    done: int = 0
    total: int = 0


class Executor:
    """Runs a step's work on up to ``limit`` items at once."""

    def __init__(self, console: Console, limit: int) -> None:
        self.console = console
        self.limit = max(1, limit)
        self.slowed = False  # a server asked us to slow down: one at a time since
        self._lock = threading.Lock()
        self._resume = 0.0  # no task starts before this (time.monotonic())

    def one_at_a_time(self, wait: float | None = None) -> None:
        """From now on start one task at a time, and none for ``wait`` seconds if a
        server asked for that (``Retry-After``). Tasks call this, from their threads."""
        with self._lock:
            self.limit, self.slowed = 1, True
            if wait:
                self._resume = max(self._resume, time.monotonic() + wait)

    def _pause(self) -> float:
        """Seconds before a new task may start."""
        with self._lock:
            return max(0.0, self._resume - time.monotonic())

    def run(self, batches: Sequence[Sequence[T]], work: Callable[[T], R]) -> Iterator[Done[T, R]]:
        """``work(item)`` for each item, the batches one after the other; yields each
        item as it finishes (in any order). Stops starting new ones after a failure."""
        total = sum(len(batch) for batch in batches)
        finished: queue.Queue[Done[T, R]] = queue.Queue()
        done = running = 0
        failed = False
        for batch in batches:
            waiting = deque(batch)
            while (waiting and not failed) or running:
                pause = self._pause()
                while waiting and not failed and running < self.limit and not pause:
                    self._start(waiting.popleft(), work, finished)
                    running += 1
                can_start = waiting and not failed and running < self.limit
                try:
                    # Wait for a task to end, or for the pause to pass if one may start.
                    ended = finished.get(timeout=pause if can_start else None)
                except queue.Empty:
                    continue
                running -= 1
                done += 1
                failed = failed or ended.error is not None
                yield Done(ended.item, ended.result, ended.error, ended.log, done, total)
            if failed:
                return

    def _start(self, item: T, work: Callable[[T], R], finished: queue.Queue[Done[T, R]]) -> None:
        def task() -> None:
            result: R | None = None
            error: BaseException | None = None
            with self.console.kept() as log:
                try:
                    result = work(item)
                except BaseException as exc:  # handed to the step, in the main thread
                    error = exc
            finished.put(Done(item, result, error, tuple(log)))

        threading.Thread(target=task, name="task", daemon=True).start()


class TooSlow(Exception):
    """A call did not finish within the time it was given."""


def in_background(call: Callable[[], R], name: str) -> Callable[[float | None], R]:
    """Start ``call()`` on a thread of its own; the function returned waits for it
    (``seconds`` at most, or as long as it takes with None) and gives its result or
    raises what it raised, or :class:`TooSlow` (the call is then left behind)."""
    finished = threading.Event()
    result: list[R] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(call())
        except BaseException as exc:  # handed to the caller's thread
            failure.append(exc)
        finally:
            finished.set()

    threading.Thread(target=run, name=name, daemon=True).start()

    def wait(seconds: float | None = None) -> R:
        if not finished.wait(seconds):
            raise TooSlow(name)
        if failure:
            raise failure[0]
        return result[0]

    return wait


def within(seconds: float, call: Callable[[], R], name: str) -> R:
    """``call()``, given ``seconds`` to finish: a service that never answers, or a
    parser that never ends, must not hold the job (:class:`TooSlow`)."""
    return in_background(call, name)(seconds)


def after(seconds: float, call: Callable[[], None], name: str) -> Callable[[], None]:
    """``call()`` on a thread of its own once ``seconds`` have passed, unless the
    function returned (which cancels it) is called first."""
    timer = threading.Timer(max(0.0, seconds), call)
    timer.name, timer.daemon = name, True
    timer.start()
    return timer.cancel
