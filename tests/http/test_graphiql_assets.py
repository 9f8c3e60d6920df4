"""`gql-server graphiql-assets`: GraphiQL's files from an npm registry, checked, then served."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest

from gql_server.cli import main
from gql_server.http.graphiql import ASSETS_COMMAND, pinned_assets
from gql_server.http.graphiql_assets import MARKER, default_assets_dir

from ..gateway import build_store, open_gateway
from ..npm_registry import NODE_MODULES, npm_registry

BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
pytestmark = pytest.mark.skipif(
    not (NODE_MODULES / "graphiql").is_dir(), reason="node_modules is missing: run `npm ci`"
)


def run(*args: str) -> int:
    with pytest.raises(SystemExit) as leaving:
        main(["graphiql-assets", *args])
    code = leaving.value.code
    assert isinstance(code, int)
    return code


def assert_the_pinned_files_are_in(directory: Path) -> None:
    for asset in pinned_assets():
        written = (directory / asset.path).read_bytes()
        assert written == (NODE_MODULES / asset.package / asset.file).read_bytes(), asset.path


def test_the_command_writes_the_checked_files_in_unpkgs_layout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "assets"
    with npm_registry() as registry:
        assert run(str(target), "--registry", registry.url) == 0
    assert_the_pinned_files_are_in(target)
    # One metadata read and one tarball per package; a scoped name keeps npm's encoding.
    packages = {f"{a.package}@{a.version}" for a in pinned_assets()}
    assert len(registry.requests) == 2 * len(packages) == 10
    assert "/@graphiql/plugin-explorer" in registry.requests
    out = capsys.readouterr().out
    assert f"7 files checked and written to {target}" in out
    assert f"GQL_GRAPHIQL_ASSETS_DIR={target}" in out


def test_without_a_directory_it_fills_the_one_the_server_looks_in(
    monkeypatch: pytest.MonkeyPatch, user_cache_dir: Path
) -> None:
    with npm_registry() as registry:
        monkeypatch.setenv("npm_config_registry", registry.url + "/")
        assert run() == 0
    assert default_assets_dir() == user_cache_dir / "gql-server" / "graphiql-assets"
    assert_the_pinned_files_are_in(default_assets_dir())


def test_a_second_run_replaces_what_the_first_wrote(tmp_path: Path) -> None:
    target = tmp_path / "assets"
    with npm_registry() as registry:
        assert run(str(target), "--registry", registry.url) == 0
        (target / "stale.js").write_text("left over")
        assert run(str(target), "--registry", registry.url) == 0
    assert not (target / "stale.js").exists()
    assert_the_pinned_files_are_in(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assets"]


def test_a_tarball_unlike_the_registrys_integrity_is_refused_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "deep" / "assets"
    with npm_registry(corrupt_tarball="graphiql@3.8.3") as registry:
        assert run(str(target), "--registry", registry.url) == 1
    error = capsys.readouterr().err
    assert "refusing graphiql@3.8.3: its tarball" in error
    assert "does not match the registry's integrity" in error
    assert list(tmp_path.iterdir()) == []


def test_a_file_unlike_the_pages_integrity_hash_is_refused_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "assets"
    with npm_registry(changed_file=("react-dom@18.2.0", "umd/react-dom.production.min.js")) as reg:
        assert run(str(target), "--registry", reg.url) == 1
    error = capsys.readouterr().err
    assert "refusing react-dom@18.2.0/umd/react-dom.production.min.js: its hash is sha384-" in error
    assert "the page expects sha384-bm7MnzvK" in error
    assert list(tmp_path.iterdir()) == []


def test_a_refused_run_keeps_the_files_of_the_last_good_one(tmp_path: Path) -> None:
    target = tmp_path / "assets"
    with npm_registry() as registry:
        assert run(str(target), "--registry", registry.url) == 0
    with npm_registry(corrupt_tarball="react@18.2.0") as registry:
        assert run(str(target), "--registry", registry.url) == 1
    assert_the_pinned_files_are_in(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assets"]


def test_an_unreachable_registry_is_a_clear_error_without_its_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port once the socket is closed.
    registry = f"http://reader:s3cret-token@127.0.0.1:{port}"
    assert run(str(tmp_path / "assets"), "--registry", registry) == 1
    captured = capsys.readouterr()
    assert f"http://127.0.0.1:{port}/react could not be reached" in captured.err
    assert "s3cret-token" not in captured.out + captured.err
    assert list(tmp_path.iterdir()) == []


def test_a_registry_that_lacks_the_version_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with npm_registry() as registry:
        assert run(str(tmp_path / "a"), "--registry", registry.url + "/nowhere") == 1
    assert "fetching react@18.2.0: " in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_directory_holding_other_files_is_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert run(str(tmp_path), "--registry", "http://127.0.0.1:9") == 1
    assert "exists and holds other files" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


async def test_the_server_serves_the_fetched_files_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with npm_registry() as registry:
        assert run("--registry", registry.url) == 0
    caplog.set_level(logging.INFO, "gql_server.app")
    async with open_gateway(build_store()) as gw:
        page = await gw.http.get("/graphql", headers=BROWSER)
        assert "unpkg.com" not in page.text
        assert "script-src 'self' 'sha256-" in page.headers["content-security-policy"]
        for asset in pinned_assets():
            assert f'"/graphiql/assets/{asset.path}"' in page.text
            served = await gw.http.get(f"/graphiql/assets/{asset.path}")
            assert served.content == (NODE_MODULES / asset.package / asset.file).read_bytes()
        assert (await gw.http.get(f"/graphiql/assets/{MARKER}")).status_code == 200
    assert f"GraphiQL's assets: served from {default_assets_dir()}" in caplog.text


async def test_an_explicit_assets_url_wins_over_the_fetched_files(tmp_path: Path) -> None:
    with npm_registry() as registry:
        assert run("--registry", registry.url) == 0
    async with open_gateway(build_store(), gql_graphiql_assets_url="https://unpkg.com") as gw:
        page = await gw.http.get("/graphiql/assets/react@18.2.0/umd/react.production.min.js")
        assert page.status_code == 404
        page = await gw.http.get("/graphql", headers=BROWSER)
        assert 'src="https://unpkg.com/react@18.2.0' in page.text


async def test_without_local_files_the_start_up_log_names_the_command(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, "gql_server.app")
    async with open_gateway(build_store()):
        pass
    assert (
        f"GraphiQL's assets: browsers load them from https://unpkg.com (`{ASSETS_COMMAND}` "
        "serves them from here)" in caplog.text
    )


async def test_a_directory_missing_files_is_reported_at_start_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "react@18.2.0" / "umd").mkdir(parents=True)
    (tmp_path / "react@18.2.0" / "umd" / "react.production.min.js").write_text("not react")
    async with open_gateway(build_store(), gql_graphiql_assets_dir=tmp_path):
        pass
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    message = warning.getMessage()
    assert f"GraphiQL's assets in {tmp_path} will not load" in message
    assert "react@18.2.0/umd/react.production.min.js (changed)" in message
    assert "graphiql@3.8.3/graphiql.min.js (missing)" in message
    assert f"run `{ASSETS_COMMAND} {tmp_path}` to fetch them" in message
