"""The action end to end, run as GitHub runs it, against the local index."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import GitHub, file_sha256, make_sdist, make_wheel, metadata_text, publisher_for_run
from fakes.index import LocalIndex, RunClaims
from shown import all_annotations

from publisher import messages
from publisher.messages import Msg


def _dists(github: GitHub, name: str = "example", version: str = "1.0.0") -> None:
    make_sdist(github.dist, name, version)
    make_wheel(github.dist, name, version)


def test_first_publish_through_pending_publisher(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    index.state.pending.append(publisher_for_run(index, project="example"))

    run = github.run(subprocess_run=True)

    assert run.code == 0, run.log
    assert sorted(index.state.projects["example"].files) == [
        "example-1.0.0-py3-none-any.whl",
        "example-1.0.0.tar.gz",
    ]
    assert run.output_list("uploaded") == ["example-1.0.0.tar.gz", "example-1.0.0-py3-none-any.whl"]
    assert run.output_list("skipped") == []
    assert run.output_list("urls") == [f"{index.url}/project/example/"]
    stored = index.state.projects["example"].files["example-1.0.0.tar.gz"]
    assert stored.sha256 in run.summary
    assert stored.sha256 in run.log  # print-hash defaults to true
    assert "Published to" in run.summary
    assert "::add-mask::" in run.log  # tokens are masked for the runner
    # Before the exchange a new project is news, not a problem to fix.
    assert "::notice title=Project `example` is not on" in run.log
    assert "Fix: register the pending publisher" not in run.log
    assert "::warning" not in run.log


def test_unsigned_publish_has_no_signing_phase(github: GitHub, index: LocalIndex) -> None:
    """An index that takes no attestations (a notice says so): the log has no fold for
    a signing that does not happen, and its time line names none."""
    _dists(github)
    index.state.add_project("example", publisher_for_run(index))
    run = github.run()
    assert run.code == 0, run.log
    assert "::notice title=No attestations for" in run.log
    assert "::group::Attestations" not in run.log
    assert re.search(
        r"^Time taken: checks [\d.]+ s, token [\d.]+ s, upload [\d.]+ s\.$", run.log, re.M
    )


def test_publish_to_existing_project_with_publisher(github: GitHub, index: LocalIndex) -> None:
    _dists(github, version="2.0")
    index.state.add_project("example", publisher_for_run(index))
    index.state.add_file("example", "example-1.0.tar.gz", b"old", "1.0")

    run = github.run()

    assert run.code == 0, run.log
    assert set(index.state.projects["example"].files) == {
        "example-1.0.tar.gz",
        "example-2.0.tar.gz",
        "example-2.0-py3-none-any.whl",
    }


def test_environment_in_another_case_publishes_without_a_warning(
    github: GitHub, index: LocalIndex
) -> None:
    """The job's environment is `PyPI`, the publisher's `pypi`: the index compares them
    in any case, so the action must not stand in the way, nor warn."""
    _dists(github)
    index.state.run = RunClaims(environment="PyPI")
    index.state.add_project("example", publisher_for_run(index, environment="pypi"))
    run = github.run()
    assert run.code == 0, run.log
    assert [a for a in all_annotations(run.log) if a.level != "notice"] == []
    assert sorted(index.state.projects["example"].files) == [
        "example-1.0.0-py3-none-any.whl",
        "example-1.0.0.tar.gz",
    ]


def _claim_row(body: str, key: Msg, value: str) -> str:
    """The two lines of the claims table for ``key``: its value, then what the
    publisher must hold (``messages.publisher_table``)."""
    name = messages.claim_row(key)[0]
    lines = body.splitlines()
    at = lines.index(f"  {name:<14} {value}")
    return lines[at] + "\n" + lines[at + 1]


def test_environment_refusal_says_case_does_not_matter(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    index.state.run = RunClaims(environment="production")
    index.state.add_project("example", publisher_for_run(index, environment="pypi"))
    run = github.run()
    assert run.code == 1
    error = run.shows(Msg.MINT_INVALID_PUBLISHER, "error", environment="production")
    row = _claim_row(error.body, Msg.SUMMARY_CLAIM_ENVIRONMENT, "production")
    assert row.endswith(
        "the publisher: the same, in any case; or none, which accepts any "
        "(a publisher with an environment never matches a job without one)"
    )
    assert index.state.uploads == []


def test_inputs_read_without_runner_defaults(github: GitHub, index: LocalIndex) -> None:
    """Absent INPUT_* variables take action.yml's defaults (packages-dir: dist)."""
    _dists(github)
    index.state.add_project("example", publisher_for_run(index))
    run = github.run(runner_defaults=False, subprocess_run=True)
    assert run.code == 0, run.log
    assert len(run.output_list("uploaded")) == 2


def test_underscore_input_names_are_accepted(github: GitHub, index: LocalIndex) -> None:
    make_wheel(github.workspace / "out")
    index.state.add_project("example", publisher_for_run(index))
    run = github.run(
        {"repository-url": index.upload_url},
        env={"INPUT_PACKAGES_DIR": "out"},
        runner_defaults=False,
    )
    assert run.code == 0, run.log
    assert run.output_list("uploaded") == ["example-1.0.0-py3-none-any.whl"]


def test_bad_boolean_input_is_named(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    run = github.run({"skip-existing": "maybe"})
    assert run.code == 1
    assert "skip-existing" in run.log
    assert "maybe" in run.log
    assert "true/false" in run.log
    assert index.state.requests == []


def test_password_upload_skips_oidc(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    token = "pypi-user-token-abcdef0123456789"
    index.state.user_tokens.add(token)

    run = github.run({"password": token}, oidc=False)

    assert run.code == 0, run.log
    assert "example" in index.state.projects
    assert not any(p.startswith("/_/oidc") for p in index.state.paths())
    assert "/_github/token" not in index.state.paths()


def test_wrong_password_is_explained(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    run = github.run({"password": "pypi-not-a-valid-token"}, oidc=False)
    assert run.code == 1
    assert "rejected the user name or password" in run.log  # not PyPI: no token advice
    assert "example" not in index.state.projects


def test_password_with_user_refused_for_pypi(github: GitHub) -> None:
    _dists(github)
    run = github.run(
        {
            "repository-url": "https://upload.pypi.org/legacy/",
            "user": "alice",
            "password": "hunter2",
        }
    )
    assert run.code == 1
    assert "accepts API tokens only" in run.log
    assert "alice" in run.log


def test_no_id_token_permission(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    run = github.run(oidc=False)
    assert run.code == 1
    assert "id-token: write" in run.log
    assert "/legacy/" not in index.state.paths()


def test_fork_pull_request(github: GitHub) -> None:
    _dists(github)
    payload = {"pull_request": {"head": {"repo": {"fork": True}}}}
    run = github.run(oidc=False, event="pull_request", event_payload=payload)
    assert run.code == 1
    assert "fork" in run.log
    assert "never gives" in run.log


def test_pull_request_target_refused_before_mint(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    index.state.add_project("example", publisher_for_run(index))
    run = github.run(event="pull_request_target")
    assert run.code == 1
    assert "pull_request_target" in run.log
    assert "/_/oidc/mint-token" not in index.state.paths()


def test_trusted_publishing_disabled(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    index.state.trusted_publishing = "disabled"
    run = github.run()
    assert run.code == 1
    assert "Trusted publishing is disabled on the index" in run.log


def test_trusted_publishing_absent(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    index.state.trusted_publishing = "absent"
    run = github.run()
    assert run.code == 1
    assert "does not support trusted publishing" in run.log


def test_invalid_publisher_shows_claims_table(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    index.state.add_project("example", publisher_for_run(index, workflow="publish.yml"))
    run = github.run()
    assert run.code == 1
    assert "`invalid-publisher`" in run.log
    assert "Publisher with matching claims was not found" in run.log  # the index's text
    for shown in ("octo-org", "octo-org/example", "release.yml", "pypi", "refs/tags/v1.0.0"):
        assert shown in run.log
    assert "/manage/project/example/settings/publishing/" in run.log
    assert "/legacy/" not in index.state.paths()
    assert "No trusted publisher matches this run" in run.summary


def test_owner_case_matters(github: GitHub, index: LocalIndex) -> None:
    """The repository moved to `Octo-Org` (the token's owner), the publisher still says
    `octo-org`: the index refuses the token, and the owner's row shows the token's
    owner as it is, with the publisher's rule: the same, case-sensitive."""
    _dists(github)
    index.state.run = RunClaims(repository="Octo-Org/example")
    index.state.add_project("example", publisher_for_run(index, owner="octo-org"))
    run = github.run()
    assert run.code == 1
    error = run.shows(Msg.MINT_INVALID_PUBLISHER, "error", owner="Octo-Org")
    row = _claim_row(error.body, Msg.SUMMARY_CLAIM_OWNER, "Octo-Org")
    assert row.endswith("the publisher: the same owner, exactly, case-sensitive (renamed owner?)")
    assert ["owner", "Octo-Org", "the same owner, exactly, case-sensitive"] in [
        r[:3] for r in run.page.table("claim")
    ]
    assert index.state.uploads == []
    assert "/legacy/" not in index.state.paths()


def test_environment_on_publisher_but_not_on_job(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    index.state.run = RunClaims(environment=None)
    index.state.add_project("example", publisher_for_run(index, environment="pypi"))
    run = github.run()
    assert run.code == 1
    assert "environment    (none)" in run.log
    assert "never matches a job without one" in run.log


def test_pending_publisher_for_existing_project(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    index.state.add_project("example")
    index.state.pending.append(publisher_for_run(index, project="example"))
    run = github.run()
    assert run.code == 1
    assert "`invalid-pending-publisher`" in run.log
    assert "project already exists" in run.log


def test_github_trusted_publishing_not_enabled(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    index.state.github_enabled = False
    run = github.run()
    assert run.code == 1
    assert "`not-enabled`" in run.log


def test_token_for_another_audience(github: GitHub, index: LocalIndex) -> None:
    """A token made for one index's audience is refused by another (invalid-token)."""
    _dists(github)
    index.state.add_project("example", publisher_for_run(index))
    index.state.advertised_audience = "index-a"
    index.state.audience = "index-b"
    run = github.run({"oidc-audience": "index-a"})
    assert run.code == 1
    assert "`invalid-token`" in run.log
    assert "audience `index-a`" in run.log


def test_reusable_workflow_is_named(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    index.state.run = RunClaims(called_workflow="octo-org/shared/.github/workflows/pypi.yml")
    index.state.add_project("example", publisher_for_run(index))
    run = github.run()
    assert run.code == 1
    assert "reusable workflow" in run.log
    assert "octo-org/shared/.github/workflows/pypi.yml@refs/tags/v1.0.0" in run.log
    assert "octo-org/example/.github/workflows/release.yml@refs/tags/v1.0.0" in run.log
    assert "https://github.com/pypi/warehouse/issues/11096" in run.log
    # the warning comes before the mint request's diagnosis
    assert run.log.index("Publishing from a reusable workflow") < run.log.index("invalid-publisher")


def test_name_mismatch_stops_before_upload(github: GitHub, index: LocalIndex) -> None:
    """The seed's case: the pending publisher was registered as python-spam, the
    package is spam. The message speaks of this run's names, and of no other."""
    _dists(github, "spam")
    index.state.pending.append(publisher_for_run(index, project="python-spam"))

    run = github.run(subprocess_run=True)

    assert run.code == 1
    assert "python-spam" in index.state.projects  # the mint created the other project
    assert "/legacy/" not in index.state.paths()  # nothing was sent for upload
    error = run.shows(
        Msg.NAME_MISMATCH_AFTER_MINT, "error", name="spam", project="spam", index=index.url
    )
    assert "change `name` in pyproject.toml" in error.body
    assert "delete the empty project" in error.body
    assert "pending publisher for exactly `spam`" in error.body
    text = error.title + error.body
    assert "python-example" not in text  # no name that is not this run's
    assert "`example`" not in text
    assert run.output_list("uploaded") == []
    assert "Nothing was uploaded." in run.summary


def test_name_check_accepts_normalized_equal_names(github: GitHub, index: LocalIndex) -> None:
    make_wheel(github.dist, "My.Package", "1.0")
    index.state.pending.append(publisher_for_run(index, project="my-package"))
    run = github.run()
    assert run.code == 0, run.log
    assert "my-package" in index.state.projects


def test_token_not_linked_to_existing_project(github: GitHub, index: LocalIndex) -> None:
    make_wheel(github.dist, "example")
    make_wheel(github.dist, "other")
    index.state.add_project("example", publisher_for_run(index))
    index.state.add_project("other")
    run = github.run()
    assert run.code == 1
    assert "may not upload to `other`" in run.log
    assert "/manage/project/other/settings/publishing/" in run.log
    assert run.output_list("uploaded") == ["example-1.0.0-py3-none-any.whl"]
    assert "re-run with `skip-existing: true`" in run.summary


def test_skip_existing_identical_files(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    index.state.add_project("example", publisher_for_run(index))
    wheel = github.dist / "example-1.0.0-py3-none-any.whl"
    index.state.add_file("example", wheel.name, wheel.read_bytes(), "1.0.0")

    run = github.run({"skip-existing": "true"})

    assert run.code == 0, run.log
    assert run.output_list("skipped") == [wheel.name]
    assert f"Skipped {wheel.name} (skip-existing): the index has it already, the same" in run.log
    assert run.output_list("uploaded") == ["example-1.0.0.tar.gz"]
    assert index.state.uploads == [
        {
            "filename": "example-1.0.0.tar.gz",
            "name": "example",
            "sha256": index.state.projects["example"].files["example-1.0.0.tar.gz"].sha256,
        }
    ]


def test_existing_file_without_skip_existing(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    index.state.add_project("example", publisher_for_run(index))
    wheel = github.dist / "example-1.0.0-py3-none-any.whl"
    index.state.add_file("example", wheel.name, wheel.read_bytes(), "1.0.0")
    run = github.run()
    assert run.code == 1
    assert "skip-existing: true" in run.log
    assert "/_/oidc/mint-token" not in index.state.paths()


def test_existing_file_with_other_content(github: GitHub, index: LocalIndex) -> None:
    """Without skip-existing: an error naming both digests, nothing minted."""
    _dists(github)
    index.state.add_project("example", publisher_for_run(index))
    index.state.add_file("example", "example-1.0.0.tar.gz", b"something else", "1.0.0")
    run = github.run()
    assert run.code == 1
    remote = index.state.projects["example"].files["example-1.0.0.tar.gz"].sha256
    assert remote in run.log
    assert file_sha256(github.dist / "example-1.0.0.tar.gz") in run.log
    assert "other content" in run.log
    assert "/_/oidc/mint-token" not in index.state.paths()


def test_rebuilt_files_are_skipped_with_skip_existing(github: GitHub, index: LocalIndex) -> None:
    """A TestPyPI re-run of an unchanged version, rebuilt: the index has the names with
    other bytes. As with twine and the anchor, skip-existing skips them, warning with
    both digests; the index keeps its copies."""
    _dists(github)
    index.state.add_project("example", publisher_for_run(index))
    old = {"example-1.0.0.tar.gz": b"first build", "example-1.0.0-py3-none-any.whl": b"first"}
    for name, content in old.items():
        index.state.add_file("example", name, content, "1.0.0")
    run = github.run({"skip-existing": "true"})
    assert run.code == 0, run.log
    assert sorted(run.output_list("skipped")) == sorted(old)
    assert run.output_list("uploaded") == []
    warnings = [line for line in run.log.splitlines() if line.startswith("::warning")]
    for name in old:
        remote = index.state.projects["example"].files[name].sha256
        assert any(remote in w and file_sha256(github.dist / name) in w for w in warnings)
    assert "keeps its copy" in run.log
    assert "the same bytes" not in run.log
    assert run.summary.count("skipped: the index keeps its own, other file") == 2
    assert index.state.uploads == []


def test_no_dists(github: GitHub, index: LocalIndex) -> None:
    github.dist.mkdir()
    (github.dist / "notes.txt").write_text("x")
    run = github.run()
    assert run.code == 1
    assert "No distributions to publish" in run.log
    assert "notes.txt" in run.log
    assert index.state.requests == []


def test_stray_files_get_one_notice(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    (github.dist / "example-1.0.0.tar.gz.asc").write_text("sig")
    (github.dist / "README").write_text("x")
    index.state.add_project("example", publisher_for_run(index))
    run = github.run()
    assert run.code == 0, run.log
    notices = [line for line in run.log.splitlines() if line.startswith("::notice")]
    assert len([n for n in notices if "README" in n]) == 1
    assert "example-1.0.0.tar.gz.asc" in run.log


def test_print_hash_off(github: GitHub, index: LocalIndex) -> None:
    make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    run = github.run({"print-hash": "false"})
    assert run.code == 0
    assert "sha256 " not in run.stdout


def test_not_linux(github: GitHub) -> None:
    _dists(github)
    run = github.run(env={"RUNNER_OS": "macOS"})
    assert run.code == 1
    assert "Linux" in run.log


def test_fork_pull_request_review(github: GitHub) -> None:
    _dists(github)
    payload = {"pull_request": {"head": {"repo": {"fork": True}}}}
    run = github.run(oidc=False, event="pull_request_review", event_payload=payload)
    assert run.code == 1
    assert "`pull_request_review` from a fork" in run.log


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://exa mple.com/legacy/", "is not a usable URL"),
        ("http://127.0.0.1:99999/legacy/", "is not a usable URL"),
        ("https://[::1/legacy/", "is not a usable URL"),
        ("https:///legacy/", "it names no host"),
        ("https://user:hunter2@upload.example.org/legacy/", "must not contain credentials"),
    ],
)
def test_unusable_repository_url(github: GitHub, url: str, expected: str) -> None:
    _dists(github)
    run = github.run({"repository-url": url})
    assert run.code == 1
    assert expected in run.log
    assert "hunter2" not in run.log


def test_input_given_twice_differently(github: GitHub, index: LocalIndex) -> None:
    """As in the anchor, the hyphen spelling wins; we say so."""
    make_wheel(github.workspace / "out")
    index.state.add_project("example", publisher_for_run(index))
    run = github.run({"packages-dir": "out"}, env={"INPUT_PACKAGES_DIR": "elsewhere"})
    assert run.code == 0, run.log
    assert "given twice" in run.log
    assert "INPUT_PACKAGES_DIR" in run.log
    assert run.output_list("uploaded") == ["example-1.0.0-py3-none-any.whl"]


def test_deprecated_spelling_is_used_with_a_notice(github: GitHub, index: LocalIndex) -> None:
    make_wheel(github.workspace / "out")
    index.state.add_project("example", publisher_for_run(index))
    run = github.run({"packages_dir": "out"})  # the runner also sets packages-dir: dist
    assert run.code == 0, run.log
    assert "::notice title=Input `packages_dir` is a deprecated spelling of `packages-dir`" in (
        run.log
    )
    assert run.output_list("uploaded") == ["example-1.0.0-py3-none-any.whl"]


def test_summary_marks_files_already_on_the_index(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    index.state.add_project("example", publisher_for_run(index))
    wheel = github.dist / "example-1.0.0-py3-none-any.whl"
    index.state.add_file("example", wheel.name, wheel.read_bytes(), "1.0.0")
    run = github.run()
    assert run.code == 1
    rows = run.page.table("file")[1:]
    assert [wheel.name, "already on the index, not from this run"] in rows
    assert ["example-1.0.0.tar.gz", "not uploaded"] in rows


def test_several_versions_in_packages_dir_are_flagged(github: GitHub, index: LocalIndex) -> None:
    """A stale build left in dist/: one check, seen by the real run and the dry run."""
    make_wheel(github.dist, version="1.9.0")
    make_wheel(github.dist, version="1.10.0")
    index.state.add_project("example", publisher_for_run(index))
    run = github.run()
    assert run.code == 0, run.log
    assert "::warning title=packages-dir holds several versions of `example`" in run.log
    dry = github.run({"dry-run": "true"})
    assert "Versions 1.9.0, 1.10.0 of example are all there" in dry.page.text  # in order


def test_upload_to_a_url_that_takes_no_uploads(github: GitHub, index: LocalIndex) -> None:
    """`repository-url` names the index's root: the upload gets a 404, which names
    `repository-url`, not the distribution."""
    _dists(github)
    index.state.add_project("example", publisher_for_run(index))
    run = github.run({"repository-url": index.url + "/"})
    assert run.code == 1
    assert "No upload endpoint at `repository-url`" in run.log
    assert "rebuild" not in run.log
    assert index.state.uploads == []


def test_dist_warning_is_its_own_annotation(github: GitHub, index: LocalIndex) -> None:
    """A metadata warning has its own title, and its lines stay lines (no literal \\n)."""
    meta = metadata_text("example", "1.0.0", Description_Content_Type=None)  # type: ignore[arg-type]
    make_wheel(github.dist, metadata=meta)
    index.state.add_project("example", publisher_for_run(index))
    run = github.run()
    assert run.code == 0, run.log
    line = next(x for x in run.log.splitlines() if x.startswith("::warning"))
    assert line.startswith("::warning title=`long_description_content_type` missing::")
    assert "\\n" not in line
    dry = github.run({"dry-run": "true"})
    assert "\\n" not in dry.summary


def test_two_new_projects_one_pending_publisher(github: GitHub, index: LocalIndex) -> None:
    """The first release of two packages from one workflow: the exchange creates the
    one with the pending publisher; the other is named as needing its own, and
    nothing is deleted or renamed."""
    make_wheel(github.dist, "example")
    make_wheel(github.dist, "other")
    index.state.pending.append(publisher_for_run(index, project="example"))
    run = github.run()
    assert run.code == 1
    assert "2 new projects in one run" in run.log
    assert "`other` needs a pending publisher of its own" in run.log
    assert "created `example`" in run.log
    assert "delete" not in run.log.split("needs a pending publisher", 1)[1]
    assert "project_name=other" in run.log
    assert index.state.uploads == []


def test_new_project_beside_an_existing_one(github: GitHub, index: LocalIndex) -> None:
    """The token came from the existing project's publisher: the new one lacks a
    pending publisher; no rename to suggest."""
    make_wheel(github.dist, "example")
    make_wheel(github.dist, "other")
    index.state.add_project("example", publisher_for_run(index))
    run = github.run()
    assert run.code == 1
    assert "No pending publisher created `other`" in run.log
    assert "the trusted publisher of `example`" in run.log
    assert "pyproject.toml" not in run.log
    assert index.state.uploads == []


@pytest.mark.parametrize("variable", ["GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"])
def test_unwritable_file_command_does_not_fail_a_publish(
    github: GitHub, index: LocalIndex, variable: str, tmp_path: Path
) -> None:
    """The files are on the index: a broken GITHUB_OUTPUT or summary file is a warning,
    not a failed release."""
    _dists(github)
    index.state.add_project("example", publisher_for_run(index))
    run = github.run(env={variable: str(tmp_path)}, subprocess_run=True)  # a directory
    assert run.code == 0, run.log
    assert f"::warning title=Cannot write `{variable}`" in run.log
    assert len(index.state.uploads) == 2


def test_input_error_with_an_unwritable_output_is_named(
    github: GitHub, index: LocalIndex, tmp_path: Path
) -> None:
    run = github.run(
        {"skip-existing": "maybe"},
        env={"GITHUB_OUTPUT": str(tmp_path / "missing" / "out")},
        subprocess_run=True,
    )
    assert run.code == 1
    assert "Input `skip-existing` must be true or false" in run.log


def test_workflow_pythonpath_cannot_swap_the_actions_modules(
    github: GitHub, index: LocalIndex
) -> None:
    """`env: PYTHONPATH: src` at workflow level reaches the container; the entry point
    ignores it (as the image runs it, with -E)."""
    _dists(github)
    index.state.add_project("example", publisher_for_run(index))
    fake = github.workspace / "src" / "requests"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise SystemExit(3)\n")
    run = github.run(env={"PYTHONPATH": "src"}, subprocess_run=True)
    assert run.code == 0, run.log


def test_refused_file_is_listed_in_the_failure_summary(github: GitHub, index: LocalIndex) -> None:
    make_wheel(github.dist)
    (github.dist / "example-1.0.0.tar.gz").write_bytes(b"not a tarball")
    index.state.add_project("example", publisher_for_run(index))
    run = github.run()
    assert run.code == 1
    rows = run.page.table("file")[1:]
    assert ["example-1.0.0.tar.gz", "not uploaded: refused by the checks (see above)"] in rows
    assert ["example-1.0.0-py3-none-any.whl", "not uploaded"] in rows


def test_secrets_given_are_masked_before_anything_else(github: GitHub, index: LocalIndex) -> None:
    """The runner hides a value only once told to: the password (or the OIDC request
    token) is masked first of all, then each token as soon as it is had."""
    _dists(github)
    index.state.add_project("example", publisher_for_run(index))
    index.state.user_tokens.add("pypi-a-user-token-0123456789")
    run = github.run({"password": "pypi-a-user-token-0123456789"}, oidc=False)
    assert run.code == 0, run.log
    assert run.log.splitlines()[0] == "::add-mask::pypi-a-user-token-0123456789"
    shutil.rmtree(github.dist)
    _dists(github, version="2.0.0")
    run = github.run()
    assert run.code == 0, run.log
    lines = run.log.splitlines()
    assert lines[0] == f"::add-mask::{index.state.request_token}"
    (oidc,) = index.state.issued[-1:]
    (minted,) = index.minted()[-1:]
    for secret in (oidc, minted):
        assert f"::add-mask::{secret}" in lines


def test_hidden_files_beside_the_dists_are_not_mentioned(github: GitHub, index: LocalIndex) -> None:
    """`uv build` leaves `dist/.gitignore`; the anchor's `dist/*` never sees hidden
    files. The publish goes on without a word about it, while a visible stray file
    is still named as left out."""
    _dists(github)
    (github.dist / ".gitignore").write_text("*\n")
    index.state.pending.append(publisher_for_run(index, project="example"))

    run = github.run()

    assert run.code == 0, run.log
    assert sorted(index.state.projects["example"].files) == [
        "example-1.0.0-py3-none-any.whl",
        "example-1.0.0.tar.gz",
    ]
    assert ".gitignore" not in run.log
    assert ".gitignore" not in run.summary

    (github.dist / "NOTES.txt").write_text("a stray file\n")
    checked = github.run({"dry-run": "true", "skip-existing": "true"})
    assert checked.code == 0, checked.log
    left_out = messages.render(Msg.CHECK_IGNORED, {"folder": "dist", "files": "NOTES.txt"})
    assert left_out in checked.log
    assert ".gitignore" not in checked.log
