"""Reading a write's JSON body: each member checked, each failure named by its field."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from .records import parse_id
from .responses import ApiError


class WriteRejected(Exception):
    """A body that fails validation; `errors` names each offending field."""

    def __init__(self, errors: list[ApiError]) -> None:
        super().__init__("validation failed")
        self.errors = errors


def coerce_id(value: object) -> int | None:
    """An id sent as a JSON integer or a string of digits (any API version), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    return parse_id(value) if isinstance(value, str) else None


class BodyReader:
    """Reads members of one body, collecting an ApiError per bad member; `check` raises them."""

    def __init__(self, body: Mapping[str, Any]) -> None:
        self.body = body
        self.errors: list[ApiError] = []

    def fail(self, name: str, message: str) -> None:
        """Record that member `name` is invalid."""
        self.errors.append(ApiError(message, name))

    def present(self, name: str, *, required: bool) -> bool:
        """Whether member `name` is there (not null); a missing required one is recorded."""
        if self.body.get(name) is not None:
            return True
        if required:
            self.fail(name, f"{name} is required")
        return False

    def id(self, name: str, *, required: bool = True) -> int | None:
        """An id member (JSON integer or digit string)."""
        if not self.present(name, required=required):
            return None
        parsed = coerce_id(self.body[name])
        if parsed is None:
            self.fail(name, f"{name} must be an id")
        return parsed

    def text(self, name: str, *, required: bool = True, blank: bool = True) -> str | None:
        """A string member; `blank=False` also refuses empty or whitespace-only text."""
        if not self.present(name, required=required):
            return None
        value = self.body[name]
        if not isinstance(value, str) or (not blank and not value.strip()):
            self.fail(name, f"{name} must be a {'' if blank else 'non-empty '}string")
            return None
        return value

    def flag(self, name: str, *, required: bool = False) -> bool | None:
        """A boolean member."""
        if not self.present(name, required=required):
            return None
        value = self.body[name]
        if not isinstance(value, bool):
            self.fail(name, f"{name} must be a boolean")
            return None
        return value

    def integer(self, name: str) -> int | None:
        """An optional integer member."""
        if not self.present(name, required=False):
            return None
        value = self.body[name]
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, f"{name} must be an integer")
            return None
        return value

    def choice(self, name: str, allowed: Collection[str], *, required: bool) -> str | None:
        """A string member that must be one of `allowed`."""
        value = self.text(name, required=required)
        if value is not None and value not in allowed:
            self.fail(name, f"{name} must be one of: {', '.join(allowed)}")
            return None
        return value

    def texts(self, name: str) -> list[str]:
        """An optional list of non-empty strings (empty when absent)."""
        if not self.present(name, required=False):
            return []
        value = self.body[name]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(name, f"{name} must be a list of non-empty strings")
            return []
        return list(value)

    def check(self) -> None:
        """Raise WriteRejected when any member was invalid."""
        if self.errors:
            raise WriteRejected(self.errors)
