"""When parts go out: a slow fragment holds back no other, nested fragments follow theirs,
and fragments found together start together."""

from __future__ import annotations

from typing import Any

import pytest

from gql_server.simulator import Fault, SimulatorStore

from ...gateway import Gateway
from ...multipart import merge, read_parts
from ..test_table import table_store

V02 = "multipart/mixed;incrementalSpec=v0.2"
ROWS = "custom_resources/values"
CELLS = "custom_fields/values"
EMPLOYEES = "employees/employees"


@pytest.fixture
def store() -> SimulatorStore:
    return table_store(rows_per_resource=3, employees=4)


async def parts_of(gateway: Gateway, query: str) -> list[dict[str, Any]]:
    response = await gateway.post(query, headers={"accept": V02})
    return read_parts(response.content, response.headers["content-type"])


def labels_by_part(parts: list[dict[str, Any]]) -> list[set[str]]:
    """The labels of the records each part delivers data for."""
    pending = {p["id"]: p.get("label") for part in parts for p in part.get("pending", ())}
    return [{pending[e["id"]] for e in part.get("incremental", ())} for part in parts]


async def test_a_slow_fragment_holds_back_no_other(gateway: Gateway) -> None:
    gateway.sim.inject(Fault(route=EMPLOYEES, latency=0.3))
    query = """{ values(first: 6) { nodes { id
        ... @defer(label: "owner") { attachable { fullName } }
        ... @defer(label: "cells") { cells { raw } } } } }"""
    parts = await parts_of(gateway, query)
    delivered = [labels for labels in labels_by_part(parts) if labels]
    assert delivered == [{"cells"}, {"owner"}]


async def test_a_nested_fragment_is_announced_and_sent_after_its_parent(gateway: Gateway) -> None:
    query = """{ values(first: 3) { nodes { id
        ... @defer(label: "cells") { cells { raw ... @defer(label: "column") { field { label } } } }
    } } }"""
    parts = await parts_of(gateway, query)
    announced = [{p.get("label") for p in part.get("pending", ())} for part in parts]
    assert announced[0] == {"cells"}
    delivered = labels_by_part(parts)
    first_column = next(i for i, part in enumerate(announced) if "column" in part)
    last_cells = max(i for i, labels in enumerate(delivered) if "cells" in labels)
    assert first_column == last_cells  # announced as the fragment around it completes
    assert all("column" not in labels for labels in delivered[: first_column + 1])
    assert any("column" in labels for labels in delivered[first_column + 1 :])
    assert merge(parts, "incrementalSpec=v0.2")["data"]["values"]["nodes"][0]["cells"][0]["field"]


async def test_fragments_found_together_start_together_and_share_batches(
    gateway: Gateway,
) -> None:
    """Two lists of rows, each with its owners deferred: one call reads every owner, as in the
    plain query, though the fragments are apart in the document."""
    query = """{
      first: values(first: 4) { nodes { ... @defer { attachable { fullName } } } }
      last: values(last: 4) { nodes { ... @defer { attachable { email } } } } }"""
    parts = await parts_of(gateway, query)
    assert gateway.sim.calls[f"GET {EMPLOYEES}"] == 1
    merged = merge(parts, "incrementalSpec=v0.2")["data"]
    owners = [row["attachable"] for rows in merged.values() for row in rows["nodes"]]
    assert len(owners) == 8 and sum(owner is not None for owner in owners) == 7  # one team


async def test_a_streams_remaining_items_share_the_first_items_batches(gateway: Gateway) -> None:
    """Rows 1 to 12 streamed after row 0: their owners are read in the call that reads row
    0's, since the remaining items start as the list is cut."""
    query = """{ values(first: 12) { nodes @stream(initialCount: 1) { id
        attachable { fullName } resource { id } } } }"""
    parts = await parts_of(gateway, query)
    assert len(parts[0]["data"]["values"]["nodes"]) == 1
    assert gateway.sim.calls[f"GET {EMPLOYEES}"] == 1
    assert gateway.sim.calls[f"GET {ROWS}"] == 1
    assert len(merge(parts, "incrementalSpec=v0.2")["data"]["values"]["nodes"]) == 12
