"""The index's state before the mint: whether each project exists, and whether each
file is new, there already, or refused by the release it would join."""

from __future__ import annotations

from typing import TYPE_CHECKING

from publisher.finding import Finding
from publisher.messages import Msg
from publisher.steps import Findings, project_names

if TYPE_CHECKING:
    from publisher.context import Context
    from publisher.dists import Dist
    from publisher.index import ProjectState


def check_index(ctx: Context) -> Findings:
    """Ask the index about each project: does it exist (if not, only a pending publisher
    for exactly its name can create it); is each file new, there already (skipped, or
    an error), or in the way. Nothing is minted when a file can never be uploaded."""
    outcome = ctx.outcome
    for project in outcome.projects:
        state = look_up(ctx, project)
        outcome.on_index.update(state.files)
        yield _project_finding(ctx, project, state)
        yield from _file_findings(ctx, state, [d for d in outcome.dists if d.project == project])
    new = ctx.new_projects
    if len(new) > 1 and not ctx.config.password:  # one exchange creates one project
        yield Finding(
            "warning", Msg.SEVERAL_NEW_PROJECTS, {"count": len(new), "projects": project_names(new)}
        )
    if ctx.done:
        yield Finding("ok", Msg.LOG_NOTHING_TO_UPLOAD)


def look_up(ctx: Context, project: str) -> ProjectState:
    """What the index has of ``project``, asked once a run (``publisher check`` asks
    first for the workflow lint's link to the publisher form)."""
    from publisher.index import project_state

    if project not in ctx.states:
        ctx.states[project] = project_state(ctx.http, ctx.index, project)
    return ctx.states[project]


def _project_finding(ctx: Context, project: str, state: ProjectState) -> Finding:
    from publisher.context import Mode

    index = ctx.index
    if state.exists is None:
        return Finding(
            "warning", Msg.INDEX_UNREADABLE, {"project": project, "problem": state.problem}
        )
    if state.exists:
        return Finding(
            "ok", Msg.CHECK_PROJECT_EXISTS, {"project": project, "index": index.read_url}
        )
    if ctx.config.password:  # no trusted publishing: the upload creates the project
        return Finding("ok", Msg.CHECK_PROJECT_NEW, {"project": project, "index": index.read_url})
    if ctx.mode is Mode.PUBLISH:  # the mint and the name check after it will tell
        return Finding("notice", Msg.LOG_PROJECT_NEW, {"project": project, "index": index.read_url})
    link = index.register_publisher_url({**ctx.publisher, "project_name": project}, None)
    fields = {"project": project, "index": index.read_url, "link": link}
    return Finding("warning", Msg.CHECK_PROJECT_MISSING, fields)


def _file_findings(ctx: Context, state: ProjectState, dists: list[Dist]) -> Findings:
    """Each file against the index's of the same name. With ``skip-existing`` any file
    whose name the index has is skipped (as twine and the anchor do: a rebuild for a
    TestPyPI re-run has other bytes), with a warning when its content differs."""
    from publisher.index import FileStatus, compare

    skip = ctx.config.skip_existing
    for dist in dists:
        status = compare(state, dist.filename, dist.digests.sha256)
        named = {"filename": dist.filename}
        if status is FileStatus.NEW:
            yield from _release_findings(ctx, state, dist)
            continue
        if skip:
            ctx.outcome.skipped.append(dist)
        if status is FileStatus.DIFFERENT:
            fields = {
                **named,
                "local": dist.digests.sha256,
                "remote": state.files[dist.filename],
                "project": ctx.index.project_url(dist.project),
            }
            key = Msg.FILE_SKIPPED_DIFFERENT if skip else Msg.FILE_EXISTS_DIFFERENT
            yield Finding("warning" if skip else "error", key, fields)
        elif status is FileStatus.UNKNOWN:
            key = Msg.FILE_SKIPPED_UNKNOWN if skip else Msg.FILE_EXISTS_UNKNOWN
            yield Finding("notice" if skip else "warning", key, named)
        elif skip:
            yield Finding("ok", Msg.CHECK_FILE_SKIPPED, named)
        else:
            yield Finding("error", Msg.FILE_EXISTS_SAME, named)


# Warehouse refuses new files for releases older than this (pypi/warehouse#19727).
RELEASE_WINDOW = 14 * 86400


def _release_findings(ctx: Context, state: ProjectState, dist: Dist) -> Findings:
    """The rules a new file meets by the release it joins: one sdist per release, and
    no new files for a release older than 14 days (PyPI's; elsewhere a warning)."""
    import time

    from packaging.version import Version

    same_release = state.releases.get((dist.project, Version(dist.version)), {})
    fields = {"filename": dist.filename, "project": dist.project, "version": dist.version}
    if dist.kind == "sdist":
        others = sorted(name for name, sdist in same_release.items() if sdist)
        if others and ctx.config.skip_existing:
            ctx.outcome.skipped.append(dist)
            yield Finding("warning", Msg.SDIST_OTHER_SKIPPED, {**fields, "other": others[0]})
            return
        if others:
            yield Finding("error", Msg.SDIST_OTHER_ON_INDEX, {**fields, "other": others[0]})
            return
    times = [state.uploaded[name] for name in same_release if name in state.uploaded]
    if times and min(times) < time.time() - RELEASE_WINDOW:
        first = time.strftime("%Y-%m-%d", time.gmtime(min(times)))
        # Warehouse's rule: on another index, a warning.
        yield Finding(
            "error" if ctx.index.is_pypi else "warning",
            Msg.RELEASE_TOO_OLD,
            {**fields, "first": first},
        )
