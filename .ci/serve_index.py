"""The index side of the container smoke test (``.ci/container``).

Plays what GitHub and PyPI are to the action's image: starts the local fake index and
OIDC issuer (``tests/fakes/index.py``, 127.0.0.1 only) with a pending publisher for the
example package, builds that package into a workspace laid out as the runner mounts it
into a docker action (``/github/workspace``, ``/github/file_commands``, ``/github/home``,
``/github/workflow``), and writes, for each run of the image, the step's environment the
way the runner writes it for ``docker run --env-file``: one ``NAME=value`` line per
variable, ``INPUT_*`` with hyphens kept and every input present, defaults applied.

    python .ci/serve_index.py WORKDIR

When ready it writes ``WORKDIR/ready`` (the index URL, then the dist file names) and
serves until SIGTERM or SIGINT. Then it checks what the index went through: exactly one
token exchange (the real publish; the dry run must never mint), both dists stored with
their sha256. Exit code 0 when so, 1 otherwise.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The fakes and the demo live outside the runtime package, in tests/ and tools/.
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tools")]

from demo import PROJECT, build_example
from fakes.index import IndexState, LocalIndex, Publisher, normalize
from fakes.sigstore import LocalSigstore

from publisher.inputs import SPECS, declared

# Where the runner mounts things in a docker action (server-facts.md, section 10).
WORKSPACE, FILE_COMMANDS, HOME, WORKFLOW = (
    "/github/workspace",
    "/github/file_commands",
    "/github/home",
    "/github/workflow",
)
RUNS = {"dry-run": "true", "publish": "false"}  # run name -> the dry-run input
TRUST_CONFIG = "sigstore-trust-config.json"  # in the workspace


def runner_env(index: LocalIndex, run: str, dry_run: str) -> dict[str, str]:
    """The environment GitHub gives the action's container for one step. Both sign
    (PEP 740) with the local Sigstore, whose trust config is in the workspace."""
    claims = index.state.run
    inputs = {
        **declared(),
        "repository-url": index.upload_url,
        "oidc-audience": index.state.audience,  # pinned, as for any index but PyPI
        "dry-run": dry_run,
        "sigstore-trust-config": TRUST_CONFIG,
    }
    return {
        **{f"INPUT_{name.upper()}": value for name, value in inputs.items()},
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "RUNNER_OS": "Linux",
        "HOME": HOME,
        "GITHUB_WORKSPACE": WORKSPACE,
        "GITHUB_OUTPUT": f"{FILE_COMMANDS}/{run}_output",
        "GITHUB_STEP_SUMMARY": f"{FILE_COMMANDS}/{run}_summary",
        "GITHUB_EVENT_PATH": f"{WORKFLOW}/event.json",
        "GITHUB_EVENT_NAME": claims.event_name,
        "GITHUB_REPOSITORY": claims.repository,
        "GITHUB_REF": claims.ref,
        "GITHUB_SHA": "0" * 40,
        "GITHUB_WORKFLOW_REF": (
            f"{claims.repository}/.github/workflows/{claims.workflow}@{claims.ref}"
        ),
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "1",
        **index.github_env(),
        # The job's env: reaches the container, a build's loader variables with it: the
        # publish starts Python again without them (publisher/environ.py), and says so.
        **({"LD_LIBRARY_PATH": f"{WORKSPACE}/build/lib"} if run == "publish" else {}),
    }


def prepare(work: Path, index: LocalIndex, sigstore: LocalSigstore) -> list[str]:
    """Lay out the mounted folders, build the dists, write one env file per run."""
    for name in ("workspace", "file_commands", "home", "workflow", "runs"):
        (work / name).mkdir(parents=True, exist_ok=True)
    dists = build_example(work / "workspace" / SPECS["packages-dir"].default)
    shutil.copy(sigstore.trust_config_path, work / "workspace" / TRUST_CONFIG)
    (work / "workflow" / "event.json").write_text(json.dumps({"ref": index.state.run.ref}))
    for run, dry_run in RUNS.items():
        for kind in ("output", "summary"):
            (work / "file_commands" / f"{run}_{kind}").touch()
        path = work / "runs" / f"{run}.env"
        # The fake issuer's request token is in here, as in the runner's env file.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for key, value in runner_env(index, run, dry_run).items():
                out.write(f"{key}={value}\n")
    return dists


def verdict(work: Path, index: LocalIndex, sigstore: LocalSigstore, dists: list[str]) -> list[str]:
    """What went wrong on the index's side; empty when all is as expected."""
    state = index.state
    problems = []
    mints = state.paths("POST").count("/_/oidc/mint-token")
    if mints != 1:
        problems.append(f"expected 1 token exchange (the publish, not the dry run), saw {mints}")
    logged = len(sigstore.requests_to("rekor"))
    if logged != len(dists):
        problems.append(f"expected {len(dists)} signatures (the publish only), saw {logged}")
    project = state.projects.get(normalize(PROJECT))
    held = {f.filename: f.sha256 for f in project.files.values()} if project else {}
    for name in dists:
        local = hashlib.sha256((work / "workspace" / "dist" / name).read_bytes()).hexdigest()
        if held.get(name) != local:
            problems.append(f"{name}: the index holds {held.get(name) or 'nothing'}, not {local}")
        elif project is not None and not project.files[name].attestations:
            problems.append(f"{name}: stored without its attestation")
    return problems


def main() -> int:
    work = Path(sys.argv[1]).resolve()
    state = IndexState()
    run = state.run
    owner, repo = run.repository.split("/")
    state.pending.append(
        Publisher(owner, repo, run.workflow, run.environment or "", run.owner_id, PROJECT)
    )
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    with LocalSigstore(work / "sigstore") as sigstore, LocalIndex(state) as index:
        state.sigstore_root = sigstore.trusted_root_json
        dists = prepare(work, index, sigstore)
        (work / "ready").write_text("\n".join([index.url, *dists]) + "\n")
        print(f"serve_index: local index at {index.url}, dists {', '.join(dists)}", flush=True)
        while not stop.wait(0.2):
            pass
        requests = [f"{method} {path}" for method, path in state.requests]
        problems = verdict(work, index, sigstore, dists)
    print(f"serve_index: the index received {len(requests)} requests:", *requests, sep="\n  ")
    for problem in problems:
        print(f"serve_index: FAILED: {problem}", file=sys.stderr)
    if not problems:
        print(
            "serve_index: ok: one token exchange and one signature per dist (the publish), "
            "both dists stored intact with their verified attestations"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
