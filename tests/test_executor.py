"""The executor's promises, which the signing and upload steps rely on: never more
than ``limit`` at once, a batch only after the one before it, no new task after a
failure (those running are still handed back), one at a time once asked, and each
task's log kept with its result."""

from __future__ import annotations

import io
import threading
import time

import pytest

from publisher.console import Console
from publisher.executor import Executor
from publisher.messages import Msg


def _executor(limit: int) -> tuple[Executor, io.StringIO]:
    stream = io.StringIO()
    return Executor(Console({"GITHUB_ACTIONS": "true"}, stream=stream), limit), stream


def test_never_more_than_the_limit_at_once() -> None:
    executor, _ = _executor(3)
    lock = threading.Condition()
    running = ended = most = 0
    gate = threading.Semaphore(0)

    def work(item: int) -> int:
        nonlocal running, ended, most
        with lock:
            running += 1
            most = max(most, running)
            lock.notify_all()
        assert gate.acquire(timeout=5)
        with lock:
            running -= 1
            ended += 1
            lock.notify_all()
        return item

    def let_through() -> None:  # one task at a time, each time as many run as may
        for n in range(10):
            with lock:
                full = lambda: ended == n and running == min(3, 10 - n)  # noqa: B023, E731
                assert lock.wait_for(full, 5)
            gate.release()

    releaser = threading.Thread(target=let_through, daemon=True)
    releaser.start()
    done = list(executor.run([list(range(10))], work))
    releaser.join(5)
    assert most == 3
    assert sorted(d.result for d in done if d.result is not None) == list(range(10))
    assert [d.done for d in done] == list(range(1, 11))
    assert {d.total for d in done} == {10}


def test_a_batch_starts_when_the_one_before_it_is_done() -> None:
    executor, _ = _executor(4)
    events: list[tuple[str, str]] = []
    lock = threading.Lock()

    def work(item: str) -> str:
        with lock:
            events.append(("start", item))
        with lock:
            events.append(("end", item))
        return item

    list(executor.run([["a"], ["b", "c", "d"], ["e"]], work))
    position = {event: i for i, event in enumerate(events)}
    assert position[("end", "a")] < min(position[("start", x)] for x in "bcde")
    assert max(position[("end", x)] for x in "bcd") < position[("start", "e")]


def test_no_new_task_after_a_failure_but_running_ones_are_handed_back() -> None:
    executor, _ = _executor(2)
    failure_seen = threading.Event()

    def work(item: int) -> int:
        if item == 1:
            raise ValueError("refused")
        assert failure_seen.wait(5)  # still under way when the failure is known
        return item

    done = []
    for finished in executor.run([[1, 2, 3, 4], [5]], work):
        done.append(finished)
        failure_seen.set()
    assert [d.item for d in done] == [1, 2]  # 3, 4 and the next batch never started
    assert isinstance(done[0].error, ValueError)
    assert done[1].result == 2


def test_one_at_a_time_once_asked() -> None:
    executor, _ = _executor(4)
    lock = threading.Lock()
    running = most_after = 0

    def work(item: int) -> int:
        nonlocal running, most_after
        if item == 0:
            executor.one_at_a_time()
            return item
        with lock:
            running += 1
            most_after = max(most_after, running)
        time.sleep(0.001)  # gives another task, were one started, the time to overlap
        with lock:
            running -= 1
        return item

    list(executor.run([[0], list(range(1, 9))], work))
    assert most_after == 1
    assert executor.slowed
    assert executor.limit == 1


def test_a_wait_asked_for_holds_new_tasks() -> None:
    executor, _ = _executor(4)
    started: dict[int, float] = {}

    def work(item: int) -> int:
        started[item] = time.monotonic()
        if item == 0:
            executor.one_at_a_time(wait=0.05)  # Retry-After, scaled down
        return item

    list(executor.run([[0], [1]], work))
    assert started[1] - started[0] >= 0.05


@pytest.mark.parametrize("limit", [1, 3])
def test_each_task_log_is_kept_with_its_result(limit: int) -> None:
    executor, stream = _executor(limit)

    def work(item: int) -> int:
        executor.console.info(Msg.LOG_UPLOADED, filename=f"file-{item}")
        executor.console.mask(f"secret-{item}")
        return item

    done = list(executor.run([[1, 2, 3]], work))
    assert {d.log for d in done} == {(f"Uploaded file-{n}",) for n in (1, 2, 3)}
    # Only the masks reached the log while the tasks ran: the rest is the step's to show.
    assert stream.getvalue().splitlines() == sorted(
        stream.getvalue().splitlines(), key=lambda line: not line.startswith("::add-mask::")
    )
    assert "Uploaded" not in stream.getvalue()
