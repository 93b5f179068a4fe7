"""The index's upload answers (reason phrases from Warehouse) sorted into what they
mean for the release, and the messages a user gets for them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import responses
from conftest import GitHub, make_sdist, make_wheel, metadata_text, publisher_for_run
from fakes.index import Fault, LocalIndex

from publisher.console import Console
from publisher.dists import load_dist
from publisher.http import Http
from publisher.index import Index
from publisher.messages import Msg
from publisher.secret import Secret
from publisher.upload import Answer, Uploader, answer_reason, classify, upload_error

NON_USER = (
    "Non-user identities cannot create new projects. This was probably caused by successfully "
    "using a pending publisher but specifying the project name incorrectly (either in the "
    "publisher or in your project's metadata). Please ensure that both match. See: "
    "https://docs.pypi.org/trusted-publishers/troubleshooting/"
)

ANSWERS = [
    (200, "OK", Answer.STORED),
    (
        400,
        "File already exists ('x-1.0.tar.gz', with blake2_256 hash 'ab'). See https://pypi.org/help/#file-name-reuse for more information.",
        Answer.EXISTS,
    ),
    (409, "Conflict", Answer.EXISTS),
    (400, NON_USER, Answer.NEW_PROJECT_REFUSED),
    (
        403,
        "Invalid API Token: OIDC scoped token is not valid for project 'x'",
        Answer.NOT_FOR_PROJECT,
    ),
    (403, "Invalid API Token: token is expired", Answer.TOKEN_EXPIRED),
    (
        403,
        "Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information.",
        Answer.BAD_AUTH,
    ),
    (429, "Too Many Requests", Answer.TRANSIENT),
    (502, "Bad Gateway", Answer.TRANSIENT),
    (
        400,
        "This filename was previously used by a file that has since been deleted. Use a different version. See https://pypi.org/help/#file-name-reuse for more information.",
        Answer.NAME_REUSED,
    ),
    (403, "Read-only mode: Uploads are temporarily disabled.", Answer.DISABLED),
    (
        403,
        "New uploads are temporarily disabled. See https://pypi.org/help for more information.",
        Answer.DISABLED,
    ),
    (429, "Too many new projects created", Answer.REFUSED),
    (400, "Uploading new files to releases older than 14 days is not allowed.", Answer.REFUSED),
    # Warehouse's 409 is about a project name (a race), never a file already there.
    (409, "The name 'x' conflicts with an existing project. See …", Answer.REFUSED),
    (403, "Invalid API Token: signatures do not match", Answer.BAD_AUTH),
    (403, "Invalid API Token: deleted or nonexistent macaroon", Answer.BAD_AUTH),
    (
        403,
        "The given token isn't allowed to upload to project 'x'. See https://pypi.org/help/#project-name for more information.",
        Answer.NOT_ALLOWED,
    ),
]

# Warehouse's message, as a proxy may deliver it: the standard reason phrase, and the
# message only in the HTML page's title.
PAGES = [
    (403, "Read-only mode: Uploads are temporarily disabled.", Answer.DISABLED),
    (403, "Invalid API Token: token is expired", Answer.TOKEN_EXPIRED),
    (400, NON_USER, Answer.NEW_PROJECT_REFUSED),
]


@pytest.mark.parametrize(
    ("status", "reason", "kind"), ANSWERS, ids=[a[2].value + str(i) for i, a in enumerate(ANSWERS)]
)
def test_answers_are_sorted(status: int, reason: str, kind: Answer) -> None:
    assert classify(status, reason, "") is kind


@pytest.mark.parametrize(("status", "message", "kind"), PAGES)
def test_message_in_the_page_title_is_read(status: int, message: str, kind: Answer) -> None:
    from http import HTTPStatus

    phrase = HTTPStatus(status).phrase
    page = f"<html>\n <head>\n  <title>{status} {message}</title>\n </head>\n<body></body></html>"
    reason = answer_reason(status, phrase, page)
    assert reason == message
    assert classify(status, reason, page) is kind
    assert answer_reason(status, "Custom reason", page) == "Custom reason"


@responses.activate
def test_non_user_identity_gets_the_name_explanation(tmp_path: Path) -> None:
    """If the index still answers "Non-user identities…", say what it means."""
    url = "https://upload.pypi.org/legacy/"
    responses.post(url, status=400, body=NON_USER)
    dist = load_dist(make_wheel(tmp_path, "example"))
    answer = Uploader(
        Http(Console({}, stream=io.StringIO())), Index(url), "__token__", Secret("pypi-x")
    ).send(dist)
    assert answer.kind is Answer.NEW_PROJECT_REFUSED
    error = upload_error(answer, dist, Index(url), None)
    text = f"{error.title}\n{error}"
    assert "cannot create the project `example`" in text
    assert "a name other than `example` created that other project" in text
    assert "change `name` in pyproject.toml" in text
    assert "pending publisher for exactly `example`" in text
    auth = responses.calls[0].request.headers["Authorization"]
    assert auth.startswith("Basic ")


@responses.activate
def test_redirect_is_not_followed(tmp_path: Path) -> None:
    url = "https://upload.pypi.org/legacy/"
    responses.post(url, status=308, headers={"Location": "https://elsewhere.example/"})
    dist = load_dist(make_wheel(tmp_path, "example"))
    answer = Uploader(
        Http(Console({}, stream=io.StringIO())), Index(url), "__token__", Secret("pypi-x")
    ).send(dist)
    assert answer.kind is Answer.NO_ENDPOINT
    assert answer.reason == "(a redirect to https://elsewhere.example/, not followed)"
    assert len(responses.calls) == 1


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_upload_form_is_what_twine_would_send(kind: str, tmp_path: Path) -> None:
    """We hand twine the metadata and digests validation already read (no second pass
    over the file); the form must equal twine's own for the same file."""
    from twine.package import PackageFile

    from publisher.upload import twine_package

    make = make_wheel if kind == "wheel" else make_sdist
    path = make(
        tmp_path,
        "My_Package.x",
        "1.0",
        metadata=metadata_text(
            "My_Package.x",
            "1.0",
            Keywords="a,b",
            Classifier="Programming Language :: Python",
            Project_URL="Source, https://example.org",
            Requires_Dist="requests>=2",
        ),
    )
    ours = twine_package(load_dist(path)).metadata_dictionary()
    theirs = PackageFile.from_filename(str(path), comment=None).metadata_dictionary()
    # twine also sends blake2b; Warehouse needs one digest and checks those sent, so
    # we send sha256 only and hash each byte once.
    assert theirs.pop("blake2_256_digest")
    assert ours == theirs
    assert ours["sha256_digest"] == theirs["sha256_digest"]
    assert "blake2_256_digest" not in ours


# Each refusal the index can give an upload, as the action meets it: the project exists
# and trusts the run (or, with a password, takes it), the index refuses the file with
# Warehouse's words; the user gets the message for that refusal, about that file, and
# nothing is stored.
REFUSALS = [
    (400, NON_USER, Msg.UPLOAD_NON_USER_IDENTITY, False),
    (
        400,
        "This filename was previously used by a file that has since been deleted. Use a different version. See https://pypi.org/help/#file-name-reuse for more information.",
        Msg.UPLOAD_NAME_REUSED,
        False,
    ),
    (403, "Read-only mode: Uploads are temporarily disabled.", Msg.UPLOAD_DISABLED, False),
    (
        403,
        "The given token isn't allowed to upload to project 'example'. See https://pypi.org/help/#project-name for more information.",
        Msg.UPLOAD_NOT_ALLOWED,
        False,
    ),
    (403, "Invalid API Token: token is expired", Msg.UPLOAD_TOKEN_EXPIRED, False),
    (
        403,
        "Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information.",
        Msg.UPLOAD_BAD_TOKEN,
        False,
    ),
    (
        403,
        "Invalid API Token: OIDC scoped token is not valid for project 'example'",
        Msg.UPLOAD_NOT_FOR_PROJECT,
        False,
    ),
    (
        403,
        "Invalid API Token: OIDC scoped token is not valid for project 'example'",
        Msg.UPLOAD_TOKEN_SCOPE,
        True,
    ),
    (
        403,
        "Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information.",
        Msg.UPLOAD_BAD_CREDENTIALS,
        True,
    ),
    (
        400,
        "File already exists ('example-1.0.0-py3-none-any.whl', with blake2_256 hash 'ab'). See https://pypi.org/help/#file-name-reuse for more information.",
        Msg.UPLOAD_EXISTS,
        False,
    ),
]


@pytest.mark.parametrize(
    ("status", "reason", "key", "password"), REFUSALS, ids=[f"{r[2].value}" for r in REFUSALS]
)
def test_each_refusal_gets_its_message(
    github: GitHub, index: LocalIndex, status: int, reason: str, key: Msg, password: bool
) -> None:
    wheel = make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    index.state.user_tokens.add("pypi-user-token-for-tests")
    page = f"<html><head><title>{status} {reason}</title></head></html>".encode()
    index.state.faults.append(Fault("/legacy/", status=status, reason=reason, body=page, times=9))
    inputs = {"password": "pypi-user-token-for-tests"} if password else {}
    run = github.run(inputs, oidc=not password)
    assert run.code == 1
    error = run.shows(key, "error", filename=wheel.name, project="example")
    assert "Fix" in error.body
    assert index.state.projects["example"].files == {}
    assert run.output_list("uploaded") == []
    assert "Nothing was uploaded." in run.summary
