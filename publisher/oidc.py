"""The runner's OIDC token: asking GitHub for it, and reading (not verifying) its claims.

We only read the claims to explain failures and to warn about setups PyPI cannot
match; the index verifies the signature, so we never need the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from publisher import messages, safejson
from publisher.audience import SIGSTORE, check_advertised
from publisher.errors import IndexServerError, OidcError
from publisher.http import json_object, quoted
from publisher.messages import Msg, Url
from publisher.secret import Secret

if TYPE_CHECKING:
    from publisher.console import Console
    from publisher.http import Http
    from publisher.index import Index

_WORKFLOW_FILE = re.compile(r"([^/]+\.ya?ml)@")
_JWT = re.compile(r"[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}")
ISSUE_REUSABLE = "https://github.com/pypi/warehouse/issues/11096"


@dataclass(frozen=True)
class Claims:
    """The claims of a GitHub Actions OIDC token that publisher matching uses."""

    raw: dict[str, Any]

    def get(self, name: str) -> str:
        """A claim as text ('' when absent): as the JSON holds it, lists joined."""
        return _text(self.raw.get(name))

    def more(self) -> str:
        """The claims GitHub added in 2025-2026 that help find a run or tell its
        repository apart (``check_run_id``, the repository's custom properties
        ``repo_property_*``), as ``name value`` pairs; '' when there are none."""
        names = ["check_run_id", *sorted(n for n in self.raw if n.startswith("repo_property_"))]
        return "; ".join(f"{n} {self.get(n)}" for n in names if n in self.raw)

    @property
    def repository(self) -> str:
        """``owner/name`` of the repository the workflow runs in."""
        return self.get("repository")

    @property
    def owner(self) -> str:
        """The repository owner's login."""
        return self.get("repository_owner")

    @property
    def repository_name(self) -> str:
        """The repository name without its owner."""
        return self.repository.partition("/")[2]

    @property
    def environment(self) -> str | None:
        """The job's environment, or None when the job names none."""
        return self.raw.get("environment") or None

    @property
    def job_workflow_ref(self) -> str:
        """The workflow file running the job (the *called* one in a reusable workflow)."""
        return self.get("job_workflow_ref")

    @property
    def signing_identity(self) -> str:
        """The identity a Sigstore certificate for this job names (its subject), and so
        every attestation this job signs: ``https://github.com/{job_workflow_ref}``."""
        return f"https://github.com/{self.job_workflow_ref}"

    @property
    def workflow_ref(self) -> str:
        """The top-level (*calling*) workflow."""
        return self.get("workflow_ref")

    @property
    def workflow_filename(self) -> str:
        """The file name PyPI matches: taken from ``job_workflow_ref``, never ``workflow_ref``."""
        return workflow_filename(self.job_workflow_ref)

    @property
    def is_reusable(self) -> bool:
        """Whether the publishing job runs inside a reusable workflow."""
        return bool(self.job_workflow_ref and self.workflow_ref) and (
            self.job_workflow_ref != self.workflow_ref
        )

    def shown(self) -> dict[str, str]:
        """The claims a publisher is matched on, as the diagnoses show them (a word in
        parentheses for one that is absent)."""
        return {
            "repository": self.repository or "(missing)",
            "owner": self.owner or "(missing)",
            "owner_id": self.get("repository_owner_id") or "(missing)",
            "workflow_file": self.workflow_filename or "(missing)",
            "environment": self.environment or "(none)",
            "ref": self.get("ref") or "(empty)",
            "event": self.get("event_name") or "(missing)",
            "subject": self.get("sub") or "(missing)",
            "more": self.more() or "(none)",
        }

    def publisher_fields(self) -> dict[str, str]:
        """The fields to enter for a GitHub trusted publisher matching this token."""
        return {
            "owner": self.owner,
            "repository": self.repository_name,
            "workflow_filename": self.workflow_filename,
            "environment": self.environment or "",
        }


def _text(value: object) -> str:
    """A claim's value as text: a string as it is, a boolean or number as JSON writes
    it (``true``, not Python's ``True``), a list's items joined with commas."""
    import json

    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    return json.dumps(value, ensure_ascii=False)


def workflow_filename(ref: str) -> str:
    """``o/r/.github/workflows/release.yml@refs/tags/v1`` -> ``release.yml``."""
    match = _WORKFLOW_FILE.search(ref)
    return match.group(1) if match else ""


def read_claims(token: Secret) -> Claims:
    """Decode the token's payload without verifying it (we only read it; the index
    verifies). The stdlib is enough for that, and importing pyjwt would pull in
    cryptography: about 90 ms on every release for a signature we never check."""
    import base64
    import binascii

    parts = token.reveal().split(".")
    try:
        if len(parts) != 3:
            raise ValueError("not three dot-separated parts")
        payload = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = safejson.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, binascii.Error) as exc:
        raise OidcError(Msg.TOKEN_UNREADABLE, reason=type(exc).__name__) from None
    if not isinstance(claims, dict):
        raise OidcError(Msg.TOKEN_UNREADABLE, reason="the payload is not a JSON object")
    return Claims(claims)


def is_fork_pull_request(env: Mapping[str, str]) -> bool:
    """A pull request run from a fork: GitHub gives it no OIDC token, ever."""
    event_name = env.get("GITHUB_EVENT_NAME", "")
    # pull_request, pull_request_review, pull_request_review_comment; not _target runs,
    # which run in the base repository and do get a token.
    if not event_name.startswith("pull_request") or event_name == "pull_request_target":
        return False
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return False
    try:
        event = safejson.loads(Path(path).read_bytes())
        return bool(event["pull_request"]["head"]["repo"]["fork"])
    except (OSError, ValueError, KeyError, TypeError):
        return False


def ensure_token_available(env: Mapping[str, str]) -> None:
    """Explain, before any request, why there is no OIDC token to ask for."""
    if env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN") and env.get("ACTIONS_ID_TOKEN_REQUEST_URL"):
        return
    if is_fork_pull_request(env):
        raise OidcError(
            Msg.OIDC_FORK_PR,
            repository=env.get("GITHUB_REPOSITORY", "?"),
            event=env.get("GITHUB_EVENT_NAME", ""),
        )
    if env.get("GITHUB_ACTIONS") != "true":
        raise OidcError(Msg.OIDC_NOT_IN_ACTIONS)
    raise OidcError(Msg.OIDC_NO_PERMISSION, event=env.get("GITHUB_EVENT_NAME", "?"))


def refuse_pull_request_target(env: Mapping[str, str]) -> None:
    """PyPI refuses tokens from ``pull_request_target`` runs: say so before minting."""
    if env.get("GITHUB_EVENT_NAME") == "pull_request_target":
        raise OidcError(Msg.OIDC_PULL_REQUEST_TARGET)


def get_audience(
    http: Http, index: Index, pinned: str | None = None, signing: str = SIGSTORE
) -> str:
    """The audience the index wants in the OIDC token (``pypi`` on PyPI), once it is
    one the index may have (:mod:`publisher.audience`): the workflow's ``pinned`` one,
    exactly, if it pins one; never ``signing``, the run's Sigstore audience."""
    response = http.request("GET", index.audience_url, what=messages.phrase(Msg.DOING_AUDIENCE))
    if response.status_code == 403:
        raise IndexServerError(Msg.TP_DISABLED, url=index.audience_url, body=quoted(response))
    if response.status_code == 404:
        raise IndexServerError(Msg.TP_UNSUPPORTED, url=index.audience_url)
    if response.status_code != 200:
        raise IndexServerError(
            Msg.AUDIENCE_STATUS, url=index.audience_url, status=response.status_code
        )
    audience = json_object(response, messages.phrase(Msg.ENDPOINT_AUDIENCE)).get("audience")
    if not isinstance(audience, str) or not audience:
        raise IndexServerError(
            Msg.ANSWER_NOT_JSON,
            what=messages.phrase(Msg.ENDPOINT_AUDIENCE),
            url=index.audience_url,
            status=response.status_code,
            body=quoted(response),
        )
    check_advertised(audience, index, pinned, signing)
    return audience


def _with_audience(url: str, audience: str) -> str:
    # The runner's URL already has a query string; merge ours into it.
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "audience"]
    query.append(("audience", audience))
    return urlunsplit(parts._replace(query=urlencode(query)))


def fetch_token(env: Mapping[str, str], http: Http, console: Console, audience: str) -> Secret:
    """Ask the runner for an OIDC token made for ``audience``; masked before anything else."""
    ensure_token_available(env)
    request_token = env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]
    console.mask(request_token)
    url = _with_audience(env["ACTIONS_ID_TOKEN_REQUEST_URL"], audience)
    response = http.request(
        "GET",
        url,
        what=messages.phrase(Msg.DOING_OIDC),
        secret_answer=True,
        headers={"Authorization": f"bearer {request_token}"},
    )
    if response.status_code != 200:
        raise OidcError(
            Msg.OIDC_REQUEST_FAILED,
            status=response.status_code,
            body=console.redact(quoted(response)),
        )
    try:
        value = json_object(response, messages.phrase(Msg.ENDPOINT_OIDC)).get("value")
    except IndexServerError:
        raise OidcError(Msg.OIDC_MALFORMED) from None
    if not isinstance(value, str) or not _JWT.fullmatch(value):
        # Checked before masking: masking a short value would hide its letters all
        # through the log.
        raise OidcError(Msg.OIDC_MALFORMED)
    console.mask(value)
    return Secret(value)


def reusable_fields(claims: Claims) -> dict[str, object] | None:
    """The values of the reusable-workflow warning, or None when the job is not in one."""
    if not claims.is_reusable:
        return None
    return {
        "called": claims.job_workflow_ref,
        "caller": claims.workflow_ref,
        "called_file": claims.workflow_filename,
        "issue": Url(ISSUE_REUSABLE),
    }


def reusable_explanation(claims: Claims, *, markdown: bool = False) -> str:
    """Why PyPI may not match a job in a reusable workflow, or '' when it is not in one."""
    fields = reusable_fields(claims)
    return messages.render(Msg.REUSABLE_WORKFLOW, fields, markdown=markdown) if fields else ""
