"""Which requests ask for fresh data, and that browsers may ask for it cross-origin."""

from __future__ import annotations

import pytest
from graphql import parse
from starlette.datastructures import Headers

from gql_server.http.freshness import asks_fresh, reads_fresh

from ..gateway import build_store, open_gateway


@pytest.mark.parametrize(
    ("headers", "fresh"),
    [
        ({}, False),
        ({"cache-control": "no-cache"}, True),
        ({"cache-control": "No-Cache"}, True),
        ({"cache-control": "private, no-cache"}, True),
        ({"cache-control": "max-age=0"}, True),
        ({"cache-control": 'max-age="0"'}, True),
        ({"cache-control": "max-age=60"}, False),
        ({"cache-control": "no-store"}, False),
        ({"cache-control": "no-transform"}, False),
        ({"pragma": "no-cache"}, True),
        ({"pragma": "x-no-cache-please"}, False),
    ],
)
def test_the_headers_that_ask_for_fresh_data(headers: dict[str, str], fresh: bool) -> None:
    assert asks_fresh(Headers(headers)) is fresh


def test_a_mutation_always_reads_fresh() -> None:
    document = parse("query Q { a } mutation M { b }")
    assert not reads_fresh(Headers({}), document, "Q")
    assert reads_fresh(Headers({}), document, "M")
    assert reads_fresh(Headers({"pragma": "no-cache"}), document, "Q")


async def test_browsers_may_ask_for_fresh_data_cross_origin() -> None:
    async with open_gateway(build_store(), gql_cors_origins="https://app.example") as gw:
        preflight = await gw.http.options(
            "/graphql",
            headers={
                "origin": "https://app.example",
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type, cache-control, pragma",
            },
        )
        assert preflight.status_code == 200, preflight.text
        allowed = preflight.headers["access-control-allow-headers"].lower()
        assert "cache-control" in allowed and "pragma" in allowed
