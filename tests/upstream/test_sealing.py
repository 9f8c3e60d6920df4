"""Stored OAuth tokens encrypted at rest with GQL_STATE_KEY: in the file, across a restart,
and unreadable (and said so) with another key."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from gql_server.config import ConfigError, load_settings
from gql_server.upstream.sealing import FernetSealer
from gql_server.upstream.token_file import TOKENS_FILE

from .test_oauth import QUERY, oauth_gateway, oauth_of, oauth_simulator


def test_sealed_bytes_open_with_the_same_key_only() -> None:
    key = Fernet.generate_key().decode()
    sealed = FernetSealer(key).seal(b'{"access_token": "a"}')
    assert b"access_token" not in sealed
    assert FernetSealer(key).open(sealed) == b'{"access_token": "a"}'
    with pytest.raises(ValueError, match="another GQL_STATE_KEY"):
        FernetSealer(Fernet.generate_key().decode()).open(sealed)
    # A pair stored in clear before the key was set is still read.
    assert FernetSealer(key).open(b'{"a": 1}') == b'{"a": 1}'


def test_a_key_that_is_not_a_fernet_key_is_refused_without_repeating_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GQL_STATE_KEY", "hunter2-not-a-key")
    with pytest.raises(ConfigError) as refused:
        load_settings()
    assert refused.value.problems[0][0] == "GQL_STATE_KEY"
    assert "hunter2" not in str(refused.value)


async def test_tokens_are_encrypted_in_the_file_and_survive_a_restart_with_the_key(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sim = oauth_simulator()
    oauth = oauth_of(sim)
    first = oauth.issue()
    key = Fernet.generate_key().decode()
    async with oauth_gateway(sim, tmp_path, first.refresh_token, gql_state_key=key) as (gw, _):
        assert (await gw.data(QUERY))["schemas"]["nodes"]
    stored = (tmp_path / TOKENS_FILE).read_bytes()
    assert b"token" not in stored and first.refresh_token.encode() not in stored
    pair = Fernet(key.encode()).decrypt(stored)
    assert b"access_token" in pair
    async with oauth_gateway(sim, tmp_path, first.refresh_token, gql_state_key=key) as (gw, _):
        assert (await gw.data(QUERY))["schemas"]["nodes"]
    assert len(oauth.refreshes) == 1  # the restart used the stored pair
    # With another key the pair cannot be read: the configured refresh token (spent) is tried.
    other = Fernet.generate_key().decode()
    caplog.set_level(logging.WARNING)
    async with oauth_gateway(sim, tmp_path, first.refresh_token, gql_state_key=other) as (gw, _):
        body = await gw.query(QUERY)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert any("another GQL_STATE_KEY" in r.getMessage() for r in caplog.records)
