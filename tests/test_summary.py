"""The step summary as GitHub shows it (rendered by cmark-gfm, see gfm.py): for each
failure the action diagnoses, the diagnosis as a heading and one sentence, the token's
claims as a table where the publisher is in question, the fix as a list whose links
work, and what reached the index; and never a link, heading or HTML made of text from
outside."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import GitHub, make_sdist, make_wheel, publisher_for_run
from fakes.index import Fault, LocalIndex, RunClaims
from gfm import Page, assert_inert
from gfm import render as gfm_render

from publisher.messages import Msg

HELP = "https://docs.pypi.org/"
WAREHOUSE_ISSUE = "https://github.com/pypi/warehouse/issues/11096"
# Server text that would make links, a heading and HTML, were it let through.
HOSTILE = (
    "see https://evil.example/x, www.evil.example or mail a@evil.example\n# Owned\n"
    '<img src="https://evil.example/p.png"> [click](https://evil.example/y) ``` | x |'
)


@dataclass(frozen=True)
class Case:
    """One failure: how to bring it about, and what its summary must offer."""

    setup: Callable[[GitHub, LocalIndex], dict[str, object]]  # returns run() options
    title: str  # the diagnosis's heading, as the reader sees it
    links: tuple[str, ...] = ()  # parts of the links the summary must hold
    claims: bool = False  # the token's claims are shown as a table
    hostile: bool = False  # the index's text in it is HOSTILE
    workflow: str = "release.yml"  # the workflow file the token names


def _dists(github: GitHub) -> None:
    make_sdist(github.dist)
    make_wheel(github.dist)


def _mint_error(code: str, description: str) -> Callable[[GitHub, LocalIndex], dict[str, object]]:
    def setup(github: GitHub, index: LocalIndex) -> dict[str, object]:
        _dists(github)
        index.state.add_project("example", publisher_for_run(index))
        index.state.mint_error = (code, description)
        return {}

    return setup


def _no_publisher(github: GitHub, index: LocalIndex) -> dict[str, object]:
    _dists(github)
    index.state.add_project("example", publisher_for_run(index, workflow="publish.yml"))
    return {}


def _no_publisher_new_project(github: GitHub, index: LocalIndex) -> dict[str, object]:
    _dists(github)
    return {}


def _pending_for_existing(github: GitHub, index: LocalIndex) -> dict[str, object]:
    _dists(github)
    index.state.add_project("example")
    index.state.pending.append(publisher_for_run(index, project="example"))
    return {}


def _other_audience(github: GitHub, index: LocalIndex) -> dict[str, object]:
    _dists(github)
    index.state.add_project("example", publisher_for_run(index))
    index.state.advertised_audience, index.state.audience = "index-a", "index-b"
    return {"inputs": {"oidc-audience": "index-a"}}


def _not_enabled(github: GitHub, index: LocalIndex) -> dict[str, object]:
    _dists(github)
    index.state.github_enabled = False
    return {}


def _trusted_publishing(mode: str) -> Callable[[GitHub, LocalIndex], dict[str, object]]:
    def setup(github: GitHub, index: LocalIndex) -> dict[str, object]:
        _dists(github)
        index.state.trusted_publishing = mode
        return {}

    return setup


def _mint_status(github: GitHub, index: LocalIndex) -> dict[str, object]:
    _dists(github)
    index.state.faults.append(Fault("/_/oidc/mint-token", status=418, body=HOSTILE.encode()))
    return {}


def _name_mismatch(github: GitHub, index: LocalIndex) -> dict[str, object]:
    _dists(github)
    index.state.pending.append(publisher_for_run(index, project="python-example"))
    return {}


def _two_new_projects(github: GitHub, index: LocalIndex) -> dict[str, object]:
    make_wheel(github.dist, "example")
    make_wheel(github.dist, "other")
    index.state.pending.append(publisher_for_run(index, project="example"))
    return {}


def _new_beside_existing(github: GitHub, index: LocalIndex) -> dict[str, object]:
    make_wheel(github.dist, "example")
    make_wheel(github.dist, "other")
    index.state.add_project("example", publisher_for_run(index))
    return {}


def _reusable(github: GitHub, index: LocalIndex) -> dict[str, object]:
    _dists(github)
    index.state.run = RunClaims(called_workflow="octo-org/shared/.github/workflows/pypi.yml")
    index.state.add_project("example", publisher_for_run(index))
    return {}


def _no_id_token(github: GitHub, index: LocalIndex) -> dict[str, object]:
    _dists(github)
    return {"oidc": False}


def _upload_refused(github: GitHub, index: LocalIndex) -> dict[str, object]:
    _dists(github)
    index.state.add_project("example", publisher_for_run(index))
    index.state.faults.append(Fault("/legacy/", status=400, reason=HOSTILE.replace("\n", " ")))
    return {}


def _not_for_project(github: GitHub, index: LocalIndex) -> dict[str, object]:
    make_wheel(github.dist, "example")
    make_wheel(github.dist, "other")
    index.state.add_project("example", publisher_for_run(index))
    index.state.add_project("other")
    return {}


def _two_projects_no_publisher(github: GitHub, index: LocalIndex) -> dict[str, object]:
    make_wheel(github.dist, "example")
    make_wheel(github.dist, "other")
    index.state.add_project("example")
    index.state.add_project("other")
    return {}


def _two_new_projects_no_publisher(github: GitHub, index: LocalIndex) -> dict[str, object]:
    make_wheel(github.dist, "example")
    make_wheel(github.dist, "other")
    return {}


SETTINGS = "/manage/project/example/settings/publishing/"
PENDING = "/manage/account/publishing/?provider=github&owner=octo-org&repository=example"
CASES = {
    "invalid-publisher": Case(
        _no_publisher,
        "No trusted publisher matches this run",
        (SETTINGS, HELP),
        claims=True,
    ),
    "invalid-publisher-new-project": Case(
        _no_publisher_new_project,
        "No trusted publisher matches this run",
        (PENDING + "&workflow_filename=release.yml", HELP),
        claims=True,
    ),
    "invalid-publisher-two-projects": Case(
        _two_projects_no_publisher,
        "No trusted publisher matches this run",
        (SETTINGS, "/manage/project/other/settings/publishing/", HELP),
        claims=True,
    ),
    "invalid-publisher-two-new-projects": Case(  # one form, without a project name
        _two_new_projects_no_publisher,
        "No trusted publisher matches this run",
        (PENDING, HELP),
        claims=True,
    ),
    "invalid-pending-publisher": Case(
        _pending_for_existing,
        "Pending publisher matched, but its project already exists",
        (SETTINGS, PENDING, HELP),
        claims=True,
    ),
    "invalid-token": Case(_other_audience, "The index rejected the OIDC token", (HELP,)),
    "invalid-reuse-token": Case(
        _mint_error("invalid-reuse-token", "invalid token: already used"),
        "The OIDC token was already used",
        (HELP,),
    ),
    "not-enabled": Case(
        _not_enabled, "Trusted publishing for GitHub is disabled on the index", (HELP,)
    ),
    "unknown-issuer": Case(
        _mint_error("invalid-payload", "unknown trusted publishing issuer"),
        "The index does not trust this CI's tokens",
        (HELP,),
    ),
    "malformed": Case(
        _mint_error("invalid-payload", "malformed JWT"),
        "The index could not read the token exchange request",
        (HELP,),
    ),
    "project-refused": Case(
        _mint_error("invalid-payload", "The name 'example' is too similar. " + HOSTILE),
        "The index refused to create the project",
        (PENDING, HELP),
        hostile=True,
    ),
    "registration-disabled": Case(
        _mint_error("invalid-payload", "New project registration temporarily disabled. " + HOSTILE),
        "The index is not taking new projects right now",
        (HELP,),
        hostile=True,
    ),
    "unknown-code": Case(
        _mint_error("brand-new-code", HOSTILE),
        "The index refused the token exchange",
        (SETTINGS, HELP),
        claims=True,
        hostile=True,
    ),
    "mint-status": Case(
        _mint_status, "Unexpected answer from the mint-token endpoint", (HELP,), hostile=True
    ),
    "tp-disabled": Case(
        _trusted_publishing("disabled"), "Trusted publishing is disabled on the index", (HELP,)
    ),
    "tp-unsupported": Case(
        _trusted_publishing("absent"), "The index does not support trusted publishing", (HELP,)
    ),
    "name-mismatch": Case(
        _name_mismatch,
        "The token is for another project name than example",
        (PENDING + "&workflow_filename=release.yml&environment=pypi&project_name=example", HELP),
        claims=True,
    ),
    "one-new-per-mint": Case(
        _two_new_projects,
        "other needs a pending publisher of its own",
        ("project_name=other", HELP),
    ),
    "no-pending-publisher": Case(
        _new_beside_existing,
        "No pending publisher created other",
        ("project_name=other", HELP),
        claims=True,
    ),
    "reusable-workflow": Case(
        _reusable,
        "No trusted publisher matches this run",
        (SETTINGS, WAREHOUSE_ISSUE, HELP),
        claims=True,
        workflow="pypi.yml",
    ),
    "no-id-token": Case(_no_id_token, "Trusted publishing needs id-token: write", (HELP,)),
    "upload-refused": Case(
        _upload_refused, "The index refused example-1.0.0-py3-none-any.whl", hostile=True
    ),
    "not-for-project": Case(
        _not_for_project,
        "The token may not upload to other",
        ("/manage/project/other/settings/publishing/", HELP),
        claims=True,
    ),
}


def _ours(index: LocalIndex) -> tuple[str, ...]:
    """The action's own links: the index's pages, help pages, and the addresses the
    catalogue names (PyPI's upload URL, GitHub's token issuer)."""
    return (
        index.url + "/",
        HELP,
        WAREHOUSE_ISSUE,
        "https://upload.pypi.org/legacy/",
        "https://test.pypi.org/legacy/",
        "https://token.actions.githubusercontent.com",
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_failure_summary_as_github_shows_it(github: GitHub, index: LocalIndex, name: str) -> None:
    case = CASES[name]
    run = github.run(**case.setup(github, index))  # type: ignore[arg-type]
    assert run.code == 1, run.log
    page = run.page
    # The diagnosis is the heading, the one sentence follows it.
    assert page.headings[0] == (2, f"Publishing failed: {case.title}")
    assert page.html.index("</h2>\n<p>") >= 0
    assert [h for h in page.headings if h[0] == 3][-2:] == [
        (3, "Fix"),
        (3, "What is on the index now"),
    ]
    for part in case.links:
        assert any(part in href for href in page.hrefs()), (part, page.links)
    claims = [t for t in page.tables if t[0][:2] == ["claim", "this run"]]
    if case.claims:
        rows = {row[0]: row[1:] for row in claims[0][1:]}
        assert rows["owner"][0] == "octo-org"
        assert rows["workflow file"][0] == case.workflow
        assert rows["environment"][:2] == [
            "pypi",
            "the same, in any case; or none, which accepts any",
        ]
        assert rows["owner id"][2] == "account deleted and re-created?"
    else:
        assert claims == []
    assert page.table("file")[0] == ["file", "result"]
    assert_inert(page, "Owned", ours=_ours(index))
    if case.hostile:
        assert "https://evil.example/x, www.evil.example or mail a@evil.example" in page.text
        assert '<img src="https://evil.example/p.png">' in page.text


def test_partial_upload_links_what_landed(github: GitHub, index: LocalIndex) -> None:
    """The wheel is up (wheels go first), the sdist refused: the table links the one on
    the index, and the advice is to re-run with skip-existing."""
    _dists(github)
    index.state.add_project("example", publisher_for_run(index))
    index.state.faults.append(Fault("/legacy/", status=400, skip=1, reason="Bad metadata"))
    run = github.run()
    assert run.code == 1
    page = run.page
    assert sorted(page.table("file")[1:]) == [
        ["example-1.0.0-py3-none-any.whl", "uploaded"],
        ["example-1.0.0.tar.gz", "not uploaded"],
    ]
    wheel = page.link("example-1.0.0-py3-none-any.whl")
    assert wheel == f"{index.url}/project/example/1.0.0/#files"
    assert [text for _, text in page.links if "tar.gz" in text] == []  # not there: no link
    assert "re-run with skip-existing: true to upload the rest" in page.text


def test_fix_keeps_its_yaml_as_a_block(github: GitHub) -> None:
    """The permission to add is a YAML block inside the fix, not run into one line."""
    _dists(github)
    run = github.run(oidc=False)
    assert '<pre lang="yaml"><code>permissions:\n  id-token: write\n' in run.page.html


def _page(github: GitHub, index: LocalIndex, case: str) -> Page:
    run = github.run(**CASES[case].setup(github, index))  # type: ignore[arg-type]
    return run.page


def test_server_text_in_a_cell_cannot_break_the_table(github: GitHub, index: LocalIndex) -> None:
    page = _page(github, index, "unknown-code")
    claims = page.table("claim")
    assert all(len(row) == 4 for row in claims)


def test_success_summary_links_files_release_and_outputs(github: GitHub, index: LocalIndex) -> None:
    _dists(github)
    index.state.add_project("example", publisher_for_run(index))
    run = github.run()
    assert run.code == 0, run.log
    page = run.page
    release = f"{index.url}/project/example/1.0.0/"
    for name in ("example-1.0.0.tar.gz", "example-1.0.0-py3-none-any.whl"):
        assert page.link(name) == release + "#files"
    assert page.table("file")[0] == ["file", "release", "sha256", "result"]  # nothing signed
    assert run.outputs["release-url"] == release
    assert run.output_list("release-urls") == [release]
    assert run.outputs["log-indexes"] == "{}"
    notes = page.headings[-1][1]
    assert notes == "Skipped or not done, and why"  # no attestations for this index
    assert f"No attestations for {index.url}" in page.text
    assert_inert(page, "Owned", ours=_ours(index))


def test_a_note_whose_first_line_leads_into_a_list_shows_the_list(
    github: GitHub, index: LocalIndex
) -> None:
    """A file on the index with other bytes, skipped: its note in the summary names
    both sha256, not a sentence cut off at its colon."""
    import hashlib

    wheel = make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    index.state.add_file("example", wheel.name, b"other bytes", "1.0.0")
    run = github.run({"skip-existing": "true"})
    assert run.code == 0, run.log
    page = run.page
    note = next(line for line in page.text.splitlines() if "with other content" in line)
    assert hashlib.sha256(b"other bytes").hexdigest() in note
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() in note
    assert not note.rstrip().endswith(":")


def test_attestation_of_the_public_instance_links_its_log_entry() -> None:
    """Sigstore's public-good log has a search page: each entry is linked there."""
    from typing import cast

    from pypi_attestations import Attestation

    from publisher.attest import Attested
    from publisher.dists import Dist
    from publisher.index import Index
    from publisher.outcome import Outcome
    from publisher.report import success_summary

    wheel = cast(Dist, type("D", (), {})())
    for name, value in {
        "filename": "example-1.0.0-py3-none-any.whl",
        "project": "example",
        "version": "1.0.0",
        "name": "example",
        "digests": type("H", (), {"sha256": "0" * 64})(),
    }.items():
        setattr(wheel, name, value)
    identity = "https://github.com/octo-org/example/.github/workflows/release.yml@refs/tags/v1"
    signed = Attested(wheel.filename, cast(Attestation, None), identity, "123456", False)
    outcome = Outcome(dists=[wheel], uploaded=[wheel], attested=[signed])
    private = gfm_render(success_summary(outcome, Index("https://upload.pypi.org/legacy/")))
    assert private.tables[0][1][4] == "123456"
    assert not any("sigstore" in href for href in private.hrefs())  # no page known for it
    outcome.attested = [
        Attested(wheel.filename, cast(Attestation, None), identity, "123456", False, public=True)
    ]
    page = gfm_render(success_summary(outcome, Index("https://upload.pypi.org/legacy/")))
    assert page.tables[0][0][4] == "transparency log"
    entry = ("https://search.sigstore.dev/?logIndex=123456", "log entry 123456")
    assert page.links.count(entry) == 2  # in the files' table and the attestations'
    assert page.link(wheel.filename) == "https://pypi.org/project/example/1.0.0/#files"
    assert ("https://pypi.org/project/example/1.0.0/", "example 1.0.0") in page.links


def test_dry_run_summary_is_a_checklist_with_the_same_links(
    github: GitHub, index: LocalIndex
) -> None:
    """Each check is a box, ticked where a real run would pass; the pending-publisher
    form is linked as in a real run's failure."""
    make_wheel(github.dist)
    make_wheel(github.dist, version="0.9")
    index.state.add_project("example")
    wheel = github.dist / "example-0.9-py3-none-any.whl"
    index.state.add_file("example", wheel.name, b"other bytes", "0.9")
    run = github.run({"dry-run": "true"})
    assert run.code == 1
    page = run.page
    boxes = dict((text.split("\n")[0], checked) for checked, text in page.checkboxes)
    assert boxes["✅ example-1.0.0-py3-none-any.whl"] is True
    assert boxes["❌ example-0.9-py3-none-any.whl is on the index with other content"] is False
    assert any(text.startswith("✅ OIDC token available") for text in boxes)
    assert page.link("example on the index") == f"{index.url}/project/example/"
    assert_inert(page, "Owned", ours=_ours(index))


def test_log_tells_the_summarys_story_in_its_order(github: GitHub, index: LocalIndex) -> None:
    """A fold a phase, then the diagnosis, then what is on the index (each file as in
    the summary's table), then the token's burn: the summary's order."""
    _dists(github)
    index.state.add_project("example", publisher_for_run(index))
    index.state.faults.append(Fault("/legacy/", status=400, skip=1, reason="Bad metadata"))
    run = github.run()
    assert run.code == 1
    lines = [line for line in run.log.splitlines() if not line.startswith("::add-mask::")]
    folds = [line.removeprefix("::group::") for line in lines if line.startswith("::group::")]
    assert folds == [
        "Checks: the distributions, the credentials, the index",
        "Trusted publishing: the token exchange and the name check",
        "Upload",
        "What is on the index now",
    ]
    assert lines.count("::endgroup::") == len(folds)
    error = next(i for i, line in enumerate(lines) if line.startswith("::error title="))
    result = lines.index("::group::What is on the index now")
    assert lines.index("::group::Upload") < error < result
    shown = lines[result + 1 : lines.index("::endgroup::", result)]
    files = f"{index.url}/project/example/1.0.0/#files"
    assert f"example-1.0.0-py3-none-any.whl: uploaded {files}" in shown
    assert "example-1.0.0.tar.gz: not uploaded" in shown
    assert lines[-2].startswith("The upload token was burned")  # last, as in the summary
    summary = run.page.text
    assert summary.index("What is on the index now") < summary.index("token was burned")


def test_one_pending_publisher_form_for_several_projects(github: GitHub, index: LocalIndex) -> None:
    """The form takes one project name: for two new projects it comes without one, and
    the settings of each project are linked."""
    run = github.run(**_two_new_projects_no_publisher(github, index))  # type: ignore[arg-type]
    page = run.page
    assert "project_name" not in page.link("register a pending publisher (pre-filled)")
    assert page.link("publishing settings of other").endswith("/project/other/settings/publishing/")


def test_no_pending_form_for_projects_on_the_index(github: GitHub, index: LocalIndex) -> None:
    """No publisher matches, and every project is on the index already: the index
    refuses a pending publisher for a project that exists ('This project already
    exists: use the project's publishing settings'), so the fix links each project's
    settings and offers no pending-publisher form."""
    run = github.run(**_two_projects_no_publisher(github, index))  # type: ignore[arg-type]
    page = run.page
    assert page.link("publishing settings of example").endswith(SETTINGS)
    assert not any("/manage/account/publishing/" in href for href in page.hrefs())
    assert "pending publisher" not in page.text
    assert "/manage/account/publishing/" not in run.log


def test_api_token_on_pypi_links_the_prefilled_publisher_form(tmp_path: Path) -> None:
    """The dry run's checklist for a publish to PyPI with an API token: the nudge to
    trusted publishing links the project's add-publisher form, pre-filled (the checks
    that ask PyPI itself are left out: no request leaves this machine)."""
    import io

    from publisher.console import Console
    from publisher.context import Context, Mode
    from publisher.http import Http
    from publisher.inputs import read_config
    from publisher.pipeline import STEPS, run
    from publisher.report import dry_run_summary
    from publisher.steps.dists import validate_dists
    from publisher.steps.inputs import check_credentials

    make_wheel(tmp_path / "dist")
    env = {
        "GITHUB_REPOSITORY": "octo-org/example",
        "GITHUB_WORKFLOW_REF": "octo-org/example/.github/workflows/release.yml@refs/tags/v1",
    }
    config = read_config({"INPUT_PASSWORD": "pypi-" + "A" * 60}, tmp_path)
    console = Console({}, stream=io.StringIO())
    ctx = Context(config, env, console, Http(console), Mode.DRY_RUN)
    outcome = run(ctx, tuple(s for s in STEPS if s.run in (validate_dists, check_credentials)))
    page = gfm_render(dry_run_summary(outcome, config.index))
    form = page.link("add this workflow as a publisher of example (pre-filled)")
    assert form.startswith("https://pypi.org/manage/project/example/settings/publishing/?")
    assert "workflow_filename=release.yml" in form
    assert (False, "⚠️ Upgrade to trusted publishing") in [
        (checked, text.split("\n")[0]) for checked, text in page.checkboxes
    ]


def test_several_refused_files_are_listed_first(github: GitHub, index: LocalIndex) -> None:
    """Several files fail validation: each is an item of the diagnosis, its own fix
    with it, no empty "Fix" section follows, and nothing is said twice."""
    make_wheel(github.dist)
    (github.dist / "example-1.0.0.tar.gz").write_bytes(b"not a tarball")
    (github.dist / "example-2.0.0.tar.gz").write_bytes(b"")
    run = github.run()
    page = run.page
    assert page.headings == [
        (2, "Publishing failed: 2 problems with the distributions"),
        (3, "What is on the index now"),
    ]
    assert "<li><strong>Corrupt or truncated distribution</strong><br>" in page.html
    assert "<li><strong>Empty distribution file</strong><br>" in page.html
    assert "Fix: rebuild the distribution; the build or the artifact download" in page.text
    # The fold would hold only what the line below the table says.
    assert "The whole diagnosis" not in page.text
    assert page.text.count("Nothing was uploaded.") == 1


def test_several_files_the_index_holds_otherwise_are_listed(
    github: GitHub, index: LocalIndex
) -> None:
    """Both files are on the index already, with other bytes: the files themselves
    are valid, so the diagnosis names problems with the distributions (not a failed
    validation), lists each, and nothing is sent."""
    wheel = make_wheel(github.dist)
    sdist = make_sdist(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    for path in (wheel, sdist):
        index.state.add_file(
            "example", path.name, b"another build of " + path.name.encode(), "1.0.0"
        )
    run = github.run()
    assert run.code == 1
    listed = run.shows(Msg.MANY_PROBLEMS, "error", count=2)
    assert "Nothing was uploaded." in listed.body
    page = run.page
    assert page.headings[0] == (2, "Publishing failed: 2 problems with the distributions")
    for path in (wheel, sdist):
        assert path.name in page.text
    assert index.state.paths("POST") == []
