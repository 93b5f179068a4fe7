"""Exchanging the OIDC token for a short-lived upload token at ``/_/oidc/mint-token``."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from publisher.errors import IndexServerError, MintError, TransientError
from publisher.http import RETRY_STATUSES, json_object
from publisher.secret import Secret

if TYPE_CHECKING:
    from publisher.console import Console
    from publisher.http import Http
    from publisher.index import Index
    from publisher.oidc import Claims

# A minted token lives about 15 minutes; when the index does not say, assume less.
FALLBACK_LIFETIME = 600


@dataclass(frozen=True)
class UploadToken:
    """A minted token and when it stops working (unix time)."""

    token: Secret
    expires: float

    def expires_within(self, seconds: float) -> bool:
        """Whether the token will be dead ``seconds`` from now."""
        return time.time() + seconds >= self.expires


@dataclass(frozen=True)
class MintFailure:
    """One error the index gave for a mint request."""

    code: str
    description: str


def parse_failure(data: dict[str, object]) -> MintFailure:
    """The first error of a mint-token error answer (Warehouse sends exactly one)."""
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        return MintFailure(str(first.get("code", "unknown")), str(first.get("description", "")))
    return MintFailure("unknown", str(data.get("message", "")) or "(no description)")


def mint(
    http: Http,
    console: Console,
    index: Index,
    oidc_token: Secret,
    claims: Claims,
    projects: list[str],
) -> UploadToken:
    """POST the OIDC token; mask and return the upload token, or raise :class:`MintError`.

    The POST is not retried here: a lost answer may still have used up the OIDC token
    (each can be exchanged once), so a retry needs a fresh one; a transient fault raises
    :class:`TransientError` for the caller to start over (``TokenSource.mint``).
    """
    response = http.request(
        "POST",
        index.mint_url,
        what="exchanging the OIDC token at the index",
        retry=False,
        json={"token": oidc_token.reveal()},
    )
    if response.status_code in RETRY_STATUSES:
        raise TransientError(
            "mint-status", url=index.mint_url, status=response.status_code, body=response.text[:300]
        )
    if response.status_code not in (200, 422):
        raise IndexServerError(
            "mint-status",
            url=index.mint_url,
            status=response.status_code,
            body=console.redact(response.text[:300]),
        )
    data = json_object(response, "the mint-token endpoint")
    token = data.get("token")
    if response.status_code == 200 and isinstance(token, str) and token:
        console.mask(token)
        expires = data.get("expires")
        # bool is an int to Python; a real timestamp is a plain int or float.
        known = type(expires) in (int, float)
        when = float(expires) if known else time.time() + FALLBACK_LIFETIME  # type: ignore[arg-type]
        return UploadToken(Secret(token), when)
    failure = parse_failure(data)
    raise MintError(
        diagnosis_key(failure),
        code=failure.code,
        description=console.redact(failure.description),
        status=response.status_code,
        **claim_fields(claims, index, projects),
    )


def diagnosis_key(failure: MintFailure) -> str:
    """The message template for a mint error. Warehouse's descriptions are free text,
    so we branch on the code, and on the text only to split ``invalid-payload``."""
    if failure.code == "invalid-payload":
        text = failure.description.lower()
        if "unknown trusted publishing issuer" in text:
            return "mint-unknown-issuer"
        if "malformed jwt" in text or "validation error" in text:
            return "mint-invalid-payload"
        return "mint-project-refused"
    return f"mint-{failure.code}" if failure.code in KNOWN_CODES else "mint-unknown-code"


KNOWN_CODES = {
    "not-enabled",
    "invalid-payload",
    "invalid-token",
    "invalid-pending-publisher",
    "invalid-reuse-token",
    "invalid-publisher",
}


def claim_fields(claims: Claims, index: Index, projects: list[str]) -> dict[str, str]:
    """The values every mint diagnosis may show: the token's claims and the links."""
    fields = claims.publisher_fields()
    settings = "\n".join(f"  {p}: {index.publishing_settings_url(p)}" for p in projects)
    return {
        "repository": claims.repository or "(missing)",
        "owner": claims.owner or "(missing)",
        "owner_id": claims.get("repository_owner_id") or "(missing)",
        "workflow_file": claims.workflow_filename or "(missing)",
        "job_workflow_ref": claims.job_workflow_ref or "(missing)",
        "environment": claims.environment or "(none)",
        "ref": claims.get("ref") or "(empty)",
        "event": claims.get("event_name") or "(missing)",
        "issuer": claims.get("iss") or "(missing)",
        "audience": claims.get("aud") or "(missing)",
        "index": index.read_url,
        "pending_link": index.register_publisher_url(fields, None),
        "settings_links": settings or "  (no project)",
        "projects": ", ".join(projects),
    }
