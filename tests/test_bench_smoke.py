"""The benchmark harness runs end to end in a tiny configuration (suites a and c, then e).

Suite (a) also checks that the bench's direct client makes exactly the gateway's upstream calls
and builds the same data: a change to the gateway's call plan shows up here first.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from bench.cli import main


def test_overhead_and_load_suites_write_results(tmp_path: Path) -> None:
    main(
        [
            "--only=a,c",
            "--sizes=20",
            "--latencies=0",
            "--jittered-sizes=",
            "--seconds=0.5",
            "--rounds=2",
            "--load-rates=20",
            "--load-clients=4",
            "--load-seconds=1",
            "--load-repeats=1",
            "--load-latency=5",
            f"--out={tmp_path}",
        ]
    )
    results = json.loads((tmp_path / "results.json").read_text())
    [point] = results["overhead"]
    assert point["resources"] == 20 and point["upstream_calls"] == 3
    assert point["p50_ratio"]["runs"] == 2
    assert all(run["errors"] == 0 for p in results["load"] for run in p["gateway"] + p["direct"])
    assert "## Targets" in (tmp_path / "RESULTS.md").read_text()


def test_fleet_suite_counts_calls_posts_and_workers(tmp_path: Path) -> None:
    for tool in ("wrk", "redis-server"):
        if shutil.which(tool) is None:
            reason = f"{tool} is not installed (Debian's package {tool}; .ci/run installs it)"
            if os.environ.get("GQL_REQUIRE_E2E") == "1":
                pytest.fail(f"{reason}, and GQL_REQUIRE_E2E=1 requires it")
            pytest.skip(reason)
    main(
        [
            "--only=e",
            "--fleet-clients=6",
            "--fleet-seconds=0.5",
            "--fleet-repeats=1",
            "--fleet-latency=5",
            "--fleet-burst=9",
            "--fleet-wrk-seconds=1",
            "--fleet-wrk-connections=4",
            f"--out={tmp_path}",
        ]
    )
    fleet = json.loads((tmp_path / "results.json").read_text())["fleet"]
    for runs in fleet["calls"]["runs"].values():
        [run] = runs
        assert run["errors"] == 0 and run["requests"] > 0
        assert run["upstream_calls_per_request"] > 0
    burst = fleet["burst"]
    # One createSchema is one upstream POST; all nine answered with data.
    assert (burst["upstream_posts"], burst["answers"]) == (9, {"200 ok": 9})
    assert burst["upstream_429"] == 0 and 0 < burst["peak_posts_per_second"] <= 20
    for runs in fleet["workers"]["runs"].values():
        [run] = runs
        assert run["rps"] > 0 and run["non_2xx"] == 0 and run["socket_errors"] == 0
    assert "## (e) Fleet" in (tmp_path / "RESULTS.md").read_text()


def test_cache_suite_measures_the_cached_query_and_the_dashboards(tmp_path: Path) -> None:
    if shutil.which("redis-server") is None:
        reason = "redis-server is not installed (Debian's package; .ci/run installs it)"
        if os.environ.get("GQL_REQUIRE_E2E") == "1":
            pytest.fail(f"{reason}, and GQL_REQUIRE_E2E=1 requires it")
        pytest.skip(reason)
    main(
        [
            "--only=f",
            "--cache-seconds=0.5",
            "--cache-rounds=2",
            "--cache-latency=5",
            "--cache-dashboards=4",
            "--cache-dashboard-seconds=2",
            "--cache-repeats=1",
            f"--out={tmp_path}",
        ]
    )
    cache = json.loads((tmp_path / "results.json").read_text())["cache"]
    for point in cache["overhead"].values():
        # Cold, the gateway made the direct client's calls; warm, it made none of its own.
        assert point["cold_upstream_calls"] == 3
        assert point["measured_upstream_calls"] == point["measured_direct_calls"] > 0
    runs = cache["dashboards"]["runs"]
    [off], [on] = runs["off"], runs["on"]
    assert off["errors"] == on["errors"] == {} and off["requests"] > 0 and on["requests"] > 0
    assert on["upstream_calls_per_request"] < off["upstream_calls_per_request"]
    assert "## (f) Shared read cache" in (tmp_path / "RESULTS.md").read_text()


def test_incremental_suite_times_the_first_part_and_the_whole(tmp_path: Path) -> None:
    main(
        [
            "--only=g",
            "--incremental-rows=30",
            "--incremental-latency=5",
            "--incremental-seconds=1",
            "--incremental-rounds=2",
            f"--out={tmp_path}",
        ]
    )
    point = json.loads((tmp_path / "results.json").read_text())["incremental"]
    # The rows first, then their cells: more than one part, for the plain query's calls.
    assert point["rows"] == 30 and point["parts"] >= 2
    assert sum(point["upstream_calls"].values()) >= 30
    assert point["first_ms"]["median"] < point["whole_ms"]["median"]
    assert "## (g) Incremental delivery" in (tmp_path / "RESULTS.md").read_text()
