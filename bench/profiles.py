"""Where the gateway's time and memory go: profile summaries committed under bench/results/.

CPU: pyinstrument samples the gateway's ASGI app answering the small and the nested query in a
loop, over `inmemory.MemoryTransport` (its whole path runs: endpoint, strawberry/graphql-core,
loaders, upstream client, httpx, JSON). The summary groups self time by package and lists the
costliest functions; the full call tree is written beside it.

Memory: a tracemalloc snapshot taken when the endpoint builds the response (result, records
and connections all still alive, close to the request's peak), grouped by file.
"""

from __future__ import annotations

import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from pyinstrument import Profiler
from pyinstrument.frame import Frame

import gql_server.endpoint

from . import asgi_call
from .data import Shape
from .inmemory import MemoryTransport, Recording
from .inprocess import gateway_settings, running_gateway
from .queries import NESTED, SMALL

PACKAGES = (
    "gql_server/upstream",
    "gql_server/graphql",
    "gql_server",
    "strawberry",
    "graphql",
    "httpx",
    "httpcore",
    "starlette",
    "orjson",
    "asyncio",
    "uvloop",
    "pyinstrument",
)


def package_of(path: str | None) -> str:
    if not path:
        return "(builtin)"
    normalized = path.replace("\\", "/")
    for package in PACKAGES:
        if f"/{package}/" in normalized or normalized.endswith(f"/{package}.py"):
            return package.replace("/", ".")
    if "<" in normalized:
        return "(builtin)"
    return "(other: " + normalized.rsplit("/", 2)[-2] + ")"


def _walk(frame: Frame, visit: Callable[[Frame], None]) -> None:
    visit(frame)
    for child in frame.children:
        _walk(child, visit)


def _largest(totals: dict[str, float], count: int | None = None) -> list[tuple[str, float]]:
    return sorted(totals.items(), key=lambda item: -item[1])[:count]


def cpu_summary(root: Frame, requests: int, top: int = 25) -> str:
    by_package: defaultdict[str, float] = defaultdict(float)
    by_function: defaultdict[str, float] = defaultdict(float)

    def visit(frame: Frame) -> None:
        # pyinstrument keeps a frame's own time in synthetic children, which total_self_time adds.
        own = frame.total_self_time
        if own <= 0 or frame.is_synthetic:
            return
        by_package[package_of(frame.file_path)] += own
        by_function[f"{frame.function} ({frame.file_path_short}:{frame.line_no})"] += own

    _walk(root, visit)
    total = sum(by_package.values()) or 1.0
    lines = [f"self time by package ({requests} requests, {total * 1000 / requests:.2f} ms each)"]
    lines += [f"  {share / total:6.1%}  {name}" for name, share in _largest(by_package)]
    lines.append(f"\ntop {top} functions by self time")
    lines += [f"  {share / total:6.1%}  {name}" for name, share in _largest(by_function, top)]
    return "\n".join(lines) + "\n"


async def profile_cpu(app: asgi_call.ASGIApp, query: str, requests: int) -> tuple[str, str]:
    body = orjson.dumps({"query": query})
    for _ in range(5):
        await asgi_call.post(app, body)
    profiler = Profiler(interval=0.0002, async_mode="disabled")
    profiler.start()
    for _ in range(requests):
        await asgi_call.post(app, body)
    profiler.stop()
    session = profiler.last_session
    assert session is not None
    root = session.root_frame()
    assert root is not None
    tree = profiler.output_text(unicode=False, color=False, show_all=False)
    return cpu_summary(root, requests), tree


async def live_at_response(app: asgi_call.ASGIApp, query: str) -> str:
    """Memory alive when the endpoint builds the response, by file (tracemalloc)."""
    body = orjson.dumps({"query": query})
    await asgi_call.post(app, body)
    snapshots: list[tracemalloc.Snapshot] = []
    respond = getattr(gql_server.endpoint, "_respond", None)
    if respond is None:
        return "gql_server.endpoint has no _respond to snapshot at; no memory summary\n"

    def spying(*args: Any, **kwargs: Any) -> Any:
        response = respond(*args, **kwargs)
        snapshots.append(tracemalloc.take_snapshot())
        return response

    gql_server.endpoint._respond = spying
    tracemalloc.start(25)
    try:
        await asgi_call.post(app, body)
    finally:
        tracemalloc.stop()
        gql_server.endpoint._respond = respond
    if not snapshots:
        return "the endpoint's _respond was not called; no snapshot\n"
    stats = (
        snapshots[0]
        .filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen*")]
        )
        .statistics("filename")
    )
    total = sum(stat.size for stat in stats) or 1
    by_package: Counter[str] = Counter()
    for stat in stats:
        by_package[package_of(stat.traceback[0].filename)] += stat.size
    lines = [f"live at response time: {total / 1024:.0f} KiB (allocated during the request)"]
    lines += [
        f"  {size / 1024:8.0f} KiB {size / total:6.1%}  {p}" for p, size in by_package.most_common()
    ]
    lines.append("\ntop lines")
    by_line = snapshots[0].statistics("lineno")[:20]
    lines += [
        f"  {s.size / 1024:8.0f} KiB  {s.traceback[0].filename.rsplit('/site-packages/', 1)[-1]}:"
        f"{s.traceback[0].lineno} ({s.count} blocks)"
        for s in by_line
    ]
    return "\n".join(lines) + "\n"


async def run_profiles(
    resources: int, requests: int, out: Path, log: Callable[[str], None]
) -> dict[str, str]:
    recording = Recording(Shape(resources))
    written: dict[str, str] = {}
    async with running_gateway(gateway_settings(), transport=MemoryTransport(recording)) as app:
        for name, query, count in (("small", SMALL, requests * 10), ("nested", NESTED, requests)):
            summary, tree = await profile_cpu(app, query, count)
            memory = await live_at_response(app, query)
            header = f"# gateway CPU profile: {name} query, {resources} resources\n\n"
            (out / f"profile-{name}.txt").write_text(header + summary + "\n" + memory)
            (out / f"profile-{name}-tree.txt").write_text(tree)
            written[name] = summary
            log(f"profile {name}: " + summary.splitlines()[0])
    await recording.aclose()
    return written
