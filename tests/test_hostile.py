"""A hostile or broken index, and odd inputs (issue 13): nothing injected into the log
or the summary, no secret leaked or sent where it must not go, no hang, and a named
error instead of "internal error" for each."""

from __future__ import annotations

import base64
import gzip
import io
import json
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import ActionRun, GitHub, make_sdist, make_wheel, metadata_text, publisher_for_run
from fakes.index import Fault, LocalIndex
from gfm import assert_inert
from shown import all_annotations

from publisher import dists, http, messages, safejson
from publisher import index as index_module
from publisher.audience import check_advertised
from publisher.cli import main
from publisher.console import Console
from publisher.errors import PublishError
from publisher.index import Index
from publisher.messages import Msg

INJECTED = "::stop-commands::pwned"
# The log's folds: one a phase of the run, titled from the catalogue.
FOLDS = [messages.phrase(key) for key in (*messages.GROUPS.values(), Msg.SUMMARY_ON_INDEX)]
OUR_COMMAND = re.compile(
    r"::(add-mask::|(error|warning|notice) title=|stop-commands::[0-9a-f]{32}$|[0-9a-f]{32}::$"
    rf"|group::({'|'.join(map(re.escape, FOLDS))})$|endgroup::$)"
)


def _ready(github: GitHub, index: LocalIndex) -> None:
    make_sdist(github.dist)
    make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))


def assert_log_safe(log: str) -> None:
    """Every line that the runner could read as a workflow command is one of ours."""
    for line in log.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("::"):
            assert OUR_COMMAND.match(stripped), f"not our command: {line!r}"
        assert "##[" not in line, line
        assert "\r" not in line, repr(line)
        assert "\x1b" not in line, repr(line)
    assert INJECTED not in log.replace("%0A", "\n").splitlines()


# --- 1. injection through the upload's reason phrase -----------------------------------


def test_reason_phrase_with_cr_cannot_start_a_log_line(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    # The file lands, but the answer is a 503 whose reason phrase carries a bare CR and
    # a workflow command: the action confirms the upload and quotes that reason.
    index.state.faults.append(
        Fault("/legacy/", status=503, after=True, reason=f"Busy\r{INJECTED}\r::error::forged")
    )
    run = github.run()
    assert run.code == 0, run.log
    assert "confirmed on the index after" in run.log
    assert "Busy\\r::stop-commands::pwned" in run.log  # quoted, escaped
    assert_log_safe(run.log)
    # masks after the would-be stop-commands still work (they are still commands)
    assert run.log.count("::add-mask::") >= 3


# --- 2. Markdown, HTML and links from the index's text in the summary -------------------

# Server text that GitHub would turn into links (it autolinks bare URLs, www. and e-mail
# addresses, whatever backslashes stand before them), a heading, a table and HTML.
HOSTILE_MARKDOWN = (
    "no publisher\n```\n## Published\n| file | result |\n|---|---|\n| x | uploaded |\n"
    'see https://evil.example/a or www.evil.example or a@evil.example <img src="https://t.example/p.png">'
    " [x](https://evil.example/b) ````"
)


def _assert_summary_inert(run: ActionRun, index: LocalIndex) -> None:
    page = run.page
    ours = (index.url + "/", "https://docs.pypi.org/", "https://upload.pypi.org/legacy/")
    assert not any("evil.example" in href for href in page.hrefs()), page.links
    assert_inert(page, "Published", ours=ours)
    assert "www.evil.example or a@evil.example <img" in page.text  # shown as itself
    assert "img" not in page.tags


def test_mint_error_text_renders_as_text_in_the_summary(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.mint_error = ("invalid-publisher", HOSTILE_MARKDOWN)
    run = github.run()
    assert run.code == 1
    _assert_summary_inert(run, index)
    assert_log_safe(run.log)


def test_server_text_never_becomes_a_link_in_the_dry_run_summary(
    github: GitHub, index: LocalIndex
) -> None:
    """The audience endpoint answers with text that is not JSON: the dry run's table
    quotes it, and GitHub would have autolinked its addresses."""
    make_wheel(github.dist)
    index.state.faults.append(Fault("/_/oidc/audience", status=200, body=HOSTILE_MARKDOWN.encode()))
    run = github.run({"dry-run": "true"})
    assert run.code == 1
    _assert_summary_inert(run, index)


def test_huge_index_text_is_cut(github: GitHub, index: LocalIndex) -> None:
    """A 3 MiB error description is quoted in part: the log stays readable and the
    step summary stays far under GitHub's 1 MiB."""
    _ready(github, index)
    index.state.mint_error = ("invalid-publisher", "no publisher " + "x" * (3 << 20))
    run = github.run()
    assert run.code == 1
    assert "more characters)" in run.log
    assert len(run.log) < 100_000
    assert len(run.summary) < 100_000


def test_dry_run_summary_items_render_server_text_as_text(
    github: GitHub, index: LocalIndex
) -> None:
    """The index's refusal, quoted in the dry run's checklist, is shown as itself: no
    image, no link, and its `|` cuts nothing short."""
    make_wheel(github.dist)
    hostile = '<img src="https://t.example/x.png"> [a](b) | cell'
    index.state.faults.append(Fault("/_/oidc/audience", status=403, body=hostile.encode()))
    run = github.run({"dry-run": "true"})
    assert run.code == 1
    page = run.page
    failed = [item for checked, item in page.checkboxes if not checked]
    assert any("trusted publishing off" in item and hostile in item for item in failed), failed
    assert "img" not in page.tags
    assert "b" not in page.hrefs()


# --- 3. and 4. file names that could forge lines or recolour a terminal -----------------


@pytest.mark.parametrize(
    "filename",
    [
        "example-1.0.0-1\n::error::forged-py3-none-any.whl",
        "example-1.0.0-1" + " " * 80 + "::error::forged-py3-none-any.whl",
        "example-1.0.0-1\x1b[2J\x1b[31m-py3-none-any.whl",
    ],
    ids=["newline", "padded", "escape-sequence"],
)
def test_hostile_file_names_are_refused(github: GitHub, index: LocalIndex, filename: str) -> None:
    make_wheel(github.dist, filename=filename)
    run = github.run()
    assert run.code == 1
    assert "file name has characters no index takes" in run.log
    assert index.state.requests == []
    assert_log_safe(run.log)
    assert "\n::error::forged" not in run.summary
    assert "Uploading" not in run.log  # no library prints its own lines


def test_check_output_has_no_terminal_escapes(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_wheel(tmp_path / "dist", filename="example-1.0.0-1\x1b]0;pwned\x07-py3-none-any.whl")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    code = main(["check", "--repository-url", index.upload_url])
    out, err = capsys.readouterr()
    assert code == 1
    assert "\x1b" not in out + err
    assert "\x07" not in out + err
    assert "\\x1b]0;pwned\\x07" in out


# --- 5. the index chooses the audience ---------------------------------------------------


def test_foreign_audience_is_refused_before_any_token(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.advertised_audience = "sts.amazonaws.com"
    run = github.run()
    assert run.code == 1
    assert "The index asked for an OIDC token it must not have" in run.log
    assert "/_github/token" not in index.state.paths()


@pytest.mark.parametrize(
    ("audience", "url", "allowed"),
    [
        ("pypi", "https://upload.pypi.org/legacy/", True),
        ("testpypi", "https://test.pypi.org/legacy/", True),
        ("pypi", "https://upload.example.org/legacy/", False),
        ("PyPI", "https://upload.example.org/legacy/", False),
        ("testpypi", "https://upload.pypi.org/legacy/", False),
        ("pypi", "http://127.0.0.1:8080/legacy/", False),  # no loopback exemption (issue 20)
        ("my-index_1", "https://upload.example.org/legacy/", False),  # unpinned (issue 20)
        ("https://github.com/octo", "https://upload.example.org/legacy/", False),
        ("a b", "https://upload.example.org/legacy/", False),
    ],
)
def test_audience_rule(audience: str, url: str, allowed: bool) -> None:
    if allowed:
        check_advertised(audience, Index(url), None)
    else:
        with pytest.raises(PublishError):
            check_advertised(audience, Index(url), None)


# --- 6. credentials never echoed ---------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://user:hunter22@upload.example.org:99999/legacy/",
        "https://user:hunter22@exa mple.org/legacy/",
        "https://user:hunter22@[::1/legacy/",
    ],
)
def test_url_with_credentials_and_other_faults_is_not_echoed(github: GitHub, url: str) -> None:
    make_wheel(github.dist)
    run = github.run({"repository-url": url})
    assert run.code == 1
    assert "must not contain credentials" in run.log
    assert "hunter22" not in run.log + run.summary


def test_input_conflict_does_not_echo_values(github: GitHub) -> None:
    make_wheel(github.dist)
    run = github.run(
        {"repository-url": "https://upload.example.org/legacy/"},
        env={"INPUT_REPOSITORY_URL": "https://u:hunter22@elsewhere.example/legacy/"},
    )
    assert run.code == 1
    assert "given twice" in run.log
    assert "hunter22" not in run.log + run.summary


# --- 7. proxies never see credentials in clear text -------------------------------------


class _Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        self.send_response(502)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def test_plain_http_requests_bypass_proxies(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{proxy.server_address[1]}"
    try:
        run = github.run(env={"HTTP_PROXY": address, "http_proxy": address, "NO_PROXY": ""})
    finally:
        proxy.shutdown()
    assert run.code == 0, run.log
    assert _Recorder.seen == []


# --- 8. a token too short to mask --------------------------------------------------------


def test_implausibly_short_token_is_refused_unmasked(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.token_override = "e"
    run = github.run()
    assert run.code == 1
    assert "not plausible" in run.log
    assert "::add-mask::e\n" not in run.log
    assert "/legacy/" not in index.state.paths()


@pytest.mark.parametrize("body", [b'{"success": false}', b'{"token": 123}', b'{"token": ""}'])
def test_mint_success_without_a_token_is_named(
    github: GitHub, index: LocalIndex, body: bytes
) -> None:
    """A 200 with no usable token is the index's fault, not a publisher to fix."""
    _ready(github, index)
    headers = {"Content-Type": "application/json"}
    index.state.faults.append(Fault("/_/oidc/mint-token", status=200, body=body, headers=headers))
    run = github.run()
    assert run.code == 1
    assert "mint-token answer holds no upload token" in run.log
    assert "publisher" not in run.log.split("::error", 1)[1].split("\n", 1)[0].lower()
    assert "/legacy/" not in index.state.paths()


# --- 9. an empty boolean -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["dry-run", "skip-existing", "verify-metadata", "verbose"])
def test_empty_boolean_is_an_error(github: GitHub, index: LocalIndex, name: str) -> None:
    _ready(github, index)
    run = github.run({name: ""})
    assert run.code == 1
    assert f"Input `{name}` is empty" in run.log
    assert index.state.requests == []


# --- 10. a simple page built to be slow --------------------------------------------------


@pytest.mark.parametrize(
    "page", ["<a " * 100_000, "<a href='" * 40_000, "<" * 300_000, "<a>" * 100_000 + "</a>"]
)
def test_simple_html_is_read_in_linear_time(page: str) -> None:
    started = time.monotonic()
    index_module._html_files(page)
    assert time.monotonic() - started < 1.0


# --- 11. and 12. trickled and oversized answers ------------------------------------------


def test_trickled_answer_is_cut_off(
    github: GitHub, index: LocalIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ready(github, index)
    monkeypatch.setattr(http, "REQUEST_DEADLINE", 0.5)
    slow = Fault("/_/oidc/audience", status=200, trickle=0.05, body=b"x" * 400, times=10)
    index.state.faults.append(slow)
    started = time.monotonic()
    run = github.run(in_process=True)
    assert time.monotonic() - started < 10
    assert run.code == 1
    assert "answered too slowly" in run.log
    assert run.log.count("trying again") == 3  # a cut-off may pass, like a timeout


def test_upload_answer_cut_off_after_the_file_landed(
    github: GitHub, index: LocalIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index stores the file, then trickles its answer past the deadline: the
    file is on the index, so it is reported as uploaded, not as a failure."""
    _ready(github, index)
    monkeypatch.setattr(http, "REQUEST_DEADLINE", 1.0)
    slow = Fault("/legacy/", status=200, after=True, trickle=0.05, body=b"x" * 100)
    index.state.faults.append(slow)
    run = github.run(in_process=True)
    assert run.code == 0, run.log
    assert sorted(run.output_list("uploaded")) == sorted(index.state.projects["example"].files)
    assert len(index.state.uploads) == 2


def test_gzip_bomb_upload_answer_is_capped(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    bomb = gzip.compress(b"\0" * (64 << 20))
    index.state.faults.append(
        Fault("/legacy/", status=400, body=bomb, headers={"Content-Encoding": "gzip"})
    )
    run = github.run()
    assert run.code == 1
    assert "too large to be real" in run.log


# --- 13. odd answers and inputs each get a named error -----------------------------------


@pytest.mark.parametrize("expires", [10**400, -1, "soon", True, 1e308])
def test_odd_expires_is_not_an_internal_error(
    github: GitHub, index: LocalIndex, expires: object
) -> None:
    _ready(github, index)
    index.state.expires_override = expires
    run = github.run()
    assert run.code == 0, run.log


def test_deeply_nested_json_is_named(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    nested = b'{"audience":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    index.state.faults.append(
        Fault(
            "/_/oidc/audience",
            status=200,
            body=nested,
            headers={"Content-Type": "application/json"},
        )
    )
    run = github.run()
    assert run.code == 1
    assert "Unexpected answer from the index" in run.log
    assert "Internal error" not in run.log


def test_deeply_nested_token_claims_are_named(github: GitHub, index: LocalIndex) -> None:
    """A token whose payload nests thousands deep is unreadable, not a crash."""
    _ready(github, index)
    part = base64.urlsafe_b64encode(b'{"a":' + b"[" * 50_000 + b"]" * 50_000 + b"}")
    token = b"eyJhbGciOiJSUzI1NiJ9." + part.rstrip(b"=") + b".c2lnbmF0dXJlc2lnbmF0dXJl"
    index.state.faults.append(
        Fault(
            "/_github/token",
            status=200,
            body=b'{"value": "' + token + b'"}',
            headers={"Content-Type": "application/json"},
        )
    )
    run = github.run()
    assert run.code == 1
    assert "not a readable JWT" in run.log
    assert "/_/oidc/mint-token" not in index.state.paths()


def test_non_ascii_retry_after(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.faults.append(Fault("/simple/", status=503, headers={"Retry-After": "²"}))
    run = github.run()
    assert run.code == 0, run.log


def test_missing_ca_bundle_is_named(github: GitHub, tmp_path: Path) -> None:
    make_wheel(github.dist)
    missing = tmp_path / "no-such-bundle.pem"
    run = github.run(
        {"repository-url": "https://upload.example.invalid/legacy/"},
        env={"REQUESTS_CA_BUNDLE": str(missing)},
    )
    assert run.code == 1
    assert "Cannot set up TLS for the index" in run.log
    assert "Internal error" not in run.log


def test_deeply_nested_rst_is_named(github: GitHub) -> None:
    """350 nested lists: docutils runs out of stack (after about 200), in about a
    second, well within the time rendering is given even on a busy machine (and 124 kB,
    within the size rendered: dists.MAX_RENDERED)."""
    rst = "".join(" " * i + "- x\n\n" for i in range(0, 700, 2))
    meta = metadata_text("example", "1.0.0", Description_Content_Type="text/x-rst", Description=rst)
    wheel = make_wheel(github.dist, metadata=meta)
    run = github.run()
    assert run.code == 1
    assert "Internal error" not in run.log
    run.shows(Msg.DESCRIPTION_TOO_DEEP, "error", path=f"dist/{wheel.name}")


def test_slow_rst_is_bounded(github: GitHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dists, "RENDER_SECONDS", 0.1)
    dists._rst_problems.cache_clear()
    row = "+" + "---+" * 80 + "\n"
    table = row + ("|" + "   |" * 80 + "\n" + row) * 190  # 0.8 s to render, 122 kB
    meta = metadata_text(
        "example", "1.0.0", Description_Content_Type="text/x-rst", Description=table
    )
    make_wheel(github.dist, metadata=meta)
    started = time.monotonic()
    run = github.run(in_process=True)
    assert time.monotonic() - started < 5
    assert run.code == 1
    assert "takes too long to render" in run.log


def test_non_utf8_file_name_is_named(github: GitHub) -> None:
    github.dist.mkdir(parents=True)
    name = os.fsdecode(b"example-1.0.0-1\xff-py3-none-any.whl")
    make_wheel(github.dist, filename=name)
    run = github.run()
    assert run.code == 1
    assert "Internal error" not in run.log
    assert "\\udcff" in run.log  # shown escaped


# --- 14. a FIFO named like a dist --------------------------------------------------------


def test_fifo_is_refused_without_opening_it(github: GitHub) -> None:
    github.dist.mkdir(parents=True)
    os.mkfifo(github.dist / "example-1.0.0-py3-none-any.whl")
    started = time.monotonic()
    run = github.run()
    assert time.monotonic() - started < 5
    assert run.code == 1
    assert "Not a regular file" in run.log


# --- 15. digests in upper case -----------------------------------------------------------


def test_upper_case_sha256_is_the_same_file(github: GitHub, index: LocalIndex) -> None:
    """An index that writes its digests in upper case: the file there is these bytes,
    so skip-existing skips it quietly, and without it the error is the one for the
    same bytes (set skip-existing), not the one for other content."""
    _ready(github, index)
    index.state.sha_upper = True
    wheel = github.dist / "example-1.0.0-py3-none-any.whl"
    index.state.add_file("example", wheel.name, wheel.read_bytes(), "1.0.0")
    run = github.run({"skip-existing": "true"})
    assert run.code == 0, run.log
    assert run.output_list("skipped") == [wheel.name]
    assert [a.title for a in all_annotations(run.log) if a.level == "warning"] == []
    assert run.logs(Msg.CHECK_FILE_SKIPPED, filename=wheel.name)
    (github.dist / "example-1.0.0.tar.gz").unlink()  # uploaded by that run
    run = github.run()
    assert run.code == 1
    run.shows(Msg.FILE_EXISTS_SAME, "error", filename=wheel.name)


def test_backticks_from_outside_stay_in_their_code_span(github: GitHub, index: LocalIndex) -> None:
    """The index's words hold runs of backticks: the summary shows them as they are,
    in one code span that none of them closes."""
    _ready(github, index)
    words = "no `x` here ``y`` or ```z``` and `` ` ``"
    index.state.mint_error = ("invalid-publisher", words)
    run = github.run()
    assert run.code == 1
    page = run.page
    assert words in page.text
    assert not any(words not in code and "`" in code for code in _code_spans(page.html))


def _code_spans(html: str) -> list[str]:
    """The text of each <code> element of a rendered page."""
    import html as html_module

    return [html_module.unescape(c) for c in re.findall(r"<code>(.*?)</code>", html, re.S)]


def test_a_pipe_from_outside_stays_in_its_table_cell(github: GitHub, index: LocalIndex) -> None:
    """A claim holding `|` (GitHub allows it in an environment's name) fills one cell
    of the summary's claims table; the row keeps its columns."""
    _ready(github, index)
    index.state.run.environment = "prod|us"
    run = github.run()
    assert run.code == 1
    rows = {row[0]: row for row in run.page.table("claim")}
    claim_name = messages.claim_row(Msg.SUMMARY_CLAIM_ENVIRONMENT)[0]
    assert rows[claim_name][1] == "prod|us"
    assert len(rows[claim_name]) == len(rows["claim"])


# --- 17. retry budget and verbose answers -----------------------------------------------


def test_retry_after_counts_in_the_budget() -> None:
    policy = http.RetryPolicy(tries=10, base=0, budget=60)
    assert policy.next_wait(1, asked=50, waited=20) is None
    assert policy.next_wait(1, asked=30, waited=20) == 30


def test_verbose_shows_answers_escaped(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.faults.append(
        Fault("/simple/", status=418, body=b"teapot\x1b[31m says no\r\n::x::")
    )
    run = github.run({"verbose": "true"})
    assert "teapot\\x1b[31m says no" in run.log
    assert_log_safe(run.log)


def test_escaping_of_every_control_character() -> None:
    out = io.StringIO()
    console = Console({"GITHUB_ACTIONS": "true"}, stream=out)
    from publisher.messages import Msg

    console.info(Msg.LOG_UPLOADED, filename="".join(chr(c) for c in range(32)) + "\x7f\x9b\u2028")
    assert_log_safe(out.getvalue())
    assert len(out.getvalue().splitlines()) == 1
    assert json.dumps(out.getvalue())  # still text


def test_huge_simple_page_is_read(github: GitHub, index: LocalIndex) -> None:
    """A project with tens of thousands of files (nightlies) has a simple page far
    larger than any other answer: it is read, not refused."""
    _ready(github, index)
    hashes = {"sha256": "0" * 64}
    files = [
        {"filename": f"example-0.0.{i}-py3-none-any.whl", "hashes": hashes} for i in range(70_000)
    ]
    page = json.dumps({"meta": {"api-version": "1.1"}, "name": "example", "files": files}).encode()
    assert len(page) > 8 << 20  # more than any other answer may be
    headers = {"Content-Type": "application/vnd.pypi.simple.v1+json"}
    index.state.faults.append(Fault("/simple/", status=200, body=page, headers=headers))
    run = github.run()
    assert run.code == 0, run.log[-2000:]
    assert "Could not check" not in run.log


def test_slow_simple_page_is_only_a_warning(
    github: GitHub, index: LocalIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The look-up before the mint is advisory: an index too slow to answer it gets a
    warning, and the publish goes on."""
    _ready(github, index)
    monkeypatch.setattr(http, "REQUEST_DEADLINE", 0.5)
    index.state.faults.append(Fault("/simple/", status=200, trickle=0.05, body=b"x" * 200, times=4))
    run = github.run(in_process=True)
    assert run.code == 0, run.log
    assert "Could not check" in run.log
    assert "answered too slowly" in run.log
    assert len(index.state.uploads) == 2


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        (b'{"a": [1, {"b": "[[[[["}]}', False),
        (b'["' + b"[" * 100 + b'"]', False),  # brackets in a string do not nest
        (b"[" * 65 + b"]" * 65, True),
        (b"[" * 64 + b"]" * 64, False),
        (b'["]",' * 70 + b"1" + b"]" * 70, True),  # strings that look like closers
        (b'["\\"]",' * 70 + b"1" + b"]" * 70, True),  # escaped quotes inside them
        (b'{"a":' * 70 + b"1" + b"}" * 70, True),
    ],
)
def test_json_depth_is_measured_outside_strings(text: bytes, deep: bool) -> None:
    assert safejson.too_deep(text) is deep


def test_echoed_basic_credential_stays_hidden(github: GitHub, index: LocalIndex) -> None:
    """An index that echoes the request's headers in an error (with `verbose`, answers
    are shown): the Basic credential, the password in base64, is masked too."""
    make_wheel(github.dist)
    token = "pypi-user-token-abcdef0123456789"
    basic = base64.b64encode(f"__token__:{token}".encode()).decode()
    echo = f"Bad request. Your headers: Authorization: Basic {basic}".encode()
    index.state.faults.append(Fault("/legacy/", status=400, body=echo))
    run = github.run({"password": token, "verbose": "true"}, oidc=False)
    assert run.code == 1
    assert f"::add-mask::{basic}" in run.log
    assert basic not in run.log.replace(f"::add-mask::{basic}", "")


def test_paths_are_shown_from_the_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    from publisher import messages

    assert messages.escape(tmp_path / "dist" / "x.whl") == "dist/x.whl"
    assert messages.escape(Path("/elsewhere/x.whl")) == "/elsewhere/x.whl"
