"""The release (docs/releasing.md): the action.yml a release commits, and the workflow
that makes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import release_action_yml
import yaml
from conftest import ROOT
from release_action_yml import ReleaseError, released

WORKFLOW: dict[Any, Any] = yaml.safe_load(
    (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
)
ACTION = (ROOT / "action.yml").read_text(encoding="utf-8")
DIGEST = "sha256:" + "0123456789abcdef" * 4
REFERENCE = f"ghcr.io/trusted-publish-action/trusted-publish-action@{DIGEST}"


def test_release_action_yml_runs_the_image_by_digest_and_changes_nothing_else() -> None:
    text = released(ACTION, REFERENCE)
    assert yaml.safe_load(text)["runs"] == {"using": "docker", "image": f"docker://{REFERENCE}"}
    changed = [
        (a, b) for a, b in zip(ACTION.splitlines(), text.splitlines(), strict=True) if a != b
    ]
    assert changed == [("  image: Dockerfile", f"  image: docker://{REFERENCE}")]


@pytest.mark.parametrize(
    "reference",
    [
        "ghcr.io/trusted-publish-action/trusted-publish-action:v1.2.0",  # a tag can move
        f"docker.io/library/python@{DIGEST}",
        "ghcr.io/trusted-publish-action/trusted-publish-action@sha256:0123",
        f"ghcr.io/Trusted/Name@{DIGEST}",  # registries take lower case only
    ],
)
def test_release_action_yml_refuses_anything_but_a_ghcr_digest(reference: str) -> None:
    with pytest.raises(ReleaseError, match="pinned by digest"):
        released(ACTION, reference)


def test_release_action_yml_refuses_an_action_yml_released_already(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    action = tmp_path / "action.yml"
    action.write_text(released(ACTION, REFERENCE), encoding="utf-8")
    monkeypatch.setattr(release_action_yml, "ACTION_YML", action)
    assert release_action_yml.main([REFERENCE]) == 2
    assert "release from a commit of main" in capsys.readouterr().err
    assert action.read_text(encoding="utf-8") == released(ACTION, REFERENCE)


def test_release_workflow_runs_on_version_tags_only() -> None:
    # PyYAML reads the key `on` as True.
    assert WORKFLOW[True] == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}}
    assert WORKFLOW["permissions"] == {}


def test_release_workflow_names_the_readmes_repository_and_stops_elsewhere() -> None:
    from test_docs import ACTION_REPOSITORY

    assert WORKFLOW["env"] == {
        "REPOSITORY": ACTION_REPOSITORY,
        "IMAGE": f"ghcr.io/{ACTION_REPOSITORY}",
    }
    guard = WORKFLOW["jobs"]["build"]["steps"][2]["run"]
    assert guard.startswith('if [ "$GITHUB_REPOSITORY" != "$REPOSITORY" ]; then')


def test_release_workflow_publishes_with_this_action_and_only_there_gets_a_token() -> None:
    jobs = WORKFLOW["jobs"]
    tokens = [name for name, job in jobs.items() if job["permissions"].get("id-token")]
    assert tokens == ["pypi"]
    assert jobs["pypi"]["environment"] == "pypi"
    assert jobs["pypi"]["steps"][-1]["uses"] == "./"
    assert set(jobs["pypi"]["needs"]) == {"build", "test", "image-index"}


def test_release_workflow_builds_both_architectures_and_pins_the_index() -> None:
    jobs = WORKFLOW["jobs"]
    platforms = [leg["platform"] for leg in jobs["image"]["strategy"]["matrix"]["include"]]
    assert platforms == ["linux/amd64", "linux/arm64"]
    assert "push-by-digest=true" in jobs["image"]["steps"][-2]["run"]
    run = jobs["release"]["steps"][-1]["run"]
    assert 'python3 tools/release_action_yml.py "$IMAGE@$DIGEST"' in run
    assert (
        jobs["release"]["steps"][-1]["env"]["DIGEST"] == "${{ needs.image-index.outputs.digest }}"
    )
