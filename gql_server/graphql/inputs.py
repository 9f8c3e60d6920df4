"""Checking input values before any call: ids as this API version carries them, bounded texts."""

from __future__ import annotations

import re

from ..upstream import UpstreamSession
from .errors import BadUserInput

_ID_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def wire_id(session: UpstreamSession, value: str, field: str) -> int | str:
    """An id as this API version's JSON carries it, or BAD_USER_INPUT naming the field."""
    text = str(value).strip()
    encoded = session.client.encode_id(text) if _ID_SHAPE.match(text) else None
    if encoded is None:
        raise BadUserInput(f"`{field}` is not a valid id.", field)
    return encoded


def checked_text(value: str, field: str, limit: int, *, allow_blank: bool = False) -> str:
    if not allow_blank and not value.strip():
        raise BadUserInput(f"`{field}` must not be blank.", field)
    if len(value) > limit:
        raise BadUserInput(f"`{field}` is longer than {limit} characters.", field)
    return value
