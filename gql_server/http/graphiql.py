"""The GraphiQL page served to browsers, opened on an example nested query.

The page is strawberry's: React, GraphiQL and its explorer plugin from unpkg, pinned with
subresource integrity. `assets_url` moves those files elsewhere (a mirror, or this server's own
`/graphiql/assets/` when it has them on disk), keeping their integrity hashes, so an
air-gapped deployment serves exactly the bytes the page expects. When they cannot load, the
page says so in words and names the remedy instead of showing "Loading..." forever. The page
is sent with a Content-Security-Policy allowing only those assets, its inline scripts (by
hash) and requests to this server.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from strawberry.http.ides import get_graphql_ide_html

UNPKG = "https://unpkg.com"
ASSETS_PATH = "/graphiql/assets"
_ASSET = re.compile(r"https://unpkg\.com/([^\"']+)")
_PINNED = re.compile(
    r'(?:src|href)="https://unpkg\.com/((@[^/@"]+/)?[^/@"]+)@([^/"]+)/([^"]+)"\s+'
    r'integrity="([^"]+)"'
)
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


ASSETS_COMMAND = "gql-server graphiql-assets"
# A browser that cannot reach the assets' host may take a minute to give up on it; by then
# the person looking at "Loading..." deserves an explanation.
_NOTICE_AFTER_MS = 15_000
_NOTICE_SCRIPT = """<script>
(function () {
  var where = %(where)s, command = %(command)s, failed = [];
  function notice() {
    var box = document.getElementById("graphiql-assets-failed");
    if (!box) {
      box = document.createElement("div");
      box.id = "graphiql-assets-failed";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:10;padding:1em 2em;" +
        "font:16px/1.5 sans-serif;background:#fff4e5;color:#222;border-bottom:2px solid #e8a33d";
      (document.body || document.documentElement).appendChild(box);
    }
    var lines = [
      failed.length
        ? "GraphiQL's files could not be loaded from " + where + " (" + failed.join(", ") + ")."
        : "GraphiQL's files have not loaded from " + where + " after " + %(seconds)s +
          " seconds.",
      "Run `" + command + "` where this server runs, then restart it: the files are " +
        "downloaded from the npm registry, checked against their integrity hashes and served " +
        "by this server. Or set GQL_GRAPHIQL_ASSETS_DIR to a directory holding them, or " +
        "GQL_GRAPHIQL_ASSETS_URL to a mirror this browser can reach.",
      "The GraphQL endpoint itself works: POST queries to this URL."
    ];
    box.textContent = "";
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.style.margin = "0.4em 0";
      p.textContent = line;
      box.appendChild(p);
    });
  }
  function rendered() {
    var root = document.getElementById("graphiql");
    return Boolean(root && root.firstElementChild);
  }
  // Load errors of <script> and <link> do not bubble, but they do pass the window on capture.
  window.addEventListener("error", function (event) {
    var tag = event.target && event.target.tagName;
    if (tag === "SCRIPT" || tag === "LINK") {
      var url = event.target.src || event.target.href;
      failed.push(url.slice(url.lastIndexOf("/") + 1));
      notice();
    }
  }, true);
  var timer = setInterval(function () {
    if (rendered() && !failed.length) {
      clearInterval(timer);
      var box = document.getElementById("graphiql-assets-failed");
      if (box) box.remove();
    }
  }, 1000);
  setTimeout(function () { if (!rendered()) notice(); }, %(delay)s);
})();
</script>"""


@dataclass(frozen=True, slots=True)
class PinnedAsset:
    """One file the page loads: its npm package, version, path in the package and the
    subresource-integrity hash the page checks it against (`sha384-...`)."""

    package: str
    version: str
    file: str
    integrity: str

    @property
    def path(self) -> str:
        """Its path under an unpkg-like base URL: `graphiql@3.8.3/graphiql.min.js`."""
        return f"{self.package}@{self.version}/{self.file}"


def _strawberry_page() -> str:
    return get_graphql_ide_html("graphiql")


def pinned_assets() -> list[PinnedAsset]:
    """The files the page loads, with the integrity hashes it checks them against."""
    return [
        PinnedAsset(package, version, file, integrity)
        for package, _, version, file, integrity in _PINNED.findall(_strawberry_page())
    ]


def asset_paths() -> list[str]:
    """The files the page loads, as paths under an unpkg-like base URL
    (`graphiql@3.8.3/graphiql.min.js`): what a mirror or GQL_GRAPHIQL_ASSETS_DIR must hold."""
    return _ASSET.findall(_strawberry_page())


def _notice_script(assets_url: str) -> str:
    where = assets_url.rstrip("/")
    if where.startswith("/"):
        where = f"this server ({where}/)"

    def literal(value: object) -> str:
        # JSON is a JavaScript literal; "</" must not close the script element early.
        return json.dumps(value).replace("</", "<\\/")

    return _NOTICE_SCRIPT % {
        "where": literal(where),
        "command": literal(ASSETS_COMMAND),
        "seconds": literal(_NOTICE_AFTER_MS // 1000),
        "delay": literal(_NOTICE_AFTER_MS),
    }


@cache
def graphiql_html(assets_url: str = UNPKG) -> str:
    """GraphiQL's page, with our example query as the default editor content, loading its
    assets from `assets_url`."""
    html = _strawberry_page()
    start = html.index("const EXAMPLE_QUERY = `")
    end = html.index("`;", start)
    html = html[:start] + "const EXAMPLE_QUERY = `" + EXAMPLE_QUERY + html[end:]
    # The notice comes before the assets, so that it hears of every one that fails.
    html = html.replace(
        "<title>Strawberry GraphiQL</title>",
        "<title>gql_server GraphiQL</title>\n" + _notice_script(assets_url),
    )
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
