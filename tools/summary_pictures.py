"""``python tools/summary_pictures.py``: the README's pictures of a failure summary and a
success summary, as GitHub shows a step summary.

It runs the action against the fake index (as ``make demo`` does) for two releases of
the example package: the classic mistake (a pending publisher registered under another
name) and a first publish. Each step summary is written to ``docs/images/`` as the
Markdown the action wrote (the local index's address shown as PyPI's), rendered with
cmark-gfm (GitHub's renderer) into a page styled like GitHub's, and photographed with
headless Chromium (Debian's ``chromium``; ``fonts-liberation2`` for GitHub's metrics).
``tests/test_pictures.py`` runs the same releases and checks that the Markdown pictured
is what the action writes today."""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import chdir, redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the fake index lives with the tests

IMAGES = ROOT / "docs" / "images"
SHOWN_INDEX = "https://pypi.org"  # the local index's address, as the pictures show it
WIDTH = 1000  # px, about a job summary's width on a laptop screen
SCENES = {
    "failure": "python-tpa-example",  # the pending publisher's name: another one
    "success": "tpa-example",  # the package's own
}
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)


def summary(scene: str, work: Path) -> str:
    """Run the action for ``scene`` against a fresh fake index; the step summary it
    wrote, with the index's address shown as PyPI's."""
    from demo import build_example
    from fakes.index import IndexState, LocalIndex, Publisher

    from publisher.cli import run_action

    dist = work / "dist"
    if not dist.exists():
        # The same bytes every time: the sha256 shown must not change between runs.
        saved = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = "1767225600"
        try:
            build_example(dist)
        finally:
            if saved is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = saved
    state = IndexState()
    run = state.run
    owner, repo = run.repository.split("/")
    pending = Publisher(
        owner, repo, run.workflow, run.environment or "", run.owner_id, SCENES[scene]
    )
    state.pending.append(pending)
    files = work / scene
    files.mkdir()
    (files / "output").touch()
    (files / "summary.md").touch()
    with LocalIndex(state) as index, chdir(work):
        env = {
            "PATH": os.environ.get("PATH", ""),
            **index.github_env(),
            "GITHUB_ACTIONS": "true",
            "INPUT_REPOSITORY-URL": index.upload_url,
            "INPUT_OIDC-AUDIENCE": state.audience,  # pinned, as for any index but PyPI
            "INPUT_PACKAGES-DIR": "dist",
            # The pictures show the index as PyPI, whose attestations need Sigstore's
            # public-good instance, not to be had here: none are made.
            "INPUT_ATTESTATIONS": "false",
            "GITHUB_OUTPUT": str(files / "output"),
            "GITHUB_STEP_SUMMARY": str(files / "summary.md"),
            "GITHUB_REPOSITORY": run.repository,
            "GITHUB_EVENT_NAME": run.event_name,
            "GITHUB_WORKSPACE": str(work),
            "RUNNER_OS": "Linux",
        }
        with open(os.devnull, "w") as quiet, redirect_stdout(quiet):
            run_action(env)
        text = (files / "summary.md").read_text(encoding="utf-8")
        return text.replace(index.url, SHOWN_INDEX)


def summaries() -> dict[str, str]:
    """The Markdown of each scene, as the action writes it today."""
    work = Path(tempfile.mkdtemp(prefix="publisher-pictures-"))
    try:
        return {scene: summary(scene, work) for scene in SCENES}
    finally:
        shutil.rmtree(work, ignore_errors=True)


# GitHub's look for Markdown (Primer's colours and sizes, light theme), typed here
# from what a job summary shows: system fonts, 14 px text, headings with a rule under
# the large ones, bordered tables with striped rows, grey code spans, blue links.
CSS = """
body { margin: 0; background: #f6f8fa; font-family: -apple-system, BlinkMacSystemFont,
  "Segoe UI", "Noto Sans", Helvetica, Arial, "Liberation Sans", sans-serif;
  font-size: 14px; line-height: 1.5; color: #1f2328; }
.frame { margin: 16px; background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; }
.frame > header { padding: 12px 16px; border-bottom: 1px solid #d1d9e0;
  font-weight: 600; font-size: 14px; }
.markdown-body { padding: 16px 24px 8px; word-wrap: break-word; }
.markdown-body > *:first-child { margin-top: 0 !important; }
h2, h3 { margin: 24px 0 16px; font-weight: 600; line-height: 1.25; }
h2 { font-size: 1.5em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; }
h3 { font-size: 1.25em; }
p, ul, ol, table, pre, details { margin: 0 0 16px; }
ul, ol { padding-left: 2em; }
li + li { margin-top: .25em; }
a { color: #0969da; text-decoration: underline; text-underline-offset: .2rem; }
code { padding: .2em .4em; font-size: 85%; background: #818b981f; border-radius: 6px;
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas,
  "Liberation Mono", monospace; white-space: break-spaces; }
pre { padding: 16px; font-size: 85%; line-height: 1.45; background: #f6f8fa;
  border-radius: 6px; overflow: auto; }
pre code { padding: 0; background: transparent; font-size: 100%; }
table { border-spacing: 0; border-collapse: collapse; display: block; width: max-content;
  max-width: 100%; overflow: auto; }
th, td { padding: 6px 13px; border: 1px solid #d1d9e0; }
th { font-weight: 600; }
tr { background: #fff; border-top: 1px solid #d1d9e0b3; }
tr:nth-child(2n) { background: #f6f8fa; }
details summary { cursor: pointer; }
"""


def page(markdown: str, title: str) -> str:
    """A whole HTML page showing ``markdown`` as a job summary."""
    import cmarkgfm
    from cmarkgfm.cmark import Options

    body = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><style>{CSS}</style></head>"
        f"<body><div class='frame'><header>{html.escape(title)}</header>"
        f"<div class='markdown-body'>{body}</div></div></body></html>"
    )


def _chromium(*args: str, profile: Path) -> str:
    found = shutil.which("chromium")
    if found is None:
        raise SystemExit("needs Debian's chromium: apt-get install chromium fonts-liberation2")
    done = subprocess.run(
        [found, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def photograph(html_page: str, png: Path, work: Path) -> None:
    """A PNG of the page, as tall as its content: Chromium measures it first."""
    source = work / (png.stem + ".html")
    measured = html_page.replace(
        "</body>",
        "<script>document.title = 'H' + document.documentElement.scrollHeight</script></body>",
    )
    source.write_text(measured, encoding="utf-8")
    dom = _chromium(
        f"--window-size={WIDTH},200", "--dump-dom", source.as_uri(), profile=work / "p1"
    )
    height = int(dom.split("<title>H", 1)[1].split("<", 1)[0])
    source.write_text(html_page, encoding="utf-8")
    _chromium(
        f"--window-size={WIDTH},{height}",
        f"--screenshot={png}",
        source.as_uri(),
        profile=work / "p2",
    )


def main() -> None:
    """Write each scene's Markdown and picture to docs/images/."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    titles = {"failure": "publish summary (failed)", "success": "publish summary"}
    work = Path(tempfile.mkdtemp(prefix="publisher-pictures-"))
    try:
        for scene, markdown in summaries().items():
            (IMAGES / f"summary-{scene}.md").write_text(markdown, encoding="utf-8")
            photograph(page(markdown, titles[scene]), IMAGES / f"summary-{scene}.png", work)
            print(f"wrote docs/images/summary-{scene}.png")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
