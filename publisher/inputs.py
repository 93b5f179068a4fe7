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

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


@dataclass(frozen=True)
class InputSpec:
    """One declared input."""

    name: str
    default: str
    description: str
    kind: Literal["text", "bool", "secret"] = "text"


INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "repository-url",
        "https://upload.pypi.org/legacy/",
        'Upload endpoint of the index (Warehouse "legacy" API). The audience and '
        "mint-token endpoints are taken from the same host.",
    ),
    InputSpec(
        "packages-dir",
        "dist",
        "Folder that holds the distributions (sdists and wheels) to publish, relative "
        "to the workspace.",
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
        "Skip files that are already on the index with the same sha256 instead of "
        "failing. A file with the same name but different content is always an error.",
        "bool",
    ),
    InputSpec(
        "verify-metadata",
        "true",
        "Check each distribution's metadata (like `twine check`) before uploading.",
        "bool",
    ),
    InputSpec("print-hash", "true", "Print the sha256 of each distribution.", "bool"),
    InputSpec(
        "verbose",
        "false",
        "Print every request made to the index and the index's full answers.",
        "bool",
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


def raw_input(env: Mapping[str, str], name: str) -> str:
    """An input's value as GitHub passes it (``INPUT_REPOSITORY-URL``; the underscore
    form is accepted too), trimmed like the toolkit does; the default when absent, or
    when empty for a text input. An empty boolean is an error: an expression that
    evaluated to nothing must not turn, say, a dry run into a real publish."""
    spec = SPECS[name]
    hyphen = f"INPUT_{name.upper()}"
    underscore = hyphen.replace("-", "_")
    first, second = env.get(hyphen), env.get(underscore)
    both = [v.strip() for v in (first, second) if v is not None and v.strip()]
    if len(both) == 2 and both[0] != both[1]:
        # Never echo the values: one of them may be a secret.
        raise InputError(Msg.INPUT_CONFLICT, name=name, hyphen=hyphen, underscore=underscore)
    given = [v for v in (first, second) if v is not None]
    value = next((v.strip() for v in given if v.strip()), "")
    if not value and given and spec.kind == "bool":
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


def _bool(env: Mapping[str, str], name: str) -> bool:
    return parse_bool(name, raw_input(env, name))


def read_config(env: Mapping[str, str], cwd: Path | None = None) -> Config:
    """Build the run's :class:`Config` from ``INPUT_*`` variables."""
    from publisher.index import Index

    base = cwd or Path.cwd()
    url = raw_input(env, "repository-url")
    if not url.endswith("/"):
        # Warehouse answers /legacy with a redirect, which twine refuses to follow.
        url += "/"
    return Config(
        index=Index(url),
        packages_dir=base / raw_input(env, "packages-dir"),
        user=raw_input(env, "user"),
        # Given but empty means "no password" (trusted publishing): no defaults needed.
        password=Secret(raw_input(env, "password")),
        skip_existing=_bool(env, "skip-existing"),
        verify_metadata=_bool(env, "verify-metadata"),
        print_hash=_bool(env, "print-hash"),
        verbose=_bool(env, "verbose"),
        dry_run=_bool(env, "dry-run"),
    )
