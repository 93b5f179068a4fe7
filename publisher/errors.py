"""Every failure a user can hit is a :class:`PublishError`.

An error carries the key of its message template (see :mod:`publisher.messages`) and
the values that fill it; it renders the user-facing text itself, so the one place that
turns errors into output (:mod:`publisher.cli`) never needs to know the details.
"""

from __future__ import annotations

from publisher import messages
from publisher.messages import Msg


class PublishError(Exception):
    """A failure with a message for the user: what went wrong, the values, the fix."""

    def __init__(self, key: Msg, **fields: object) -> None:
        super().__init__(key)
        self.key = key
        self.fields = fields

    @property
    def title(self) -> str:
        """One-line title of the failure, used for annotations and summaries."""
        return messages.title(self.key, self.fields)

    def __str__(self) -> str:
        return messages.render(self.key, self.fields)


class InputError(PublishError):
    """An action input or command-line option has a value we cannot use."""


class DistError(PublishError):
    """A distribution file, or the folder holding them, fails validation."""


class IndexServerError(PublishError):
    """The index answered in a way we cannot use (or not at all)."""


class TransientError(IndexServerError):
    """A fault that may pass (lost connection, 429, 5xx): worth another try, after
    ``retry_after`` seconds when the server asked for a wait."""

    retry_after: float | None = None


class OidcError(PublishError):
    """No usable OIDC token could be had from the CI provider."""


class MintError(PublishError):
    """The index refused to exchange the OIDC token for an upload token."""


class NameCheckError(PublishError):
    """A distribution's project name does not match what the token may publish."""


class UploadError(PublishError):
    """The index refused an upload."""


def internal_error(exc: Exception, *, publishing: bool = True) -> PublishError:
    """An unexpected exception (a bug of ours) as a message: its type and text, never a
    traceback; what to do next depends on whether anything could have been uploaded
    (``publishing``: a real run, not a dry run or ``publisher check``)."""
    key = Msg.INTERNAL_ERROR if publishing else Msg.INTERNAL_ERROR_CHECK
    return PublishError(key, error=f"{type(exc).__name__}: {exc}")
