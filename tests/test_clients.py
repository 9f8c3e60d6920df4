"""Real clients against the live server: the graphql-http audit, Apollo Client 4, GraphiQL in
headless Chromium. They are Node programs under tests/clients/, installed by `npm ci`.

Without node, node_modules or Chromium these tests skip and say why; with GQL_REQUIRE_E2E=1
(as .ci/run sets) they fail instead, so CI can never pass without running them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from gql_server.app import create_app
from gql_server.cli import main
from gql_server.config import Settings
from gql_server.simulator import Simulator, SimulatorStore

from .gateway import build_store
from .graphql.test_table import table_store
from .live_server import serve
from .npm_registry import npm_registry

ROOT = Path(__file__).parents[1]
CLIENTS = ROOT / "tests" / "clients"
OUTPUT = ROOT / "test-output"
NODE_MODULES = ROOT / "node_modules"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("GQL_REQUIRE_E2E") == "1"
GQLR = "application/graphql-response+json"

# What the audit reports in production posture (introspection off, CSRF prevention on), and
# why; the README's "GraphQL over HTTP" section lists the same audits.
PRODUCTION_AUDIT_MISSES = {
    "28B9": "its probe query uses `__type`: introspection is off",
    "2EA1": "its probe query uses `__type`: introspection is off",
    "5A70": "a GET without a preflight header is refused (CSRF prevention)",
    "6A70": "a GET without a preflight header is refused (CSRF prevention)",
    "D6D5": "a GET without a preflight header is refused (CSRF prevention)",
}


def require(available: bool, reason: str) -> None:
    if available:
        return
    if REQUIRED:
        pytest.fail(f"{reason}, and GQL_REQUIRE_E2E=1 requires it")
    pytest.skip(reason)


def run_node(program: str, *args: str, timeout: float = 120) -> Any:
    require(shutil.which("node") is not None, "node is not installed")
    require((NODE_MODULES / "graphql-http").is_dir(), "node_modules is missing: run `npm ci`")
    result = subprocess.run(
        ["node", str(CLIENTS / program), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout)


def gateway_over(store: SimulatorStore, **settings: Any) -> tuple[Any, Simulator]:
    """The gateway with a server-held key (so Host and CSRF checks are on) over a simulator."""
    sim = Simulator(store)
    values: dict[str, Any] = {
        "factorial_base_url": "http://factorial.test",
        "factorial_api_key": "server-key",
        "gql_demo": False,
        **settings,
    }
    return create_app(Settings(**values), transport=httpx.ASGITransport(app=sim.app)), sim


def audit(url: str, name: str) -> dict[str, dict[str, Any]]:
    results = run_node("audit.mjs", f"{url}/graphql")
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / f"audit-{name}.json").write_text(json.dumps(results, indent=2))
    return {r["id"]: r for r in results}


def test_the_conformance_audit_passes_in_full() -> None:
    with serve(create_app(Settings(gql_demo=True))) as url:
        results = audit(url, "demo")
    assert len(results) >= 60
    failing = {i: (r["name"], r["reason"]) for i, r in results.items() if r["status"] != "ok"}
    assert failing == {}


def test_the_audit_in_production_posture_misses_only_what_the_readme_lists() -> None:
    app, sim = gateway_over(build_store(), gql_production=True)
    with serve(app) as url:
        results = audit(url, "production")
    musts = [r for r in results.values() if r["name"].startswith("MUST")]
    assert len(musts) >= 13
    missed = {i for i, r in results.items() if r["status"] != "ok"}
    assert missed == set(PRODUCTION_AUDIT_MISSES)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for audit_id in PRODUCTION_AUDIT_MISSES:
        assert f"`{audit_id}`" in readme
    assert sim.total_calls == 0


def test_apollo_client_4() -> None:
    store = build_store(schemas=2, resources=3, values_per_resource=3)
    value_ids = [str(i) for i in store.values]
    schema_ids = [str(i) for i in store.schemas]
    app, sim = gateway_over(store)
    with serve(app) as url:
        report = run_node("apollo.mjs", f"{url}/graphql")

    schemas = report["nested"]["data"]["schemas"]
    assert report["nested"]["error"] is None
    assert [s["id"] for s in schemas["nodes"]] == schema_ids
    rows = [v["id"] for s in schemas["nodes"] for r in s["resources"]["nodes"]
            for v in r["values"]["nodes"]]  # fmt: skip
    assert sorted(rows, key=int) == value_ids

    # relayStylePagination merged three pages of four into the one cached list.
    assert {k: report["paging"][k] for k in ("pages", "ids")} == {"pages": 3, "ids": value_ids}
    # Read backwards from the end, it merged the same records, in order, with the same cursors
    # (nine values in pages of four: the last four, the four before them, then the first).
    assert report["pagingBack"] == report["paging"]

    assert report["mutation"]["data"]["createSchema"]["name"] == "From Apollo"
    error = report["fieldError"]
    assert error["data"]["good"]["name"] == "Kept"
    assert error["data"]["bad"] is None
    assert error["errorName"] == "CombinedGraphQLErrors"
    [field_error] = error["errors"]
    assert field_error["path"] == ["bad"]
    assert field_error["extensions"]["code"] == "BAD_USER_INPUT"

    # Apollo Client 4 asks for the new media type, and gets it.
    for exchange in report["exchanges"]:
        assert exchange["accept"].startswith(GQLR)
        assert exchange["contentType"] == GQLR
        assert exchange["status"] == 200

    # APQ: hash over GET, not found (404), the query over POST, then the hash alone over GET.
    apq = report["apq"]
    assert apq["first"] == apq["second"]
    steps = [(e["method"], e["sentQuery"], e["status"]) for e in apq["exchanges"]]
    assert steps == [("GET", False, 404), ("POST", True, 200), ("GET", False, 200)]
    assert all(e["persisted"] for e in apq["exchanges"])
    assert [s.name for s in sim.store.schemas.values()][-2:] == ["From Apollo", "Kept"]


@pytest.mark.parametrize(
    ("handler", "spec"),
    [("defer20220824", "deferSpec=20220824"), ("graphql17Alpha9", "incrementalSpec=v0.2")],
)
def test_apollo_client_4_renders_the_rows_before_their_deferred_cells(
    handler: str, spec: str
) -> None:
    # Employee 5000 has a laptop table of five rows and a certification table of one.
    store = table_store(rows_per_resource=5)
    app, sim = gateway_over(store)
    # Each round of upstream calls takes a while: the cells come a round after the rows.
    sim.latency = 0.05
    with serve(app) as url:
        report = run_node("apollo_defer.mjs", f"{url}/graphql", "5000", handler)

    emitted = report["emitted"]
    assert all(e["error"] is None for e in emitted), emitted
    # The rows were on screen, still without their cells, before the cells came.
    streaming = [e for e in emitted if e["dataState"] == "streaming"]
    assert streaming and streaming[0]["rows"] == 6 and streaming[0]["rowsWithCells"] == 0
    assert emitted.index(streaming[0]) < len(emitted) - 1
    assert emitted[-1] == {
        "dataState": "complete",
        "loading": False,
        "rows": 6,
        "rowsWithCells": 6,
        "error": None,
    }
    # Merged, the parts are what the same query without @defer answers.
    assert report["final"]["resources"] == report["plain"]["resources"]
    [deferred] = report["exchanges"]
    # Each of Apollo's handlers asks for its format by name, and gets it.
    assert deferred["accept"].startswith(f"multipart/mixed;{spec}")
    assert deferred["contentType"].startswith("multipart/mixed")
    assert spec in deferred["contentType"]
    [plain] = report["plainExchanges"]
    assert plain["contentType"] == GQLR


@pytest.fixture
def graphiql_assets(tmp_path: Path) -> Path:
    """GraphiQL's assets as `gql-server graphiql-assets` writes them, fetched from a loopback
    registry serving the npm-installed packages (the versions the page pins)."""
    require((NODE_MODULES / "graphiql").is_dir(), "node_modules is missing: run `npm ci`")
    target = tmp_path / "graphiql-assets"
    with npm_registry() as registry, pytest.raises(SystemExit) as leaving:
        main(["graphiql-assets", str(target), "--registry", registry.url])
    assert leaving.value.code == 0
    return target


def test_graphiql_in_chromium_runs_the_example_query(graphiql_assets: Path) -> None:
    require(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM}")
    store = build_store(schemas=2, resources=3, values_per_resource=3)
    app, sim = gateway_over(store, gql_graphiql_assets_dir=graphiql_assets)
    OUTPUT.mkdir(exist_ok=True)
    screenshot = OUTPUT / "graphiql.png"
    screenshot.unlink(missing_ok=True)
    with serve(app) as url:
        seen = run_node("graphiql.mjs", f"{url}/graphql", str(screenshot))
    assert seen["title"] == "gql_server GraphiQL"
    assert seen["consoleErrors"] == []
    assert seen["failedRequests"] == []
    result = json.loads(seen["result"])
    names = [s["name"] for s in result["data"]["schemas"]["nodes"]]
    assert names == ["Table 0", "Table 1"]
    # The price shown is the calls the simulator counted (here the only query it served).
    assert result["extensions"]["upstream"]["calls"] == sim.total_calls > 0
    assert screenshot.stat().st_size > 10_000


DEFERRED_TABLE = """query EmployeeTable {
  resources(employeeIds: ["5000"]) {
    nodes { id values { nodes { id ... @defer { cells { fieldId text } } } } }
  }
}"""


def test_graphiql_in_chromium_shows_a_deferred_result(graphiql_assets: Path) -> None:
    require(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM}")
    store = table_store(rows_per_resource=3)
    app, sim = gateway_over(store, gql_graphiql_assets_dir=graphiql_assets)
    sim.latency = 0.05
    OUTPUT.mkdir(exist_ok=True)
    screenshot = OUTPUT / "graphiql-defer.png"
    screenshot.unlink(missing_ok=True)
    with serve(app) as url:
        # Only the last part carries the bill: once it shows, every part has come.
        seen = run_node(
            "graphiql.mjs", f"{url}/graphql", str(screenshot), "run", DEFERRED_TABLE, '"waitMs"'
        )
    assert seen["consoleErrors"] == [] and seen["failedRequests"] == []
    # The query's answer came in parts, and GraphiQL shows them merged: every row with its
    # cells, as the same query without @defer answers.
    assert any(t.startswith("multipart/mixed") for t in seen["responses"]), seen["responses"]
    shown = json.loads(seen["result"])
    rows = [v for r in shown["data"]["resources"]["nodes"] for v in r["values"]["nodes"]]
    assert len(rows) == 4 and all(row["cells"] for row in rows)
    assert shown["extensions"]["upstream"]["calls"] == sim.total_calls > 0
    assert screenshot.stat().st_size > 10_000


def test_graphiql_says_why_when_its_assets_cannot_load() -> None:
    require(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM}")
    # The browser test lets no request leave the page's own host: this one fails at once.
    app, sim = gateway_over(build_store(), gql_graphiql_assets_url="http://127.0.0.1:9/npm")
    OUTPUT.mkdir(exist_ok=True)
    screenshot = OUTPUT / "graphiql-assets-unreachable.png"
    screenshot.unlink(missing_ok=True)
    with serve(app) as url:
        seen = run_node("graphiql.mjs", f"{url}/graphql", str(screenshot), "notice")
    notice = " ".join(seen["notice"].split())
    assert "GraphiQL's files could not be loaded from http://127.0.0.1:9/npm (" in notice
    assert "react.production.min.js" in notice
    assert "Run `gql-server graphiql-assets` where this server runs" in notice
    assert "GQL_GRAPHIQL_ASSETS_DIR" in notice
    # The notice is the page's own inline script, allowed by the policy's hash.
    assert not [e for e in seen["consoleErrors"] if "Content Security Policy" in e]
    assert all(u.startswith("http://127.0.0.1:9/npm/") for u in seen["failedRequests"])
    assert len(seen["failedRequests"]) >= 3
    assert screenshot.stat().st_size > 5_000
    assert sim.total_calls == 0
