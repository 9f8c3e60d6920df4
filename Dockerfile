# gql_server: a GraphQL API over Factorial's custom resources.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 gql
WORKDIR /app
COPY pyproject.toml README.md schema.graphql constraints.txt ./
COPY gql_server ./gql_server
RUN chown -R gql:gql /app
USER gql

# The install step of the README's quick start, unchanged: the versions in constraints.txt.
RUN python3 -m venv .venv && .venv/bin/pip install -c constraints.txt .

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
  CMD [".venv/bin/python", "-c", "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"]

CMD [".venv/bin/gql-server", "serve", "--host", "0.0.0.0", "--port", "8000"]
