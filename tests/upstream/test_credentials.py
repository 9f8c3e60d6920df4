"""Credentials are forwarded as Factorial expects and never printed."""

from __future__ import annotations

from gql_server.upstream import Credential


def test_headers_for_each_kind() -> None:
    assert Credential("api_key", "k1").headers() == {"x-api-key": "k1"}
    assert Credential("bearer", "t1").headers() == {"authorization": "Bearer t1"}


def test_incoming_headers() -> None:
    assert Credential.from_headers({"x-api-key": " k "}) == Credential("api_key", "k")
    assert Credential.from_headers({"authorization": "bearer tok"}) == Credential("bearer", "tok")
    both = {"authorization": "Bearer tok", "x-api-key": "k"}
    assert Credential.from_headers(both) == Credential("bearer", "tok")
    assert Credential.from_headers({"authorization": "Basic abc"}) is None
    assert Credential.from_headers({"x-api-key": "  ", "authorization": "Bearer "}) is None


def test_the_secret_never_appears_when_printed() -> None:
    credential = Credential("api_key", "CANARY-SECRET-123")
    for text in (repr(credential), str(credential), f"{credential}", repr([credential])):
        assert "CANARY" not in text
    assert Credential("api_key", "a") != Credential("api_key", "b")
    assert Credential("api_key", "a") != Credential("bearer", "a")
    assert hash(Credential("api_key", "a")) == hash(Credential("api_key", "a"))
