"""The real-distribution corpus: a pinned list of files PyPI hosts, fetched once into a
cache outside the work tree, checked against their sha256 every time they are used.

Why pip's network session and not ``pip download``: ``pip download`` prepares the
metadata of every sdist, which runs the sdist's build backend (its ``setup.py``; old
ones fail on Python 3, and running them is what this corpus must never do), and it
refuses a wheel built for another platform ("is not a supported wheel on this
platform") unless ``--platform``/``--abi``/``--python-version`` describe that one
wheel. So the files are fetched with pip's own HTTP session (``PipSession``: pip's
retries, proxy and certificate handling), by the exact URL PyPI's JSON API gave, and
accepted only when the sha256 matches the pinned one. Nothing is built or run.

Run ``python tests/realdists/fetch.py`` to fill the cache by hand; the test fixture
does the same on first use. Once cached, nothing here needs the network.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.json"
CHUNK = 1 << 16


@dataclass(frozen=True)
class Entry:
    """One pinned file and what PyPI does with it if uploaded today."""

    name: str
    version: str
    filename: str
    sha256: str
    size: int
    url: str
    expected: str  # "accept", or the message key of the refusal
    rule: str  # the Warehouse rule behind a refusal ("" for accept)
    note: str


def load_corpus(path: Path = CORPUS) -> list[Entry]:
    """The pinned list, in file order."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return [Entry(**item) for item in data["files"]]


def cache_dir() -> Path:
    """Where the files are kept: ``$REALDISTS_CACHE``, else the XDG cache folder."""
    explicit = os.environ.get("REALDISTS_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "trusted-publish-action" / "realdists"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def cached(entry: Entry, folder: Path) -> Path | None:
    """The cached file if it is there whole and unchanged."""
    path = folder / entry.filename
    try:
        if path.stat().st_size != entry.size:
            return None
    except OSError:
        return None
    return path if _sha256(path) == entry.sha256 else None


def _session() -> Any:
    """pip's HTTP session, with the certificate bundle pip would use here."""
    from pip._internal.network.session import PipSession

    session = PipSession(retries=3)
    bundle = os.environ.get("PIP_CERT") or os.environ.get("REQUESTS_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    return session


def _download(session: Any, entry: Entry, folder: Path) -> None:
    response = session.get(entry.url, stream=True, timeout=60)
    response.raise_for_status()
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in response.iter_content(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != entry.sha256:
            raise RuntimeError(
                f"{entry.filename}: sha256 {digest.hexdigest()} is not the pinned {entry.sha256}"
            )
        os.replace(tmp, folder / entry.filename)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def fetch(entries: list[Entry], folder: Path | None = None) -> tuple[dict[str, Path], int]:
    """Every entry's cached path (downloading what is missing), and how many were
    downloaded now. Raises if a file cannot be had or does not match its hash."""
    folder = folder or cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    missing: list[Entry] = []
    for entry in entries:
        path = cached(entry, folder)
        if path is None:
            missing.append(entry)
        else:
            paths[entry.filename] = path
    if missing:
        session = _session()
        # A few at a time: the files are small, so the wait is mostly round trips.
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda e: _download(session, e, folder), missing))
        for entry in missing:
            paths[entry.filename] = folder / entry.filename
    return paths, len(missing)


def _main(argv: list[str]) -> int:
    entries = load_corpus()
    started = time.monotonic()
    paths, downloaded = fetch(entries)
    total = sum(e.size for e in entries)
    print(
        f"{len(paths)} files ({total / 1e6:.1f} MB) in {cache_dir()}; "
        f"{downloaded} downloaded in {time.monotonic() - started:.1f} s"
    )
    return 0


def iter_paths(entries: list[Entry], paths: dict[str, Path]) -> Iterator[tuple[Entry, Path]]:
    """Each entry with its cached file."""
    for entry in entries:
        yield entry, paths[entry.filename]


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
