"""A loopback npm registry serving GraphiQL's pinned packages, packed from node_modules.

The tarballs hold the installed packages' own files, so the page's integrity hashes match what
the registry serves; `tamper` changes one file inside a package (the registry then vouches for
the changed tarball) or the tarball itself (the registry's sha512 no longer matches).
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gql_server.http.graphiql import pinned_assets

from .live_server import serve

NODE_MODULES = Path(__file__).parents[1] / "node_modules"


def pack(package: str, version: str, replace: dict[str, bytes] | None = None) -> bytes:
    """A tarball of `package` as npm packs it (`package/...`), from node_modules: its
    package.json and the files the page loads, `replace` swapping some of their contents."""
    source = NODE_MODULES / package
    files = ["package.json"] + [
        a.file for a in pinned_assets() if (a.package, a.version) == (package, version)
    ]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name in files:
            data = (replace or {}).get(name, (source / name).read_bytes())
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def sha512(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


@dataclass
class Registry:
    """The tarballs served, the integrity announced for each, and the requests seen."""

    tarballs: dict[str, bytes] = field(default_factory=dict)
    integrity: dict[str, str] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    url: str = ""

    def app(self) -> Starlette:
        async def packument(request: Request) -> Response:
            self.requests.append(request.url.path)
            name = unquote(request.path_params["name"])
            versions = {
                key.rsplit("@", 1)[1]: {
                    "name": name,
                    "version": key.rsplit("@", 1)[1],
                    "dist": {"tarball": f"{self.url}/-/{i}.tgz", "integrity": self.integrity[key]},
                }
                for i, key in enumerate(self.tarballs)
                if key.rsplit("@", 1)[0] == name
            }
            if not versions:
                return JSONResponse({"error": "Not found"}, status_code=404)
            return JSONResponse({"name": name, "versions": versions})

        async def tarball(request: Request) -> Response:
            self.requests.append(request.url.path)
            key = list(self.tarballs)[int(request.path_params["index"])]
            return Response(self.tarballs[key], media_type="application/octet-stream")

        return Starlette(
            routes=[
                Route("/-/{index:int}.tgz", tarball),
                Route("/{name:path}", packument),
            ]
        )


@contextmanager
def npm_registry(
    *,
    changed_file: tuple[str, str] | None = None,
    corrupt_tarball: str | None = None,
) -> Iterator[Registry]:
    """Serve the pinned packages on a loopback port. `changed_file` (`package@version`, file)
    alters a file and announces the altered tarball's integrity; `corrupt_tarball`
    (`package@version`) serves other bytes than the integrity announced."""
    registry = Registry()
    for asset in pinned_assets():
        key = f"{asset.package}@{asset.version}"
        if key in registry.tarballs:
            continue
        replace = None
        if changed_file is not None and changed_file[0] == key:
            path = NODE_MODULES / asset.package / changed_file[1]
            replace = {changed_file[1]: path.read_bytes() + b"\n/* changed */\n"}
        registry.tarballs[key] = pack(asset.package, asset.version, replace)
        registry.integrity[key] = sha512(registry.tarballs[key])
        if key == corrupt_tarball:
            registry.tarballs[key] = pack(asset.package, asset.version, {"package.json": b"{}"})
    with serve(registry.app()) as url:
        registry.url = url
        yield registry
