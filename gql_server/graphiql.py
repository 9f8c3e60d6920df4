"""The GraphiQL page served to browsers, opened on an example nested query."""

from __future__ import annotations

from functools import cache

from strawberry.http.ides import get_graphql_ide_html

EXAMPLE_QUERY = """# Every custom table, who has it, and its rows: one request,
# one upstream round per level.
query Tables {
  schemas(first: 10) {
    totalCount
    nodes {
      id
      name
      resources(first: 5) {
        totalCount
        nodes {
          id
          attachableType
          attachableId
          values {
            totalCount
            nodes { id }
          }
        }
      }
    }
  }
}
"""


@cache
def graphiql_html() -> str:
    """GraphiQL's page, with our example query as the default editor content."""
    html = get_graphql_ide_html("graphiql")
    start = html.index("const EXAMPLE_QUERY = `")
    end = html.index("`;", start)
    return html[:start] + "const EXAMPLE_QUERY = `" + EXAMPLE_QUERY + html[end:]
