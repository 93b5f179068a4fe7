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
from publisher.executor import MOST_AT_ONCE
from publisher.messages import Msg
from publisher.secret import Secret

if TYPE_CHECKING:
    from publisher.finding import Finding
    from publisher.index import Index

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


# What action.yml declares as the default of a hyphen spelling that has an old
# underscore twin (``repository-url`` beside ``repository_url``). The anchor declares
# its defaults on the underscore spellings and merges ``kebab || snake``, so a value
# written under the hyphen spelling always wins, even one equal to the default. The
# runner fills every declared default in, so the hyphen spelling needs a default of its
# own that no one writes (not "": an expression that came out empty must stay
# visible) for a written value to be told from none; the real default sits on the
# underscore spelling, as in the anchor.
UNSET = "(not set)"


@dataclass(frozen=True)
class InputSpec:
    """One declared input."""

    name: str
    default: str
    description: str
    kind: Literal["text", "bool", "secret"] = "text"
    alias: str | None = None  # the anchor's deprecated snake_case spelling
    # An empty value (an expression that came out empty) is an error, never the
    # default: for repository-url it would mean a publish to pypi.org.
    required: bool = False

    @property
    def variable(self) -> str:
        """The ``INPUT_*`` variable the runner sets: ``INPUT_REPOSITORY-URL``."""
        return f"INPUT_{self.name.upper()}"

    @property
    def alias_variable(self) -> str | None:
        """The ``INPUT_*`` variable of the declared old spelling, if there is one."""
        return f"INPUT_{self.alias.upper()}" if self.alias else None

    @property
    def declared_default(self) -> str:
        """The default action.yml gives this spelling (:data:`UNSET` when the old
        spelling carries the real one)."""
        return UNSET if self.alias else self.default


INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "repository-url",
        "https://upload.pypi.org/legacy/",
        'Upload endpoint of the index (Warehouse "legacy" API), used as written; the '
        "audience and mint-token endpoints are taken from the same host.",
        alias="repository_url",
        required=True,
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
        "concurrency",
        "8",
        "How many files to sign, and to upload, at the same time (1 to 32); 1 does one "
        "after the other. The first file of a new release goes alone, the sdist after "
        "the wheels, and the action slows to one at a time if the index asks it to.",
    ),
    InputSpec(
        "oidc-audience",
        "",
        "The OIDC audience of an index other than PyPI and TestPyPI, as its documentation "
        "gives it: the index must ask for exactly this one. Needed unless the index's "
        "audience is its own host name (see docs/security.md).",
    ),
    InputSpec(
        "sigstore-audience",
        "sigstore",
        "The OIDC audience the Sigstore deployment of sigstore-trust-config takes (its "
        "certificate authority's client id); the public-good instance takes `sigstore`.",
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


def declared() -> dict[str, str]:
    """Every input ``action.yml`` declares, old spellings too, with the default it
    declares: what the runner sets for a workflow that gives none."""
    found = {spec.name: spec.declared_default for spec in INPUTS}
    found.update({spec.alias: spec.default for spec in INPUTS if spec.alias})
    return found


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
    concurrency: int  # files signed, and uploaded, at the same time
    attestations: bool = True
    sigstore_trust_config: Path | None = None  # None: Sigstore's public-good instance
    oidc_audience: str | None = None  # the index's audience, as the workflow pins it
    sigstore_audience: str = "sigstore"  # the audience the Sigstore deployment takes
    workspace: Path = Path("/github/workspace")  # its real path: paths given stay inside
    # Notices and warnings about the inputs themselves (deprecated spellings), for the
    # pipeline's first step to report.
    notes: tuple[Finding, ...] = ()


def raw_input(env: Mapping[str, str], name: str, notes: list[Finding] | None = None) -> str:
    """An input's value as GitHub passes it (``INPUT_REPOSITORY-URL``), trimmed as the
    toolkit does; its default when not given. Only what action.yml declares is read:
    the input and its old spelling, if it has one (``INPUT_REPOSITORY_URL``).

    Both spellings merge as in pypa/gh-action-pypi-publish, ``kebab || snake`` over
    its declarations (defaults on the old spelling): a value written under the hyphen
    spelling wins, whatever the other holds (with a warning when both differ);
    otherwise the old spelling's value is used (with a notice unless it is the
    default). An empty value, from an expression that came out empty, is an error for
    a boolean and for ``repository-url``: an empty ``dry-run`` must not publish for
    real, an empty ``repository-url`` must not publish to pypi.org."""
    from publisher.finding import Finding

    spec = SPECS[name]
    found: list[Finding] = []
    value = _given(env, spec.variable, spec.declared_default)
    variable, spelling = spec.variable, name
    if spec.alias is not None and spec.alias_variable is not None:
        old = _given(env, spec.alias_variable, spec.default)
        if value not in (UNSET, ""):
            if old not in ("", spec.default, value):
                # Never echo the values: one of them may be a secret.
                fields = {"name": name, "hyphen": variable, "underscore": spec.alias_variable}
                found.append(Finding("warning", Msg.INPUT_CONFLICT, fields))
        elif value == UNSET or old not in ("", spec.default):
            # `kebab || snake`: the old spelling's value (the default, unless written).
            if old != spec.default:
                fields = {"name": name, "alias": spec.alias}
                found.append(Finding("notice", Msg.INPUT_DEPRECATED, fields))
            value, variable, spelling = old, spec.alias_variable, spec.alias
    if notes is not None:
        notes.extend(found)
    if value == "" and spec.kind == "bool":
        raise InputError(Msg.INPUT_BOOL_EMPTY, name=spelling, variable=variable)
    if value == "" and spec.required:
        raise InputError(Msg.INPUT_EMPTY, name=spelling, variable=variable, default=spec.default)
    return spec.default if value in ("", UNSET) else value


def _given(env: Mapping[str, str], variable: str, default: str) -> str:
    """A variable's value, trimmed; ``default`` when the runner did not set it."""
    value = env.get(variable)
    return default if value is None else value.strip()


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


def parse_count(name: str, value: str, most: int) -> int:
    """A whole number from 1 to ``most``; anything else is an :class:`InputError`."""
    text = value.strip()
    # ASCII digits only: int() would take "٣" or "1_0".
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= most:
        raise InputError(Msg.INPUT_NOT_COUNT, name=name, value=value, most=most)
    return int(text)


def inside(name: str, value: str, base: Path, workspace: Path) -> Path:
    """``value`` (an input naming a path, relative to ``base``) as a path, refused when
    it is, or leads through links to, anything outside the workspace: nothing is read
    or listed there."""
    path = base / value
    real = path.resolve()
    if real != workspace and workspace not in real.parents:
        raise InputError(
            Msg.PATH_OUTSIDE_WORKSPACE, name=name, value=value, workspace=str(workspace)
        )
    return path


def read_config(
    env: Mapping[str, str], cwd: Path | None = None, *, confined: bool = True
) -> Config:
    """Build the run's :class:`Config` from ``INPUT_*`` variables; paths must lead
    inside the workspace unless not ``confined`` (``publisher check --packages-dir``)."""
    from publisher import audience
    from publisher.index import Index

    base = cwd or Path.cwd()
    # The job's workspace (the working directory, in a docker action): the only
    # place paths from the workflow may lead to.
    workspace = Path(env.get("GITHUB_WORKSPACE") or base).resolve()
    notes: list[Finding] = []
    index = Index.from_input(raw_input(env, "repository-url", notes))
    folder = raw_input(env, "packages-dir", notes)
    packages_dir = inside("packages-dir", folder, base, workspace) if confined else base / folder
    given = raw_input(env, "sigstore-trust-config", notes)
    trust_config = inside("sigstore-trust-config", given, base, workspace) if given else None
    signing = raw_input(env, "sigstore-audience", notes)
    audience.check_signing(signing, trust_config is not None)
    pinned = raw_input(env, "oidc-audience", notes) or None
    if pinned is not None:
        audience.check_pin(pinned, index, signing)
    return Config(
        index=index,
        packages_dir=packages_dir,
        user=raw_input(env, "user", notes),
        # Given but empty means "no password" (trusted publishing): no defaults needed.
        password=Secret(raw_input(env, "password", notes)),
        skip_existing=_bool(env, "skip-existing", notes),
        verify_metadata=_bool(env, "verify-metadata", notes),
        print_hash=_bool(env, "print-hash", notes),
        verbose=_bool(env, "verbose", notes),
        dry_run=_bool(env, "dry-run", notes),
        attestations=_bool(env, "attestations", notes),
        concurrency=parse_count("concurrency", raw_input(env, "concurrency", notes), MOST_AT_ONCE),
        sigstore_trust_config=trust_config,
        oidc_audience=pinned,
        sigstore_audience=signing,
        workspace=workspace,
        notes=tuple(notes),
    )
