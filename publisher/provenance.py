"""Provenance continuity: what an index that grades provenance (pypi.org since August
2026, pypi/warehouse#20303, #20326, #20420) will say of a release once this run's
files join it, worked out before the mint from what the index already shows.

Warehouse's rules (``warehouse/attestations/models.py``, ``ProvenanceStatus.states``,
and ``Release.comparison_provenance_release`` in ``warehouse/packaging/models.py``):
a release is *lost-provenance* when none of its files has provenance and the nearest
earlier release that has some was created at most 14 days before it; it is
*inconsistent-provenance* when its files' provenance names more than one source
(publisher kind and repository) or workflow. The simple API says which files have
provenance (PEP 740's per-file ``provenance`` URL); the integrity API says who made
it. An index whose simple API says nothing of provenance is not checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from publisher import messages, safejson
from publisher.errors import PublishError
from publisher.messages import Msg

if TYPE_CHECKING:
    from packaging.version import Version

    from publisher.http import Http
    from publisher.index import Index, ProjectState

WINDOW = 14 * 86400  # PROVENANCE_COMPARISON_WINDOW_DAYS
INTEGRITY_JSON = "application/vnd.pypi.integrity.v1+json"
MOST_LOOKUPS = 10  # files of one release whose publisher is asked (the check is advisory)


@dataclass(frozen=True)
class Source:
    """Who made a file's provenance, as Warehouse compares them: the publisher's kind
    and repository (its source), and its workflow."""

    kind: str
    repository: str
    workflow: str

    def __str__(self) -> str:
        return messages.phrase(
            Msg.PROVENANCE_SOURCE,
            kind=self.kind,
            repository=self.repository,
            workflow=self.workflow,
        )


def _release_files(state: ProjectState, project: str, version: Version) -> list[str]:
    return sorted(state.releases.get((project, version), {}))


def _created(state: ProjectState, names: list[str]) -> float | None:
    """When a release was created: its first file's upload time, where the index says."""
    times = [state.uploaded[n] for n in names if n in state.uploaded]
    return min(times) if times else None


def lost_after(state: ProjectState, project: str, version: Version, now: float) -> Lost | None:
    """For a run that uploads files of ``version`` without attestations: the earlier
    release it will be measured against and found to have lost provenance from, or
    None. A release that has attested files already is partial, not lost."""
    mine = _release_files(state, project, version)
    if any(state.provenance.get(name) for name in mine):
        return None
    created = _created(state, mine) or now
    nearest: tuple[Version, float] | None = None
    for (name, other), files in state.releases.items():
        if name != project or other == version:
            continue
        when = _created(state, sorted(files))
        if when is None or not created - WINDOW <= when < created:
            continue
        if any(state.provenance.get(f) for f in files) and (nearest is None or when > nearest[1]):
            nearest = (other, when)
    if nearest is None:
        return None
    return Lost(nearest[0], max(1, round((created - nearest[1]) / 86400)))


@dataclass(frozen=True)
class Lost:
    """The attested release a release will have lost provenance from, and how many
    days before it that one was created."""

    previous: Version
    days: int


def other_sources(
    http: Http, index: Index, state: ProjectState, project: str, version: Version, ours: Source
) -> dict[Source, list[str]]:
    """For a run that uploads attested files of ``version``: the other publishers whose
    provenance that release's files on the index carry, each with its files (asked of
    the integrity API for up to ``MOST_LOOKUPS`` files; what cannot be asked is left
    out: the check is advisory)."""
    found: dict[Source, list[str]] = {}
    attested = [f for f in _release_files(state, project, version) if state.provenance.get(f)]
    for filename in attested[:MOST_LOOKUPS]:
        url = state.provenance[filename]
        assert url is not None
        for source in _sources(http, index, url, filename):
            if source != ours:
                found.setdefault(source, []).append(filename)
    return found


def _sources(http: Http, index: Index, url: str, filename: str) -> set[Source]:
    """The publishers a file's provenance object names, from the integrity API; none
    when it cannot be had, or the URL leads away from the index."""
    link, home = urlsplit(url), urlsplit(index.read_url)
    if (link.scheme, link.netloc) != (home.scheme, home.netloc):
        return set()
    try:
        response = http.request(
            "GET",
            url,
            what=messages.phrase(Msg.DOING_PROVENANCE, filename=filename),
            retry=False,
            headers={"Accept": INTEGRITY_JSON},
        )
    except PublishError:
        return set()
    if response.status_code != 200:
        return set()
    try:
        data = safejson.loads(response.content)
    except ValueError:
        return set()
    bundles = data.get("attestation_bundles") if isinstance(data, dict) else None
    sources: set[Source] = set()
    for bundle in bundles if isinstance(bundles, list) else []:
        publisher = bundle.get("publisher") if isinstance(bundle, dict) else None
        if isinstance(publisher, dict):
            sources.add(_source(publisher))
    return sources


def _source(publisher: dict[str, object]) -> Source:
    """A provenance publisher as Warehouse counts it (``publisher_source`` and
    ``publisher_workflow``): GitHub and GitLab by repository and workflow file, Google
    by service account."""
    kind = str(publisher.get("kind", ""))
    identity = publisher.get("repository", publisher.get("email", ""))
    workflow = publisher.get("workflow", publisher.get("workflow_filepath", ""))
    return Source(kind, str(identity or ""), str(workflow or ""))
