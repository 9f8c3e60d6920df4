"""The read cache as `Settings` configure it: in the fleet's Redis, in this process, or off."""

from __future__ import annotations

from ..config import Settings
from ..fleet import SharedStore
from ..fleet.cache import LocalCache, ReadCache
from ..fleet.shared_cache import SharedCache

MEGABYTE = 1024 * 1024


def read_cache(settings: Settings, store: SharedStore) -> ReadCache | None:
    """The read cache, or None when GQL_CACHE_TTL is 0. A refresh's lock lives as long as a
    request may: a refresh failing that way is tried again after it, not by every reader."""
    if settings.gql_cache_ttl <= 0:
        return None
    refresh = settings.gql_request_timeout + 1.0
    if store.shared:
        return SharedCache(
            store,
            fresh_seconds=settings.gql_cache_ttl,
            stale_seconds=settings.gql_cache_stale,
            refresh_seconds=refresh,
        )
    return LocalCache(
        fresh_seconds=settings.gql_cache_ttl,
        stale_seconds=settings.gql_cache_stale,
        max_bytes=settings.gql_cache_max_mb * MEGABYTE,
        refresh_seconds=refresh,
    )


def describe_cache(settings: Settings) -> str:
    """Whether upstream answers are cached across requests, and where, for the start-up log."""
    ttl = settings.gql_cache_ttl
    if ttl <= 0:
        return "read cache: off (GQL_CACHE_TTL=0): every request reads Factorial"
    stale = settings.gql_cache_stale
    kept = f"answers kept {ttl:g} s" + (f", then served stale {stale:g} s more" if stale else "")
    if settings.gql_redis_url is not None:
        return f"read cache: on, {kept}, shared by the fleet through Redis (GQL_REDIS_URL)"
    line = f"read cache: on, {kept}, in this process (at most {settings.gql_cache_max_mb} MB)"
    if settings.gql_fleet_size > 1:
        line += (
            "; without GQL_REDIS_URL a write through another process is seen here only "
            "after GQL_CACHE_TTL"
        )
    return line
