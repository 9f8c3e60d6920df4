"""The README's example queries, run in order on a fresh demo as a new user would run them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx

from gql_server.app import create_app
from gql_server.config import Settings

README = Path(__file__).parents[1] / "README.md"
EXAMPLE = re.compile(
    r"```graphql\n(?P<query>.*?)```(?:\s*Variables:\s*```json\n(?P<variables>.*?)```)?", re.S
)


def examples() -> list[tuple[str, dict[str, Any]]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Example queries", 1)[1].split("\n## ", 1)[0]
    found = [
        (m["query"], json.loads(m["variables"]) if m["variables"] else {})
        for m in EXAMPLE.finditer(section)
    ]
    assert len(found) >= 10, "the examples section lost its examples"
    return found


async def test_every_example_works_on_a_fresh_demo() -> None:
    app = create_app(Settings(gql_demo=True, gql_log_format="text"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
            for query, variables in examples():
                response = await http.post(
                    "/graphql", json={"query": query, "variables": variables}
                )
                body = response.json()
                assert response.status_code == 200, query
                assert "errors" not in body, (query, body["errors"])
                assert body["data"] and all(v is not None for v in body["data"].values()), query


def test_the_walkthrough_designs_a_table_from_empty() -> None:
    used = {name for query, _ in examples() for name in re.findall(r"(\w+)\(input:", query)}
    assert used >= {
        "createSchema",
        "createField",
        "createOption",
        "createValue",
        "updateCell",
        "deleteField",
    }
