// Apollo Client 4 rendering an employee table with each row's cells deferred, as a frontend
// that shows the rows at once and fills the cells in as they come.
// Usage: node tests/clients/apollo_defer.mjs http://127.0.0.1:PORT/graphql EMPLOYEE_ID [HANDLER]
// HANDLER is Apollo's incremental handler: defer20220824 (the default) or graphql17Alpha9.
// Prints one JSON line: every result the watched query emitted, in order, and the exchanges;
// tests/test_clients.py checks it.
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { Defer20220824Handler, GraphQL17Alpha9Handler } from '@apollo/client/incremental';

const [uri, employee, handler = 'defer20220824'] = process.argv.slice(2);
const HANDLERS = { defer20220824: Defer20220824Handler, graphql17Alpha9: GraphQL17Alpha9Handler };
if (!uri || !employee) {
  console.error('usage: apollo_defer.mjs URL EMPLOYEE_ID');
  process.exit(2);
}

const exchanges = [];
async function loggingFetch(input, init = {}) {
  const response = await fetch(input, init);
  exchanges.push({
    accept: new Headers(init.headers).get('accept'),
    status: response.status,
    contentType: response.headers.get('content-type'),
  });
  return response;
}

const TABLE = gql`
  query EmployeeTable($employee: ID!) {
    resources(employeeIds: [$employee]) {
      nodes {
        id
        schema { id name fields { id label type } }
        values {
          nodes {
            id
            ... @defer(label: "cells") {
              cells { fieldId text number boolean choice { label } }
            }
          }
        }
      }
    }
  }
`;

const PLAIN = gql`
  query EmployeeTablePlain($employee: ID!) {
    resources(employeeIds: [$employee]) {
      nodes {
        id
        schema { id name fields { id label type } }
        values { nodes { id cells { fieldId text number boolean choice { label } } } }
      }
    }
  }
`;

function newClient() {
  return new ApolloClient({
    link: new HttpLink({ uri, fetch: loggingFetch }),
    cache: new InMemoryCache(),
    incrementalHandler: new HANDLERS[handler](),
  });
}

// What one emitted result shows: how many rows, how many of them with their cells yet.
function seen(result) {
  const rows = (result.data?.resources?.nodes ?? []).flatMap((r) => r.values?.nodes ?? []);
  return {
    dataState: result.dataState,
    loading: result.loading,
    rows: rows.length,
    rowsWithCells: rows.filter((row) => Array.isArray(row.cells)).length,
    error: result.error?.message ?? null,
  };
}

const client = newClient();
const emitted = [];
let last;
let timer;
await new Promise((resolve, reject) => {
  timer = setTimeout(() => reject(new Error(`no complete result: ${JSON.stringify(emitted)}`)), 30000);
  const subscription = client
    .watchQuery({ query: TABLE, variables: { employee } })
    .subscribe({
      next: (result) => {
        emitted.push(seen(result));
        last = result;
        if ((result.dataState === 'complete' && !result.loading) || result.error) {
          subscription.unsubscribe();
          resolve();
        }
      },
      error: reject,
    });
});
clearTimeout(timer);

const deferredExchanges = exchanges.splice(0);
const plain = await newClient().query({ query: PLAIN, variables: { employee } });

process.stdout.write(
  JSON.stringify({
    emitted,
    final: last.data,
    plain: plain.data,
    exchanges: deferredExchanges,
    plainExchanges: exchanges,
  }) + '\n',
);
