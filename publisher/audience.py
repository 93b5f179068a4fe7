"""Which audiences the action asks GitHub OIDC tokens for.

An audience names the service a token is for, and GitHub signs a token for any
audience asked: whoever receives one can present it, as this repository's workflow,
to every service that trusts that audience. The index chooses the audience it wants
(``/_/oidc/audience``), so a hostile or mistaken index could ask for a token another
service takes. The rules, for any index:

- never the audience of a service the action knows to take GitHub's tokens: Sigstore's
  (``sigstore``, or the run's own signing audience), the clouds' token exchanges, other
  registries' trusted publishing, GitHub's default; pinned or not;
- PyPI's and TestPyPI's (``pypi``, ``testpypi``) only from their own hosts;
- from any other index, only an audience that names the index's own host (a token only
  that host's services would take), or the one the workflow pins (``oidc-audience``),
  which the index must then ask for exactly. A plain name is not enough: real
  workflows bind Vaults and artifact stores to names like ``vault`` or ``jfrog-github``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from publisher import messages
from publisher.errors import IndexServerError, InputError
from publisher.messages import Msg

if TYPE_CHECKING:
    from publisher.index import Index

SIGSTORE = "sigstore"  # the audience of the tokens the public-good Fulcio takes
# PyPI's and TestPyPI's audiences, and the hosts that may ask for them.
PYPI_AUDIENCES = {
    "pypi": frozenset({"pypi.org", "upload.pypi.org"}),
    "testpypi": frozenset({"test.pypi.org"}),
}
# Audiences other services take GitHub's tokens for, by their documented defaults
# (lower case): a token for one of them is never asked for an index.
FOREIGN = {
    SIGSTORE: "Sigstore (its certificates sign attestations)",
    "sts.amazonaws.com": "AWS (its token exchange, STS)",
    "sts.amazonaws.com.cn": "AWS China (its token exchange, STS)",
    "sts.aliyuncs.com": "Alibaba Cloud (its token exchange, STS)",
    "npm:registry.npmjs.org": "npm (trusted publishing)",
    "crates.io": "crates.io (trusted publishing)",
    "rubygems.org": "RubyGems (trusted publishing)",
    "jfrog-github": "JFrog (its documented audience)",
    "vault": "HashiCorp Vault (a common role audience)",
    "issuer.enforce.dev": "Chainguard",
}
FOREIGN_PREFIXES = {
    "api://azureadtokenexchange": "Azure (its token exchange)",
    "https://iam.googleapis.com/": "Google Cloud (workload identity federation)",
    "//iam.googleapis.com/": "Google Cloud (workload identity federation)",
    "https://github.com/": "GitHub's default tokens (services not told otherwise trust it)",
    "urn:pulumi:": "Pulumi",
}
_NAME = re.compile(r"[!-~]{1,256}")  # printable ASCII, no white space


def owner(audience: str, signing: str = SIGSTORE) -> str | None:
    """Whose audience ``audience`` is when another service's (``signing``: the run's
    Sigstore audience), or None."""
    lowered = audience.lower()
    if lowered == signing.lower():
        return FOREIGN[SIGSTORE]
    if lowered in FOREIGN:
        return FOREIGN[lowered]
    found = (who for prefix, who in FOREIGN_PREFIXES.items() if lowered.startswith(prefix))
    return next(found, None)


def refusal(audience: str, host: str | None, signing: str = SIGSTORE) -> str | None:
    """Why a token for ``audience`` must not go to the index at ``host`` (None: to no
    index at all), or None when it may."""
    if not _NAME.fullmatch(audience):
        return messages.phrase(Msg.AUDIENCE_NOT_A_NAME)
    service = owner(audience, signing)
    if service is not None:
        return messages.phrase(Msg.AUDIENCE_OTHER_SERVICE, service=service)
    hosts = PYPI_AUDIENCES.get(audience.lower())
    if hosts is not None and host not in hosts:
        return messages.phrase(Msg.AUDIENCE_PYPI_ONLY, owners=", ".join(sorted(hosts)))
    return None


def check_pin(audience: str, index: Index, signing: str) -> None:
    """The workflow's ``oidc-audience``, checked before any request."""
    reason = refusal(audience, index.host, signing)
    if reason is not None:
        raise InputError(
            Msg.AUDIENCE_INPUT_REFUSED, name="oidc-audience", value=audience, reason=reason
        )


def check_signing(audience: str, trust_config: bool) -> None:
    """The workflow's ``sigstore-audience``: Sigstore's own, or another deployment's name
    for it, never a name an index or another service takes."""
    if audience == SIGSTORE:
        return
    if not trust_config:
        raise InputError(Msg.SIGSTORE_AUDIENCE_PUBLIC, value=audience)
    reason = refusal(audience, None, signing=SIGSTORE)
    if reason is not None:
        raise InputError(
            Msg.AUDIENCE_INPUT_REFUSED, name="sigstore-audience", value=audience, reason=reason
        )


def check_advertised(
    audience: str, index: Index, pinned: str | None, signing: str = SIGSTORE
) -> None:
    """The audience the index asked for, before any token is requested for it."""
    url = index.audience_url
    reason = refusal(audience, index.host, signing)
    if reason is not None:
        raise IndexServerError(Msg.AUDIENCE_REFUSED, url=url, audience=audience, reason=reason)
    if pinned is not None:
        if audience != pinned:
            raise IndexServerError(
                Msg.AUDIENCE_PIN_MISMATCH, url=url, audience=audience, pinned=pinned
            )
        return
    if index.host in PYPI_AUDIENCES.get(audience.lower(), ()):
        return  # PyPI's or TestPyPI's, from its own host
    if audience.lower().rstrip(".") == index.host.lower():
        return  # names the index itself: only services of that host would take it
    raise IndexServerError(Msg.AUDIENCE_NOT_PINNED, url=url, audience=audience)
