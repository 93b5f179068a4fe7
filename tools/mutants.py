"""``python tools/mutants.py``: break, one at a time, the checks that guard the index and
the user, and run the tests that must notice. Every mutant must be killed (some test
fails); docs/mutants.md lists them and their killers.

Each mutant is one small edit of the runtime, found by a code pattern (a regular
expression that must match exactly once, anchored on code that states the rule, not
on line numbers). When the code under a mutant changes so that its pattern no longer
matches, the mutant is reported as NOT APPLIED, which fails the run like a survivor:
rewrite the mutant for the new code.

The tree (its tracked and untracked files, not .venv) is copied once to a temporary
folder, and each mutant is applied there, run, and undone; the checkout is never
touched. The copy's ``publisher`` is the one imported: first on ``PYTHONPATH`` for
the tests' own process, and the action's subprocesses run the copy's entrypoint.

    python tools/mutants.py              # every mutant, each against its test files
    python tools/mutants.py --full       # each against the whole suite (slower)
    python tools/mutants.py ID ...       # some of them
    python tools/mutants.py --tests tests/x.py::test_y ID   # against other tests
    python tools/mutants.py --list       # the mutants, with what each breaks
    python tools/mutants.py --markdown   # the docs/mutants.md table, after running
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutant:
    """One edit that breaks one rule."""

    id: str
    breaks: str  # the rule it breaks, in words
    path: str  # the file, from the checkout's root
    pattern: str  # a regular expression (multiline) that must match exactly once
    replacement: str  # as for re.sub (groups allowed)
    tests: tuple[str, ...]  # the test files (or node ids) that must kill it


MUTANTS = (
    # --- PyPI's release rules, checked before the mint --------------------------------
    Mutant(
        "release-window-off",
        "the 14-day rule: a new file for a release older than 14 days is named",
        "publisher/steps/index.py",
        r"if times and min\(times\) < time\.time\(\) - RELEASE_WINDOW:",
        "if False:",
        ("tests/test_index_state.py", "tests/test_pypi_rules.py"),
    ),
    Mutant(
        "release-window-16-days",
        "the 14-day rule's boundary, from above: 15 days is too old",
        "publisher/steps/index.py",
        r"^RELEASE_WINDOW = 14 \* 86400",
        "RELEASE_WINDOW = 16 * 86400",
        ("tests/test_index_state.py", "tests/test_pypi_rules.py"),
    ),
    Mutant(
        "release-window-12-days",
        "the 14-day rule's boundary, from below: 13 days is not too old",
        "publisher/steps/index.py",
        r"^RELEASE_WINDOW = 14 \* 86400",
        "RELEASE_WINDOW = 12 * 86400",
        ("tests/test_index_state.py", "tests/test_pypi_rules.py"),
    ),
    Mutant(
        "release-too-old-only-warns-on-pypi",
        "the 14-day rule stops a PyPI run before the mint (elsewhere a warning)",
        "publisher/steps/index.py",
        r'"error" if ctx\.index\.is_pypi else "warning",',
        '"warning",',
        ("tests/test_pypi_rules.py",),
    ),
    Mutant(
        "sdist-other-on-index-off",
        "one sdist per release: another sdist of the release on the index stops the run",
        "publisher/steps/index.py",
        r"if others:(\n\s*yield Finding\(\"error\", Msg\.SDIST_OTHER_ON_INDEX)",
        r"if False:\1",
        ("tests/test_index_state.py",),
    ),
    Mutant(
        "sdist-other-skipped-uploads",
        "one sdist per release, with skip-existing: the other sdist is skipped, not sent",
        "publisher/steps/index.py",
        r"if others and ctx\.config\.skip_existing:",
        "if False:",
        ("tests/test_index_state.py",),
    ),
    Mutant(
        "two-local-sdists-off",
        "one sdist per release: two sdists of one release in packages-dir are refused",
        "publisher/dists.py",
        r"if key in sdists:(\n\s*problems\.append\(\n\s*DistError\(\n\s*Msg\.TWO_SDISTS)",
        r"if False:\1",
        ("tests/test_dists.py",),
    ),
    # --- trusted publishing -----------------------------------------------------------
    Mutant(
        "name-check-after-mint-off",
        "the name check after the mint: a project still missing stops the run",
        "publisher/steps/publish.py",
        r"still = \[p for p in missing if after\[p\]\.exists is False\]",
        "still: list[str] = []",
        ("tests/test_publish_e2e.py", "tests/test_seams.py"),
    ),
    Mutant(
        "name-check-no-answer-is-yes",
        "the name check after the mint: a look-up with no answer is not taken as yes",
        "publisher/steps/publish.py",
        r"if state\.exists is None:(  # no answer: the check must not pass by default)",
        r"if False:\1",
        ("tests/test_seams.py",),
    ),
    Mutant(
        "audience-pypi-from-any-host",
        "the audience rule: PyPI's and TestPyPI's audiences only from their own hosts",
        "publisher/audience.py",
        r"if hosts is not None and host not in hosts:",
        "if False:",
        ("tests/test_pypi_rules.py", "tests/test_hostile.py", "tests/test_hostile_audience.py"),
    ),
    Mutant(
        "audience-of-another-service",
        "the audience rule: never a token for another service (Sigstore, the clouds...)",
        "publisher/audience.py",
        r"if service is not None:(\n\s*return messages\.phrase\(Msg\.AUDIENCE_OTHER_SERVICE)",
        r"if False:\1",
        ("tests/test_hostile.py", "tests/test_hostile_audience.py"),
    ),
    Mutant(
        "audience-unpinned-accepted",
        "the audience rule: another index's own name, or the pinned audience, only",
        "publisher/audience.py",
        r"raise IndexServerError\(Msg\.AUDIENCE_NOT_PINNED, url=url, audience=audience\)",
        "return",
        ("tests/test_hostile.py", "tests/test_hostile_audience.py"),
    ),
    Mutant(
        "audience-pin-ignored",
        "the audience rule: the index must ask for the pinned audience exactly",
        "publisher/audience.py",
        r"if audience != pinned:",
        "if False:",
        ("tests/test_hostile.py", "tests/test_hostile_audience.py"),
    ),
    Mutant(
        "oidc-token-not-retried",
        "a passing fault getting the OIDC token is retried, as any request is",
        "publisher/oidc.py",
        r"(what=messages\.phrase\(Msg\.DOING_OIDC\),)",
        r"\1 retry=False,",
        ("tests/test_seams.py", "tests/test_faults.py"),
    ),
    Mutant(
        "mint-retries-the-token-fetch",
        "one retry loop per request: the mint's retries do not retry the token fetch's",
        "publisher/mint.py",
        r"token = self\._token_for_exchange\(\)\n\s*try:\n(\s*)",
        r"try:\n\1token = self._token_for_exchange()\n\1",
        ("tests/test_seams.py",),
    ),
    Mutant(
        "owner-claim-lowercased",
        "a refusal shows the token's claims as they are (the owner's case matters)",
        "publisher/oidc.py",
        r'"owner": self\.owner or "\(missing\)",',
        '"owner": (self.owner or "(missing)").lower(),',
        ("tests/test_publish_e2e.py",),
    ),
    Mutant(
        "bad-trust-config-ignored",
        "a Sigstore trust config that cannot be read stops the run before anything is sent",
        "publisher/attest.py",
        r"raise InputError\(\n\s*Msg\.TRUST_CONFIG_BAD, path=self\.trust_config, "
        r"reason=_unusable\(exc\)\n\s*\) from None",
        "return",
        ("tests/test_attestations.py",),
    ),
    Mutant(
        "attestations-off-ignored",
        "`attestations: false` is honoured: nothing is signed",
        "publisher/steps/attestations.py",
        r"if not config\.attestations:",
        "if False:",
        ("tests/test_dropin.py", "tests/test_attestations.py"),
    ),
    # --- inputs ------------------------------------------------------------------------
    Mutant(
        "empty-input-takes-the-default",
        "an input that arrives empty is an error, never its default (PyPI, for the URL)",
        "publisher/inputs.py",
        r"if value == \"\" and spec\.required:",
        "if False:",
        ("tests/test_dropin.py",),
    ),
    Mutant(
        "workflow-path-elsewhere-falls-back",
        "`publisher check --workflow other/release.yml` is not replaced by the same name",
        "publisher/workflows/lint.py",
        r"if explicit\.parent == Path\(\) and not explicit\.exists\(\)",
        "if not explicit.exists()",
        ("tests/test_seams.py",),
    ),
    # --- what the user sees: summary and log -------------------------------------------
    Mutant(
        "summary-outside-text-as-markdown",
        "summary escaping: text from outside is a code span, never Markdown or HTML",
        "publisher/messages.py",
        r"return md\.code_span\(escape\(value\)\)",
        "return escape(value)",
        ("tests/test_hostile.py",),
    ),
    Mutant(
        "summary-code-span-fence-short",
        "summary escaping: a code span's fence is longer than any backticks inside",
        "publisher/markdown.py",
        r'fence = "`" \* \(longest \+ 1\)',
        'fence = "`"',
        ("tests/test_hostile.py",),
    ),
    Mutant(
        "summary-cell-pipe",
        "summary escaping: a '|' from outside does not split a table cell",
        "publisher/markdown.py",
        r'return one_line\(markdown\.replace\("\|", "\\\\\|"\)\)',
        "return one_line(markdown)",
        ("tests/test_hostile.py", "tests/test_publish_e2e.py"),
    ),
    Mutant(
        "log-controls-unescaped",
        "log escaping: control characters from outside are shown as escapes",
        "publisher/messages.py",
        r"text = _UNSAFE\.sub\(_visible, str\(value\)\)",
        "text = str(value)",
        ("tests/test_hostile.py",),
    ),
    Mutant(
        "log-command-lines-not-defused",
        "log escaping: a line from outside never reads as a workflow command",
        "publisher/console.py",
        r"(def _defuse\(line: str\) -> str:\n\s*\"\"\"[^\"]*\"\"\"\n)",
        r"\1    return line\n",
        ("tests/test_hostile.py",),
    ),
    Mutant(
        "annotation-newlines-unescaped",
        "log escaping: an annotation's text is one workflow command, whatever it holds",
        "publisher/console.py",
        r'\.replace\("\\n", "%0A"\)',
        "",
        ("tests/test_hostile.py", "tests/test_publish_e2e.py"),
    ),
    # --- secrets ------------------------------------------------------------------------
    Mutant(
        "mask-command-off",
        "secret masking: each secret is given to the runner to mask (::add-mask::)",
        "publisher/console.py",
        r'self\._command\(f"::add-mask::\{\w+\(secret\)\}", now=True\)',
        "pass",
        ("tests/test_publish_e2e.py", "tests/test_hostile.py"),
    ),
    Mutant(
        "minted-token-not-masked",
        "secret masking: the minted upload token is masked before anything else",
        "publisher/mint.py",
        r"console\.mask\(token\)",
        "pass",
        ("tests/test_mint.py", "tests/test_publish_e2e.py"),
    ),
    Mutant(
        "inputs-not-masked",
        "secret masking: the password and the token request token, first of all",
        "publisher/cli.py",
        r'console\.mask\(env\.get\(key, ""\)\.strip\(\)\)',
        "pass",
        ("tests/test_publish_e2e.py", "tests/test_hostile.py", "tests/test_real_servers.py"),
    ),
    Mutant(
        "echoed-secrets-not-redacted",
        "secret masking: a secret a server echoes back is redacted before it is shown",
        "publisher/console.py",
        r"(def redact\(self, text: str\) -> str:\n\s*\"\"\"[^\"]*\"\"\"\n)",
        r"\1        return text\n",
        ("tests/test_hostile.py", "tests/test_seams.py"),
    ),
    Mutant(
        "url-secret-echoed",
        "secret in a URL: a refused URL is quoted without its query, fragment or user info",
        "publisher/urls.py",
        r"(def redacted\(url: str\) -> str:\n\s*\"\"\"[^\"]*\"\"\"\n)",
        r"\1    return url\n",
        ("tests/test_hostile_misc.py",),
    ),
    Mutant(
        "url-host-read-two-ways",
        "a URL whose host urllib.parse and urllib3 read differently is refused",
        "publisher/urls.py",
        r"if _host_as_sent\(url\) != parts\.hostname\.lower\(\):",
        "if False:",
        ("tests/test_hostile_misc.py",),
    ),
    Mutant(
        "minted-token-shown-masked",
        "secret masking: a token that is text the run shows is refused, not masked",
        "publisher/mint.py",
        r"if console\.shows\(token\):",
        "if False:",
        ("tests/test_hostile_misc.py",),
    ),
    Mutant(
        "netrc-read",
        "credentials: no request carries a .netrc password",
        "publisher/http.py",
        r'kwargs\.setdefault\("auth", no_netrc\)',
        "pass",
        ("tests/test_hostile_misc.py",),
    ),
    Mutant(
        "loader-variables-kept",
        "the job's environment: Python starts again without LD_PRELOAD and the like",
        "entrypoint.py",
        r"if unsafe:",
        "if False:",
        ("tests/test_hostile_misc.py",),
    ),
    Mutant(
        "signing-outside-run-deadline",
        "time: Sigstore's calls count against the run's deadline",
        "publisher/steps/attestations.py",
        r"clock=ctx\.http\.clock,",
        "clock=None,",
        ("tests/test_hostile_misc.py",),
    ),
    # --- skip-existing -----------------------------------------------------------------
    Mutant(
        "same-name-is-same-bytes",
        "skip-existing's digest comparison: a file of the same name with other bytes",
        "publisher/index.py",
        r"return FileStatus\.SAME if remote\.lower\(\) == sha256\.lower\(\) else "
        r"FileStatus\.DIFFERENT",
        "return FileStatus.SAME",
        ("tests/test_check.py", "tests/test_publish_e2e.py"),
    ),
    Mutant(
        "digest-case-matters",
        "skip-existing's digest comparison: hex digests in upper case are the same",
        "publisher/index.py",
        r"remote\.lower\(\) == sha256\.lower\(\)",
        "remote == sha256",
        ("tests/test_hostile.py", "tests/test_publish_e2e.py", "tests/test_faults.py"),
    ),
    Mutant(
        "unknown-digest-as-other-bytes",
        "skip-existing: a file listed without a digest is not reported as other bytes",
        "publisher/outcome.py",
        r"\n\s*if not remote:\n\s*return \"unknown\"",
        "",
        ("tests/test_seams.py",),
    ),
    # --- a lost upload answer ----------------------------------------------------------
    Mutant(
        "lost-answer-resent-blind",
        "the lost-answer confirmation: a file that may have landed is not sent again blind",
        "publisher/upload.py",
        r"if answer\.kind is Answer\.TRANSIENT and there is not FileStatus\.NEW:",
        "if False:",
        ("tests/test_seams.py", "tests/test_faults.py"),
    ),
    Mutant(
        "lost-answer-no-answer-is-yes",
        "the lost-answer confirmation: no answer from the index is not taken as landed",
        "publisher/upload.py",
        r'if state\.exists is None:\n(\s*)return None, ""',
        r'if state.exists is None:\n\1return FileStatus.SAME, ""',
        ("tests/test_seams.py",),
    ),
    Mutant(
        "lost-answer-other-bytes-landed",
        "the lost-answer confirmation: only the same bytes count as landed",
        "publisher/upload.py",
        r"if there is FileStatus\.SAME:",
        "if there not in (FileStatus.NEW, None):",
        ("tests/test_faults.py", "tests/test_hostile.py", "tests/test_seams.py"),
    ),
    # --- burning the upload tokens -----------------------------------------------------
    Mutant(
        "burn-stops-at-first-failure",
        "the burn: a token the index could not burn does not leave the others alive",
        "publisher/mint.py",
        r'failed = Finding\("notice", Msg\.BURN_FAILED, \{\*\*fields, "fault": fault\}\)',
        'return Finding("notice", Msg.BURN_FAILED, {**fields, "fault": fault})',
        ("tests/test_burn.py",),
    ),
    Mutant(
        "burn-not-tried-again",
        "the burn: a busy index (429, 5xx) is asked once more",
        "publisher/mint.py",
        r"tries=BURN_TRIES",
        "tries=1",
        ("tests/test_burn.py",),
    ),
)


@dataclass
class Result:
    """What became of one mutant."""

    mutant: Mutant
    status: str  # killed, SURVIVED, NOT APPLIED, ERROR
    killers: list[str] = field(default_factory=list)
    seconds: float = 0.0
    detail: str = ""


def copy_tree(into: Path) -> Path:
    """The checkout's files (tracked and untracked, not ignored) copied under ``into``."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    tree = into / "tree"
    for name in filter(None, listed):
        source = ROOT / os.fsdecode(name)
        if not source.is_file():
            continue  # deleted in the work tree
        target = tree / os.fsdecode(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return tree


def apply(mutant: Mutant, tree: Path) -> str | None:
    """Apply ``mutant`` in ``tree``; the original text, or None (and nothing changed)
    when its pattern does not match exactly once."""
    path = tree / mutant.path
    if not path.is_file():
        return None
    original = path.read_text(encoding="utf-8")
    changed, count = re.subn(mutant.pattern, mutant.replacement, original, flags=re.MULTILINE)
    if count != 1:
        return None
    compile(changed, str(path), "exec")  # a mutant must be Python: SyntaxError otherwise
    path.write_text(changed, encoding="utf-8")
    return original


def run_tests(tree: Path, tests: list[str]) -> tuple[int, str]:
    """Run pytest in ``tree`` on ``tests`` (stopping at the first failure)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("E2E_SUBPROCESS", None)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-x",
        "-p",
        "no:cacheprovider",
        "--key-coverage=off",
        "-n",
        "auto",
        "--dist",
        "loadfile",
        *tests,
    ]
    proc = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def check_import(tree: Path) -> None:
    """The copy's ``publisher`` is the one the tests import (not the checkout's)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    found = subprocess.run(
        [sys.executable, "-c", "import publisher; print(publisher.__file__)"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not Path(found).is_relative_to(tree):
        sys.exit(f"the tests would import {found}, not the copy's publisher")


def run_mutant(mutant: Mutant, tree: Path, tests: list[str]) -> Result:
    """Apply, run, undo."""
    try:
        original = apply(mutant, tree)
    except SyntaxError as exc:
        return Result(mutant, "ERROR", detail=f"the mutated {mutant.path} is not Python: {exc}")
    if original is None:
        detail = f"{mutant.path}: the pattern does not match exactly once: {mutant.pattern!r}"
        return Result(mutant, "NOT APPLIED", detail=detail)
    started = time.monotonic()
    try:
        code, output = run_tests(tree, tests)
    finally:
        (tree / mutant.path).write_text(original, encoding="utf-8")
    seconds = time.monotonic() - started
    killers = sorted(set(re.findall(r"^FAILED (.+?)(?: - .*)?$", output, re.MULTILINE)))
    if code in (1, 2) and killers:  # 2: stopped at the first failure (-x, xdist)
        return Result(mutant, "killed", killers, seconds)
    if code == 0:
        return Result(mutant, "SURVIVED", seconds=seconds)
    return Result(mutant, "ERROR", seconds=seconds, detail=output[-3000:])


def markdown(results: list[Result]) -> str:
    """The table of docs/mutants.md."""
    rows = ["| mutant | breaks | file | killed by |", "|---|---|---|---|"]
    for r in results:
        killers = "<br>".join(f"`{k}`" for k in r.killers) or r.status
        breaks = r.mutant.breaks.replace("|", "\\|")
        rows.append(f"| `{r.mutant.id}` | {breaks} | `{r.mutant.path}` | {killers} |")
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the mutants asked for; 0 when every one was killed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ids", nargs="*", help="mutants to run (default: all)")
    parser.add_argument("--full", action="store_true", help="run the whole suite on each")
    parser.add_argument("--tests", action="append", help="run these tests instead")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--markdown", action="store_true", help="print docs/mutants.md's table")
    args = parser.parse_args(argv)
    known = {m.id: m for m in MUTANTS}
    unknown = [i for i in args.ids if i not in known]
    if unknown:
        parser.error(f"no such mutant: {', '.join(unknown)}")
    chosen = [known[i] for i in args.ids] if args.ids else list(MUTANTS)
    if args.list:
        for m in chosen:
            print(f"{m.id}: {m.breaks} ({m.path}; {', '.join(m.tests)})")
        return 0
    results = []
    with tempfile.TemporaryDirectory(prefix="mutants-") as scratch:
        tree = copy_tree(Path(scratch))
        check_import(tree)
        for mutant in chosen:
            tests = args.tests or (["tests"] if args.full else list(mutant.tests))
            result = run_mutant(mutant, tree, tests)
            results.append(result)
            killers = ", ".join(result.killers)
            print(f"{result.status:<12} {mutant.id} ({result.seconds:.0f} s) {killers}")
            if result.detail:
                print(f"             {result.detail}")
            sys.stdout.flush()
    failed = [r for r in results if r.status != "killed"]
    print(f"\n{len(results) - len(failed)} of {len(results)} mutants killed.")
    for r in failed:
        print(f"  {r.status}: {r.mutant.id} ({r.mutant.breaks})")
    if args.markdown:
        print()
        print(markdown(results), end="")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
