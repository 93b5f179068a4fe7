"""A finding: one result of a check, as a message of the catalogue (key and values),
with its status and, for a workflow's, the line it is about. Every layer that reports
one reads this type: the steps and the workflow audits make findings, the console
prints them, the result model (:mod:`publisher.outcome`) keeps them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from publisher import messages
from publisher.errors import PublishError
from publisher.location import Location
from publisher.messages import Msg

Status = Literal["ok", "notice", "warning", "error"]


@dataclass(frozen=True)
class Finding:
    """One result of a check: its status and its message (key and values)."""

    status: Status
    key: Msg
    fields: Mapping[str, object] = field(default_factory=dict)
    location: Location | None = None  # the line of a user's file it is about
    # publisher check on a workflow that publishes several folders: the one it is about
    folder: str | None = None

    def at(self, location: Location | None) -> Finding:
        """The same finding, pointing at ``location``."""
        return replace(self, location=location)

    def of_folder(self, folder: str) -> Finding:
        """The same finding, about the dists of ``folder`` (from the checkout's top)."""
        return replace(self, folder=folder)

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

    @property
    def for_folder(self) -> list[str]:
        """The line that names the folder of dists the finding is about (when
        ``publisher check`` checks several), or none."""
        if self.folder is None:
            return []
        return [messages.phrase(Msg.FOLDER_FOR, folder=self.folder)]

    @property
    def about(self) -> list[str]:
        """What the finding is about, a line each, to show under its body: the folder
        of dists and the line of a file."""
        at = [messages.phrase(Msg.LOCATION_AT, location=self.location)] if self.location else []
        return [*self.for_folder, *at]

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
        if self.folder is not None:
            found["folder"] = self.folder
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
