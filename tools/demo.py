"""``make demo``: a whole trusted publish on this machine, as a new user's first run.

It builds the example package, starts a local index and OIDC issuer (loopback only),
registers a pending publisher for the package, runs the action with the environment a
GitHub runner gives it, then shows the step summary, the outputs and what the index
holds. A second act repeats the release with the pending publisher registered under
another name, the classic mistake, to show the action stop it before any upload.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from contextlib import chdir
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The fake index lives with the tests: it is not part of the runtime package.
sys.path.insert(0, str(ROOT / "tests"))

from fakes.index import IndexState, LocalIndex, Publisher

EXAMPLE = ROOT / "example"
PROJECT = "tpa-example"


def build_example(dest: Path) -> list[str]:
    """Build the example's sdist and wheel into ``dest`` with its build backend, in-process."""
    import flit_core.buildapi as backend

    dest.mkdir(parents=True, exist_ok=True)
    with chdir(EXAMPLE):
        return [backend.build_sdist(str(dest)), backend.build_wheel(str(dest))]


def _act(title: str, state: IndexState, pending_name: str, work: Path) -> int:
    """Register a pending publisher for ``pending_name`` and run the action once."""
    from publisher.cli import run_action

    run = state.run
    owner, repo = run.repository.split("/")
    state.pending.append(
        Publisher(owner, repo, run.workflow, run.environment or "", run.owner_id, pending_name)
    )
    with LocalIndex(state) as index:
        print(f"\n######## {title}")
        print(f"== Local index and OIDC issuer at {index.url}")
        print(
            f"   pending publisher: project {pending_name} <- {run.repository}, "
            f"workflow {run.workflow}, environment {run.environment}"
        )
        files = work / title.split(":")[0].replace(" ", "_")
        files.mkdir()
        output, summary = files / "github_output", files / "step_summary.md"
        output.touch()
        summary.touch()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))},
            **index.github_env(),
            "INPUT_REPOSITORY-URL": index.upload_url,
            # Any index but PyPI and TestPyPI has its audience pinned by the workflow.
            "INPUT_OIDC-AUDIENCE": state.audience,
            "INPUT_PACKAGES-DIR": str(work / "dist"),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_REPOSITORY": run.repository,
            "GITHUB_EVENT_NAME": run.event_name,
            "GITHUB_WORKSPACE": str(work),
            "RUNNER_OS": "Linux",
        }
        print("== Running the action (its log follows)")
        code = run_action(env)
        print(f"== The action exited with {code}. Step summary:")
        print(summary.read_text(encoding="utf-8"))
        print("== Step outputs ($GITHUB_OUTPUT)")
        print(output.read_text(encoding="utf-8"))
        print("== The index now holds")
        for project in state.projects.values():
            print(f"   project {project.name}: {len(project.files)} file(s)")
            for stored in project.files.values():
                print(f"     {stored.filename}  sha256 {stored.sha256}")
        print(f"   upload requests received: {state.paths('POST').count('/legacy/')}")
    return code


def demo(*, keep: bool = False) -> int:
    """Run the demo; 0 when the publish worked and the mistake was stopped."""

    work = Path(tempfile.mkdtemp(prefix="publisher-demo-"))
    try:
        print(f"== Building the example package ({EXAMPLE})")
        for name in build_example(work / "dist"):
            print(f"   built {name}")
        first = _act(
            "Act 1: a first release through a pending publisher", IndexState(), PROJECT, work
        )
        mistaken = IndexState()
        second = _act(
            "Act 2: the same release, pending publisher registered as python-tpa-example",
            mistaken,
            f"python-{PROJECT}",
            work,
        )
        # Act 2 must fail, and before any upload request reached the index.
        ok = first == 0 and second == 1 and "/legacy/" not in mistaken.paths()
        print(
            "\n== Demo "
            + (
                "done: act 1 published, act 2 was stopped before any upload."
                if ok
                else "FAILED: see above."
            )
        )
        return 0 if ok else 1
    finally:
        if keep:
            print(f"(kept {work})")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Publish the example package to a local index.")
    parser.add_argument("--keep", action="store_true", help="keep the demo's temporary folder")
    sys.exit(demo(keep=parser.parse_args().keep))
