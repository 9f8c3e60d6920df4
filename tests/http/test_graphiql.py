"""The GraphiQL page: where its assets come from, and the policy it is served with."""

from __future__ import annotations

import json
import re
from pathlib import Path

from gql_server.http.graphiql import asset_paths

from ..gateway import build_store, open_gateway

ROOT = Path(__file__).parents[2]
BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_the_pinned_npm_packages_are_the_assets_the_page_names() -> None:
    """The browser test serves the page's assets from node_modules: same names, same versions
    (the page pins them with subresource integrity)."""
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    paths = asset_paths()
    assert len(paths) == 7
    for path in paths:
        name, version = re.match(r"^(@?[^@]+)@([^/]+)/", path).groups()  # type: ignore[union-attr]
        assert pinned.get(name) == version, path


async def test_the_page_loads_its_assets_from_unpkg_by_default() -> None:
    async with open_gateway(build_store()) as gw:
        page = await gw.http.get("/graphql", headers=BROWSER)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert 'src="https://unpkg.com/graphiql@' in page.text
        assert 'integrity="sha384-' in page.text
        policy = page.headers["content-security-policy"]
        assert "script-src https://unpkg.com 'sha256-" in policy
        assert "connect-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy


async def test_a_mirror_can_serve_the_assets() -> None:
    async with open_gateway(
        build_store(), gql_graphiql_assets_url="https://mirror.example/npm/"
    ) as gw:
        page = await gw.http.get("/graphql", headers=BROWSER)
        assert "unpkg.com" not in page.text
        for path in asset_paths():
            assert f"https://mirror.example/npm/{path}" in page.text
        assert "script-src https://mirror.example " in page.headers["content-security-policy"]


async def test_the_server_serves_the_assets_from_a_directory(tmp_path: Path) -> None:
    for path in asset_paths():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(f"/* {path} */")
    async with open_gateway(build_store(), gql_graphiql_assets_dir=tmp_path) as gw:
        page = await gw.http.get("/graphql", headers=BROWSER)
        assert "unpkg.com" not in page.text
        assert "script-src 'self' 'sha256-" in page.headers["content-security-policy"]
        for path in asset_paths():
            assert f'"/graphiql/assets/{path}"' in page.text
            asset = await gw.http.get(f"/graphiql/assets/{path}")
            assert asset.status_code == 200
            assert asset.text == f"/* {path} */"
        assert (await gw.http.get("/graphiql/assets/../../etc/passwd")).status_code == 404


async def test_production_serves_neither_page_nor_assets(tmp_path: Path) -> None:
    async with open_gateway(
        build_store(), gql_production=True, gql_graphiql_assets_dir=tmp_path
    ) as gw:
        assert (await gw.http.get("/graphql", headers=BROWSER)).status_code == 400
        assert (await gw.http.get(f"/graphiql/assets/{asset_paths()[0]}")).status_code == 404
