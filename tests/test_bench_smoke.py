"""The benchmark harness runs end to end in a tiny configuration (suite a, then c).

Suite (a) also checks that the bench's direct client makes exactly the gateway's upstream calls
and builds the same data: a change to the gateway's call plan shows up here first.
"""

from __future__ import annotations

import json
from pathlib import Path

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
