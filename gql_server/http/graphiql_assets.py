"""GraphiQL's pinned files fetched from an npm registry, checked, and laid out as unpkg serves them.

Two checks guard every file: the package tarball must match the registry's `dist.integrity`
(sha512), and each file the page loads must match the page's own subresource-integrity hash,
the same check the browser makes. Everything is downloaded and checked in memory first; the
directory is then written beside its final place and renamed into it, so a failure leaves
nothing half-written.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from .graphiql import PinnedAsset, pinned_assets

DEFAULT_REGISTRY = "https://registry.npmjs.org"
REGISTRY_ENV = "npm_config_registry"
# Written last into a complete directory: the server uses the default directory only when it
# is there, and the command replaces only directories that carry it.
MARKER = ".gql-server-graphiql-assets.json"
MAX_TARBALL_BYTES = 64 * 1024 * 1024
# Abbreviated metadata: the versions' `dist` without every README the package ever had.
PACKUMENT_ACCEPT = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8"


class AssetsError(Exception):
    """The assets could not be fetched or did not check out; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """What a run wrote: the directory and the paths in it."""

    directory: Path
    paths: tuple[str, ...]


def default_assets_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the command writes when given no directory, and where the server looks when
    GQL_GRAPHIQL_ASSETS_DIR is unset: the user's cache directory (XDG_CACHE_HOME, else
    ~/.cache), under `gql-server/graphiql-assets`."""
    cache = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "gql-server" / "graphiql-assets"


def installed_assets_dir(environ: Mapping[str, str] = os.environ) -> Path | None:
    """The default directory, if the command has filled it."""
    directory = default_assets_dir(environ)
    return directory if (directory / MARKER).is_file() else None


def registry_url(explicit: str | None = None, environ: Mapping[str, str] = os.environ) -> str:
    """The registry to use: `explicit`, else npm's own setting, else npmjs.org."""
    url = explicit or environ.get(REGISTRY_ENV) or DEFAULT_REGISTRY
    if urlsplit(url).scheme not in ("http", "https"):
        raise AssetsError(f"the npm registry must be an http(s) URL, not {shown(url)!r}")
    return url.rstrip("/")


def shown(url: str) -> str:
    """`url` fit for a message: a registry URL may carry a user and password."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def missing_or_changed(directory: Path, assets: Iterable[PinnedAsset] | None = None) -> list[str]:
    """The pinned files that `directory` lacks or holds with other bytes than the page expects."""
    problems = []
    for asset in pinned_assets() if assets is None else assets:
        try:
            data = (directory / asset.path).read_bytes()
        except OSError:
            problems.append(f"{asset.path} (missing)")
            continue
        if subresource_integrity(data, asset.integrity) != asset.integrity:
            problems.append(f"{asset.path} (changed)")
    return problems


def subresource_integrity(data: bytes, like: str) -> str:
    """`data`'s hash written as `like` is (`sha384-<base64>`)."""
    algorithm = like.split("-", 1)[0]
    if algorithm not in ("sha256", "sha384", "sha512"):
        raise AssetsError(f"unknown integrity algorithm {algorithm!r}")
    digest = hashlib.new(algorithm, data).digest()
    return f"{algorithm}-{base64.b64encode(digest).decode()}"


def fetch_graphiql_assets(
    directory: Path, registry: str, *, client: httpx.Client | None = None
) -> Fetched:
    """Download the page's pinned files from `registry`, check them, and write them into
    `directory` as `<package>@<version>/<file>`; raises AssetsError, having written nothing,
    when anything is unreachable, missing or does not match its hash."""
    directory = directory.absolute()
    _check_replaceable(directory)
    assets = pinned_assets()
    if client is None:
        with httpx.Client(timeout=30, follow_redirects=True) as own:
            files = _download(own, registry, assets)
    else:
        files = _download(client, registry, assets)
    _install(directory, files)
    return Fetched(directory, tuple(files))


def _download(client: httpx.Client, registry: str, assets: list[PinnedAsset]) -> dict[str, bytes]:
    packages: dict[tuple[str, str], list[PinnedAsset]] = {}
    for asset in assets:
        packages.setdefault((asset.package, asset.version), []).append(asset)
    files: dict[str, bytes] = {}
    for (package, version), wanted in packages.items():
        tarball = _tarball(client, registry, package, version)
        for asset in wanted:
            data = _member(tarball, asset)
            actual = subresource_integrity(data, asset.integrity)
            if actual != asset.integrity:
                raise AssetsError(
                    f"refusing {asset.path}: its hash is {actual}, the page expects "
                    f"{asset.integrity}; nothing was written"
                )
            files[asset.path] = data
    return files


def _tarball(client: httpx.Client, registry: str, package: str, version: str) -> bytes:
    """The package's tarball, checked against the registry's sha512 integrity."""
    name = f"{package}@{version}"
    # A scoped name keeps its @ and encodes its slash, as npm itself asks for it.
    metadata_url = f"{registry}/{quote(package, safe='@')}"
    metadata = _get(client, metadata_url, name, accept=PACKUMENT_ACCEPT)
    try:
        dist = json.loads(metadata)["versions"][version]["dist"]
        tarball_url, integrity = str(dist["tarball"]), str(dist["integrity"])
    except (ValueError, KeyError, TypeError) as error:
        raise AssetsError(
            f"the registry {shown(registry)} has no tarball and integrity for {name}"
        ) from error
    if not integrity.startswith("sha512-"):
        raise AssetsError(f"the registry gives {name} no sha512 integrity to check it by")
    data = _get(client, tarball_url, name)
    actual = subresource_integrity(data, integrity)
    if actual != integrity:
        raise AssetsError(
            f"refusing {name}: its tarball from {shown(tarball_url)} does not match the "
            f"registry's integrity ({actual} instead of {integrity}); nothing was written"
        )
    return data


def _get(client: httpx.Client, url: str, name: str, *, accept: str = "*/*") -> bytes:
    try:
        with client.stream("GET", url, headers={"accept": accept}) as response:
            if response.status_code != 200:
                raise AssetsError(f"fetching {name}: {shown(url)} answered {response.status_code}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_TARBALL_BYTES:
                    raise AssetsError(f"fetching {name}: {shown(url)} sent more than 64 MiB")
            return bytes(body)
    except httpx.HTTPError as error:
        raise AssetsError(
            f"fetching {name}: {shown(url)} could not be reached ({type(error).__name__})"
        ) from error


def _member(tarball: bytes, asset: PinnedAsset) -> bytes:
    """The asset's file from the package tarball, read in memory: nothing is extracted, so no
    name in the archive can reach outside the directory."""
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:*") as archive:
            for member in archive.getmembers():
                # npm packs a package under one top directory, usually `package/`.
                inside = PurePosixPath(member.name).parts[1:]
                if "/".join(inside) != asset.file:
                    continue
                handle = archive.extractfile(member) if member.isfile() else None
                if handle is None:
                    raise AssetsError(f"refusing {asset.path}: it is not a plain file")
                return handle.read()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise AssetsError(
            f"the tarball of {asset.package}@{asset.version} is unreadable"
        ) from error
    raise AssetsError(f"the tarball of {asset.package}@{asset.version} has no {asset.file}")


def _check_replaceable(directory: Path) -> None:
    if directory.is_dir() and any(directory.iterdir()) and not (directory / MARKER).is_file():
        raise AssetsError(
            f"{directory} exists and holds other files: give an empty or new directory "
            "(one this command wrote is replaced)"
        )
    if directory.exists() and not directory.is_dir():
        raise AssetsError(f"{directory} exists and is not a directory")


def _install(directory: Path, files: Mapping[str, bytes]) -> None:
    """Write `files` beside `directory`, then swap them into its place."""
    for path in files:
        parts = PurePosixPath(path).parts
        if PurePosixPath(path).is_absolute() or ".." in parts:
            raise AssetsError(f"refusing the asset path {path!r}")
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        for path, data in files.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (staging / MARKER).write_text(json.dumps({"files": sorted(files)}, indent=2) + "\n")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if not directory.exists():
        staging.rename(directory)
        return
    # A directory cannot be renamed over a non-empty one: the previous files step aside first,
    # and come back if the swap fails.
    old = Path(tempfile.mkdtemp(prefix=f".{directory.name}.old.", dir=directory.parent))
    directory.rename(old / "previous")
    try:
        staging.rename(directory)
    except BaseException:
        (old / "previous").rename(directory)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)
