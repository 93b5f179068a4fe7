"""The one result model of a run, real or dry: the findings of every step in the order
they were made, and what happened to each file. The step outputs, the step summary,
the dry-run report and ``publisher check --format json`` are all read from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from publisher.errors import PublishError

if TYPE_CHECKING:
    from publisher.attest import Attested
    from publisher.dists import Dist
    from publisher.finding import Finding
    from publisher.oidc import Claims


@dataclass
class Outcome:
    """Everything a run found and did, also when it failed half way."""

    findings: list[Finding] = field(default_factory=list)
    dists: list[Dist] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # files in packages-dir left alone
    refused: list[str] = field(default_factory=list)  # files that failed validation
    uploaded: list[Dist] = field(default_factory=list)
    skipped: list[Dist] = field(default_factory=list)
    # files whose upload may have landed, but the index could not confirm it
    unconfirmed: list[Dist] = field(default_factory=list)
    sending: set[str] = field(default_factory=set)  # names of the files being uploaded now
    # file name -> sha256 ("" when not given) of the files there before this run
    on_index: dict[str, str] = field(default_factory=dict)
    claims: Claims | None = None
    attested: list[Attested] = field(default_factory=list)  # sent with their files
    failure: PublishError | None = None  # what stopped a real run
    burn: Finding | None = None  # how burning the run's upload tokens went

    @property
    def projects(self) -> list[str]:
        """The normalized names of the projects the dists belong to."""
        return sorted({d.project for d in self.dists})

    @property
    def remaining(self) -> list[Dist]:
        """Files neither uploaded nor skipped (yet)."""
        done = {d.filename for d in self.uploaded + self.skipped}
        return [d for d in self.dists if d.filename not in done]

    @property
    def errors(self) -> list[Finding]:
        """The error findings."""
        return [f for f in self.findings if f.status == "error"]

    @property
    def ok(self) -> bool:
        """True when nothing stopped (a dry run: nothing would stop) the publish."""
        return self.failure is None and not self.errors

    def in_files_order(self) -> None:
        """Put the files uploaded, skipped and attested back in the files' order (work
        done at the same time finishes in any order): outputs and summaries list them
        so."""
        place = {d.filename: i for i, d in enumerate(self.dists)}
        self.uploaded.sort(key=lambda d: place.get(d.filename, len(place)))
        self.skipped.sort(key=lambda d: place.get(d.filename, len(place)))
        self.attested.sort(key=lambda a: place.get(a.filename, len(place)))

    def cut_short(self, failure: PublishError) -> None:
        """The run was stopped from outside (``failure`` says how) while files may
        have been on their way: those are unconfirmed (their uploads are abandoned)."""
        done = {d.filename for d in self.uploaded + self.skipped + self.unconfirmed}
        self.unconfirmed += [
            d for d in self.dists if d.filename in self.sending and d.filename not in done
        ]
        self.failure = self.failure or failure

    def skipped_as(self, dist: Dist) -> str:
        """What the index had of a skipped file: ``same`` bytes, ``other`` bytes, or
        ``unknown`` (it gave no sha256: nothing says the bytes differ)."""
        remote = self.on_index.get(dist.filename, "").lower()
        if not remote:
            return "unknown"
        return "same" if remote == dist.digests.sha256 else "other"

    def result(self, filename: str) -> str:
        """What happened to one file, in words (see ``messages.RESULTS``)."""
        if any(d.filename == filename for d in self.uploaded):
            return "uploaded"
        for dist in self.skipped:
            if dist.filename == filename:
                return "skipped-other" if self.skipped_as(dist) == "other" else "skipped"
        if filename in self.on_index:
            return "on-index"
        if any(d.filename == filename for d in self.unconfirmed):
            return "unconfirmed"
        return "not-uploaded"

    def as_json(self) -> dict[str, object]:
        """The findings as plain data, for ``--format json``."""
        return {"ok": self.ok, "checks": [f.as_json() for f in self.findings]}
