"""Big releases, several files at once (issue 21): what holds for one file holds for
many signed and uploaded at the same time. Each scenario runs at concurrency 1 and at
concurrency 4 against fresh indexes, and the two must end the same: exit code,
outputs, summary, what the index holds, how often each file was sent, how many tokens
were minted."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import GitHub, make_sdist, make_wheel, publisher_for_run
from fakes.index import Fault, IndexState, LocalIndex
from fakes.sigstore import LocalSigstore, running_sigstore

WHEELS = 8  # and one sdist
AT_ONCE = 4
PLATFORMS = [
    "manylinux_2_17_x86_64",
    "manylinux_2_17_aarch64",
    "musllinux_1_2_x86_64",
    "macosx_11_0_arm64",
    "macosx_10_9_x86_64",
    "win_amd64",
    "win32",
    "win_arm64",
]


def make_release(folder: Path, wheels: int = WHEELS, version: str = "1.0.0") -> None:
    """An sdist and ``wheels`` platform wheels, each with bytes of its own (Warehouse
    refuses a file whose digest another file has)."""
    make_sdist(folder, version=version)
    for n in range(wheels):
        python = f"cp3{10 + n // len(PLATFORMS)}"
        make_wheel(
            folder,
            version=version,
            filename=f"example-{version}-{python}-{python}-{PLATFORMS[n % len(PLATFORMS)]}.whl",
            extra={"example/_build.txt": f"{n}".encode()},
        )


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSigstore]:
    with running_sigstore(tmp_path_factory.mktemp("sigstore")) as running:
        yield running


@dataclass(frozen=True)
class Ended:
    """How a run ended, as its user and the index see it (nothing that depends on
    which file happened to come first)."""

    code: int
    outputs: dict[str, list[str]]
    summary: str
    stored: list[str]
    attested: list[str]
    sent: dict[str, int]  # file name -> times sent
    mints: int
    certificates: int


def _comparable(summary: str) -> str:
    """The summary less what differs from one build or log to the next: files rebuilt
    differ in their time stamps, so in their digests; log entries are numbered as they
    come."""
    summary = re.sub("[0-9a-f]{64}", "SHA256", summary)
    return re.sub(r"logIndex=\d+|`\d+`", "N", summary)


Scenario = Callable[[LocalIndex, LocalSigstore, Path], None]


def publish(
    tmp_path: Path,
    concurrency: int,
    scenario: Scenario,
    stand_in: LocalSigstore | None = None,
    inputs: dict[str, str] | None = None,
) -> tuple[Ended, Any, LocalIndex]:
    """Publish the release once, at ``concurrency``, to a fresh index on which
    ``scenario`` set up what goes wrong; signed when ``stand_in`` is given."""
    folder = tmp_path / f"at-{concurrency}"
    workspace = folder / "workspace"
    workspace.mkdir(parents=True)
    given = {"concurrency": str(concurrency), **(inputs or {})}
    if stand_in is not None:
        stand_in.record.requests.clear()
        stand_in.record.faults.clear()
        stand_in.lifetimes.clear()
        given["sigstore-trust-config"] = stand_in.trust_config_in(workspace)
    with LocalIndex(IndexState()) as index:
        if stand_in is not None:
            index.state.sigstore_root = stand_in.trusted_root_json
        github = GitHub(index, workspace)
        make_release(github.dist)
        index.state.add_project("example", publisher_for_run(index))
        scenario(index, stand_in, github.dist)  # type: ignore[arg-type]
        run = github.run(given)
        files = index.state.projects["example"].files
        ended = Ended(
            code=run.code,
            outputs={k: run.output_list(k) for k in ("uploaded", "skipped", "attestations")},
            summary=_comparable(run.summary.replace(index.url, "INDEX")),
            stored=sorted(files),
            attested=sorted(name for name, f in files.items() if f.attestations),
            sent=dict(Counter(u["filename"] for u in index.state.uploads)),
            mints=index.state.paths("POST").count("/_/oidc/mint-token"),
            certificates=len(stand_in.requests_to("fulcio")) if stand_in else 0,
        )
    return ended, run, index


def nothing(index: LocalIndex, sig: LocalSigstore, dist: Path) -> None:
    """All goes well."""


def lost_answer(index: LocalIndex, sig: LocalSigstore, dist: Path) -> None:
    """The index stores the fourth file but its answer is lost."""
    index.state.faults.append(Fault("/legacy/", drop_after=True, skip=3))


def storm(index: LocalIndex, sig: LocalSigstore, dist: Path) -> None:
    """Three 503s (Retry-After: 0) on the first upload and three on the next one:
    each gets through on its last try, and the rest go one at a time."""
    index.state.faults += [
        Fault("/legacy/", status=503, retry_after=0, times=3),
        Fault("/legacy/", status=503, retry_after=0, times=3, skip=1),
    ]


def faults_here_and_there(index: LocalIndex, sig: LocalSigstore, dist: Path) -> None:
    """Passing faults on several uploads: a 502, a connection dropped, a lost answer."""
    index.state.faults += [
        Fault("/legacy/", status=502, skip=1),
        Fault("/legacy/", drop=True, skip=2),
        Fault("/legacy/", drop_after=True, skip=3),
    ]


def token_expires(index: LocalIndex, sig: LocalSigstore, dist: Path) -> None:
    """Every token minted so far expires after the fifth upload."""
    index.state.faults.append(Fault("/legacy/", expire_tokens=True, skip=4))


def two_there_already(index: LocalIndex, sig: LocalSigstore, dist: Path) -> None:
    """Two of the wheels are on the index already (run with ``skip-existing``)."""
    for wheel in sorted(dist.glob("*.whl"))[:2]:
        index.state.add_file("example", wheel.name, wheel.read_bytes(), "1.0.0")


SCENARIOS: dict[str, Scenario] = {
    "clean": nothing,
    "lost answer": lost_answer,
    "503 storm": storm,
    "faults on several files": faults_here_and_there,
    "token expires mid-release": token_expires,
    "skip-existing": two_there_already,
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_uploads_end_as_one_at_a_time(tmp_path: Path, name: str) -> None:
    inputs = {"skip-existing": "true"} if name == "skip-existing" else {}
    one, _, _ = publish(tmp_path, 1, SCENARIOS[name], inputs=inputs)
    many, run, index = publish(tmp_path, AT_ONCE, SCENARIOS[name], inputs=inputs)
    assert many == one
    assert many.code == 0, run.log
    assert len(many.stored) == WHEELS + 1
    assert len(many.outputs["skipped"]) == (2 if name == "skip-existing" else 0)
    assert set(many.sent.values()) == {1}  # nothing that landed was sent again
    assert many.mints == (2 if name == "token expires mid-release" else 1)
    assert index.state.most_uploads_at_once <= AT_ONCE


def rekor_faults(index: LocalIndex, sig: LocalSigstore, dist: Path) -> None:
    """Three log entries refused with a 503: those files are signed again, alone."""
    sig.fail("rekor", 503, times=3)


def short_certificate(index: LocalIndex, sig: LocalSigstore, dist: Path) -> None:
    """Fulcio's first certificate would expire before a signing could finish."""
    sig.lifetimes.append(datetime.timedelta(seconds=60))


@pytest.mark.parametrize("scenario", [nothing, rekor_faults, short_certificate, token_expires])
def test_signed_release_ends_as_one_at_a_time(
    tmp_path: Path, stand_in: LocalSigstore, scenario: Scenario
) -> None:
    one, _, _ = publish(tmp_path, 1, scenario, stand_in)
    many, run, _ = publish(tmp_path, AT_ONCE, scenario, stand_in)
    assert many == one
    assert many.code == 0, run.log
    assert many.attested == many.stored == sorted(many.outputs["attestations"])
    # One certificate for the run, and a new one only when it would expire.
    assert many.certificates == (2 if scenario is short_certificate else 1)
    assert "Signed 9 file(s)" in run.log


def test_log_reads_one_line_per_file(tmp_path: Path, stand_in: LocalSigstore) -> None:
    """Each file's line as it is done, ``[n/N]``; what happened on the way indented
    under it, inside its phase's fold; how long each phase took."""
    ended, run, _ = publish(tmp_path, AT_ONCE, faults_here_and_there, stand_in)
    assert ended.code == 0, run.log
    lines = run.log.splitlines()
    for done in (r"\S+: attestation signed", r"Uploaded \S+"):
        numbered = [re.match(rf"\[(\d+)/9\] {done}", line) for line in lines]
        assert [int(m.group(1)) for m in numbered if m] == list(range(1, 10))
    upload = lines.index("::group::Upload")
    inside = lines[upload : lines.index("::endgroup::", upload)]
    retried = [i for i, line in enumerate(inside) if "try 1 of 4 failed" in line]
    assert retried
    assert inside[retried[0]].startswith("    ")  # under a file's line
    assert any(re.match(r"\[\d+/9\] Uploaded", line) for line in inside[retried[0] :])
    assert re.search(r"Signed 9 file\(s\) in [\d.]+ s, up to 4 at a time\.", run.log)
    assert re.search(r"Uploaded 9 file\(s\) in [\d.]+ s, up to 4 at a time\.", run.log)
    phases = r"Time taken: checks [\d.]+ s, token [\d.]+ s, signing [\d.]+ s, upload [\d.]+ s\."
    assert re.search(phases, run.log)


def test_first_file_of_a_new_release_alone_and_the_sdist_last(
    github: GitHub, index: LocalIndex
) -> None:
    """As the index sees it: the first wheel of a release it does not have goes alone
    (Warehouse creates the release with it), the other wheels together, the sdist once
    every wheel is in."""
    make_release(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    # After the first, the wheels wait for one another: they are all sent at once.
    index.state.hold_uploads, index.state.hold_after = AT_ONCE, 1
    run = github.run({"concurrency": str(AT_ONCE)})
    assert run.code == 0, run.log
    events = index.state.upload_events
    first = events[0][1]
    assert first.endswith(".whl")
    assert events[1] == ("end", first, 0)  # alone: nothing started before it ended
    assert index.state.most_uploads_at_once == AT_ONCE
    sdist_starts = events.index(("start", "example-1.0.0.tar.gz", 1))
    assert all(kind == "end" for kind, name, _ in events[sdist_starts - 1 : sdist_starts])
    assert {name for kind, name, _ in events[:sdist_starts] if kind == "end"} == {
        p.name for p in github.dist.glob("*.whl")
    }


def test_release_on_the_index_needs_no_first_file(github: GitHub, index: LocalIndex) -> None:
    """The release has files already (an earlier job's): every wheel may go at once."""
    make_release(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    index.state.add_file("example", "example-1.0.0-py3-none-any.whl", b"earlier", "1.0.0")
    index.state.hold_uploads = AT_ONCE
    run = github.run({"concurrency": str(AT_ONCE)})
    assert run.code == 0, run.log
    assert [n for kind, _, n in index.state.upload_events[:AT_ONCE]] == list(range(1, AT_ONCE + 1))


def test_index_asking_to_slow_down_gets_one_upload_at_a_time(
    github: GitHub, index: LocalIndex
) -> None:
    make_release(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    storm(index, None, github.dist)  # type: ignore[arg-type]
    run = github.run({"concurrency": str(AT_ONCE)})
    assert run.code == 0, run.log
    assert index.state.most_uploads_at_once == 1
    assert "one at a time once the index asked for fewer requests" in run.log


def test_a_refused_file_stops_new_uploads_and_outputs_say_what_landed(
    github: GitHub, index: LocalIndex
) -> None:
    """After a refusal no new upload starts; those under way finish, and the outputs
    and summary list exactly what the index holds."""
    make_release(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    index.state.faults.append(Fault("/legacy/", status=400, reason="Nope", skip=2))
    # The first upload, then three at once: the second of those is refused, the other
    # two wait for each other (so both are under way when the refusal comes).
    index.state.hold_uploads, index.state.hold_after = 2, 1
    run = github.run({"concurrency": "3"})
    assert run.code == 1
    stored = index.state.projects["example"].files
    assert sorted(run.output_list("uploaded")) == sorted(stored)
    assert 3 <= len(stored) < WHEELS  # the first, those under way, not the rest
    assert "example-1.0.0.tar.gz" not in stored
    rows = run.page.table("file")[1:]
    for name in stored:
        assert [name, "uploaded"] in rows
    assert ["example-1.0.0.tar.gz", "not uploaded"] in rows
    assert run.log.count("::error title=") == 1


@pytest.mark.parametrize("value", ["0", "33", "four", "٣", "-1"])
def test_concurrency_must_be_a_number_the_action_takes(github: GitHub, value: str) -> None:
    make_wheel(github.dist)
    run = github.run({"concurrency": value})
    assert run.code == 1
    assert "Input `concurrency` must be a whole number from 1 to 32" in run.log
    assert f"The input `concurrency` is set to `{value}`." in run.log.replace("%0A", "\n")
