"""The README and docs/ document every diagnosis and every input, and the messages keep
their promise of naming a fix."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, GitHub, example_project, make_sdist, make_wheel, publisher_for_run
from fakes.index import LocalIndex

from publisher.messages import MESSAGES, Msg

README = (ROOT / "README.md").read_text(encoding="utf-8")
# The reference material lives in docs/, linked from the README: read as one text.
DOCS = README + "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))
# Lines of the dry-run report, log lines, phrases and summary words: not diagnoses.
NOT_DIAGNOSES = (
    "check-",
    "log-",
    "doing-",
    "endpoint-",
    "summary-",
    "result-",
    "verdict-",
    "source-",
    "attested-",
    "sigstore-",
    "phrase-",
)
DIAGNOSES = {
    k: v
    for k, v in MESSAGES.items()
    if not k.startswith(NOT_DIAGNOSES)
    and k not in ("upload-redirected", "index-problem-status", "index-problem-page")
}


@pytest.mark.parametrize("key", sorted(DIAGNOSES))
def test_readme_names_every_diagnosis(key: Msg) -> None:
    title = DIAGNOSES[key][0]
    for chunk in re.split(r"`?\$\w+`?", title):
        chunk = chunk.strip()
        if len(chunk) > 3:
            assert chunk in DOCS, f"the docs lack the diagnosis {title!r}"


@pytest.mark.parametrize("key", sorted(DIAGNOSES))
def test_every_failure_message_names_a_fix(key: Msg) -> None:
    body = DIAGNOSES[key][1]
    warning_only = {"reusable-workflow", "many-problems"}
    assert "Fix" in body or key in warning_only


def test_readme_documents_every_input_with_its_default() -> None:
    """Each input with its real default (an old spelling carries it in action.yml, as
    in the anchor: publisher.inputs.UNSET), and each old spelling."""
    from publisher.inputs import INPUTS

    declared = yaml.safe_load((ROOT / "action.yml").read_text())["inputs"]
    for spec in INPUTS:
        assert spec.name in declared
        row = f"| `{spec.name}` | " + (f"`{spec.default}`" if spec.default else "(empty)")
        assert row in DOCS, f"the docs lack the input {spec.name} with default {spec.default!r}"
        if spec.alias:
            assert declared[spec.alias]["default"] == spec.default
            assert f"`{spec.alias}`" in DOCS, f"the docs lack the old spelling {spec.alias}"


def test_readme_documents_every_output() -> None:
    outputs = yaml.safe_load((ROOT / "action.yml").read_text())["outputs"]
    for name in outputs:
        assert f"| `{name}` |" in DOCS


def test_every_message_key_has_a_text_and_is_used() -> None:
    """Keys are constants (``Msg.X``), so a key used is a key that exists (mypy checks
    it); each has its text, and each is used by the runtime code."""
    import publisher

    assert set(MESSAGES) == set(Msg)
    package = Path(publisher.__file__).parent
    code = "\n".join(
        p.read_text(encoding="utf-8") for p in package.rglob("*.py") if p.name != "messages.py"
    )
    # messages.py's own functions use a few keys too; its catalogue does not count.
    own = (package / "messages.py").read_text(encoding="utf-8")
    start = own.index("\nMESSAGES: dict[Msg, tuple[str, str]] = {")
    code += own[:start] + own[own.index("\n}\n", start) :]
    unused = [m.name for m in Msg if not re.search(rf"\bMsg\.{m.name}\b", code)]
    assert unused == []


def test_no_message_text_outside_the_catalogue() -> None:
    """User-visible text is written in messages.py: the runtime's calls that print or
    raise take a key, never a string."""
    import publisher

    package = Path(publisher.__file__).parent
    call = re.compile(
        r"\b(?:Error|console\.(?:info|notice|warning|error|debug|text|group)|Finding)\(\s*(f?\"[^\"]*\")"
    )
    found = [
        f"{p.name}: {m.group(1)}"
        for p in package.rglob("*.py")
        for m in call.finditer(p.read_text(encoding="utf-8"))
        if m.group(1) not in ('"ok"', '"notice"', '"warning"', '"error"')
    ]
    assert found == []


def test_action_yml_inputs_come_from_the_package() -> None:
    """The defaults have one source, shipped in the package: action.yml's inputs are
    generated from it (tools/action_yml.py)."""
    from action_yml import ACTION_YML, generated

    current = ACTION_YML.read_text(encoding="utf-8")
    assert current == generated(current), "run: python tools/action_yml.py"


def test_readme_links_resolve_and_stay_short() -> None:
    """The README is the adopter's page: under 300 lines, its links to docs/ resolve."""
    assert len(README.splitlines()) < 300
    for target in re.findall(r"\]\((docs/[^)#]+)", README):
        assert (ROOT / target).is_file(), target
    for page in (ROOT / "docs").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([\w./-]+\.md)", text):
            assert (page.parent / target).is_file(), f"{page.name}: {target}"


def _anchors(page: Path) -> set[str]:
    """The anchors GitHub gives a page's headings (lower case, punctuation dropped,
    spaces to hyphens), outside code blocks."""
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    headings = re.findall(r"^#+ (.*)$", text, re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_links_to_a_heading_find_it() -> None:
    """A link to `page.md#heading` (or `#heading` in the page) lands on a heading."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for target, anchor in re.findall(r"\]\(([\w./-]*\.md|)#([\w-]+)\)", text):
            linked = (page.parent / target) if target else page
            assert anchor in _anchors(linked), f"{page.name}: {target}#{anchor}"


# --- docs/troubleshooting-pypi.md: PyPI's troubleshooting page, row by row ------------

PYPI_PAGE = (ROOT / "docs" / "troubleshooting-pypi.md").read_text(encoding="utf-8")
_ROW = re.compile(
    r"^\|(?P<page>[^|]+)\|(?P<answer>[^|]+)\| `(?P<key>[a-z-]+)`: (?P<title>[^|]+?) \|", re.M
)


def _runner_property(text: str) -> str:
    """``text`` as the runner receives it in a workflow command's ``title=``."""
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return escaped.replace(":", "%3A").replace(",", "%2C")


def _ready(github: GitHub, index: LocalIndex) -> None:
    make_sdist(github.dist)
    make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))


def _mint_answers(code: str, description: str) -> Callable[[GitHub, LocalIndex, Path], str]:
    def scenario(github: GitHub, index: LocalIndex, tmp_path: Path) -> str:
        _ready(github, index)
        index.state.mint_error = (code, description)
        return github.run().log

    return scenario


def _reusable(github: GitHub, index: LocalIndex, tmp_path: Path) -> str:
    _ready(github, index)
    index.state.run.called_workflow = "octo-org/shared/.github/workflows/publish.yml"
    return github.run().log


def _check_in_a_project(github: GitHub, index: LocalIndex, tmp_path: Path) -> str:
    import contextlib
    import io

    from publisher.cli import main

    project = example_project(tmp_path)
    out = io.StringIO()
    with contextlib.chdir(project), contextlib.redirect_stdout(out):
        main(["check", "--repository-url", index.upload_url])
    return out.getvalue()


def _audience_forbidden(github: GitHub, index: LocalIndex, tmp_path: Path) -> str:
    _ready(github, index)
    index.state.trusted_publishing = "disabled"
    return github.run().log


def _renamed_repository(github: GitHub, index: LocalIndex, tmp_path: Path) -> str:
    make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index, repository="old-name"))
    log = github.run().log
    # The row quotes the log's repository row: the quote is what a user reads.
    quoted = re.search(r'its repository row says "([^"]+)"', PYPI_PAGE)
    assert quoted is not None
    assert quoted.group(1) in log
    return log


def _expired_pending_publisher(github: GitHub, index: LocalIndex, tmp_path: Path) -> str:
    make_wheel(github.dist)  # no project, and its pending publisher is gone
    log = github.run().log
    assert "deletes a pending publisher 30 days after it was registered" in log
    return log


def _pending_under_another_name(github: GitHub, index: LocalIndex, tmp_path: Path) -> str:
    make_wheel(github.dist)
    index.state.pending.append(publisher_for_run(index, project="python-example"))
    log = github.run().log
    assert index.state.uploads == []
    return log


# The rows of docs/troubleshooting-pypi.md, in order: each provoked as a user meets it.
PYPI_ROWS: list[tuple[Msg, Callable[[GitHub, LocalIndex, Path], str]]] = [
    (Msg.REUSABLE_WORKFLOW, _reusable),
    (Msg.CHECK_PUBLISHER_FIELDS, _check_in_a_project),
    (
        Msg.MINT_NOT_ENABLED,
        _mint_answers("not-enabled", "github trusted publishing functionality not enabled"),
    ),
    (Msg.TP_DISABLED, _audience_forbidden),
    (
        Msg.MINT_INVALID_PAYLOAD,
        _mint_answers("invalid-payload", "1 validation error for TokenPayload"),
    ),
    (
        Msg.MINT_UNKNOWN_ISSUER,
        _mint_answers("invalid-payload", "unknown trusted publishing issuer"),
    ),
    (Msg.MINT_INVALID_TOKEN, _mint_answers("invalid-token", "malformed or invalid token")),
    (
        Msg.MINT_INVALID_PENDING_PUBLISHER,
        _mint_answers("invalid-pending-publisher", "valid token, but project already exists"),
    ),
    (
        Msg.MINT_INVALID_PUBLISHER,
        _mint_answers(
            "invalid-publisher",
            "valid token, but no corresponding publisher (Publisher with matching claims was not found)",
        ),
    ),
    (Msg.MINT_INVALID_PUBLISHER, _expired_pending_publisher),
    (Msg.MINT_INVALID_PUBLISHER, _renamed_repository),
    (Msg.NAME_MISMATCH_AFTER_MINT, _pending_under_another_name),
]


def test_pypi_troubleshooting_rows_are_the_messages() -> None:
    """Each row names a message key and its title as messages.py has them."""
    rows = [(Msg(m["key"]), m["title"]) for m in _ROW.finditer(PYPI_PAGE)]
    assert [key for key, _ in rows] == [key for key, _ in PYPI_ROWS]
    for key, title in rows:
        assert title == MESSAGES[key][0]


@pytest.mark.parametrize(("row", "key"), [(i, k) for i, (k, _) in enumerate(PYPI_ROWS)])
def test_pypi_troubleshooting_row_is_what_a_user_sees(
    row: int, key: Msg, github: GitHub, index: LocalIndex, tmp_path: Path
) -> None:
    shown = PYPI_ROWS[row][1](github, index, tmp_path)
    for chunk in re.split(r"\$\w+", MESSAGES[key][0]):
        assert chunk in shown or _runner_property(chunk) in shown, (key, chunk, shown)


# --- the README's first screen: where the action and the CLI come from ---------------

ACTION_REPOSITORY = "trusted-publish-action/trusted-publish-action"
CLONE = "/path/to/clone"


def _readme_install_lines() -> list[list[str]]:
    """The README's shell lines that run `publisher` through uvx or pipx."""
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    lines = [shlex.split(line) for block in blocks for line in block.splitlines()]
    return [words for words in lines if words and words[0] in ("uvx", "pipx")]


def test_every_uses_line_names_the_one_repository() -> None:
    """The action is named one way everywhere it is shown: README, docs, git URLs."""
    uses = re.findall(r"uses: ([\w.-]+/[\w.-]+)@(\S+)", DOCS)
    ours = [(repo, ref) for repo, ref in uses if "publish" in repo and "pypa/" not in repo]
    assert ours
    assert set(ours) == {(ACTION_REPOSITORY, "v1")}
    for url in re.findall(r"github\.com/(trusted-publish-action/[\w.-]+)", DOCS):
        assert url == ACTION_REPOSITORY


def test_readme_install_commands_name_the_package_and_its_command() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    sources = {project["name"], f"git+https://github.com/{ACTION_REPOSITORY}", CLONE}
    shown: dict[str, set[str]] = {"uvx": set(), "pipx": set()}
    for words in _readme_install_lines():
        if words[0] == "uvx":
            assert words[1] == "--from", words
            spec, command = words[2], words[3:]
        else:
            assert words[1:3] == ["run", "--spec"], words
            spec, command = words[3], words[4:]
        assert spec in sources, words
        assert command == ["publisher", "check"], words
        shown[words[0]].add(spec)
    assert "publisher" in project["scripts"]
    assert shown == {"uvx": sources, "pipx": {project["name"], CLONE}}


def _page(name: str) -> str:
    """A docs page with its white space made single spaces (lines wrap anywhere)."""
    return " ".join((ROOT / "docs" / name).read_text(encoding="utf-8").split())


def _listed(numbers: list[float]) -> str:
    """1, 2 and 4."""
    words = [f"{n:g}" for n in numbers]
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]


def test_troubleshooting_numbers_are_the_codes() -> None:
    """Each number docs/troubleshooting.md gives for retries and deadlines, against the
    constant it describes."""
    from publisher import attest, dists, http

    text = _page("troubleshooting.md")
    # The statuses retried: 429 and any 5xx, and no other.
    assert {s for s in range(100, 600) if http.passing(s)} == {429, *range(500, 600)}
    assert "429 and any 5xx" in text
    policy = http.DEFAULT_POLICY
    waits = [min(policy.cap, policy.base * 2**n) for n in range(policy.tries - 1)]
    assert f"at most {policy.tries} tries" in text
    assert http.JITTER == 0.5, "the docs say 'by up to half': say it anew"
    assert (
        f"({_listed(waits)} s, each shortened at random by up to half, never more than "
        f"{policy.cap:g} s)" in text
    )
    assert f"at most {policy.budget:g} s of waiting in all" in text
    assert policy.budget == http.MAX_RETRY_AFTER
    assert f"calls to Sigstore, share {http.RUN_DEADLINE / 60:g} minutes in all" in text
    assert f"within what is left of the run's {http.RUN_DEADLINE / 60:g} minutes" in text
    assert f"whatever the reads do: {http.REQUEST_DEADLINE:g} s" in text
    assert f"an upload: {http.REQUEST_DEADLINE:g} s plus a second per MiB" in text
    assert http.UPLOAD_RATE == 1 << 20  # a second per MiB
    connect, read = http.TIMEOUT
    assert f"cut off at {connect:g} s to connect and {read:g} s without a byte" in text
    assert f"Rendering a long description is cut off after {dists.RENDER_SECONDS:g} s" in text
    seconds = f"{attest.SIGSTORE_DEADLINE:g} s"
    assert f"{seconds} to get the signing certificate and {seconds} to sign each file" in text


def test_verbose_cap_is_the_code_s() -> None:
    """What `verbose` shows of an answer, as inputs.md and security.md say it."""
    from publisher import http

    said = f"first {http.VERBOSE_BODY} bytes"
    assert said in _page("inputs.md")
    assert said in _page("security.md")


def test_concurrency_default_is_the_one_said() -> None:
    """The README and the migration page give `concurrency`'s default in words."""
    from publisher.inputs import SPECS

    default = SPECS["concurrency"].default
    assert f"signed and uploaded {default} files at a time" in " ".join(README.split())
    assert f"here {default} at a time" in _page("migration.md")


def test_big_release_figures_are_the_benchmarks() -> None:
    """The README's big-release figures are those of the benchmark run it cites
    (`benchmarks/RESULTS-release.md`), as the benchmarks page gives them."""
    results = (ROOT / "benchmarks" / "RESULTS-release.md").read_text(encoding="utf-8")
    row = re.search(
        r"^\| 1 \+ 48-file release \(~1 MiB each\), signed, concurrency 8 \| ([\d.]+) s \| "
        r"([\d.]+) s \(the same, concurrency 1\) \| ([\d.]+)x",
        results,
        re.MULTILINE,
    )
    assert row is not None
    ours, one_at_a_time, ratio = (float(x) for x in row.groups())
    said = f"took {ours:.2f} s against {one_at_a_time:.2f} s one file at a time ({ratio:.2f}x)"
    assert said in " ".join(README.split())
    assert f"| {ours:.2f} s | {one_at_a_time:.2f} s (the same, concurrency 1) |" in _page(
        "benchmarks.md"
    )


def test_backoff_waits_are_as_documented() -> None:
    """The waits themselves, drawn many times: within the documented bounds."""
    from publisher import http

    policy = http.RetryPolicy()
    for attempt in range(1, policy.tries):
        backoff = min(policy.cap, policy.base * 2 ** (attempt - 1))
        waits = [policy.delay(attempt) for _ in range(200)]
        assert all(backoff * (1 - http.JITTER) <= w <= backoff for w in waits)


def test_mutants_are_listed_with_their_killers() -> None:
    """docs/mutants.md has a row for each mutant of tools/mutants.py, and no other."""
    from mutants import MUTANTS

    page = (ROOT / "docs" / "mutants.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([a-z0-9-]+)` \|", page, re.MULTILINE)
    assert sorted(listed) == sorted(m.id for m in MUTANTS)


def test_runtime_has_no_test_hooks_or_fixture_names() -> None:
    """No variable of a workflow's `env:` can reach a test seam (the seams are set by
    the harness, in its own process: tests/harness.py), and no fixture's name is
    printed whatever the run's names are."""
    import publisher

    package = Path(publisher.__file__).parent
    code = {p: p.read_text(encoding="utf-8") for p in package.rglob("*.py")}
    for path, text in code.items():
        assert not re.search(r"[\"']PUBLISHER_\w+[\"']", text), f"{path.name}: a test hook"
        for fixture in ("python-example", "octo-org", "tpa-example", "BACKOFF_SCALE"):
            assert fixture not in text, f"{path.name} names the tests' {fixture}"


def test_check_sarif_job_uploads_after_a_failed_check() -> None:
    """docs/check.md's code-scanning job: `publisher check` exits 1 on an error, and the
    upload step still runs then (a step after a failed one runs only when its `if:`
    says so), else code scanning never sees the errors."""
    page = (ROOT / "docs" / "check.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", page, re.S) if "sarif" in b)
    steps = yaml.safe_load(block)["lint-release"]["steps"]
    check = next(s for s in steps if "publisher check --format sarif" in s.get("run", ""))
    upload = steps[steps.index(check) + 1]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] in check["run"]
    assert re.fullmatch(r"\$\{\{ (!cancelled\(\)|always\(\)) \}\}", upload.get("if", ""))


_SHA256 = re.compile(r"sha256 [0-9a-f]{64}")


def test_check_md_example_is_what_check_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/check.md's example, line for line (less the digests), as `publisher check`
    prints it in a copy of example/ whose workflow is the README's, PyPI answering
    that the project is not there yet."""
    import subprocess

    import responses

    from publisher.cli import main

    page = (ROOT / "docs" / "check.md").read_text(encoding="utf-8")
    shown = re.search(r"```text\n\$ publisher check\n(.*?)```", page, re.S)
    assert shown is not None
    readme = re.search(r"## Use it in a workflow\n\n```yaml\n(.*?)```", README, re.S)
    assert readme is not None
    project = example_project(tmp_path)
    workflow = project / ".github" / "workflows" / "release.yml"
    assert yaml.safe_load(workflow.read_text()) == yaml.safe_load(readme.group(1))
    origin = ["git", "-C", str(project), "remote", "set-url", "origin"]
    subprocess.run([*origin, "https://github.com/octo-org/example.git"], check=True)
    monkeypatch.chdir(project)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    with responses.RequestsMock() as pypi:
        pypi.get("https://pypi.org/simple/tpa-example/", status=404)
        code = main(["check"])
    assert code == 0
    printed = capsys.readouterr().out
    assert _SHA256.sub("sha256 …", printed) == _SHA256.sub("sha256 …", shown.group(1))


def test_wait_for_a_new_project_is_as_documented() -> None:
    """how-it-works.md's name check: the tries and the pause are the code's."""
    import inspect

    from publisher import http
    from publisher.index import wait_for_project

    defaults = inspect.signature(wait_for_project).parameters
    tries, pause = defaults["tries"].default, defaults["pause"].default * http.RetryPolicy().base
    text = " ".join(_page("how-it-works.md").split())
    assert f"asked up to {tries} times, half a second apart" in text
    assert pause == 0.5
    assert f"(the {(tries - 1) * pause:g} s a run that stops here spends)" in text
