"""`gql-server oauth login` as a person setting the server up runs it, against the simulator."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from gql_server.cli import main
from gql_server.simulator import OAuthServer, Simulator
from gql_server.upstream.token_file import TOKENS_FILE

from .gateway import build_store
from .live_server import serve
from .test_cli import ROOT, clean_env, free_port, running

CLIENT = {
    "FACTORIAL_OAUTH_CLIENT_ID": "demo-client-id",
    "FACTORIAL_OAUTH_CLIENT_SECRET": "demo-client-secret",
}


def login(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "gql_server", "oauth", "login", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=ROOT,
    )


def test_login_stores_tokens_the_server_then_acts_with(tmp_path: Path) -> None:
    with running("simulate", ready_path="/") as (simulator, _):
        env = clean_env(FACTORIAL_BASE_URL=simulator, GQL_STATE_DIR=str(tmp_path), **CLIENT)
        port = free_port()
        process = login(env, port)
        try:
            assert process.stdout is not None
            lines = []
            while not (line := process.stdout.readline()).strip().startswith("http"):
                assert line, "".join(lines)
                lines.append(line)
            authorize_url = line.strip()
            assert authorize_url.startswith(f"{simulator}/oauth/authorize?")
            assert f"127.0.0.1%3A{port}%2Fcallback" in authorize_url
            # The person's browser: Factorial redirects it to the loopback callback.
            page = httpx.get(authorize_url, follow_redirects=True, timeout=10)
            assert page.status_code == 200
            assert "You can close this page" in page.text
            output = line + process.stdout.read()
            assert process.wait(20) == 0, output
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(5)
        stored_file = tmp_path / TOKENS_FILE
        assert stat.S_IMODE(stored_file.stat().st_mode) == 0o600
        stored = json.loads(stored_file.read_bytes())
        assert f"tokens stored in {tmp_path}" in output
        assert stored["access_token"] not in output
        assert stored["refresh_token"] not in output
        # The server started afterwards acts with the stored tokens: no refresh token is set.
        with running("serve", env=env) as (gateway, log):
            answer = httpx.post(
                f"{gateway}/graphql",
                json={"query": "{ schemas(first: 1) { nodes { id } } }"},
                timeout=10,
            )
            assert answer.status_code == 200
            assert "errors" not in answer.json(), answer.json()
        assert stored["refresh_token"] not in log.read_text()


def test_login_without_an_oauth_application_says_what_to_set(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gql_server", "oauth", "login"],
        capture_output=True,
        text=True,
        env=clean_env(GQL_STATE_DIR=str(tmp_path)),
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "FACTORIAL_OAUTH_CLIENT_ID" in result.stderr
    assert not (tmp_path / TOKENS_FILE).exists()


def test_a_refused_authorization_stores_nothing(tmp_path: Path) -> None:
    with running("simulate", ready_path="/") as (simulator, _):
        env = clean_env(FACTORIAL_BASE_URL=simulator, GQL_STATE_DIR=str(tmp_path), **CLIENT)
        port = free_port()
        process = login(env, port)
        try:
            assert process.stdout is not None
            while not (line := process.stdout.readline()).strip().startswith("http"):
                assert line
            state = parse_qs(urlsplit(line.strip()).query)["state"][0]
            callback = f"http://127.0.0.1:{port}/callback"
            # A redirect with another state is not the one awaited: answered 404, ignored.
            forged = httpx.get(f"{callback}?code=x&state=forged", timeout=10)
            assert forged.status_code == 404
            # The person declined: Factorial redirects with an error instead of a code.
            httpx.get(callback, params={"error": "access_denied", "state": state}, timeout=10)
            assert process.wait(20) == 1
            output = process.stdout.read()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(5)
    assert "the authorization was refused (access_denied); nothing was stored" in output
    assert not (tmp_path / TOKENS_FILE).exists()


def test_check_uses_the_oauth_tokens_and_explains_a_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in os.environ:
        if name.startswith(("FACTORIAL_", "GQL_")):
            monkeypatch.delenv(name)
    oauth = OAuthServer()
    sim = Simulator(build_store(schemas=2), oauth=oauth)
    first = oauth.issue()
    with serve(sim.app) as url:
        for name, value in {
            **CLIENT,
            "FACTORIAL_BASE_URL": url,
            "FACTORIAL_OAUTH_REFRESH_TOKEN": first.refresh_token,
            "GQL_STATE_DIR": str(tmp_path),
        }.items():
            monkeypatch.setenv(name, value)
        with pytest.raises(SystemExit) as done:
            main(["check"])
        passed = capsys.readouterr().out
        assert done.value.code == 0, passed
        assert "the OAuth tokens of FACTORIAL_OAUTH_CLIENT_ID accepted" in passed
        assert len(oauth.refreshes) == 1  # and the rotated pair was stored for the server
        assert (tmp_path / TOKENS_FILE).exists()
        oauth.revoke()
        (tmp_path / TOKENS_FILE).unlink()
        with pytest.raises(SystemExit) as done:
            main(["check"])
        refused = capsys.readouterr().out
    assert done.value.code == 1
    assert "  failed   credential accepted: Factorial refused the server's OAuth tokens" in refused
    assert "gql-server oauth login" in refused
    assert first.refresh_token not in passed + refused
