"""The index each publishing step uploads to (its ``repository-url``, or the anchor's
``repository_url``; PyPI when absent), and for each job that uses trusted publishing
the publisher to register on that index, with a link pre-filled from that job's own
fields."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from publisher import messages
from publisher.finding import Finding
from publisher.messages import Msg
from publisher.workflows.publishing import environment, password, publisher_fields, target

if TYPE_CHECKING:
    from publisher.index import Index
    from publisher.workflows.lint import Lint


def audit(lint: Lint) -> Iterator[Finding]:
    """Per step: an index the action would refuse (error), one known only at run time
    (notice), a password (ok); per job and index: the publisher to register."""
    for step in lint.steps():
        where = step.input_location("repository-url")
        fields = {"workflow": step.job.workflow.name, "job": step.job.id, "step": step.label}
        found = target(step)
        if found.error is not None:
            yield Finding.from_error(found.error, where)
        elif found.index is None:
            fields["url"] = found.written
            yield Finding("notice", Msg.CHECK_INDEX_EXPRESSION, fields, where)
        if password(step):
            fields["index"] = found.index.read_url if found.index else found.written
            yield Finding("ok", Msg.CHECK_JOB_PASSWORD, fields, step.input_location("password"))
    repo = lint.repo
    origin = (
        messages.phrase(Msg.CHECK_FROM_ORIGIN, slug=repo.slug)
        if repo.owner
        else messages.phrase(Msg.CHECK_NO_REMOTE)
    )
    for job, index in lint.publishers():
        fields = publisher_fields(repo, job)
        # What the index checked has of the dists' projects; of another, nothing known.
        projects = lint.projects if index.read_url == lint.index.read_url else {}
        link = _links(index, fields, projects) if repo.owner else ""
        yield Finding(
            "ok",
            Msg.CHECK_PUBLISHER_FIELDS,
            {
                "index": index.read_url,
                "workflow": job.workflow.name,
                "job": job.id,
                "owner": repo.owner or "(your GitHub owner)",
                "repository": repo.name or "(your repository)",
                "environment": environment(job) or "(none: leave it empty)",
                "origin": origin,
                "link": link,
            },
            job.location(),
        )


def _links(index: Index, fields: dict[str, str], projects: dict[str, bool | None]) -> messages.Text:
    """Where to register the publisher: on the publishing settings of each project that
    is on the index (Warehouse refuses a pending publisher for an existing project and
    sends its owners there); the account's pending-publisher form for a new project,
    or when there are no dists; both when the index did not say."""
    found = []
    for project, exists in projects.items():
        if exists is not False:
            key = Msg.CHECK_PUBLISHER_LINK_PROJECT if exists else Msg.CHECK_PUBLISHER_LINK_MAYBE
            link = index.register_publisher_url(fields, project)
            found.append(messages.phrase(key, project=project, link=link))
    # No dists; a new project; one the index did not say about.
    if not projects or not all(projects.values()):
        pending = index.register_publisher_url(fields, None)
        key = Msg.CHECK_PUBLISHER_LINK_ELSE if found else Msg.CHECK_PUBLISHER_LINK
        found.append(messages.phrase(key, link=pending))
    return messages.lines(found, sep="")
