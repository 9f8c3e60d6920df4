"""Where the gateway's time and memory go: profile summaries committed under bench/results/.

CPU: pyinstrument samples the gateway's ASGI app answering the small and the nested query in a
loop, over `inmemory.MemoryTransport` (its whole path runs: endpoint, strawberry/graphql-core,
loaders, upstream client, httpx, JSON). The summary groups self time by package and lists the
costliest functions; the full call tree is written beside it.

Memory: a tracemalloc snapshot at the highest of the request's checkpoints (each upstream page
decoded, each level of objects the executor builds, and the response), grouped by package and
by line. The request
runs twice: once to find that checkpoint, once to take the snapshot there.
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

import gql_server.graphql.columns
import gql_server.http.endpoint
import gql_server.upstream.session

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


TOP_LINES = 20
CHECKPOINTS = (
    (gql_server.upstream.session, "decode_page"),
    (gql_server.graphql.columns, "_rows"),
    (gql_server.http.endpoint, "_respond"),
)
"""Functions after whose every call the traced memory is read: where an upstream page has
been decoded (its body and its records both alive), where the executor completes a level of
objects, and where the endpoint encodes the response."""


async def _traced(
    app: asgi_call.ASGIApp, body: bytes, snapshot_at: int | None
) -> tuple[list[int], tracemalloc.Snapshot | None, int]:
    """One request: traced memory after each checkpoint call, a snapshot after the
    `snapshot_at`-th, and the request's peak; all above the level before it."""
    levels: list[int] = []
    taken: list[tracemalloc.Snapshot] = []

    def spy(function: Callable[..., Any]) -> Callable[..., Any]:
        def spying(*args: Any, **kwargs: Any) -> Any:
            result = function(*args, **kwargs)
            levels.append(tracemalloc.get_traced_memory()[0])
            if len(levels) - 1 == snapshot_at:
                taken.append(tracemalloc.take_snapshot())
            return result

        return spying

    originals = [(module, name, getattr(module, name)) for module, name in CHECKPOINTS]
    for module, name, function in originals:
        setattr(module, name, spy(function))
    tracemalloc.start(25)
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        await asgi_call.post(app, body)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
        for module, name, function in originals:
            setattr(module, name, function)
    return [level - before for level in levels], (taken[0] if taken else None), peak


async def live_at_peak(app: asgi_call.ASGIApp, query: str) -> str:
    """Memory alive at the request's highest checkpoint, by package and by line."""
    body = orjson.dumps({"query": query})
    await asgi_call.post(app, body)
    levels, _, peak = await _traced(app, body, None)
    if not levels:
        return "no checkpoint was reached; no memory summary\n"
    highest = max(range(len(levels)), key=levels.__getitem__)
    _, snapshot, _ = await _traced(app, body, highest)
    assert snapshot is not None
    filtered = snapshot.filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen*")]
    )
    stats = filtered.statistics("filename")
    total = sum(stat.size for stat in stats) or 1
    by_package: Counter[str] = Counter()
    for stat in stats:
        by_package[package_of(stat.traceback[0].filename)] += stat.size
    trail = ", ".join(f"{level / 1024:.0f}" for level in levels)
    lines = [
        f"live at the highest checkpoint: {total / 1024:.0f} KiB allocated during the request "
        f"and alive (the request's peak: {peak / 1024:.0f} KiB)",
        f"checkpoints (pages decoded, levels built, the response), KiB: {trail}",
    ]
    lines += [
        f"  {size / 1024:8.0f} KiB {size / total:6.1%}  {p}" for p, size in by_package.most_common()
    ]
    lines.append("\ntop lines")
    by_line = filtered.statistics("lineno")[:TOP_LINES]
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
            memory = await live_at_peak(app, query)
            header = f"# gateway CPU profile: {name} query, {resources} resources\n\n"
            (out / f"profile-{name}.txt").write_text(header + summary + "\n" + memory)
            (out / f"profile-{name}-tree.txt").write_text(tree)
            written[name] = summary
            log(f"profile {name}: " + summary.splitlines()[0])
    await recording.aclose()
    return written
