"""Per-request loading: the dataloaders that turn a level of a query into batched calls.

Owns the batch loader (`batch_loader`), the by-id and collection look-ups (`lookups`), the
loaders of schemas, resources and rows (`loaders`) and of a table's columns, cells and owners
(`table_loaders`), and the per-request `Context` that holds them with the credential and the
upstream session (`context`). Loaders are built per request, never shared.

May import `upstream` only: it knows nothing of GraphQL or HTTP (contracts in pyproject.toml).
"""
