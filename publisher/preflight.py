"""Dry run: every check a real publish makes, without minting a token or uploading."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publisher.console import Console
    from publisher.http import Http
    from publisher.index import Index
    from publisher.publish import Outcome


def dry_run_oidc(
    env: Mapping[str, str], http: Http, console: Console, index: Index, outcome: Outcome
) -> None:
    """In Actions: fetch an OIDC token for the index's audience and show its claims, but
    never exchange it (a mint through a pending publisher creates the project)."""
    from publisher.oidc import fetch_token, get_audience, read_claims

    if env.get("GITHUB_ACTIONS") != "true":
        console.info("Dry run outside GitHub Actions: no OIDC token to check.")
        return
    audience = get_audience(http, index)
    claims = read_claims(fetch_token(env, http, console, audience))
    outcome.claims = claims
    fields = claims.publisher_fields()
    console.info(
        "Dry run: the OIDC token was not exchanged. A trusted publisher must hold: "
        + ", ".join(f"{k}={v or '(none)'}" for k, v in fields.items())
    )
