"""Validation on real distributions: a pinned list of files PyPI hosts (tests/realdists/
corpus.json), each with what PyPI's upload code does with it today. Every file PyPI takes
must pass; every file it refuses must be refused for the same reason (the message key).

The files are fetched once into a cache outside the work tree (see tests/realdists/
fetch.py) and checked against their sha256 on every run; once cached, no network."""

from __future__ import annotations

import collections
import time
from pathlib import Path

import pytest
from realdists.fetch import Entry, cache_dir, fetch, iter_paths, load_corpus

from publisher.dists import dist_kind, load_dist
from publisher.errors import DistError

ENTRIES = load_corpus()


@pytest.fixture(scope="session")
def corpus() -> list[tuple[Entry, Path]]:
    """Every corpus file, from the cache (downloading what is missing)."""
    try:
        paths, _ = fetch(ENTRIES)
    except Exception as exc:  # no network and no cache: say how to get it
        pytest.fail(
            f"The real-distribution corpus is not in {cache_dir()} and could not be "
            f"fetched ({exc}). Run `python tests/realdists/fetch.py` once with network "
            "access (REALDISTS_CACHE chooses the folder)."
        )
    return list(iter_paths(ENTRIES, paths))


def verdict(path: Path) -> str:
    """What our validation says: "accept", or the message key (with the field the index
    would name, for invalid metadata)."""
    try:
        load_dist(path)
    except DistError as exc:
        if exc.key == "metadata-invalid":
            return f"{exc.key}:{exc.fields['field']}"
        return exc.key
    return "accept"


def test_every_real_file_gets_pypis_verdict(corpus: list[tuple[Entry, Path]]) -> None:
    started = time.monotonic()
    got = {entry.filename: verdict(path) for entry, path in corpus}
    elapsed = time.monotonic() - started
    false_refusals = [
        f"{e.filename}: refused ({got[e.filename]})"
        for e, _ in corpus
        if e.expected == "accept" and got[e.filename] != "accept"
    ]
    missed = [
        f"{e.filename}: accepted, but PyPI refuses it: {e.rule}"
        for e, _ in corpus
        if e.expected != "accept" and got[e.filename] == "accept"
    ]
    other_reason = [
        f"{e.filename}: {got[e.filename]}, but PyPI says {e.expected} ({e.rule})"
        for e, _ in corpus
        if "accept" not in (e.expected, got[e.filename]) and e.expected != got[e.filename]
    ]
    assert not false_refusals, "\n".join(false_refusals)
    assert not missed, "\n".join(missed)
    assert not other_reason, "\n".join(other_reason)
    assert elapsed < 30, f"validating the corpus took {elapsed:.1f} s"


def test_the_corpus_covers_what_it_must() -> None:
    kinds = collections.Counter(dist_kind(e.filename) for e in ENTRIES)
    metadata_versions = {
        note.split("Metadata-Version ")[1].split(";")[0]
        for note in (e.note for e in ENTRIES)
        if "Metadata-Version " in note
    }
    platforms = " ".join(e.filename for e in ENTRIES if e.filename.endswith(".whl"))
    assert len(ENTRIES) >= 150
    assert len({e.filename for e in ENTRIES}) == len(ENTRIES)
    assert sum(e.size for e in ENTRIES) < 100 * 10**6
    assert kinds["sdist"] >= 40
    assert kinds["wheel"] >= 100
    assert {"1.0", "1.1", "1.2", "2.0", "2.1", "2.2", "2.3", "2.4", "2.5"} <= metadata_versions
    for family in (
        "manylinux1",
        "manylinux2010",
        "manylinux2014",
        "manylinux_2_",
        "musllinux",
        "macosx_10",
        "macosx_11_0_arm64",
        "universal2",
        "win32",
        "win_amd64",
        "win_arm64",
        "pyemscripten",
        "ios_",
        "android_",
        "-none-any",
        "py2.py3",
    ):
        assert family in platforms, family
    assert any(e.filename.endswith(".zip") for e in ENTRIES)
    assert any(
        "License-File (dropped below 2.4)" in e.note and e.expected == "accept" for e in ENTRIES
    )
    for entry in ENTRIES:
        assert (entry.expected == "accept") == (entry.rule == ""), entry.filename
