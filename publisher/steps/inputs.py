"""The steps that read what the run was given: what reading the inputs found, the
password (PyPI takes API tokens only), or the runner's OIDC token and its claims."""

from __future__ import annotations

from typing import TYPE_CHECKING

from publisher import messages
from publisher.errors import InputError
from publisher.finding import Finding
from publisher.messages import Msg
from publisher.steps import Findings

if TYPE_CHECKING:
    from publisher.context import Context


def report_inputs(ctx: Context) -> Findings:
    """What reading the inputs found: deprecated spellings, inputs given twice."""
    yield from ctx.config.notes


def check_credentials(ctx: Context) -> Findings:
    """PyPI and TestPyPI take API tokens only (user ``__token__``), never passwords."""
    config, index = ctx.config, ctx.config.index
    if not config.password:
        if config.user != "__token__":
            raise InputError(Msg.USER_WITHOUT_PASSWORD, user=config.user)
        return
    if config.user != "__token__" and index.is_pypi:
        raise InputError(Msg.PASSWORD_WITH_USER, user=config.user, index=index.read_url)
    _check_sendable(config.user, config.password.reveal())
    yield Finding("ok", Msg.CHECK_PASSWORD)
    if not index.is_pypi:
        return
    if not config.password.reveal().startswith("pypi-"):
        yield Finding("warning", Msg.TOKEN_NOT_PYPI, {"index": index.read_url})
    # As the anchor does: an API token on PyPI is a chance to move to trusted publishing.
    publisher = _publisher_from_env(ctx)
    links = [index.register_publisher_url(publisher, p) for p in ctx.outcome.projects]
    yield Finding(
        "warning",
        Msg.TRUSTED_PUBLISHING_NUDGE,
        {"index": index.read_url, "links": messages.lines(links, prefix="  ")},
    )


def _check_sendable(user: str, password: str) -> None:
    """HTTP Basic authentication carries ``user:password`` in Latin-1 (requests refuses
    anything else, mid-upload), and a colon in the user name moves the rest of it into
    the password."""
    for name, value in (("user", user), ("password", password)):
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            what = messages.phrase(Msg.NOT_LATIN1)
            raise InputError(Msg.CREDENTIAL_NOT_SENDABLE, name=name, what=what) from None
    if ":" in user:
        what = messages.phrase(Msg.USER_COLON)
        raise InputError(Msg.CREDENTIAL_NOT_SENDABLE, name="user", what=what)


def _publisher_from_env(ctx: Context) -> dict[str, str]:
    """The publisher fields of this workflow, from the runner's variables (no token)."""
    from publisher.oidc import workflow_filename

    owner, _, repo = ctx.env.get("GITHUB_REPOSITORY", "").partition("/")
    return {
        "owner": ctx.env.get("GITHUB_REPOSITORY_OWNER", owner),
        "repository": repo,
        "workflow_filename": workflow_filename(ctx.env.get("GITHUB_WORKFLOW_REF", "")),
    }


def read_oidc_token(ctx: Context) -> Findings:
    """Get an OIDC token for the index's audience and read its claims (in the real run
    the mint step exchanges it; the dry run never does). Warn about reusable workflows,
    which PyPI cannot match, before anything is minted."""
    from publisher.mint import TokenSource
    from publisher.oidc import refuse_pull_request_target, reusable_fields

    if ctx.config.password:
        return
    refuse_pull_request_target(ctx.env)
    config = ctx.config
    ctx.tokens = TokenSource(
        ctx.env,
        ctx.http,
        ctx.console,
        ctx.index,
        pinned=config.oidc_audience,
        signing=config.sigstore_audience,
    )
    ctx.tokens.oidc_token()
    claims = ctx.tokens.claims
    assert claims is not None
    ctx.outcome.claims = claims
    ctx.publisher = claims.publisher_fields()
    yield Finding(
        "ok",
        Msg.CHECK_OIDC,
        {
            "audience": ctx.tokens.audience,
            "repository": claims.repository_name,
            "owner": claims.owner,
            "owner_id": claims.get("repository_owner_id"),
            "workflow": ctx.publisher["workflow_filename"],
            "environment": claims.environment or "(none)",
            "subject": claims.get("sub") or "(missing)",
        },
    )
    reusable = reusable_fields(claims)
    if reusable:
        yield Finding("warning", Msg.REUSABLE_WORKFLOW, reusable)
