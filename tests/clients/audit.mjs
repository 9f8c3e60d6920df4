// The GraphQL-over-HTTP conformance audit of graphql-http, run against a live server.
// Usage: node tests/clients/audit.mjs http://127.0.0.1:PORT/graphql
// Prints one JSON line: [{id, name, status, reason}], status "ok" | "notice" | "warn" | "error".
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: audit.mjs URL');
  process.exit(2);
}

const results = [];
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  results.push({
    id: result.id,
    name: result.name,
    status: result.status,
    reason: result.status === 'ok' ? null : result.reason,
  });
}
process.stdout.write(JSON.stringify(results) + '\n');
