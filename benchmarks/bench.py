"""Benchmarks of the action on this machine, against the local fake index (issue 7).

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench.py``); not part of the
test suite. It measures, in one run, side by side:

1. an end-to-end publish of the example package through the action (``entrypoint.py``
   in a subprocess with the environment a GitHub runner gives a docker action, trusted
   publishing through a pending publisher) against ``twine upload`` and ``uv publish``
   of the same files with a static API token; a fresh index for every run, so every
   run really uploads;
1b. a big release on a modelled network (the fake index and the Sigstore stand-in in
   latency mode): one sdist and 48 wheels of about 1 MiB, signed, through the action at
   concurrency 1 and at its default, beside ``twine upload`` and ``uv publish`` (which
   do not sign) and the example's two files (optionally also through the action as it
   was at ``--before REV``); then the action's peak memory as the files grow in number
   and in size;
2. validation (``publisher.dists.load_all``) of a large wheel and a large sdist of
   random data against one ``sha256sum`` pass over the same files, and the peak memory
   of validation at two sizes;
3. start-up: time to the first line of output of ``python -m publisher --help`` and
   of a dry run with an empty packages folder.

It prints a table, writes it as JSON to ``benchmarks/results/latest.json`` (ignored by
git) and as Markdown to ``benchmarks/RESULTS.md`` (committed).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import platform
import shlex
import shutil
import ssl
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from socketserver import StreamRequestHandler
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fakes.index import Latency, LocalIndex
    from fakes.sigstore import LocalSigstore

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ENTRYPOINT = ROOT / "entrypoint.py"
IMAGE_FLAGS = ("-E", "-s", "-u")  # as the Dockerfile's ENTRYPOINT runs it
# The fake index and the demo live outside the runtime package, in tests/ and tools/.
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tools")]

from fakes.servers import ThrowawayCA

RESULTS_JSON = HERE / "results" / "latest.json"
RESULTS_MD = HERE / "RESULTS.md"
BIN = Path(sys.executable).parent
MB = 1 << 20
CA = ThrowawayCA(Path(tempfile.mkdtemp(prefix="bench-ca-")))  # the fake index's TLS
TRUST = {"REQUESTS_CA_BUNDLE": str(CA.bundle), "SSL_CERT_FILE": str(CA.bundle)}
USER_TOKEN = "pypi-benchmark-user-token"  # a static API token the index accepts
PROJECT = "tpa-example"  # the example package's project name


# --- results -----------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the results table."""

    figure: str
    ours: float
    reference: float
    unit: str
    reference_name: str
    target: str
    met: bool | None  # None: shown for information, no target
    samples: dict[str, list[float]] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """Ours over the reference."""
        return self.ours / self.reference if self.reference else float("inf")

    def cells(self) -> list[str]:
        """The row as table cells."""
        met = "—" if self.met is None else ("yes" if self.met else "**NO**")
        return [
            self.figure,
            _fmt(self.ours, self.unit),
            f"{_fmt(self.reference, self.unit)} ({self.reference_name})",
            f"{self.ratio:.2f}x",
            self.target,
            met,
        ]


HEADER = ["figure", "ours", "reference", "ratio", "target", "met?"]


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f} s"
    return f"{value:.1f} {unit}"


def median(values: Sequence[float]) -> float:
    """The median, of at least one value."""
    return float(statistics.median(values))


def markdown_table(rows: Sequence[Row]) -> str:
    """The table as GitHub Markdown."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def text_table(rows: Sequence[Row]) -> str:
    """The table for a terminal."""
    cells = [HEADER, *[[c.replace("**", "") for c in row.cells()] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(HEADER))]
    out = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def log(text: str) -> None:
    """Progress, to stderr so that the table stands alone on stdout."""
    print(text, file=sys.stderr, flush=True)


# --- 1. end-to-end publish ---------------------------------------------------------------


def declared_inputs() -> dict[str, str]:
    """Every input of ``action.yml`` with its default, as the runner sets them."""
    import yaml

    data = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    return {name: str(spec.get("default", "")) for name, spec in data["inputs"].items()}


def github_env(
    index: LocalIndex, workspace: Path, home: Path, inputs: dict[str, str]
) -> dict[str, str]:
    """The environment of a docker action's process on a GitHub runner, for a job with
    ``id-token: write``: ``INPUT_*`` for every declared input (``INPUT_REPOSITORY-URL``,
    hyphen kept), the OIDC request variables and the file commands."""
    files = workspace.parent / "github"
    files.mkdir(exist_ok=True)
    for name in ("output", "summary"):
        (files / name).write_text("")
    (files / "event.json").write_text("{}")
    values = {
        **declared_inputs(),
        "repository-url": index.upload_url,
        "oidc-audience": index.state.audience,  # pinned, as for any index but PyPI
        **inputs,
    }
    run = index.state.run
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "PYTHONPATH": str(ROOT),
        **TRUST,
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_OUTPUT": str(files / "output"),
        "GITHUB_STEP_SUMMARY": str(files / "summary"),
        "GITHUB_EVENT_NAME": run.event_name,
        "GITHUB_EVENT_PATH": str(files / "event.json"),
        "GITHUB_REPOSITORY": run.repository,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REF": run.ref,
        "RUNNER_OS": "Linux",
        **{f"INPUT_{name.upper()}": value for name, value in values.items()},
        **index.github_env(),
    }


def _quiet_server(index: LocalIndex) -> None:
    """A client closing its keep-alive connection is not worth a traceback."""
    server = index.server
    original = server.handle_error

    def handle_error(request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            original(request, client_address)

    server.handle_error = handle_error  # type: ignore[method-assign]


@contextmanager
def fresh_index(*, stock: bool = False, latency: Latency | None = None) -> Iterator[LocalIndex]:
    """A new, empty index with a pending publisher for the example project (matching
    the run's claims) and a user API token, so that every tool's upload succeeds;
    with ``latency``, answering as slowly as a real index over a real network."""
    from fakes.index import IndexState, LocalIndex, Publisher

    state = IndexState(latency=latency)
    run = state.run
    owner, repo = run.repository.split("/")
    state.pending.append(
        Publisher(owner, repo, run.workflow, run.environment or "", run.owner_id, PROJECT)
    )
    state.user_tokens.add(USER_TOKEN)
    with LocalIndex(state) as index:
        # Over TLS, as real indexes are (and as uv's trusted publishing demands).
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(CA.cert, CA.key)
        index.server.socket = context.wrap_socket(index.server.socket, server_side=True)
        index.scheme = "https"
        _quiet_server(index)
        if not stock:
            # The fake index sends headers and body in two writes with Nagle on: each
            # answer on a kept-alive connection then waits ~40 ms for a delayed ACK.
            # Real indexes do not; this one must not charge it to keep-alive clients.
            handler = index.server.RequestHandlerClass
            assert isinstance(handler, type)
            assert issubclass(handler, StreamRequestHandler)
            handler.disable_nagle_algorithm = True
        yield index


@dataclass
class Tool:
    """One way of uploading the example's files."""

    name: str
    command: Callable[[LocalIndex, Path, list[Path]], tuple[list[str], dict[str, str], Path]]


def run_ours(
    index: LocalIndex, work: Path, dists: list[Path]
) -> tuple[list[str], dict[str, str], Path]:
    """The action, as the container runs it."""
    workspace = work / "workspace"
    env = github_env(
        index, workspace, work / "home", {"packages-dir": "dist", "attestations": "false"}
    )
    return [sys.executable, *IMAGE_FLAGS, str(ENTRYPOINT)], env, workspace


SIGSTORE: LocalSigstore | None = None  # the local Sigstore, while bench_publish runs


def run_ours_signing(
    index: LocalIndex, work: Path, dists: list[Path]
) -> tuple[list[str], dict[str, str], Path]:
    """The action with PEP 740 signing, against the local Sigstore stand-in."""
    assert SIGSTORE is not None
    index.state.sigstore_root = SIGSTORE.trusted_root_json
    workspace = work / "workspace"
    config = SIGSTORE.trust_config_in(workspace)
    inputs = {"packages-dir": "dist", "sigstore-trust-config": config}
    env = github_env(index, workspace, work / "home", inputs)
    return [sys.executable, *IMAGE_FLAGS, str(ENTRYPOINT)], env, workspace


def run_twine(
    index: LocalIndex, work: Path, dists: list[Path]
) -> tuple[list[str], dict[str, str], Path]:
    """``twine upload`` with a static token (passed in the environment, not argv)."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(work / "home"),
        "TWINE_PASSWORD": USER_TOKEN,
        **TRUST,
    }
    argv = [
        str(BIN / "twine"),
        "upload",
        "--non-interactive",
        "--repository-url",
        index.upload_url,
        "-u",
        "__token__",
        "--disable-progress-bar",
        *map(str, dists),
    ]
    return argv, env, work


def uv_path() -> Path:
    """The ``uv`` binary installed from ``benchmarks/requirements.txt``."""
    given = os.environ.get("BENCH_UV")
    for candidate in (given, HERE / ".venv" / "bin" / "uv", BIN / "uv", shutil.which("uv")):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise SystemExit("uv not found: run `make bench`, which installs benchmarks/requirements.txt")


def run_uv(
    index: LocalIndex, work: Path, dists: list[Path]
) -> tuple[list[str], dict[str, str], Path]:
    """``uv publish`` with a static token (``UV_PUBLISH_TOKEN``). uv publishes to plain
    http on 127.0.0.1 as it is: no ``--allow-insecure-host`` needed (that flag is about
    TLS verification), and ``--check-url`` is off unless given."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(work / "home"),
        "UV_PUBLISH_TOKEN": USER_TOKEN,
        "UV_CACHE_DIR": str(work / "uv-cache"),
        **TRUST,
    }
    argv = [
        str(uv_path()),
        "publish",
        "--no-config",
        "--no-progress",
        "--trusted-publishing",
        "never",
        "--publish-url",
        index.upload_url,
        *map(str, dists),
    ]
    return argv, env, work


def run_uv_trusted(
    index: LocalIndex, work: Path, dists: list[Path]
) -> tuple[list[str], dict[str, str], Path]:
    """``uv publish --trusted-publishing always``: the same OIDC exchange as ours, with
    the runner's OIDC variables."""
    argv, env, cwd = run_uv(index, work, dists)
    del env["UV_PUBLISH_TOKEN"]
    env.update({"GITHUB_ACTIONS": "true", **index.github_env()})
    argv[argv.index("never")] = "always"
    return argv, env, cwd


TOOLS = [
    Tool("ours", run_ours),
    Tool("ours, signing", run_ours_signing),
    Tool("twine upload", run_twine),
    Tool("uv publish", run_uv),
    Tool("uv publish, trusted", run_uv_trusted),
]


def as_a_new_job(dists: list[Path]) -> None:
    """Remove the attestation files an earlier run wrote beside the dists: a second
    run in the same job would reuse them instead of signing, and every run here stands
    for a new job."""
    for folder in {d.parent for d in dists}:
        for written in folder.glob("*.attestation"):
            written.unlink()


def publish_once(tool: Tool, work: Path, dists: list[Path]) -> float:
    """One upload of ``dists`` by ``tool`` to a fresh index; seconds, wall clock, for the
    whole process. Fails loudly unless every file landed."""
    as_a_new_job(dists)
    with fresh_index() as index:
        argv, env, cwd = tool.command(index, work, dists)
        start = time.perf_counter()
        proc = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        stored = index.state.projects.get(PROJECT)
        landed = sorted(stored.files) if stored else []
    if proc.returncode != 0 or landed != sorted(d.name for d in dists):
        raise SystemExit(
            f"{tool.name} did not upload (exit {proc.returncode}, index has {landed}):\n"
            f"{proc.stdout}\n{proc.stderr}"
        )
    return elapsed


def keepalive_probe(requests_each: int = 5) -> dict[str, float]:
    """Median time of a request on a kept-alive connection to the fake index, as it is
    and with TCP_NODELAY (see :func:`fresh_index`), in milliseconds."""
    import requests

    out: dict[str, float] = {}
    for label, stock in (("stock", True), ("nodelay", False)):
        with fresh_index(stock=stock) as index, requests.Session() as session:
            # Per request: a REQUESTS_CA_BUNDLE in the environment would beat session.verify.
            get = partial(
                session.get, f"{index.url}/_/oidc/audience", timeout=10, verify=str(CA.bundle)
            )
            get()  # opens the connection
            times = _timed(get, requests_each)
        out[label] = 1000 * median(times)
    return out


def bench_publish(work: Path, runs: int) -> tuple[list[Row], dict[str, Any]]:
    """Figure 1: the example's sdist and wheel, published by each tool, interleaved."""
    from demo import build_example

    global SIGSTORE
    from fakes.sigstore import LocalSigstore

    names = build_example(work / "workspace" / "dist")
    dists = [work / "workspace" / "dist" / n for n in names]
    (work / "home").mkdir()
    times: dict[str, list[float]] = {t.name: [] for t in TOOLS}
    with LocalSigstore(work / "sigstore") as SIGSTORE:
        for tool in TOOLS:  # warm-up: byte-compilation, page cache, uv's cache folder
            publish_once(tool, work, dists)
        for i in range(runs):
            for tool in TOOLS:
                times[tool.name].append(publish_once(tool, work, dists))
            log(
                f"   publish run {i + 1}/{runs}: "
                + ", ".join(f"{k} {v[-1]:.3f} s" for k, v in times.items())
            )
    SIGSTORE = None
    ours = median(times["ours"])
    twine, uv = median(times["twine upload"]), median(times["uv publish"])
    uv_trusted, signing = median(times["uv publish, trusted"]), median(times["ours, signing"])
    rows = [
        Row(
            "publish example (sdist+wheel), end to end",
            ours,
            twine,
            "s",
            "twine upload, static token",
            "<= 1.0x",
            ours <= twine,
            {"ours": times["ours"], "reference": times["twine upload"]},
        ),
        Row(
            "publish example, trusted publishing, attestations off",
            ours,
            uv_trusted,
            "s",
            "uv publish --trusted-publishing always",
            "<= 2.0x",
            ours <= 2.0 * uv_trusted,
            {"ours": times["ours"], "reference": times["uv publish, trusted"]},
        ),
        Row(
            "publish example, end to end",
            ours,
            uv,
            "s",
            "uv publish, static token",
            "info",
            None,
            {"ours": times["ours"], "reference": times["uv publish"]},
        ),
        Row(
            "publish example with PEP 740 signing (local Sigstore)",
            signing,
            ours,
            "s",
            "ours, attestations off",
            "info",
            None,
            {"ours": times["ours, signing"], "reference": times["ours"]},
        ),
    ]
    details = {
        "files": [f"{d.name} ({d.stat().st_size} bytes)" for d in dists],
        "runs": runs,
        "samples_s": times,
        "keepalive_probe_ms": keepalive_probe(),
    }
    return rows, details


# --- 1b. a big release, on a modelled network ----------------------------------------------

# What a hosted runner sees of PyPI and Sigstore, modelled (tests/fakes/index.py Latency,
# tests/fakes/sigstore.py latency): 0.3 s for a Fulcio certificate and for each Rekor
# entry, 0.4 s + 0.05 s/MiB for each upload, 0.1 s for any other request.
SIGSTORE_LATENCY = 0.3
RELEASE_WHEELS = 48  # and one sdist: a binary package's release (numpy, orjson...)
PAIR_REPEATS = 3  # runs of the two-file publish in each round
PYTHONS = ("cp39", "cp310", "cp311", "cp312", "cp313", "cp314")
PLATFORMS = (
    "manylinux_2_17_x86_64",
    "manylinux_2_17_aarch64",
    "musllinux_1_2_x86_64",
    "musllinux_1_2_aarch64",
    "macosx_10_9_x86_64",
    "macosx_11_0_arm64",
    "win_amd64",
    "win_arm64",
)


def _zip_member(zf: Any, name: str, data: bytes, record: list[str]) -> None:
    import base64

    zf.writestr(name, data)
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    record.append(f"{name},sha256={digest},{len(data)}\n")


def make_release(folder: Path, wheels: int, size: int) -> list[Path]:
    """The example project's release of one sdist and ``wheels`` platform wheels, each
    with ``size`` bytes of its own random data (stored: as large on the wire), a RECORD
    that lists every file, and tags of its own."""
    import zipfile

    folder.mkdir(parents=True, exist_ok=True)
    stem, version = PROJECT.replace("-", "_"), "1.0.0"
    meta = BIG_METADATA.format(name=PROJECT).encode()
    paths = []
    for n in range(wheels):
        python, platform_tag = PYTHONS[n // len(PLATFORMS)], PLATFORMS[n % len(PLATFORMS)]
        tag = f"{python}-{python}-{platform_tag}"
        path = folder / f"{stem}-{version}-{tag}.whl"
        info = f"{stem}-{version}.dist-info"
        record: list[str] = []
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
            _zip_member(zf, f"{stem}/__init__.py", b"", record)
            _zip_member(zf, f"{stem}/_native.bin", os.urandom(size), record)
            _zip_member(zf, f"{info}/METADATA", meta, record)
            wheel = f"Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: {tag}\n"
            _zip_member(zf, f"{info}/WHEEL", wheel.encode(), record)
            zf.writestr(f"{info}/RECORD", "".join(record) + f"{info}/RECORD,,\n")
        paths.append(path)
    sdist = folder / f"{stem}-{version}.tar.gz"
    with tarfile.open(sdist, "w:gz", compresslevel=1) as tf:
        for name, data in ((f"{stem}/_native.c", os.urandom(size)), ("PKG-INFO", meta)):
            member = tarfile.TarInfo(f"{stem}-{version}/{name}")
            member.size = len(data)
            tf.addfile(member, io.BytesIO(data))
    return [sdist, *paths]


@dataclass
class Measured:
    """One run of a tool: wall-clock seconds and the process's peak resident memory."""

    seconds: float
    peak_mb: float


def run_measured(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[Measured, int, str]:
    """Run a process; its time, its own peak memory, its exit code and its output.

    The peak is GNU time's (``%M``, from ``wait4``): a child's ``ru_maxrss`` starts from
    the resident size of the process that forked it, and this one holds the fake index's
    buffers; ``time`` itself is small."""
    if not Path("/usr/bin/time").is_file():
        raise SystemExit("GNU time (/usr/bin/time, Debian's `time`) measures the peak memory")
    with tempfile.TemporaryFile("w+") as out, tempfile.NamedTemporaryFile("r") as peak:
        start = time.perf_counter()
        wrapped = ["/usr/bin/time", "-f", "%M", "-o", peak.name, *argv]
        proc = subprocess.run(wrapped, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        elapsed = time.perf_counter() - start
        out.seek(0)
        kilobytes = int(peak.read().split()[-1])
        return Measured(elapsed, kilobytes / 1024), proc.returncode, out.read()


def ours_at(
    concurrency: int, *, signing: bool = True, checkout: Path = ROOT, name: str = "ours"
) -> Tool:
    """The action (from ``checkout``) at ``concurrency``, signing or not."""

    def command(
        index: LocalIndex, work: Path, dists: list[Path]
    ) -> tuple[list[str], dict[str, str], Path]:
        if signing:
            argv, env, cwd = run_ours_signing(index, work, dists)
        else:
            argv, env, cwd = run_ours(index, work, dists)
        env["INPUT_CONCURRENCY"] = str(concurrency)
        env["PYTHONPATH"] = str(checkout)
        return [argv[0], *IMAGE_FLAGS, str(checkout / "entrypoint.py")], env, cwd

    signed = "signed" if signing else "unsigned"
    return Tool(f"{name}, {signed}, concurrency {concurrency}", command)


def publish_measured(tool: Tool, work: Path, dists: list[Path], latency: Latency) -> Measured:
    """:func:`publish_once`, on a modelled network, with the process's peak memory."""
    as_a_new_job(dists)
    with fresh_index(latency=latency) as index:
        argv, env, cwd = tool.command(index, work, dists)
        measured, code, output = run_measured(argv, env, cwd)
        stored = index.state.projects.get(PROJECT)
        landed = sorted(stored.files) if stored else []
        signed = sum(1 for f in stored.files.values() if f.attestations) if stored else 0
    if code != 0 or landed != sorted(d.name for d in dists):
        raise SystemExit(f"{tool.name} did not upload (exit {code}, index has {landed}):\n{output}")
    phases = next((line for line in output.splitlines() if line.startswith("Time taken")), "")
    log(
        f"      {tool.name}: {measured.seconds:.2f} s, {measured.peak_mb:.0f} MB, "
        f"{signed} signed. {phases}"
    )
    return measured


def checkout(rev: str) -> Path:
    """The action's files at ``rev``, exported into a temporary folder (not a worktree:
    nothing is registered in the repository)."""
    folder = Path(tempfile.mkdtemp(prefix="publisher-before-"))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev, "publisher", "entrypoint.py"],
        capture_output=True,
        check=True,
    )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tf:
        tf.extractall(folder, filter="data")
    return folder


def bench_release(work: Path, runs: int, before: Path | None) -> tuple[list[Row], dict[str, Any]]:
    """Figure 1b: a 1 + 48-file release of ~1 MiB files on a modelled network, signed
    by the action at concurrency 1 and at its default, beside twine and uv (which do not
    sign), and the example's two files; then the action's peak memory as the number and
    size of the files grow. One interleaved run."""
    from demo import build_example
    from fakes.index import Latency
    from fakes.sigstore import LocalSigstore

    from publisher.inputs import SPECS

    global SIGSTORE
    default = int(SPECS["concurrency"].default)
    latency = Latency()
    release = make_release(work / "workspace" / "dist", RELEASE_WHEELS, MB)
    example = build_example(work / "example" / "workspace" / "dist")
    example_dists = [work / "example" / "workspace" / "dist" / n for n in example]
    for folder in (work / "home", work / "example" / "home"):
        folder.mkdir(parents=True, exist_ok=True)
    tools = {
        "one": ours_at(1),
        "default": ours_at(default),
        "unsigned": ours_at(default, signing=False),
        "twine": Tool("twine upload (unsigned)", run_twine),
        "uv": Tool("uv publish (unsigned)", run_uv),
    }
    pairs = {"two, default": ours_at(default), "two, one": ours_at(1)}
    if before is not None:
        pairs["two, before"] = ours_at(1, checkout=before, name="ours before concurrency")
    times: dict[str, list[float]] = {k: [] for k in [*tools, *pairs]}
    peaks: dict[str, list[float]] = {k: [] for k in [*tools, *pairs]}
    with LocalSigstore(work / "sigstore", latency=SIGSTORE_LATENCY) as SIGSTORE:
        for i in range(runs):
            log(f"   release run {i + 1}/{runs}")
            for key, tool in tools.items():
                measured = publish_measured(tool, work, release, latency)
                times[key].append(measured.seconds)
                peaks[key].append(measured.peak_mb)
            for _ in range(PAIR_REPEATS):  # a few seconds each, and noisy: more samples
                for key, tool in pairs.items():
                    measured = publish_measured(tool, work / "example", example_dists, latency)
                    times[key].append(measured.seconds)
                    peaks[key].append(measured.peak_mb)
        memory = bench_release_memory(work, default, latency)
    SIGSTORE = None
    one, many = median(times["one"]), median(times["default"])
    two, two_one = median(times["two, default"]), median(times["two, one"])
    rows = [
        Row(
            f"1 + {RELEASE_WHEELS}-file release (~1 MiB each), signed, concurrency {default}",
            many,
            one,
            "s",
            "the same, concurrency 1",
            "<= 0.3x",
            many <= 0.3 * one,
            {"ours": times["default"], "reference": times["one"]},
        ),
        Row(
            f"1 + {RELEASE_WHEELS}-file release, signed, concurrency {default}",
            many,
            median(times["twine"]),
            "s",
            "twine upload, unsigned",
            "info",
            None,
            {"ours": times["default"], "reference": times["twine"]},
        ),
        Row(
            f"1 + {RELEASE_WHEELS}-file release, unsigned, concurrency {default}",
            median(times["unsigned"]),
            median(times["uv"]),
            "s",
            "uv publish, unsigned",
            "info",
            None,
            {"ours": times["unsigned"], "reference": times["uv"]},
        ),
        Row(
            f"two-file publish (example), signed, concurrency {default}",
            two,
            two_one,
            "s",
            "the same, concurrency 1",
            "<= 1.0x",
            two <= two_one * 1.05,  # within noise
            {"ours": times["two, default"], "reference": times["two, one"]},
        ),
    ]
    if before is not None:
        rows.append(
            Row(
                f"two-file publish (example), signed, concurrency {default}",
                two,
                median(times["two, before"]),
                "s",
                "the action before concurrency",
                "<= 1.0x",
                two <= median(times["two, before"]) * 1.05,
                {"ours": times["two, default"], "reference": times["two, before"]},
            )
        )
    rows += memory_rows(memory)
    details = {
        "latency": {
            "upload_s": latency.upload,
            "upload_per_mib_s": latency.upload_per_mib,
            "other_s": latency.other,
            "fulcio_and_rekor_s": SIGSTORE_LATENCY,
        },
        "files": len(release),
        "file_mb": round(sum(p.stat().st_size for p in release) / len(release) / MB, 2),
        "runs": runs,
        "samples_s": times,
        "peak_mb": peaks,
        "memory": memory,
        "tools": {key: tool.name for key, tool in {**tools, **pairs}.items()},
    }
    return rows, details


# Peak memory: the same release with more files, and with larger files.
MEMORY_CASES = {
    "13 files of 1 MiB": (12, MB),
    "49 files of 1 MiB": (RELEASE_WHEELS, MB),
    "49 files of 8 MiB": (RELEASE_WHEELS, 8 * MB),
}


def bench_release_memory(work: Path, concurrency: int, latency: Latency) -> dict[str, float]:
    """The action's peak memory (signing, at its default concurrency) on releases of
    more and of larger files."""
    peaks = {}
    for label, (wheels, size) in MEMORY_CASES.items():
        folder = work / "memory" / label.replace(" ", "-")
        dists = make_release(folder / "workspace" / "dist", wheels, size)
        (folder / "home").mkdir(exist_ok=True)
        peaks[label] = publish_measured(ours_at(concurrency), folder, dists, latency).peak_mb
        shutil.rmtree(folder / "workspace" / "dist")
    return peaks


def memory_rows(peaks: dict[str, float]) -> list[Row]:
    """Peak memory against the smallest case: flat means within 10 % (+ 2 MB)."""
    base_label = next(iter(peaks))
    base = peaks[base_label]
    return [
        Row(
            f"peak memory, signed release of {label}",
            peak,
            base,
            "MB",
            base_label,
            "flat",
            peak <= base * 1.1 + 2,
        )
        for label, peak in list(peaks.items())[1:]
    ]


# --- 2. validation throughput ------------------------------------------------------------


class RandomReader(io.RawIOBase):
    """``size`` bytes of ``os.urandom``, as a readable stream."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), self.left)
        buffer[:n] = os.urandom(n)
        self.left -= n
        return n


BIG_METADATA = (
    "Metadata-Version: 2.4\nName: {name}\nVersion: 1.0.0\nSummary: Large random payload\n"
    "Description-Content-Type: text/markdown\n\n# Big\n\nRandom bytes, for a benchmark.\n"
)


def make_big_wheel(folder: Path, name: str, size: int) -> Path:
    """A wheel whose payload is ``size`` random bytes, stored (not deflated)."""
    import zipfile

    stem = name.replace("-", "_")
    path = folder / f"{stem}-1.0.0-py3-none-any.whl"
    info = f"{stem}-1.0.0.dist-info"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(f"{stem}/__init__.py", "")
        with (
            zf.open(f"{stem}/payload.bin", "w") as member,
            io.BufferedReader(RandomReader(size)) as src,
        ):
            shutil.copyfileobj(src, member, MB)
        zf.writestr(f"{info}/METADATA", BIG_METADATA.format(name=name))
        zf.writestr(
            f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        )
        zf.writestr(f"{info}/RECORD", "")
    return path


def make_big_sdist(folder: Path, name: str, size: int) -> Path:
    """A ``.tar.gz`` sdist with ``size`` random bytes, laid out as flit_core writes it:
    the files first, ``PKG-INFO`` last (so finding it means reading the whole stream)."""
    import tarfile

    stem = name.replace("-", "_")
    path = folder / f"{stem}-1.0.0.tar.gz"
    meta = BIG_METADATA.format(name=name).encode()
    with tarfile.open(path, "w:gz", compresslevel=1) as tf:
        payload = tarfile.TarInfo(f"{stem}-1.0.0/payload.bin")
        payload.size = size
        with io.BufferedReader(RandomReader(size)) as src:
            tf.addfile(payload, src)
        pkg_info = tarfile.TarInfo(f"{stem}-1.0.0/PKG-INFO")
        pkg_info.size = len(meta)
        tf.addfile(pkg_info, io.BytesIO(meta))
    return path


def _vm_hwm_mb() -> float:
    """This process's peak resident memory, from ``/proc/self/status`` (``VmHWM``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def child_validate(folder: Path, warm: Path, repeat: int, diagnose: bool) -> None:
    """Runs in a subprocess of its own: times ``load_all`` on ``folder`` (after one call
    on the small ``warm`` folder, so imports are not counted), reads the peak memory,
    then, if ``diagnose``, times the pieces. Prints one JSON object."""
    from publisher import dists as d

    d.load_all(warm)
    baseline = _vm_hwm_mb()
    result: dict[str, Any] = {"baseline_mb": baseline}
    result["load_all_s"] = _timed(partial(d.load_all, folder), repeat)
    result["peak_mb"] = _vm_hwm_mb()
    if diagnose:
        result["detail"] = diagnose_validation(folder, repeat)
    print(json.dumps(result))


def _hash_all(files: list[Path], *algos: str) -> None:
    """One pass over each file, updating a hash per algorithm."""
    for path in files:
        hashes = [hashlib.new(a) for a in algos]
        with path.open("rb") as fh:
            while chunk := fh.read(MB):
                for h in hashes:
                    h.update(chunk)


def diagnose_validation(folder: Path, repeat: int) -> dict[str, float]:
    """Seconds (medians) of the pieces of validation and of what twine would do next."""
    from twine.package import PackageFile

    from publisher import dists as d

    files = sorted(p for p in folder.iterdir() if d.dist_kind(p.name))
    detail: dict[str, float] = {}

    def timed(label: str, fn: Callable[[], object]) -> None:
        detail[label] = median(_timed(fn, repeat))

    for path in files:
        kind = d.dist_kind(path.name) or ""
        timed(f"{kind}: hash_file (sha256, hashlib.file_digest)", partial(d.hash_file, path))
        timed(
            f"{kind}: twine PackageFile.from_filename (re-reads and re-hashes; we skip it)",
            partial(PackageFile.from_filename, str(path), comment=None),
        )
    timed("all files: hashlib sha256, 1 MiB reads", partial(_hash_all, files, "sha256"))
    timed(
        "all files: sha256 + blake2b, what twine sends (we dropped blake2b)",
        partial(_hash_all, files, "sha256", "blake2b"),
    )
    return detail


def validate_in_child(folder: Path, warm: Path, repeat: int, diagnose: bool) -> dict[str, Any]:
    """Run :func:`child_validate` in a new interpreter."""
    argv = [
        sys.executable,
        str(Path(__file__).resolve()),
        "_validate",
        str(folder),
        str(warm),
        str(repeat),
    ]
    if diagnose:
        argv.append("--diagnose")
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"validation child failed:\n{proc.stdout}\n{proc.stderr}")
    data: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return data


def bench_validation(
    work: Path, big_mb: int, small_mb: int, repeat: int
) -> tuple[list[Row], dict[str, Any]]:
    """Figure 2: throughput of validation against ``sha256sum``, and its peak memory."""
    from demo import build_example

    warm = work / "warm"
    build_example(warm)
    measured: dict[int, dict[str, Any]] = {}
    sums: dict[str, list[float]] = {"sha256sum": [], "openssl dgst -sha256": []}
    for size_mb in (small_mb, big_mb):
        folder = work / f"big-{size_mb}"
        folder.mkdir()
        log(f"   writing a {size_mb} MB wheel and a {size_mb} MB sdist of random bytes")
        files = [
            make_big_wheel(folder, "bench-big", size_mb * MB),
            make_big_sdist(folder, "bench-big", size_mb * MB),
        ]
        big = size_mb == big_mb
        measured[size_mb] = validate_in_child(folder, warm, repeat, diagnose=big)
        if big:
            for name, argv in (
                ("sha256sum", ["sha256sum"]),
                ("openssl dgst -sha256", ["openssl", "dgst", "-sha256"]),
            ):
                if shutil.which(argv[0]):
                    sums[name] = _timed(
                        partial(
                            subprocess.run,
                            [*argv, *map(str, files)],
                            capture_output=True,
                            check=True,
                        ),
                        repeat,
                    )
        shutil.rmtree(folder)  # 2 x size_mb of random data: not kept
    big_run, small_run = measured[big_mb], measured[small_mb]
    ours = median(big_run["load_all_s"])
    if not sums["openssl dgst -sha256"]:
        raise SystemExit("openssl not found: the validation target is against openssl sha256")
    ssl = median(sums["openssl dgst -sha256"])
    rows = [
        Row(
            f"validate {big_mb} MB wheel + {big_mb} MB sdist (load_all)",
            ours,
            ssl,
            "s",
            "one openssl sha256 pass",
            "<= 1.3x",
            ours <= 1.3 * ssl,
            {"ours": big_run["load_all_s"], "reference": sums["openssl dgst -sha256"]},
        )
    ]
    if sums["sha256sum"]:
        rows.append(
            Row(
                f"validate {big_mb} MB wheel + {big_mb} MB sdist (load_all)",
                ours,
                median(sums["sha256sum"]),
                "s",
                "one sha256sum pass",
                "info",
                None,
                {"ours": big_run["load_all_s"], "reference": sums["sha256sum"]},
            )
        )
    peak_big, peak_small = big_run["peak_mb"], small_run["peak_mb"]
    rows.append(
        Row(
            f"validation peak memory (VmHWM), {big_mb} MB dists",
            peak_big,
            peak_small,
            "MB",
            f"same at {small_mb} MB",
            "< 100 MB, constant",
            peak_big < 100 and peak_big <= peak_small * 1.1 + 1,
        )
    )
    details = {
        "sizes_mb": [small_mb, big_mb],
        "throughput_MB_per_s": 2 * big_mb / ours,
        "runs": {str(k): v for k, v in measured.items()},
        "checksum_tools_s": sums,
    }
    return rows, details


# --- 3. start-up -------------------------------------------------------------------------


def first_lines(
    argv: list[str], env: dict[str, str], cwd: Path, marker: str | None
) -> tuple[float, float, float, str]:
    """Seconds from start to the first line of output (stdout or stderr), to the first
    line containing ``marker``, and to exit; and the first line."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert proc.stdout is not None
    first_at = marked_at = 0.0
    first = ""
    for line in proc.stdout:
        now = time.perf_counter() - start
        if not first_at:
            first_at, first = now, line.rstrip("\n")
        if not marked_at and (marker is None or marker in line):
            marked_at = now
    proc.wait()
    if not first_at or not marked_at:
        raise SystemExit(f"{argv}: no output (or no {marker!r}) seen")
    return first_at, marked_at, time.perf_counter() - start, first


def bench_startup(work: Path, runs: int) -> tuple[list[Row], dict[str, Any]]:
    """Figure 3: ``publisher --help`` and a dry run that finds no distributions."""
    plain = {"PATH": os.environ.get("PATH", ""), "HOME": str(work)}
    workspace = work / "workspace"
    (workspace / "dist").mkdir(parents=True)
    samples: dict[str, list[float]] = {
        k: [] for k in ("python", "help", "dry_first", "dry_error", "dry_exit")
    }
    first_dry = ""
    with fresh_index() as index:
        env = github_env(index, workspace, work, {"dry-run": "true", "packages-dir": "dist"})
        for i in range(runs + 1):  # the first is a warm-up
            bare = first_lines([sys.executable, "-c", "print('ready')"], plain, work, None)
            helped = first_lines([sys.executable, "-m", "publisher", "--help"], plain, work, None)
            dry = first_lines(
                [sys.executable, *IMAGE_FLAGS, str(ENTRYPOINT)], env, workspace, "No distributions"
            )
            if i:
                samples["python"].append(bare[0])
                samples["help"].append(helped[0])
                samples["dry_first"].append(dry[0])
                samples["dry_error"].append(dry[1])
                samples["dry_exit"].append(dry[2])
            first_dry = dry[3]
    python = median(samples["python"])
    rows = []
    for key, figure in (
        ("help", "start-up: `python -m publisher --help`, first line"),
        ("dry_first", "start-up: dry run, no dists, first line"),
        ("dry_error", "start-up: dry run, no dists, 'No distributions' line"),
    ):
        value = median(samples[key])
        rows.append(
            Row(
                figure,
                value,
                python,
                "s",
                "bare `python -c print()`",
                "<= 0.3 s",
                value <= 0.3,
                {"ours": samples[key], "reference": samples["python"]},
            )
        )
    masked = first_dry.split("::add-mask::")[0] + (
        "::add-mask::***" if "::add-mask::" in first_dry else ""
    )
    return rows, {"samples_s": samples, "dry_run_first_line": masked, "runs": runs}


# --- main --------------------------------------------------------------------------------


def _version(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, check=False).stdout
    except OSError:
        return "?"
    if not out.strip():
        return "?"
    line = out.strip().splitlines()[0]
    # Long lines lose their parenthesis: "twine version 7.0.0 (readme-renderer: …".
    return line if len(line) <= 40 else line.split(" (")[0]


def machine() -> dict[str, Any]:
    """What this ran on."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _details_markdown(details: dict[str, Any]) -> str:
    lines: list[str] = []
    publish = details.get("publish")
    if publish:
        medians = ", ".join(
            f"{k} {median(v):.3f} s (best {min(v):.3f} s)" for k, v in publish["samples_s"].items()
        )
        lines.append(f"- Publish, medians of {publish['runs']} interleaved runs: {medians}.")
        probe = publish.get("keepalive_probe_ms")
        if probe:
            lines.append(
                "- The fake index answers a request on a kept-alive connection in "
                f"{probe['stock']:.1f} ms as it is (Nagle + delayed ACK: headers and body "
                f"go in two writes) and in {probe['nodelay']:.1f} ms with TCP_NODELAY, "
                "which the benchmark turns on (real indexes do not stall like this)."
            )
    release = details.get("release")
    if release:
        model = release["latency"]
        lines.append(
            f"- Big release: {release['files']} files of {release['file_mb']} MiB on a modelled "
            f"network (each Fulcio certificate and Rekor entry {model['fulcio_and_rekor_s']} s; "
            f"each upload {model['upload_s']} s + {model['upload_per_mib_s']} s/MiB; any other "
            f"request {model['other_s']} s); medians of {release['runs']} interleaved runs: "
            + ", ".join(
                f"{release['tools'][k]} {median(v):.2f} s "
                f"(peak {max(release['peak_mb'][k]):.0f} MB)"
                for k, v in release["samples_s"].items()
            )
            + "."
        )
        lines.append(
            "- Peak memory of the action, signing at its default concurrency: "
            + ", ".join(f"{label} {mb:.0f} MB" for label, mb in release["memory"].items())
            + "."
        )
    validation = details.get("validation")
    if validation:
        runs = validation["runs"]
        lines.append(
            f"- Validation throughput: {validation['throughput_MB_per_s']:.0f} MB/s; peak memory "
            + ", ".join(
                f"{size} MB dists {run['peak_mb']:.1f} MB "
                f"(after imports, before load_all: {run['baseline_mb']:.1f} MB)"
                for size, run in runs.items()
            )
            + "."
        )
        detail = runs[str(max(validation["sizes_mb"]))].get("detail", {})
        if detail:
            lines.append("- Pieces of it on the large files (seconds, medians):")
            lines += [f"  - {k}: {v:.3f}" for k, v in detail.items()]
    startup = details.get("startup")
    if startup:
        lines.append(f"- First line of the dry run: `{startup['dry_run_first_line']}`.")
    return "\n".join(lines)


def write_results(
    rows: list[Row], details: dict[str, Any], command: str, parts: Sequence[str]
) -> Path:
    """``results/latest.json`` (all samples) and ``RESULTS.md`` (the table); a run of
    some parts only (``--only``) writes ``RESULTS-<parts>.md`` instead, and leaves the
    full table alone."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    info = machine()
    RESULTS_JSON.parent.mkdir(exist_ok=True)
    payload = {
        "when": when,
        "command": command,
        "machine": info,
        "rows": [{**asdict(r), "ratio": r.ratio} for r in rows],
        "details": details,
    }
    RESULTS_JSON.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    tools = "; ".join(details.get("versions", {}).values())
    text = f"""# Benchmark results

Measured with `{command}` on {when}: {info["cpu"]}, {info["cores"]} cores, Python
{info["python"]}, against the local fake index (`tests/fakes/index.py`); {tools}.
Medians; every sample is in `benchmarks/results/latest.json` (not committed). "ours" is
the action run as a GitHub runner runs it (`entrypoint.py` in a new process, trusted
publishing through a pending publisher, a fresh index for each run).

{markdown_table(rows)}

{_details_markdown(details)}
"""
    target = RESULTS_MD
    if list(parts) != list(STEPS):
        target = RESULTS_MD.with_name(f"RESULTS-{'-'.join(parts)}.md")
    target.write_text(text, encoding="utf-8")
    return target


STEPS = ("publish", "release", "validation", "startup")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks, print the table and write the results."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["_validate"]:  # the validation child, see validate_in_child
        child_validate(Path(args[1]), Path(args[2]), int(args[3]), "--diagnose" in args)
        return 0
    parser = argparse.ArgumentParser(prog="bench.py", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, default=9, help="timed runs of each publish and start-up (>= 5)"
    )
    parser.add_argument(
        "--size-mb", type=int, default=200, help="size of the large wheel and sdist"
    )
    parser.add_argument(
        "--small-mb", type=int, default=50, help="smaller size, to compare peak memory"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed validations of the large files"
    )
    parser.add_argument(
        "--only", choices=STEPS, action="append", help="run only this part (repeatable)"
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print the table only; write no files"
    )
    parser.add_argument(
        "--release-runs",
        type=int,
        default=3,
        help="interleaved runs of the big release (each about 40 s one file at a time)",
    )
    parser.add_argument(
        "--before",
        metavar="REV",
        help="also publish the example with the action as it was at this git revision",
    )
    opts = parser.parse_args(args)
    if opts.runs < 5:
        parser.error("--runs must be at least 5")
    before = checkout(opts.before) if opts.before else None
    steps: dict[str, Callable[[Path], tuple[list[Row], dict[str, Any]]]] = {
        "publish": lambda w: bench_publish(w, opts.runs),
        "release": lambda w: bench_release(w, opts.release_runs, before),
        "validation": lambda w: bench_validation(w, opts.size_mb, opts.small_mb, opts.repeat),
        "startup": lambda w: bench_startup(w, opts.runs),
    }
    rows: list[Row] = []
    details: dict[str, Any] = {
        "versions": {
            "twine": _version([str(BIN / "twine"), "--version"]),
            "uv": _version([str(uv_path()), "--version"]),
            "sha256sum": _version(["sha256sum", "--version"]),
            "openssl": _version(["openssl", "version"]),
        }
    }
    with tempfile.TemporaryDirectory(prefix="publisher-bench-") as tmp:
        for name in [s for s in STEPS if not opts.only or s in opts.only]:
            log(f"== {name}")
            work = Path(tmp) / name
            work.mkdir()
            new_rows, details[name] = steps[name](work)
            rows += new_rows
    print(text_table(rows))
    print()
    print(_details_markdown(details))
    if not opts.no_write:
        command = (
            "make bench"
            if os.environ.get("MAKELEVEL")
            else shlex.join(["python", "benchmarks/bench.py", *args])
        )
        parts = [s for s in STEPS if not opts.only or s in opts.only]
        written = write_results(rows, details, command, parts)
        log(f"wrote {RESULTS_JSON.relative_to(ROOT)} and {written.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
