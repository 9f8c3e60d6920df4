"""The `/graphql` edge: GraphQL over HTTP and everything that guards it.

Owns reading a request (`request`), the Host, CSRF and CORS guards (`security`), persisted
queries (`persisted`), the operation limits (`limits`), the upstream-call budget (`budget`),
running an operation and writing its answer (`endpoint`), answers in parts for @defer and
@stream (`multipart`: negotiation and framing; `increments`: the two formats), the access log
(`access`), the ASGI shortcut to the endpoint (`asgi`) and GraphiQL's page (`graphiql`).

May import `graphql`, `loading`, `upstream` and `telemetry`; nothing below imports it
(contracts in pyproject.toml).
"""
