"""Reading a repository's GitHub workflows to predict what the OIDC token will say,
and whether the publishing job will get one at all, before anything runs."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.errors import InputError
from publisher.messages import Msg
from publisher.outcome import Finding

# Repository names of this action and of the one it replaces (whose inputs we share): a
# step using either, under any owner (a fork), at any ref or SHA, publishes.
ACTION_NAMES = ("trusted-publish-action", "gh-action-pypi-publish")
_GITHUB_REMOTE = re.compile(r"github\.com[:/](?P<owner>[^/]+)/(?P<repo>[^/]+?)(?:\.git)?/?$")


@dataclass
class PublishJob:
    """A job with a step that uses the action, and what GitHub will give it."""

    workflow: Path
    job_id: str
    environment: str | None
    environment_is_expression: bool
    id_token: bool
    permissions_source: str  # where id_token came from, for the report
    uses_password: bool
    non_linux_runner: str | None  # the runs-on label when it is not a Linux runner


@dataclass
class WorkflowFacts:
    """What a workflow file tells about publishing from it."""

    path: Path
    triggers: list[str]
    reusable: bool
    callers: list[Path] = field(default_factory=list)
    jobs: list[PublishJob] = field(default_factory=list)


def _load(path: Path) -> dict[Any, Any]:
    import yaml

    if not path.exists():
        raise InputError(Msg.WORKFLOW_NOT_FOUND, path=path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(Msg.WORKFLOW_UNREADABLE, path=path, reason=exc.strerror or exc) from None
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 (byte {exc.start})"
        raise InputError(Msg.WORKFLOW_UNREADABLE, path=path, reason=reason) from None
    except yaml.YAMLError as exc:
        raise InputError(
            Msg.WORKFLOW_UNREADABLE, path=path, reason=str(exc).splitlines()[0]
        ) from None
    except RecursionError:
        raise InputError(Msg.WORKFLOW_UNREADABLE, path=path, reason="nested too deeply") from None
    if not isinstance(data, dict):
        raise InputError(Msg.WORKFLOW_UNREADABLE, path=path, reason="not a mapping")
    return data


def _triggers(data: dict[Any, Any]) -> list[str]:
    # YAML 1.1 reads a bare `on:` key as the boolean True.
    on = data.get("on", data.get(True))
    if isinstance(on, str):
        return [on]
    if isinstance(on, list):
        return [str(t) for t in on]
    if isinstance(on, dict):
        return [str(t) for t in on]
    return []


def _jobs(data: dict[Any, Any]) -> dict[Any, dict[Any, Any]]:
    """The workflow's jobs that are mappings (GitHub refuses anything else anyway)."""
    jobs = data.get("jobs")
    if not isinstance(jobs, dict):
        return {}
    return {k: v for k, v in jobs.items() if isinstance(v, dict)}


def _non_linux(runs_on: Any) -> str | None:
    """The runner label if it names macOS or Windows (container actions need Linux)."""
    labels = runs_on if isinstance(runs_on, list) else [runs_on]
    for label in labels:
        if isinstance(label, str) and re.match(r"(macos|windows)", label, re.IGNORECASE):
            return label
    return None


def _grants_id_token(permissions: Any) -> bool:
    if permissions == "write-all":
        return True
    if isinstance(permissions, dict):
        return permissions.get("id-token") == "write"
    return False


def _text(value: Any) -> str:
    """A workflow value that must be a string, stripped; anything else counts as none
    (GitHub refuses it; and a YAML alias bomb is never turned into text)."""
    return value.strip() if isinstance(value, str) else ""


def uses_action(step: Any) -> bool:
    """Whether a workflow step runs this action or the one it replaces: ``./`` (this
    checkout), ``owner/name[/path]@ref`` with either name under any owner, or the
    anchor's image (``docker://…/gh-action-pypi-publish:tag``)."""
    if not isinstance(step, dict):
        return False
    uses = _text(step.get("uses"))
    if uses in ("./", "."):
        return True
    if uses.startswith("docker://"):
        image = uses.removeprefix("docker://").rsplit(":", 1)[0].rsplit("@", 1)[0]
        return image.rsplit("/", 1)[-1] in ACTION_NAMES
    parts = uses.split("@", 1)[0].split("/")
    return len(parts) >= 2 and parts[1].lower() in ACTION_NAMES


def _publishing_jobs(
    jobs: dict[Any, dict[Any, Any]], job_name: str | None, named: bool
) -> dict[Any, list[Any]]:
    """The jobs that publish, each with its publishing steps (maybe none): with
    ``job_name``, that job whatever it uses; otherwise those with a step that uses the
    action, or, in a workflow the user ``named`` that has one job, that job."""

    def steps(job: dict[Any, Any]) -> list[Any]:
        raw = job.get("steps")
        return [s for s in raw if uses_action(s)] if isinstance(raw, list) else []

    if job_name is not None:
        return {k: steps(v) for k, v in jobs.items() if str(k) == job_name}
    found = {k: found for k, v in jobs.items() if (found := steps(v))}
    if not found and named and len(jobs) == 1:
        # A named workflow whose one job publishes through an action we do not know.
        return {k: [] for k in jobs}
    return found


def analyse(path: Path, *, job_name: str | None = None, named: bool = False) -> WorkflowFacts:
    """The publishing jobs of one workflow file and what GitHub will give them."""
    from publisher import messages
    from publisher.messages import Msg

    data = _load(path)
    triggers = _triggers(data)
    facts = WorkflowFacts(path=path, triggers=triggers, reusable="workflow_call" in triggers)
    for job_id, steps in _publishing_jobs(_jobs(data), job_name, named).items():
        job = _jobs(data)[job_id]
        if "permissions" in job:
            id_token = _grants_id_token(job["permissions"])
            source = messages.phrase(Msg.SOURCE_JOB, job=job_id)
        elif "permissions" in data:
            id_token = _grants_id_token(data["permissions"])
            source = messages.phrase(Msg.SOURCE_WORKFLOW)
        else:
            # The default GITHUB_TOKEN permissions never include id-token.
            id_token, source = False, messages.phrase(Msg.SOURCE_DEFAULTS)
        environment = job.get("environment")
        if isinstance(environment, dict):
            environment = environment.get("name")
        env_text = _text(environment) or None
        first = steps[0] if steps else {}
        with_ = first.get("with") if isinstance(first.get("with"), dict) else {}
        facts.jobs.append(
            PublishJob(
                workflow=path,
                job_id=str(job_id),
                environment=env_text,
                environment_is_expression=bool(env_text and "${{" in env_text),
                id_token=id_token,
                permissions_source=source,
                uses_password=bool((with_ or {}).get("password")),
                non_linux_runner=_non_linux(job.get("runs-on")),
            )
        )
    return facts


def find_callers(target: Path, folder: Path) -> list[Path]:
    """Workflows in ``folder`` that call ``target`` as a reusable workflow."""
    callers = []
    needle = f".github/workflows/{target.name}"
    for path in sorted(folder.glob("*.y*ml")):
        if path == target:
            continue
        try:
            data = _load(path)
        except InputError:
            continue
        for job in _jobs(data).values():
            if needle in _text(job.get("uses")):
                callers.append(path)
                break
    return callers


def discover(
    root: Path, explicit: Path | None, job_name: str | None = None
) -> tuple[list[WorkflowFacts], list[InputError]]:
    """The workflow named with ``--workflow``, or every workflow under
    ``root/.github/workflows`` that uses the action; ``job_name`` (``--job``) picks
    the publishing job. Also the files of the folder that could not be read."""
    folder = root / ".github" / "workflows"
    bare = explicit is not None and explicit.parent == Path()
    if explicit and bare and not explicit.exists() and (folder / explicit.name).exists():
        explicit = folder / explicit.name  # `--workflow release.yml`
    paths = [explicit] if explicit else sorted(folder.glob("*.y*ml"))
    found, unreadable = [], []
    for path in paths:
        try:
            facts = analyse(path, job_name=job_name, named=explicit is not None)
        except InputError as exc:
            if explicit:
                raise
            unreadable.append(exc)  # one broken file does not hide the others
            continue
        if explicit or facts.jobs:
            facts.callers = find_callers(path, path.parent)
            found.append(facts)
    return found, unreadable


def github_remote(root: Path) -> tuple[str, str] | None:
    """Owner and repository of the ``origin`` remote when it is on GitHub."""
    try:
        url = subprocess.run(
            ["git", "-C", str(root), "remote", "get-url", "origin"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    match = _GITHUB_REMOTE.search(url)
    return (match.group("owner"), match.group("repo")) if match else None


def job_findings(facts: WorkflowFacts) -> Iterator[Finding]:
    """What GitHub will give the publishing jobs of one workflow, as findings."""
    name = facts.path.name
    if not facts.jobs:
        yield Finding("warning", Msg.CHECK_WORKFLOW_NO_JOB, {"workflow": name})
    if facts.reusable or facts.callers:
        callers = ", ".join(p.name for p in facts.callers) or "another workflow"
        yield Finding(
            "warning", Msg.CHECK_WORKFLOW_REUSABLE, {"workflow": name, "callers": callers}
        )
    if "pull_request_target" in facts.triggers:
        yield Finding("error", Msg.CHECK_TRIGGER_PRT, {"workflow": name})
    if "pull_request" in facts.triggers:
        yield Finding("warning", Msg.CHECK_TRIGGER_PR, {"workflow": name})
    for job in facts.jobs:
        where = {"workflow": name, "job": job.job_id}
        if job.non_linux_runner:
            yield Finding("error", Msg.CHECK_NOT_LINUX, {**where, "runner": job.non_linux_runner})
        if job.uses_password:
            yield Finding("ok", Msg.CHECK_JOB_PASSWORD, where)
        elif job.id_token:
            yield Finding("ok", Msg.CHECK_ID_TOKEN, {**where, "source": job.permissions_source})
        else:
            yield Finding(
                "error", Msg.CHECK_NO_ID_TOKEN, {**where, "source": job.permissions_source}
            )
        if job.environment_is_expression:
            yield Finding(
                "warning", Msg.CHECK_ENV_EXPRESSION, {**where, "environment": job.environment}
            )
