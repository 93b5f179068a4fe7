"""``publisher demo``: a whole trusted publish on this machine, as a new user's first run.

It builds the example package, starts a local index and OIDC issuer (loopback only),
registers a pending publisher for the package, runs the action with the environment a
GitHub runner gives it, then shows the step summary, the outputs and what the index holds.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import chdir
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "example"


def build_example(dest: Path) -> list[str]:
    """Build the example's sdist and wheel into ``dest`` with its build backend, in-process."""
    import flit_core.buildapi as backend

    dest.mkdir(parents=True, exist_ok=True)
    with chdir(EXAMPLE):
        return [backend.build_sdist(str(dest)), backend.build_wheel(str(dest))]


def demo(*, keep: bool = False) -> int:
    """Run the demo; returns the action's exit code."""
    from publisher.cli import run_action
    from publisher.localindex import IndexState, LocalIndex, Publisher

    work = Path(tempfile.mkdtemp(prefix="publisher-demo-"))
    try:
        print(f"== Building the example package ({EXAMPLE})")
        for name in build_example(work / "dist"):
            print(f"   built {name}")
        state = IndexState()
        run = state.run
        owner, repo = run.repository.split("/")
        # The maintainer registered a pending publisher for the project, as on pypi.org.
        state.pending.append(
            Publisher(owner, repo, run.workflow, run.environment or "", run.owner_id, "tpa-example")
        )
        with LocalIndex(state) as index:
            print(f"== Local index and OIDC issuer at {index.url}")
            print(
                f"   pending publisher: project tpa-example <- {run.repository}, "
                f"workflow {run.workflow}, environment {run.environment}"
            )
            output, summary = work / "github_output", work / "step_summary.md"
            output.touch()
            summary.touch()
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))},
                **index.github_env(),
                "INPUT_REPOSITORY-URL": index.upload_url,
                "INPUT_PACKAGES-DIR": str(work / "dist"),
                "GITHUB_OUTPUT": str(output),
                "GITHUB_STEP_SUMMARY": str(summary),
                "GITHUB_REPOSITORY": run.repository,
                "GITHUB_EVENT_NAME": run.event_name,
                "GITHUB_WORKSPACE": str(work),
                "RUNNER_OS": "Linux",
            }
            print("== Running the action")
            code = run_action(env)
            print(f"== The action exited with {code}. Step summary:")
            print(summary.read_text(encoding="utf-8"))
            print("== Step outputs ($GITHUB_OUTPUT)")
            print(output.read_text(encoding="utf-8"))
            print("== The index now holds")
            for project in state.projects.values():
                for stored in project.files.values():
                    print(f"   {project.name}: {stored.filename}  sha256 {stored.sha256}")
        return code
    finally:
        if keep:
            print(f"(kept {work})")
        else:
            shutil.rmtree(work, ignore_errors=True)
