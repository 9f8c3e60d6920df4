"""The resolver `Info` type, bound to our request context."""

from __future__ import annotations

import strawberry

from ..loading.context import Context

Info = strawberry.Info[Context, None]
