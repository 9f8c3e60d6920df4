"""The GraphQL schema of the gateway and its SDL."""

from __future__ import annotations

from functools import cache

import strawberry

from .mutation import Mutation
from .query import Query


@cache
def build_schema() -> strawberry.Schema:
    """The one schema of this server (immutable, so built once per process)."""
    return strawberry.Schema(query=Query, mutation=Mutation)


def export_sdl() -> str:
    """The schema in SDL, as committed in `schema.graphql`."""
    return build_schema().as_str() + "\n"
