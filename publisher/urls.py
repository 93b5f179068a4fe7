"""Which URLs the action talks to, and how it shows one: https only (plain http to
loopback, for local tests and demos), a host, no credentials inside, and one host
however the URL is read; a URL quoted in a message shows nothing that may hold a
secret. Every URL from outside (``repository-url``, a Sigstore deployment's services)
is checked here before any request is made to it."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from publisher import messages
from publisher.errors import InputError
from publisher.messages import Msg


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# A URL's parts as the most lenient reader takes them: a scheme, any run of slashes or
# backslashes (`https:/x@y` and `https:\\x@y` are read as `https://x@y` by some), the
# authority, the path, the query, the fragment.
_PARTS = re.compile(
    r"^((?:[A-Za-z][A-Za-z0-9+.-]*:)?[/\\]*)([^/\\?#]*)([^?#]*)(\?[^#]*)?(#.*)?$", re.DOTALL
)
# What such readers drop before reading (WHATWG: tabs and newlines anywhere, controls
# and spaces at either end): `ht\ntps://x@y` is `https://x@y` to them.
_DROPPED = re.compile(r"[\x00-\x20\x7f]")
_SECRET_PARTS = re.compile(r"([^?#]*)(\?[^#]*)?(#.*)?", re.DOTALL)  # see redacted


def _has_credentials(url: str) -> bool:
    """Whether the URL's authority holds a user name or password, in any form a
    parser may read as one (checked before any other rule, so that no message ever
    echoes a URL that holds a secret)."""
    found = _PARTS.match(_DROPPED.sub("", url))
    return found is not None and "@" in found.group(2)


def redacted(url: str) -> str:
    """``url`` as a message may show it: what may hold a secret shown as ``***``: the
    query, the fragment, and all before the last ``@`` ahead of them (user info, in
    whatever form a reader may take it) but the scheme."""
    found = _SECRET_PARTS.fullmatch(url)
    assert found is not None  # any text matches
    head, query, fragment = found.groups()
    if "@" in head:
        scheme = re.match(r"[A-Za-z][A-Za-z0-9+.-]*:[/\\]*", head)
        head = (scheme.group() if scheme else "") + "***@" + head.rpartition("@")[2]
    return head + ("?***" if query else "") + ("#***" if fragment else "")


def _host_as_sent(url: str) -> str | None:
    """The host requests will connect to (urllib3 reads the URL, not urllib.parse)."""
    from urllib3.exceptions import LocationParseError
    from urllib3.util import parse_url

    try:
        host = parse_url(url).host
    except LocationParseError:
        return None
    return host.strip("[]").lower() if host else None


def check_url(url: str, what: str) -> None:
    """Refuse a URL we could not use safely: credentials inside it, not https (http
    only to loopback, for local tests and demos), no host, a bad port, or a host that
    urllib.parse (which our rules read) and urllib3 (which connects) read differently.
    No message shows what may hold a secret (see :func:`redacted`)."""
    if _has_credentials(url):
        # They would be sent to every endpoint and shown in every link we print.
        raise InputError(Msg.URL_HAS_CREDENTIALS, what=what)
    shown = redacted(url)

    def invalid(reason: str) -> InputError:
        return InputError(Msg.URL_INVALID, url=shown, what=what, reason=reason)

    if any(c.isspace() for c in url):
        raise invalid("it contains white space")
    if "\\" in url:
        raise invalid(messages.phrase(Msg.URL_BACKSLASH))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing it raises ValueError for a bad port
    except ValueError:
        raise invalid(messages.phrase(Msg.URL_UNREADABLE)) from None
    if not parts.hostname:
        raise invalid("it names no host")
    if not parts.hostname.isascii():
        # Each reader maps such a host to ASCII its own way (IDNA 2003 or 2008, NFKC).
        raise invalid(messages.phrase(Msg.URL_HOST_NOT_ASCII))
    if _host_as_sent(url) != parts.hostname.lower():
        raise invalid(messages.phrase(Msg.URL_PARSERS_DIFFER))
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and is_loopback(parts.hostname):
        return
    raise InputError(Msg.URL_NOT_HTTPS, url=shown, what=what)
