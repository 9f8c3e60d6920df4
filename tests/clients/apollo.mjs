// Apollo Client 4 against a live gql_server, as a frontend app uses it.
// Usage: node tests/clients/apollo.mjs http://127.0.0.1:PORT/graphql
// Prints one JSON line with what each step saw; tests/test_clients.py checks it.
import { createHash } from 'node:crypto';

import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { relayStylePagination } from '@apollo/client/utilities';

const uri = process.argv[2];
if (!uri) {
  console.error('usage: apollo.mjs URL');
  process.exit(2);
}

// Every HTTP exchange, as the server saw it from here.
const exchanges = [];
async function loggingFetch(input, init = {}) {
  const response = await fetch(input, init);
  const url = new URL(typeof input === 'string' ? input : input.url);
  const headers = new Headers(init.headers);
  const body = typeof init.body === 'string' ? JSON.parse(init.body) : null;
  exchanges.push({
    method: init.method ?? 'GET',
    accept: headers.get('accept'),
    sentQuery: Boolean(body?.query ?? url.searchParams.get('query')),
    persisted: Boolean(body?.extensions?.persistedQuery ?? url.searchParams.get('extensions')),
    status: response.status,
    contentType: response.headers.get('content-type'),
  });
  return response;
}

function newClient(...links) {
  return new ApolloClient({
    link: ApolloLink.from([...links, new HttpLink({ uri, fetch: loggingFetch })]),
    cache: new InMemoryCache({
      typePolicies: { Query: { fields: { values: relayStylePagination(['ids', 'employeeIds']) } } },
    }),
  });
}

const NESTED = gql`
  query Tables {
    schemas(first: 10) {
      totalCount
      nodes {
        id
        name
        resources(first: 20) {
          nodes {
            id
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
`;

const VALUES = gql`
  query Values($first: Int, $after: String) {
    values(first: $first, after: $after) {
      edges { cursor node { id resourceId } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

const VALUES_BACK = gql`
  query ValuesBack($last: Int, $before: String) {
    values(last: $last, before: $before) {
      edges { cursor node { id resourceId } }
      pageInfo { hasPreviousPage startCursor }
    }
  }
`;

const CREATE = gql`
  mutation Create($name: String!) {
    createSchema(input: { name: $name, companyId: "1" }) { id name }
  }
`;

const PARTLY_BAD = gql`
  mutation PartlyBad {
    good: createSchema(input: { name: "Kept", companyId: "1" }) { id name }
    bad: createSchema(input: { name: "   ", companyId: "1" }) { id name }
  }
`;

const APQ = gql`
  query Persisted { schemas(first: 2) { totalCount nodes { id } } }
`;

async function pageThroughValues(client, pageSize) {
  const observable = client.watchQuery({ query: VALUES, variables: { first: pageSize } });
  let latest;
  const firstResult = new Promise((resolve, reject) => {
    const subscription = observable.subscribe({
      next: (result) => {
        latest = result;
        if (result.data?.values) resolve(subscription);
      },
      error: reject,
    });
  });
  const subscription = await firstResult;
  let pages = 1;
  while (latest.data.values.pageInfo.hasNextPage) {
    await observable.fetchMore({ variables: { after: latest.data.values.pageInfo.endCursor } });
    await new Promise((resolve) => setTimeout(resolve, 0));
    pages += 1;
    if (pages > 50) throw new Error('pagination does not end');
  }
  const merged = client.readQuery({ query: VALUES, variables: { first: pageSize } });
  subscription.unsubscribe();
  return {
    pages,
    ids: merged.values.edges.map((edge) => edge.node.id),
    cursors: merged.values.edges.map((edge) => edge.cursor),
  };
}

// The same list read from its end, `last`/`before: startCursor`, as relayStylePagination
// prepends each earlier page to the cached list.
async function pageBackThroughValues(client, pageSize) {
  const variables = { last: pageSize };
  const observable = client.watchQuery({ query: VALUES_BACK, variables });
  let latest;
  const subscription = await new Promise((resolve, reject) => {
    const sub = observable.subscribe({
      next: (result) => {
        latest = result;
        if (result.data?.values) resolve(sub);
      },
      error: reject,
    });
  });
  let pages = 1;
  while (latest.data.values.pageInfo.hasPreviousPage) {
    await observable.fetchMore({ variables: { before: latest.data.values.pageInfo.startCursor } });
    await new Promise((resolve) => setTimeout(resolve, 0));
    pages += 1;
    if (pages > 50) throw new Error('pagination does not end');
  }
  const merged = client.readQuery({ query: VALUES_BACK, variables });
  subscription.unsubscribe();
  return {
    pages,
    ids: merged.values.edges.map((edge) => edge.node.id),
    cursors: merged.values.edges.map((edge) => edge.cursor),
  };
}

const report = {};

const client = newClient();
const nested = await client.query({ query: NESTED });
report.nested = { data: nested.data, error: nested.error?.message ?? null };

report.paging = await pageThroughValues(client, 4);
report.pagingBack = await pageBackThroughValues(newClient(), 4);

const created = await client.mutate({ mutation: CREATE, variables: { name: 'From Apollo' } });
report.mutation = { data: created.data, error: created.error?.message ?? null };

const partly = await client.mutate({ mutation: PARTLY_BAD, errorPolicy: 'all' });
report.fieldError = {
  data: partly.data,
  errorName: partly.error?.name ?? null,
  errors: partly.error?.errors ?? [],
};

const firstExchange = exchanges.length;
const persisted = newClient(
  new PersistedQueryLink({
    sha256: (text) => createHash('sha256').update(text).digest('hex'),
    useGETForHashedQueries: true,
  }),
);
const apqFirst = await persisted.query({ query: APQ, fetchPolicy: 'network-only' });
const apqSecond = await persisted.query({ query: APQ, fetchPolicy: 'network-only' });
report.apq = {
  first: apqFirst.data,
  second: apqSecond.data,
  exchanges: exchanges.slice(firstExchange),
};
report.exchanges = exchanges.slice(0, firstExchange);

process.stdout.write(JSON.stringify(report) + '\n');
