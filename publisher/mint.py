"""Exchanging the OIDC token for a short-lived upload token at ``/_/oidc/mint-token``,
:class:`TokenSource`, which gets those tokens (again, when one runs out), and burning
them at ``/_/oidc/burn-token`` when the run is done."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from publisher import messages
from publisher.errors import IndexServerError, MintError, TransientError
from publisher.http import Again, json_object, passing, quoted, retry_after, retrying
from publisher.messages import Msg
from publisher.secret import Secret

if TYPE_CHECKING:
    from requests import Response

    from publisher.console import Console
    from publisher.finding import Finding
    from publisher.http import Http
    from publisher.index import Index
    from publisher.oidc import Claims

# A minted token lives about 15 minutes; when the index does not say, assume less.
FALLBACK_LIFETIME = 600
# PyPI's tokens are ``pypi-`` and a macaroon of a hundred characters and more.
MIN_TOKEN = 32


@dataclass(frozen=True)
class UploadToken:
    """A minted token and when it stops working (unix time)."""

    token: Secret
    expires: float
    minted: float = field(default_factory=time.time)

    def expires_within(self, seconds: float) -> bool:
        """Whether the token will be dead ``seconds`` from now."""
        return time.time() + seconds >= self.expires

    def worth_renewing(self, seconds: float) -> bool:
        """Whether to mint anew before a request that needs the token ``seconds`` more:
        it dies before then, and it is not fresh (a token that lives less than that
        from the start would only be replaced by another like it)."""
        return self.expires_within(seconds) and time.time() - self.minted > FRESH


FRESH = 10.0  # seconds after its mint a token counts as new


def _expires(value: object) -> float:
    """When the token dies: the answer's ``expires`` if it is a plausible unix time
    (it is informational only), else a safe guess."""
    now = time.time()
    # bool is an int to Python; a real timestamp is a plain int or float.
    if type(value) in (int, float):
        try:
            when = float(value)  # type: ignore[arg-type]
        except OverflowError:  # an int too large for a float
            when = 0.0
        if now < when < now + 86400:
            return when
    return now + FALLBACK_LIFETIME


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
        what=messages.phrase(Msg.DOING_MINT),
        retry=False,
        secret_answer=True,
        json={"token": oidc_token.reveal()},
    )
    if passing(response.status_code):
        transient = TransientError(
            Msg.MINT_STATUS,
            url=index.mint_url,
            status=response.status_code,
            body=console.redact(quoted(response)),
        )
        transient.retry_after = retry_after(response)
        raise transient
    if response.status_code not in (200, 422):
        raise IndexServerError(
            Msg.MINT_STATUS,
            url=index.mint_url,
            status=response.status_code,
            body=console.redact(quoted(response)),
        )
    data = json_object(response, messages.phrase(Msg.ENDPOINT_MINT))
    token = data.get("token")
    if response.status_code == 200 and isinstance(token, str) and token:
        if (
            len(token) < MIN_TOKEN
            or not token.isascii()
            or not token.isprintable()
            or any(c.isspace() for c in token)
        ):
            # Refused before masking: masking "e" would hide every e in the log.
            raise IndexServerError(
                Msg.MINT_TOKEN_IMPLAUSIBLE, url=index.mint_url, length=len(token)
            )
        if console.shows(token):
            # Masking it would hide a file name or a digest in all that follows.
            raise IndexServerError(Msg.MINT_TOKEN_SHOWN, url=index.mint_url)
        console.mask(token)
        return UploadToken(Secret(token), _expires(data.get("expires")))
    if response.status_code == 200:  # a success without a token is no refusal to explain
        raise IndexServerError(
            Msg.MINT_NO_TOKEN, url=index.mint_url, body=console.redact(quoted(response))
        )
    failure = parse_failure(data)
    raise MintError(
        diagnosis_key(failure),
        code=failure.code,
        description=console.redact(failure.description),
        status=response.status_code,
        **claim_fields(claims, index, projects),
    )


def diagnosis_key(failure: MintFailure) -> Msg:
    """The message template for a mint error. Warehouse's descriptions are free text,
    so we branch on the code, and on the text only to split ``invalid-payload``."""
    if failure.code == "invalid-payload":
        text = failure.description.lower()
        if "unknown trusted publishing issuer" in text:
            return Msg.MINT_UNKNOWN_ISSUER
        if "malformed jwt" in text or "validation error" in text:
            return Msg.MINT_INVALID_PAYLOAD
        if "temporarily disabled" in text:  # "New project registration temporarily…"
            return Msg.MINT_REGISTRATION_DISABLED
        return Msg.MINT_PROJECT_REFUSED
    return BY_CODE.get(failure.code, Msg.MINT_UNKNOWN_CODE)


BY_CODE = {
    "not-enabled": Msg.MINT_NOT_ENABLED,
    "invalid-token": Msg.MINT_INVALID_TOKEN,
    "invalid-pending-publisher": Msg.MINT_INVALID_PENDING_PUBLISHER,
    "invalid-reuse-token": Msg.MINT_INVALID_REUSE_TOKEN,
    "invalid-publisher": Msg.MINT_INVALID_PUBLISHER,
}


def claim_fields(claims: Claims, index: Index, projects: list[str]) -> dict[str, object]:
    """The values every mint diagnosis may show: the token's claims and the links."""
    fields = claims.publisher_fields()
    if len(projects) == 1:  # the form takes one project name
        fields["project_name"] = projects[0]
    settings = [(p, index.publishing_settings_url(p)) for p in projects]
    links = messages.lines(
        (messages.Text(f"{p}: {url}", url.markdown) for p, url in settings), prefix="  "
    )
    pending_link = index.register_publisher_url(fields, None)
    return {
        # Left out by the caller when every project is known to be on the index (the
        # index refuses a pending publisher for a project that exists).
        "pending": messages.phrase(Msg.PENDING_FOR_NEW, pending_link=pending_link),
        **claims.shown(),
        "job_workflow_ref": claims.job_workflow_ref or "(missing)",
        "issuer": claims.get("iss") or "(missing)",
        "audience": claims.get("aud") or "(missing)",
        "index": index.read_url,
        "pending_link": pending_link,
        "settings_links": links or "  (no project)",
        "projects": ", ".join(projects),
    }


# An OIDC token read by an earlier step may be used for the exchange while it is this
# fresh; GitHub's live about 5 minutes, and a retry always asks for a new one.
REUSE_WITHIN = 60.0


class TokenSource:
    """Gets OIDC tokens for the index's audience, and upload tokens by trusted
    publishing, and new ones when they run out."""

    def __init__(
        self,
        env: Mapping[str, str],
        http: Http,
        console: Console,
        index: Index,
        *,
        pinned: str | None = None,
        signing: str = "sigstore",
    ) -> None:
        self.env, self.http, self.console, self.index = env, http, console, index
        # The workflow's oidc-audience, and the run's Sigstore audience (never the index's).
        self.pinned, self.signing = pinned, signing
        self.audience: str | None = None
        self.claims: Claims | None = None
        self.current: UploadToken | None = None
        self.minted: list[UploadToken] = []  # every upload token of the run, renewals too
        self._unused: tuple[Secret, float] | None = None  # an OIDC token not exchanged yet

    def oidc_token(self) -> Secret:
        """A fresh OIDC token for the index's audience; reads its claims."""
        from publisher.oidc import fetch_token, get_audience, read_claims

        if self.audience is None:
            self.audience = get_audience(self.http, self.index, self.pinned, self.signing)
        token = fetch_token(self.env, self.http, self.console, self.audience)
        self.claims = read_claims(token)
        self._unused = (token, time.monotonic())
        return token

    def _token_for_exchange(self) -> Secret:
        if self._unused is not None and time.monotonic() - self._unused[1] < REUSE_WITHIN:
            token = self._unused[0]
        else:
            token = self.oidc_token()
        self._unused = None  # each OIDC token is exchanged at most once
        return token

    def mint(self, projects: list[str]) -> UploadToken:
        """Exchange an OIDC token for an upload token. A transient fault is retried from
        the start, with a new OIDC token, since the last may have been used up."""

        def attempt() -> UploadToken | Again:
            # Getting the OIDC token retries on its own: its failure ends the run here,
            # it is not tried again from the start (that would multiply the tries).
            token = self._token_for_exchange()
            try:
                return self._mint_once(projects, token)
            except TransientError as exc:
                return Again(exc.title, exc.retry_after, exc)

        def give_up(again: Again, tries: int) -> UploadToken:
            assert again.error is not None
            if "tries" in again.error.fields:  # each try was a single mint request
                again.error.fields["tries"] = tries
            raise again.error

        what = messages.phrase(Msg.DOING_MINT_AGAIN)
        return retrying(self.http.policy, self.console, what, attempt, give_up)

    def _mint_once(self, projects: list[str], token: Secret) -> UploadToken:
        from publisher.oidc import reusable_explanation

        assert self.claims is not None
        try:
            self.current = mint(self.http, self.console, self.index, token, self.claims, projects)
            self.minted.append(self.current)
        except MintError as exc:
            reusable = reusable_explanation(self.claims)
            if reusable:
                exc.fields["reusable"] = messages.Text(
                    "\n\n" + reusable, "\n\n" + reusable_explanation(self.claims, markdown=True)
                )
            raise
        self.console.info(Msg.LOG_MINTED)
        return self.current

    def burn(self) -> Finding | None:
        """Burn (revoke) every upload token this run minted, renewals included, once:
        an ``ok`` finding when the index took them all, a notice when it could not (the
        tokens then expire by themselves; the release is not affected). None when
        nothing was minted. Never raises."""
        tokens, self.minted = self.minted, []
        if not tokens:
            return None
        return burn(self.http, self.index, tokens)


# Warehouse answers a burn at once; at a cancellation the runner's SIGINT leaves 7.5 s
# before SIGTERM, so each try gets a few seconds and the burn never holds the job.
BURN_DEADLINE = 3.0
# A busy index (429, 5xx) gets one more try per token, after at most this long: a token
# left alive can upload to every project of the publisher for 15 minutes.
BURN_TRIES = 2
BURN_WAIT = 2.0


def burn(http: Http, index: Index, tokens: list[UploadToken]) -> Finding:
    """POST each token to the index's burn endpoint. Warehouse (pypi/warehouse#20197,
    ``burn_oidc_issued_token``) answers every well-formed request ``202 {"message":
    "Accepted", "errors": []}``, whether or not the token was one to burn, so any 2xx is
    taken; 404 or 405: the index has no such endpoint (not Warehouse, or older). A
    token the index could not burn does not stop the others from being tried, but an
    index that does not answer at all is not asked again."""
    from publisher.errors import PublishError
    from publisher.finding import Finding

    expires = time.strftime("%H:%M:%S UTC", time.gmtime(max(t.expires for t in tokens)))
    fields: dict[str, object] = {"url": index.burn_url, "expires": expires}
    failed: Finding | None = None
    for token in tokens:
        try:
            response = _burn_one(http, index, token)
        except PublishError as exc:
            return failed or Finding("notice", Msg.BURN_FAILED, {**fields, "fault": exc.title})
        if response.status_code in (404, 405):
            return Finding(
                "notice", Msg.BURN_UNSUPPORTED, {**fields, "status": response.status_code}
            )
        if not 200 <= response.status_code < 300 and failed is None:
            fault = f"HTTP {response.status_code} {response.reason or ''}".strip()
            failed = Finding("notice", Msg.BURN_FAILED, {**fields, "fault": fault})
    return failed or Finding("ok", Msg.LOG_BURNED, {"count": len(tokens)})


def _burn_one(http: Http, index: Index, token: UploadToken) -> Response:
    """One token's burn request, tried again once if the index is busy (429, 5xx);
    the last answer."""
    from dataclasses import replace

    last: list[Response] = []

    def attempt() -> Response | Again:
        response = http.request(
            "POST",
            index.burn_url,
            what=messages.phrase(Msg.DOING_BURN),
            retry=False,
            final=True,
            deadline=BURN_DEADLINE,
            json={"token": token.token.reveal()},
        )
        if not passing(response.status_code):
            return response
        last[:] = [response]
        return Again(f"HTTP {response.status_code}", retry_after(response))

    policy = replace(http.policy, tries=BURN_TRIES, budget=BURN_WAIT)
    what = messages.phrase(Msg.DOING_BURN)
    return retrying(policy, http.console, what, attempt, lambda again, tries: last[0])
