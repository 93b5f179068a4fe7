"""Every message the action shows a user, in one place, to be read and reviewed as a set.

Each entry is ``key: (title, body)``; both are :class:`string.Template` texts filled
from the fields of the :class:`~publisher.errors.PublishError` that names the key. A body
says what went wrong with the values involved, then how to fix it.
"""

from __future__ import annotations

from collections.abc import Mapping
from string import Template

# Fields that some messages show only in some cases; empty unless the caller sets them.
OPTIONAL = {"reusable": "", "ignored": ""}

PUBLISHER_TABLE = """\
What the OIDC token says, beside what the trusted publisher on $index must hold:
  owner          $owner
                 must equal the publisher's owner exactly, case-sensitive (renamed owner?)
  owner id       $owner_id
                 must be the id of that account (account deleted and re-created?)
  repository     $repository
                 the name must match exactly, case-sensitive (renamed or transferred?)
  workflow file  $workflow_file
                 the file name only, like release.yml, not its path (renamed file? typo?)
  environment    $environment
                 equal to the publisher's, case-insensitive; a publisher without one
                 accepts any, a publisher with one never matches a job without it
  ref            $ref
                 not matched by the index; shown to help you find the run
  event          $event
                 pull_request_target runs are always refused"""

MESSAGES: dict[str, tuple[str, str]] = {
    "internal-error": (
        "Internal error in the action",
        "$error\nThis is a bug in the action, not in your project; please report it with "
        "this log. Nothing more was uploaded after it.\n"
        "Fix: re-run with `skip-existing: true` to finish the release; `verbose: true` "
        "shows more.",
    ),
    # --- inputs -----------------------------------------------------------------------
    "action-yml-unreadable": (
        "Cannot read the action's defaults",
        "Could not read the input defaults from $path: $reason.\n"
        "Fix: run the action from a complete checkout (action.yml beside publisher/).",
    ),
    "input-conflict": (
        "Input `$name` is given twice, differently",
        "`$hyphen` is `$first` but `$underscore` is `$second`; GitHub sets the first form "
        "from the step's `with:`.\n"
        "Fix: set `$name` under `with:` only, and remove `$underscore` from `env:`.",
    ),
    "input-not-bool": (
        "Input `$name` must be true or false",
        "The input `$name` is set to `$value`, which is not a boolean.\n"
        "Fix: use one of true/false, yes/no, on/off, 1/0 (any case), e.g. `$name: true`.",
    ),
    "password-with-user": (
        "$index accepts API tokens only, not passwords",
        "The input `user` is `$user` with a password, but $index no longer accepts "
        "user names and passwords for uploads.\n"
        "Fix: remove `user` and `password` to use trusted publishing (recommended), or "
        "create an API token on $index and pass it as `password` with `user: __token__`.",
    ),
    "not-linux": (
        "This action needs a Linux runner",
        "The job runs on $os; GitHub runs container actions on Linux runners only.\n"
        "Fix: run the publishing job on `runs-on: ubuntu-latest`; build wheels for other "
        "systems in other jobs and pass them on as artifacts.",
    ),
    "url-invalid": (
        "The $what is not a usable URL",
        "`$url` cannot be used: $reason.\n"
        "Fix: give the full address, like https://upload.pypi.org/legacy/.",
    ),
    "url-has-credentials": (
        "The $what must not contain credentials",
        "The $what has a user name or password inside it; it would be sent to every "
        "endpoint of the index and shown in the links this action prints.\n"
        "Fix: remove them from the URL and pass them as `user` and `password` (a secret).",
    ),
    "url-not-https": (
        "Refusing to send credentials over plain http",
        "The $what `$url` does not use https. Tokens and files would cross the network "
        "unencrypted; plain http is allowed only to this machine (localhost).\n"
        "Fix: use the https:// address of the index.",
    ),
    # --- the index, in general ---------------------------------------------------------
    "request-failed": (
        "A request failed while $what",
        "While $what, the request to $url failed: $fault (after $tries tries).\n"
        "Fix: check the URL and the index's status page, then re-run the job. Nothing "
        "was uploaded by this request.",
    ),
    "tls-failed": (
        "Cannot verify the index's certificate",
        "The TLS connection to $url failed: $reason\n"
        "Fix: for an index with a private certificate authority, point "
        "`REQUESTS_CA_BUNDLE` (in the step's `env:`) at a bundle that holds it and the "
        "public authorities (GitHub's token endpoint needs those).",
    ),
    "answer-too-large": (
        "The index sent an answer too large to be real",
        "The answer from $url was larger than $limit bytes; refusing to read it.\n"
        "Fix: check that repository-url points at a package index.",
    ),
    "answer-not-json": (
        "Unexpected answer from the index",
        "$what at $url answered HTTP $status with something that is not the expected JSON:\n"
        "  $body\n"
        "Fix: check that repository-url points at a Warehouse-compatible index (like "
        "https://upload.pypi.org/legacy/).",
    ),
    # --- distributions ------------------------------------------------------------------
    "dir-missing": (
        "packages-dir not found",
        "The folder `$path` does not exist, so there is nothing to publish.\n"
        "Fix: build your distributions first (e.g. `python -m build`, which writes to "
        "dist/), or set `packages-dir` to where they are. If they come from another job, "
        "download the artifact into that folder first.",
    ),
    "dir-unreadable": (
        "packages-dir cannot be read",
        "The folder `$path` cannot be listed: $reason.\n"
        "Fix: check its permissions, or point `packages-dir` at the distributions.",
    ),
    "dir-not-folder": (
        "packages-dir is not a folder",
        "`$path` is a file, not a folder.\n"
        "Fix: set `packages-dir` to the folder that holds the distributions.",
    ),
    "no-dists": (
        "No distributions to publish",
        "The folder `$path` holds no sdist (.tar.gz, .zip) and no wheel (.whl). "
        "Found: $ignored.\n"
        "Fix: build the distributions into this folder, or point `packages-dir` at them.",
    ),
    "symlink-escapes": (
        "A link in packages-dir points outside it",
        "`$path` is a symbolic link to `$target`, outside `$folder`. Refusing to publish "
        "a file from elsewhere on the machine.\n"
        "Fix: copy the file into the folder instead of linking it.",
    ),
    "duplicate-filename": (
        "Two distributions with the same file name",
        "`$first` and `$second` have the same name on the index (file names there are "
        "unique, whatever their case).\n"
        "Fix: remove one of them.",
    ),
    "two-sdists": (
        "Two source distributions for one release",
        "`$first` and `$second` are both sdists of version $version; the index takes "
        "only one sdist per release.\n"
        "Fix: keep one (the .tar.gz, as PEP 625 asks) and remove the other.",
    ),
    "not-a-dist": (
        "Not a distribution",
        "`$path` is not a wheel (.whl) or an sdist (.tar.gz, .zip).\n"
        "Fix: remove it from packages-dir.",
    ),
    "unreadable": (
        "Cannot read a distribution",
        "`$path` cannot be read: $reason.\nFix: check the file's permissions, or rebuild it.",
    ),
    "empty-file": (
        "Empty distribution file",
        "`$path` is empty (0 bytes).\n"
        "Fix: rebuild the distribution; the build or the artifact download was cut short.",
    ),
    "corrupt-archive": (
        "Corrupt or truncated distribution",
        "`$path` is not a readable archive: $reason.\n"
        "Fix: rebuild it; if it came from an artifact, the upload or download was cut short.",
    ),
    "no-metadata-file": (
        "Distribution has no metadata",
        "`$path` holds no `$member`, which is where the index reads the core metadata "
        "(an sdist's PKG-INFO sits in its one top-level folder; a wheel's METADATA in the "
        "`.dist-info` folder named like the file), so its name and version cannot be known.\n"
        "Fix: build it with a standard build backend (`python -m build`); do not repack "
        "or rename distribution files.",
    ),
    "sdist-top-level": (
        "The sdist does not have exactly one top-level folder",
        "`$path` holds more than one top-level entry (found: $found); the index requires "
        "one folder, `{name}-{version}/`, with PKG-INFO in it, and refuses the upload "
        '("Incorrect number of top-level directories in sdist"). A second folder could '
        "also hold a PKG-INFO that says something else.\n"
        "Fix: build the sdist with `python -m build --sdist`; do not repack it by hand.",
    ),
    "wheel-dist-info": (
        "The wheel's .dist-info folder does not match its file name",
        "`$path` has no `$member`: the index looks for the WHEEL and METADATA files in the "
        "`.dist-info` folder named exactly as the file name's name and version, and "
        'refuses the wheel ("WHEEL not found at $member"). `.dist-info` folders in the '
        "wheel: $found.\n"
        "Fix: do not rename wheel files; rebuild the wheel (`python -m build --wheel`).",
    ),
    "metadata-too-large": (
        "Distribution metadata is implausibly large",
        "The metadata file in `$path` is $size bytes.\n"
        "Fix: rebuild the distribution; check the long description in your project settings.",
    ),
    "metadata-version": (
        "Unsupported Metadata-Version",
        "`$path`: $problem; the index accepts Metadata-Version $accepted (2.0 was never "
        "a standard version, and the index refuses it).\n"
        "Fix: upgrade your build backend (it writes the metadata version) and rebuild.",
    ),
    "metadata-invalid": (
        "Invalid distribution metadata",
        "The metadata of `$path` is invalid; the index would refuse it, naming `$field`: "
        "$reported\nEvery problem found:\n$problems\n"
        "Fix: correct these fields in your project configuration (pyproject.toml) and "
        "rebuild. See https://packaging.python.org/specifications/core-metadata/",
    ),
    "bad-filename": (
        "Invalid distribution file name",
        "`$path` does not have a valid distribution file name: $reason.\n"
        "Fix: do not rename distribution files; rebuild to get the standard name.",
    ),
    "filename-name-mismatch": (
        "File name and metadata name differ",
        "`$path` is named for the project `$file_name`, but its metadata says Name: $name; "
        "the index refuses it (\"Start filename for '$name' with '$stem'\").\n"
        "Fix: rebuild the distribution; do not rename distribution files.",
    ),
    "filename-version-mismatch": (
        "File name and metadata version differ",
        "`$path` is named for version $file_version, but its metadata says Version: "
        "$version; the index refuses it.\n"
        "Fix: rebuild the distribution; do not rename distribution files.",
    ),
    "filename-not-normalized": (
        "File name does not use the normalized project name",
        "`$path` starts with `$written`; the index requires the normalized project name "
        "`$expected` there (PEP 427: lower case, runs of `-_.` as one `_`) and refuses "
        "the wheel.\n"
        "Fix: upgrade your build backend (setuptools >= 69.3, hatchling, flit-core >= 3.11, "
        "poetry-core >= 2) and rebuild.",
    ),
    "sdist-not-targz": (
        "Source distributions must be .tar.gz",
        "`$path` is a .zip sdist; PEP 625 makes .tar.gz the one sdist format, and the "
        "index refuses others (it wants `$expected`).\n"
        "Fix: build the sdist with a current build backend (`python -m build --sdist`).",
    ),
    "sdist-name-exact": (
        "The sdist's file name is not the one the index requires",
        "`$path` should be named `$expected` (PEP 625: the normalized name, then the "
        "version in its normal form); the index refuses any other name.\n"
        "Fix: rebuild with a current build backend; do not rename distribution files.",
    ),
    "wheel-platform": (
        "Unsupported wheel platform tag",
        "`$path` has the platform tag `$platform`, which the index refuses: $hint.\n"
        "Fix: build the wheel with a tag the index takes (cibuildwheel does; "
        "`auditwheel repair` retags Linux wheels; on macOS set MACOSX_DEPLOYMENT_TARGET).",
    ),
    "local-version": (
        "Local versions cannot be uploaded",
        "`$path`: $problem The index refuses versions with a local part (after `+`).\n"
        "Fix: publish a public version (without `+…`); if the version comes from "
        "setuptools-scm, build from a clean checkout of a tag.",
    ),
    "description-does-not-render": (
        "Long description does not render",
        "The long description of `$path` is reStructuredText (`$content_type`) that does "
        "not render, and the index will refuse the upload:\n$problems\n"
        'Fix: correct the README, or declare its type (e.g. `readme = "README.md"` '
        "sets text/markdown), and rebuild. `twine check` shows the same problems.",
    ),
    "filename-characters": (
        "The file name has characters the index refuses",
        "`$path` has a control character, DEL or a backslash in its name; the index "
        "refuses such file names.\n"
        "Fix: rebuild the distribution; do not rename distribution files.",
    ),
    "archive-polyglot": (
        "The file is both a ZIP and a tar archive",
        "`$path` reads as a ZIP archive and as a tar archive; the index refuses such "
        "files, since tools could unpack different contents.\n"
        "Fix: rebuild the distribution with a standard build backend.",
    ),
    "archive-ratio": (
        "The archive unpacks to too much",
        "`$path` unpacks to $unpacked bytes from $packed, more than $limit times its size "
        "past 64 MiB; the index refuses it as a possible decompression bomb.\n"
        "Fix: leave large generated or data files out of the distribution.",
    ),
    "archive-compression": (
        "The archive uses a compression the index refuses",
        "`$member` in `$path` is compressed with method $method; the index takes only "
        "stored (0) and deflated (8) members.\n"
        "Fix: rebuild with a standard build backend (they write deflate).",
    ),
    "archive-obfuscated": (
        "The archive holds encrypted code the index refuses",
        "`$member` in `$path` is $tool-encrypted; PyPI's acceptable use policy refuses "
        "it (https://pypi.org/policy/acceptable-use-policy/).\n"
        "Fix: publish the plain code, or do not publish this file to PyPI.",
    ),
    "zip-framing": (
        "ZIP archive not accepted",
        "`$path` is a ZIP whose records the index refuses: $problem. The index wants the "
        "local headers and the central directory to describe the same files, once each, "
        "with nothing else in the file (https://docs.pypi.org/archives).\n"
        "Fix: rebuild with a standard build backend or `python -m zipfile`; do not append "
        "to, sign in place or re-zip distribution files with other tools.",
    ),
    "tar-sparse": (
        "The sdist has a sparse tar member",
        "`$member` in `$path` is a sparse file (a GNU tar extension); the index refuses "
        "sdists with sparse members (https://docs.pypi.org/archives).\n"
        "Fix: build the sdist with `python -m build --sdist`.",
    ),
    "license-file-missing": (
        "A License-File is not in the distribution",
        "The metadata of `$path` names License-File `$value`, but `$member` is not in the "
        "archive; the index refuses the upload.\n"
        "Fix: check `license-files` in pyproject.toml (the paths are relative to the "
        "project root) and rebuild; upgrade the build backend if it still misplaces them.",
    ),
    "wheel-record-missing": (
        "The wheel has no readable RECORD",
        "`$path` has no `$member` the index can read (it must be there, in UTF-8 CSV); "
        "the index refuses the wheel.\n"
        "Fix: rebuild the wheel with a standard build backend; do not edit wheels by hand.",
    ),
    "wheel-entry-points": (
        "The wheel's entry points are invalid",
        "`$member` in `$path` is refused by the index: $problem. Script names may hold "
        "only letters, digits, `_`, `.` and `-`.\n"
        "Fix: correct `[project.scripts]` / `[project.gui-scripts]` (or the entry points of "
        "your build configuration) and rebuild.",
    ),
    # Warnings: the upload goes on; these say what the index or twine would note.
    "warn-fields-dropped": (
        "Metadata fields that will not be sent",
        "`$path` has metadata fields packaging cannot read ($fields: unknown, not UTF-8, "
        "or given twice). The upload leaves them out, so the index never sees them (twine "
        "refuses the file instead); the file itself keeps them.\n"
        "Fix: upgrade your build backend and rebuild, or correct the fields.",
    ),
    "warn-no-content-type": (
        "`long_description_content_type` missing",
        "`$path`: `long_description_content_type` missing. defaulting to `text/x-rst` (as "
        "twine check says); the index will render the description as reStructuredText.\n"
        'Fix: declare it, e.g. `readme = "README.md"` in pyproject.toml.',
    ),
    "warn-no-description": (
        "`long_description` missing",
        "`$path`: `long_description` missing (as twine check says); the project page on "
        "the index will have no description.\n"
        'Fix: set `readme = "README.md"` in pyproject.toml and rebuild.',
    ),
    "warn-record-mismatch": (
        "The wheel's RECORD does not list its files",
        "`$path`: RECORD does not list exactly the files in the wheel (not listed: "
        "$unlisted; listed but absent: $absent). The index takes the wheel but emails "
        "the project's owners about it.\n"
        "Fix: rebuild the wheel instead of editing it.",
    ),
    "warn-file-size": (
        "The file is larger than the index's default limit",
        "`$path` is $size MiB; the index refuses files over 100 MiB unless the project "
        "has a larger limit.\n"
        "Fix: ask for a larger limit (https://docs.pypi.org/project-management/storage-limits/) "
        "or make the file smaller.",
    ),
    "many-problems": (
        "$count distributions failed validation",
        "$problems\nNothing was uploaded.",
    ),
    # --- OIDC --------------------------------------------------------------------------
    "oidc-no-permission": (
        "Trusted publishing needs `id-token: write`",
        "GitHub gave this job no OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL and "
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set; event: $event).\n"
        "Fix: give the publishing job the permission:\n"
        "    permissions:\n      id-token: write\n"
        "A job-level `permissions:` block replaces the workflow's, so put it on the job. "
        "Runs for pull requests from forks never get a token, whatever the permissions, "
        "and PyPI refuses tokens from `pull_request_target` runs: publish on `push` "
        "(tags), `release` or `workflow_dispatch`. "
        "Or pass an API token as `password` instead of trusted publishing.",
    ),
    "oidc-fork-pr": (
        "Pull requests from forks cannot publish",
        "This run is a `$event` from a fork of $repository. GitHub never gives "
        "such runs an OIDC token, whatever the workflow's permissions.\n"
        "Fix: publish from `push` (tags), `release` or `workflow_dispatch` events, and "
        "skip this step on pull requests: `if: github.event_name != 'pull_request'`.",
    ),
    "oidc-not-in-actions": (
        "Trusted publishing works only inside GitHub Actions",
        "There is no OIDC token outside a GitHub Actions job.\n"
        "Fix: run with `dry-run: true` (or `publisher check`) to test locally, or pass "
        "an API token as `password`.",
    ),
    "oidc-pull-request-target": (
        "PyPI refuses `pull_request_target` runs",
        "This run was triggered by `pull_request_target`; the index refuses tokens from "
        "such runs, since they execute with the base repository's rights for code from "
        "a pull request.\n"
        "Fix: publish from `push` (tags), `release` or `workflow_dispatch` events.",
    ),
    "oidc-request-failed": (
        "GitHub refused the OIDC token request",
        "The token request answered HTTP $status: $body\n"
        "Fix: re-run the job; if it persists, check that the job has `id-token: write`.",
    ),
    "oidc-malformed": (
        "GitHub's OIDC answer had no token",
        "The token request answered 200 without a JSON object holding a `value`.\n"
        "Fix: re-run the job; this is a fault on GitHub's side.",
    ),
    "token-unreadable": (
        "The OIDC token cannot be read",
        "The token GitHub gave is not a readable JWT ($reason).\n"
        "Fix: re-run the job; this is a fault on GitHub's side.",
    ),
    "tp-disabled": (
        "Trusted publishing is disabled on the index",
        "$url answered 403: the index has turned trusted publishing off ($body).\n"
        "Fix: wait until the index enables it again, or use an API token as `password`.",
    ),
    "tp-unsupported": (
        "The index does not support trusted publishing",
        "$url answered 404, so this index has no trusted publishing.\n"
        "Fix: check `repository-url` (PyPI: https://upload.pypi.org/legacy/, TestPyPI: "
        "https://test.pypi.org/legacy/), or use an API token as `password`.",
    ),
    "audience-status": (
        "Unexpected answer from the audience endpoint",
        "$url answered HTTP $status.\n"
        "Fix: check `repository-url`; if the index is having trouble, re-run later.",
    ),
    "reusable-workflow": (
        "Publishing from a reusable workflow",
        "This job runs inside a reusable workflow: the job's file is `$called`, called "
        "from `$caller`. PyPI matches the publisher against the *called* file "
        "(`$called_file`), and only when it is in the same repository at the same ref; "
        "reusable workflows are not supported otherwise ($issue).\n"
        "Fix: move the publishing job into the top-level workflow, or register the "
        "publisher with the workflow file `$called_file`.",
    ),
    # --- mint ----------------------------------------------------------------------------
    "mint-status": (
        "Unexpected answer from the mint-token endpoint",
        "$url answered HTTP $status: $body\n"
        "Fix: check `repository-url`; if the index is having trouble, re-run later.",
    ),
    "mint-not-enabled": (
        "Trusted publishing for GitHub is disabled on the index",
        "The index refused the token exchange: `$code`: $description\n"
        "Fix: wait until the index enables it again, or use an API token as `password`.",
    ),
    "mint-invalid-payload": (
        "The index could not read the token exchange request",
        "The index answered `$code`: $description\n"
        "Fix: this is a fault in the action or on GitHub's side; re-run the job and "
        "report it if it persists.",
    ),
    "mint-unknown-issuer": (
        "The index does not trust this CI's tokens",
        "The index answered `$code`: $description\n"
        "The token's issuer is `$issuer`. The index accepts GitHub's "
        "https://token.actions.githubusercontent.com; GitHub Enterprise Server and "
        "enterprise-specific issuers are not supported.\n"
        "Fix: publish from github.com, or use an API token as `password`.",
    ),
    "mint-project-refused": (
        "The index refused to create the project",
        "A pending publisher matched this run, but the index refused to create its "
        "project: `$code`: $description\n"
        "Fix: choose another project name (see the link in the message), change the "
        "pending publisher to that name at $pending_link and the `name` in pyproject.toml "
        "to match, then rebuild.",
    ),
    "mint-invalid-token": (
        "The index rejected the OIDC token",
        "The index answered `$code`: $description\n"
        "The token was made for the audience `$audience` by `$issuer`. A token for another "
        "index's audience (e.g. a `pypi` token sent to TestPyPI), an expired token or a "
        "clock problem gives this.\n"
        "Fix: check that `repository-url` is the index you mean; re-run the job.",
    ),
    "mint-invalid-reuse-token": (
        "The OIDC token was already used",
        "The index answered `$code`: $description\n"
        "Each OIDC token can be exchanged once.\n"
        "Fix: re-run the job: it fetches a fresh token. If another step or tool (twine "
        "with trusted publishing) exchanged the same token first, remove it.",
    ),
    "mint-invalid-pending-publisher": (
        "Pending publisher matched, but its project already exists",
        "The index answered `$code`: $description\n"
        "A pending publisher matched this run, but a project with its name exists now "
        "(someone else created it, or it was created from another publisher); the index "
        "has deleted the pending publisher.\n"
        "$PUBLISHER_TABLE\n"
        "Fix: if the project is yours, add this publisher on its publishing settings:\n"
        "$settings_links\n"
        "Otherwise choose another name: change `name` in pyproject.toml, rebuild and "
        "register a pending publisher for it: $pending_link$reusable",
    ),
    "mint-invalid-publisher": (
        "No trusted publisher matches this run",
        "The index answered `$code`: $description\n"
        "$PUBLISHER_TABLE\n"
        "Fix: compare each row with the publisher's settings:\n"
        "$settings_links\n"
        "For a project that is not on the index yet, register a pending publisher "
        "(pre-filled from this token): $pending_link$reusable",
    ),
    "mint-unknown-code": (
        "The index refused the token exchange",
        "The index answered HTTP $status with the code `$code`, which this action does "
        "not know: $description\n"
        "$PUBLISHER_TABLE\n"
        "Fix: read the description above; the publisher settings are at:\n$settings_links",
    ),
    # --- names and existing files -----------------------------------------------------------
    "name-mismatch-after-mint": (
        "The token is for another project name than `$name`",
        "`$filename` has the metadata name `$name` (the index calls it `$project`). That "
        "project was not on the index before the token exchange, and it is still not "
        "there after it: the token came from a publisher for a different name. If it was "
        "a pending publisher, the exchange has just created *that other* project, empty. "
        'Uploading would fail with "Non-user identities cannot create new projects", so '
        "nothing was uploaded.\n"
        "This is the classic mistake of a pending publisher registered as "
        "`$example` for a package whose metadata says `example` (or the reverse): the "
        "names must be equal after normalization.\n"
        "Fix, either:\n"
        "  1. change `name` in pyproject.toml to the project name the publisher was "
        "registered for, rebuild and re-run; or\n"
        "  2. delete the empty project the pending publisher created (its settings on "
        "$index), then register a pending publisher for exactly `$project`: "
        "$pending_link",
    ),
    "upload-non-user-identity": (
        "The token cannot create the project `$project`",
        "The index refused `$filename`: HTTP $status $reason\n"
        "The metadata name `$name` is not a project on the index, and a trusted "
        "publishing token can only create a project through a pending publisher "
        "registered for exactly that name. A pending publisher registered under another "
        "name (e.g. `$example` for a package named `example`) created that other project "
        "instead.\n"
        "Fix, either:\n"
        "  1. change `name` in pyproject.toml to the name the publisher was registered "
        "for, rebuild and re-run; or\n"
        "  2. delete the project the pending publisher created, and register a pending "
        "publisher for exactly `$project` on $index.",
    ),
    "file-exists-different": (
        "`$filename` is on the index with other content",
        "The index already has a file named `$filename`, with a different sha256:\n"
        "  on the index: $remote\n  here:         $local\n"
        "The index never accepts changed content under a used file name, so nothing was "
        "uploaded.\n"
        "Fix: bump the version, rebuild and publish that. ($project)",
    ),
    "file-exists-unknown": (
        "`$filename` is on the index, with no sha256 to compare",
        "The index lists a file named `$filename` but gives no sha256 for it, so whether "
        "it is this file cannot be known before the upload; the index will decide.\n"
        "Fix: if the upload is refused as existing, bump the version, or set "
        "`skip-existing: true` if it is the same file.",
    ),
    "index-unreadable": (
        "Could not check `$project` on the index",
        "$problem. The pre-upload checks of this project (does it exist, which files does "
        "it have) were skipped; the upload goes ahead and the index decides.\n"
        "Fix: nothing, unless the upload fails; then check `repository-url`.",
    ),
    "file-exists-same": (
        "`$filename` is already on the index",
        "The index already has `$filename` with the same sha256, so this release (or this "
        "file) was published before.\n"
        "Fix: set `skip-existing: true` to skip files that are already there (e.g. to "
        "finish a release that failed half way), or bump the version.",
    ),
    # --- upload ---------------------------------------------------------------------------
    "upload-not-for-project": (
        "The token may not upload to `$project`",
        "The index refused `$filename`: HTTP $status $reason\n"
        "The project exists, but this run's trusted publisher is not one of its publishers.\n"
        "Fix: add the publisher on $settings (or check the project name in pyproject.toml).",
    ),
    "upload-exists": (
        "`$filename` already exists on the index",
        "The index refused `$filename`: HTTP $status $reason\n"
        "Fix: bump the version and rebuild; with the same content, set `skip-existing: true`.",
    ),
    "upload-bad-token": (
        "The index rejected the minted token",
        "The index refused `$filename`: HTTP $status $reason\n"
        "Fix: re-run the job; if it persists, the index may have revoked the token.",
    ),
    "upload-bad-password": (
        "The index rejected the password or API token",
        "The index refused `$filename`: HTTP $status $reason\n"
        "Fix: check the secret passed as `password` (an API token starts with `pypi-`), "
        "that it is scoped to `$project`, and that `user` is `__token__`.",
    ),
    "upload-token-expired": (
        "The upload token expired",
        "The index refused `$filename`: HTTP $status $reason, even after a new token.\n"
        "Fix: re-run the job with `skip-existing: true` to finish the release.",
    ),
    "upload-transient": (
        "The index kept failing to take `$filename`",
        "The last answer was HTTP $status $reason, after every retry; the file is not on "
        "the index.\n"
        "Fix: the index is having trouble: wait, then re-run with `skip-existing: true` "
        "to upload what is missing.",
    ),
    "upload-disabled": (
        "The index is not taking uploads right now",
        "The index refused `$filename`: HTTP $status $reason\n"
        "Fix: wait until the index takes uploads again (see its status page), then re-run "
        "with `skip-existing: true`.",
    ),
    "upload-name-reused": (
        "The file name `$filename` was used before",
        "The index refused `$filename`: HTTP $status $reason\n"
        "A file of that name was uploaded once and deleted; the index never takes a name "
        "again.\n"
        "Fix: bump the version (or add a build tag to a wheel), rebuild and publish that.",
    ),
    "upload-refused": (
        "The index refused `$filename`",
        "The index answered HTTP $status: $reason\n"
        "Fix: read the index's reason above; correct the distribution and rebuild.",
    ),
    # --- dry run (publisher check): one line per check -------------------------------
    "check-dist": (
        "$filename",
        "$name $version ($kind), sha256 $sha256",
    ),
    "check-ignored": (
        "Other files in $folder are left alone",
        "$files",
    ),
    "check-project-exists": (
        "Project `$project` exists on $index",
        "Uploads go to it when its trusted publishers include this workflow.",
    ),
    "check-project-missing": (
        "Project `$project` is not on $index yet",
        "The first publish can only create it through a pending publisher registered for "
        "exactly `$project` (case and `-`/`_`/`.` do not matter). A pending publisher under "
        "any other name (say `$example` for a package named `example`) creates *that* "
        "project on the first run and the upload then fails.\n"
        "Fix: register the pending publisher (pre-filled): $link",
    ),
    "check-file-skipped": (
        "`$filename` is on the index already",
        "Same sha256: it would be skipped (skip-existing).",
    ),
    "check-oidc": (
        "OIDC token available (audience `$audience`)",
        "The token was read, not exchanged. A trusted publisher must hold: owner `$owner` "
        "(id $owner_id), repository `$repository`, workflow `$workflow`, environment "
        "`$environment`.",
    ),
    "check-password": (
        "A password (API token) is set: trusted publishing is not used",
        "The token is not checked by a dry run; the index checks it at upload.",
    ),
    "check-no-workflow": (
        "No workflow uses the action",
        "None of the workflows in $folder has a step that uses this action.\n"
        "Fix: name one with `--workflow PATH`, or add a publishing job (see README).",
    ),
    "check-no-remote": (
        "\n(No GitHub `origin` remote: owner and repository are yours to fill in.)",
        "\n(No GitHub `origin` remote: owner and repository are yours to fill in.)",
    ),
    "check-publisher-fields": (
        "Publisher to register for $workflow (job `$job`)",
        "owner: $owner\nrepository: $repository\nworkflow filename: $workflow\n"
        "environment: $environment$remote_note",
    ),
    "check-workflow-no-job": (
        "$workflow has no job that uses the action",
        "Fix: check the `uses:` line of the publishing step.",
    ),
    "check-workflow-reusable": (
        "$workflow is a reusable workflow (called from $callers)",
        "PyPI matches the publisher against the workflow file that runs the job, and "
        "reusable workflows are not supported except by accident "
        "(https://github.com/pypi/warehouse/issues/11096).\n"
        "Fix: publish from a job in the top-level workflow.",
    ),
    "check-trigger-prt": (
        "$workflow runs on `pull_request_target`",
        "PyPI refuses tokens from `pull_request_target` runs.\n"
        "Fix: publish only on `push` (tags), `release` or `workflow_dispatch`.",
    ),
    "check-trigger-pr": (
        "$workflow runs on `pull_request`",
        "Runs for pull requests from forks get no OIDC token, whatever the permissions.\n"
        "Fix: skip the publishing job on pull requests "
        "(`if: github.event_name != 'pull_request'`).",
    ),
    "check-not-linux": (
        "$workflow job `$job` runs on `$runner`",
        "GitHub runs container actions on Linux runners only; on `$runner` the step fails "
        "before the action starts.\n"
        "Fix: run the publishing job on `ubuntu-latest`; build on other systems in other "
        "jobs and pass the files on as artifacts.",
    ),
    "check-job-password": (
        "$workflow job `$job` passes a password",
        "It uploads with an API token; trusted publishing is not used.",
    ),
    "check-id-token": (
        "$workflow job `$job` gets an OIDC token",
        "`id-token: write` comes from $source.",
    ),
    "check-no-id-token": (
        "$workflow job `$job` gets no OIDC token",
        "Nothing grants `id-token: write` to it ($source); a job-level `permissions:` "
        "block replaces the workflow's.\n"
        "Fix: add to the job:\n    permissions:\n      id-token: write",
    ),
    "check-env-expression": (
        "$workflow job `$job` computes its environment",
        "`$environment` is known only at run time; the publisher's environment must equal "
        "its value then (or be empty).",
    ),
    "workflow-unreadable": (
        "Cannot read a workflow",
        "`$path` cannot be read as YAML: $reason.\n"
        "Fix: correct the file (GitHub would refuse it too) or name another with --workflow.",
    ),
}


def _fill(text: str, fields: Mapping[str, object]) -> str:
    values = {**OPTIONAL, **{k: str(v) for k, v in fields.items()}}
    if "$PUBLISHER_TABLE" in text:
        text = text.replace("$PUBLISHER_TABLE", PUBLISHER_TABLE)
    return Template(text).substitute(values)


def title(key: str, fields: Mapping[str, object]) -> str:
    """The one-line title of message ``key``."""
    return _fill(MESSAGES[key][0], fields)


def render(key: str, fields: Mapping[str, object]) -> str:
    """The body of message ``key``, filled with ``fields``."""
    return _fill(MESSAGES[key][1], fields)
