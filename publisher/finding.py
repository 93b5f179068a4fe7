"""A finding: one result of a check, as a message of the catalogue (key and values),
with its status and, for a workflow's, the line it is about. Every layer that reports
one reads this type: the steps and the workflow audits make findings, the console
prints them, the result model (:mod:`publisher.outcome`) keeps them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from publisher import messages
from publisher.errors import PublishError
from publisher.location import Location

if TYPE_CHECKING:
    from publisher.messages import Msg

Status = Literal["ok", "notice", "warning", "error"]


@dataclass(frozen=True)
class Finding:
    """One result of a check: its status and its message (key and values)."""

    status: Status
    key: Msg
    fields: Mapping[str, object] = field(default_factory=dict)
    location: Location | None = None  # the line of a user's file it is about

    def at(self, location: Location | None) -> Finding:
        """The same finding, pointing at ``location``."""
        return Finding(self.status, self.key, self.fields, location)

    @classmethod
    def from_error(cls, error: PublishError, location: Location | None = None) -> Finding:
        """A failure as an error finding."""
        return cls("error", error.key, error.fields, location)

    @property
    def title(self) -> str:
        """The message's one-line title."""
        return messages.title(self.key, self.fields)

    @property
    def detail(self) -> str:
        """The message's body."""
        return messages.render(self.key, self.fields)

    def as_error(self) -> PublishError:
        """The finding as the error that stops a real run."""
        return PublishError(self.key, **self.fields)

    def as_json(self) -> dict[str, object]:
        """Plain data for ``--format json``."""
        found: dict[str, object] = {
            "status": self.status,
            "key": str(self.key),
            "check": self.title,
            "detail": self.detail,
        }
        if self.location is not None:
            found["location"] = self.location.as_json()
        return found


@dataclass(frozen=True)
class Progress:
    """A finding about one file of many, made as that file was done: its place among
    them (``done`` of ``total``) and what was logged while it was worked on, to show
    under it."""

    finding: Finding
    done: int
    total: int
    log: tuple[str, ...] = ()
