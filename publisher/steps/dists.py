"""The step that finds, validates and hashes the distributions."""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING

from publisher import messages
from publisher.errors import DistError
from publisher.finding import Finding
from publisher.messages import Msg
from publisher.steps import Findings

if TYPE_CHECKING:
    from publisher.context import Context


def validate_dists(ctx: Context) -> Findings:
    """Find, validate and hash the distributions; every bad file is reported."""
    from packaging.version import Version

    from publisher.attest import is_attestation_of
    from publisher.dists import check_all

    config = ctx.config

    try:
        dists, ignored, problems = check_all(
            config.packages_dir, verify_metadata=config.verify_metadata
        )
    except DistError as exc:
        if not _workflows_only(ctx, exc):
            raise
        # One folder of several (the others may have dists): that one is not checked.
        key = Msg.CHECK_FOLDER_NO_DISTS if ctx.folder else Msg.CHECK_WORKFLOWS_ONLY
        yield Finding("notice", key, {"folder": config.packages_dir})
        return
    # Attestations beside their dists (`<dist>.<kind>.attestation`) are not strays.
    names = {d.filename for d in dists}
    ignored = [name for name in ignored if not is_attestation_of(name, names)]
    ctx.outcome.dists, ctx.outcome.ignored = dists, ignored
    if ignored:
        yield Finding(
            "notice",
            Msg.CHECK_IGNORED,
            {"folder": config.packages_dir, "files": ", ".join(ignored)},
        )
    for dist in dists:
        sha = dist.digests.sha256
        digest = messages.Text(f", sha256 {sha}", f", sha256 `{sha}`") if config.print_hash else ""
        fields = {"filename": dist.filename, "name": dist.name, "version": dist.version}
        yield Finding("ok", Msg.CHECK_DIST, {**fields, "kind": dist.kind, "hash": digest})
        for warning in dist.warnings:
            yield Finding("warning", warning.key, warning.fields)
    for problem in problems:
        if isinstance(path := problem.fields.get("path"), PurePath):
            ctx.outcome.refused.append(path.name)
        yield Finding.from_error(problem)
    for project in ctx.outcome.projects:
        versions = sorted({d.version for d in dists if d.project == project}, key=Version)
        if len(versions) > 1:  # often a stale build left in dist/
            fields = {"project": project, "versions": ", ".join(versions)}
            yield Finding("warning", Msg.SEVERAL_VERSIONS, fields)


def _workflows_only(ctx: Context, problem: DistError) -> bool:
    """``publisher check`` without built dists (and without ``--packages-dir``): a lint
    of the workflows alone, as on a pull request."""
    from publisher.context import Mode

    return (
        ctx.mode is Mode.CHECK
        and not ctx.packages_dir_given
        and problem.key in (Msg.DIR_MISSING, Msg.NO_DISTS)
    )
