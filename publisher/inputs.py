"""The action's inputs: their declarations (name, default, meaning), the one source of
the defaults, shipped inside the package so ``publisher check`` works from a wheel
(``action.yml``'s ``inputs:`` is generated from them by ``tools/action_yml.py``), and
reading them from the environment GitHub gives a docker action."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from publisher.errors import InputError
from publisher.messages import Msg
from publisher.secret import Secret

if TYPE_CHECKING:
    from publisher.index import Index
    from publisher.outcome import Finding

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


@dataclass(frozen=True)
class InputSpec:
    """One declared input."""

    name: str
    default: str
    description: str
    kind: Literal["text", "bool", "secret"] = "text"
    alias: str | None = None  # the anchor's deprecated snake_case spelling

    @property
    def variables(self) -> tuple[str, str]:
        """``INPUT_*`` names of the input and of its underscore spelling (the alias, or
        the same name set from a step's ``env:``)."""
        hyphen = f"INPUT_{self.name.upper()}"
        return hyphen, hyphen.replace("-", "_")


INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "repository-url",
        "https://upload.pypi.org/legacy/",
        'Upload endpoint of the index (Warehouse "legacy" API). The audience and '
        "mint-token endpoints are taken from the same host.",
        alias="repository_url",
    ),
    InputSpec(
        "packages-dir",
        "dist",
        "Folder that holds the distributions (sdists and wheels) to publish, relative "
        "to the workspace.",
        alias="packages_dir",
    ),
    InputSpec(
        "user",
        "__token__",
        "User name for password uploads. Leave as __token__ for API tokens.",
    ),
    InputSpec(
        "password",
        "",
        "An API token (or a password for indexes that accept one). Leave empty to use "
        "trusted publishing (needs `permissions: id-token: write`).",
        "secret",
    ),
    InputSpec(
        "skip-existing",
        "false",
        "Skip files whose names the index has already (as twine does), instead of "
        "failing; a warning names both sha256 when the content differs.",
        "bool",
        alias="skip_existing",
    ),
    InputSpec(
        "verify-metadata",
        "true",
        "Check that each long description renders on the index, and warn as `twine "
        "check` does (the metadata itself is always validated).",
        "bool",
        alias="verify_metadata",
    ),
    InputSpec(
        "print-hash", "true", "Print the sha256 of each distribution.", "bool", alias="print_hash"
    ),
    InputSpec(
        "verbose",
        "false",
        "Print every request made to the index and its answer (the first 2000 bytes, "
        "escaped; never one that holds a token).",
        "bool",
    ),
    InputSpec(
        "attestations",
        "true",
        "Sign each distribution with a PEP 740 attestation (Sigstore) and upload it with "
        "the file: always for PyPI and TestPyPI with trusted publishing, for other indexes "
        "when sigstore-trust-config is given. Each is checked as the index will first.",
        "bool",
    ),
    InputSpec(
        "sigstore-trust-config",
        "",
        "Path (relative to the workspace) of a Sigstore client trust config, to sign "
        "with another Sigstore deployment than the public-good instance.",
    ),
    InputSpec(
        "dry-run",
        "false",
        "Run every check without minting a token or uploading anything, and write the "
        "report to the step summary.",
        "bool",
    ),
)
SPECS = {spec.name: spec for spec in INPUTS}


def defaults() -> dict[str, str]:
    """Every input's default, as the runner fills them in from ``action.yml``."""
    return {spec.name: spec.default for spec in INPUTS}


@dataclass(frozen=True)
class Config:
    """Everything one run needs to know from its caller, validated."""

    index: Index
    packages_dir: Path
    user: str
    password: Secret
    skip_existing: bool
    verify_metadata: bool
    print_hash: bool
    verbose: bool
    dry_run: bool
    attestations: bool = True
    sigstore_trust_config: Path | None = None  # None: Sigstore's public-good instance
    # Notices and warnings about the inputs themselves (deprecated spellings), for the
    # pipeline's first step to report.
    notes: tuple[Finding, ...] = ()


def raw_input(env: Mapping[str, str], name: str, notes: list[Finding] | None = None) -> str:
    """An input's value as GitHub passes it (``INPUT_REPOSITORY-URL``), trimmed as the
    toolkit does; the default when absent, or empty for a text input.

    The underscore spelling (``INPUT_REPOSITORY_URL``: the anchor's deprecated alias,
    or the name set in ``env:``) is taken, with a notice, when the hyphen form is
    absent, empty or its default (which the runner fills in); otherwise the hyphen form
    wins, as in the anchor, with a warning. An empty boolean is an error: an expression
    that evaluated to nothing must not turn, say, a dry run into a real publish."""
    from publisher.outcome import Finding

    spec = SPECS[name]
    hyphen, underscore = spec.variables
    first = env.get(hyphen)
    second = env.get(underscore, "").strip() if underscore != hyphen else ""
    value = first.strip() if first is not None else None
    found: list[Finding] = []
    if second and value not in (None, "", spec.default) and value != second:
        # Never echo the values: one of them may be a secret.
        fields = {"name": name, "hyphen": hyphen, "underscore": underscore}
        found.append(Finding("warning", Msg.INPUT_CONFLICT, fields))
    elif second:
        # What the user wrote: the anchor's alias, or the name with underscores.
        spelling = spec.alias or underscore.removeprefix("INPUT_").lower()
        found.append(Finding("notice", Msg.INPUT_DEPRECATED, {"name": name, "alias": spelling}))
        value = second
    if notes is not None:
        notes.extend(found)
    if value == "" and spec.kind == "bool":
        raise InputError(Msg.INPUT_BOOL_EMPTY, name=name, variable=hyphen)
    return value or spec.default


def parse_bool(name: str, value: str) -> bool:
    """``true/false/yes/no/on/off/1/0`` in any case; anything else is an :class:`InputError`."""
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise InputError(Msg.INPUT_NOT_BOOL, name=name, value=value)


def _bool(env: Mapping[str, str], name: str, notes: list[Finding]) -> bool:
    return parse_bool(name, raw_input(env, name, notes))


def _path(base: Path, value: str) -> Path | None:
    return base / value if value else None


def read_config(env: Mapping[str, str], cwd: Path | None = None) -> Config:
    """Build the run's :class:`Config` from ``INPUT_*`` variables."""
    from publisher.index import Index

    base = cwd or Path.cwd()
    notes: list[Finding] = []
    url = raw_input(env, "repository-url", notes)
    return Config(
        index=Index.from_input(url),
        packages_dir=base / raw_input(env, "packages-dir", notes),
        user=raw_input(env, "user", notes),
        # Given but empty means "no password" (trusted publishing): no defaults needed.
        password=Secret(raw_input(env, "password", notes)),
        skip_existing=_bool(env, "skip-existing", notes),
        verify_metadata=_bool(env, "verify-metadata", notes),
        print_hash=_bool(env, "print-hash", notes),
        verbose=_bool(env, "verbose", notes),
        dry_run=_bool(env, "dry-run", notes),
        attestations=_bool(env, "attestations", notes),
        sigstore_trust_config=_path(base, raw_input(env, "sigstore-trust-config", notes)),
        notes=tuple(notes),
    )
