"""Query strings and URLs built once per upstream call, exactly as httpx builds them."""

from __future__ import annotations

import httpx
import pytest

from gql_server.upstream.urls import Params, encode_query, with_query

ROOT = "https://api.factorialhr.com/api/2026-10-01/resources/custom_resources/values"

CASES: list[Params] = [
    [("limit", "100")],
    [("ids[]", "1"), ("ids[]", "22"), ("limit", "2")],
    [("employee_ids[]", str(1000 + i)) for i in range(100)] + [("limit", "100")],
    [("after_id", "eyJhIjogMX0="), ("page", 3)],
    [("ids[]", "a b/c?d#e&f=g+h%20"), ("ids[]", "ünïcödé"), ("x y", "~._-")],
    [("flag", True), ("flag", False), ("none", None), ("n", 1.5), ("empty", "")],
]


@pytest.mark.parametrize("params", CASES)
def test_the_query_string_is_httpx_own(params: Params) -> None:
    assert encode_query(params) == str(httpx.QueryParams(params))


@pytest.mark.parametrize("params", CASES)
def test_the_url_is_the_one_httpx_builds(params: Params) -> None:
    built = with_query(httpx.URL(ROOT), encode_query(params))
    expected = httpx.URL(ROOT, params=params)
    assert built == expected
    assert str(built) == str(expected)
    assert built.raw_path == expected.raw_path
    assert built.host == expected.host and built.query == expected.query


def test_no_query_leaves_the_url_alone() -> None:
    base = httpx.URL(ROOT)
    assert with_query(base, "") is base
