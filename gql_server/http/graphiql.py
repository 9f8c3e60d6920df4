"""The GraphiQL page served to browsers, opened on an example nested query.

The page is strawberry's: React, GraphiQL and its explorer plugin from unpkg, pinned with
subresource integrity. `assets_url` moves those files elsewhere (a mirror, or this server's own
`/graphiql/assets/` when GQL_GRAPHIQL_ASSETS_DIR is set), keeping their integrity hashes, so
an air-gapped deployment serves exactly the bytes the page expects. The page is sent with a
Content-Security-Policy allowing only those assets, its one inline script (by hash) and
requests to this server.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from urllib.parse import urlsplit

from strawberry.http.ides import get_graphql_ide_html

UNPKG = "https://unpkg.com"
ASSETS_PATH = "/graphiql/assets"
_ASSET = re.compile(r"https://unpkg\.com/([^\"']+)")
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)

EXAMPLE_QUERY = """# Custom tables: their columns, who has them, and their rows with typed cells,
# in one request. What it cost in calls to Factorial is in the response's extensions.
query Tables {
  schemas(first: 2) {
    totalCount
    nodes {
      name
      fields { label type }
      resources(first: 2) {
        totalCount
        nodes {
          attachable { fullName }
          values(first: 3) {
            totalCount
            nodes {
              cells {
                field { label }
                text date number cents boolean
                choice { label } choices { label }
              }
            }
          }
        }
      }
    }
  }
}
"""


def _strawberry_page() -> str:
    return get_graphql_ide_html("graphiql")


def asset_paths() -> list[str]:
    """The files the page loads, as paths under an unpkg-like base URL
    (`graphiql@3.8.3/graphiql.min.js`): what a mirror or GQL_GRAPHIQL_ASSETS_DIR must hold."""
    return _ASSET.findall(_strawberry_page())


@cache
def graphiql_html(assets_url: str = UNPKG) -> str:
    """GraphiQL's page, with our example query as the default editor content, loading its
    assets from `assets_url`."""
    html = _strawberry_page()
    start = html.index("const EXAMPLE_QUERY = `")
    end = html.index("`;", start)
    html = html[:start] + "const EXAMPLE_QUERY = `" + EXAMPLE_QUERY + html[end:]
    html = html.replace("<title>Strawberry GraphiQL</title>", "<title>gql_server GraphiQL</title>")
    return html.replace(UNPKG + "/", assets_url.rstrip("/") + "/")


@cache
def content_security_policy(html: str, assets_url: str) -> str:
    """A policy that lets `html` load its assets from `assets_url`, run its inline scripts
    and talk to this server, and nothing else."""
    parts = urlsplit(assets_url)
    source = f"{parts.scheme}://{parts.netloc}" if parts.netloc else "'self'"
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _INLINE_SCRIPT.findall(html)
    )
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {source} {hashes}",
            # GraphiQL and CodeMirror set element styles at run time.
            f"style-src {source} 'unsafe-inline'",
            f"font-src {source} data:",
            "img-src 'self' data:",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )
