/** The subset of a Prisma client with query events enabled that counting needs. */
interface QueryEvents {
  $on(event: 'query', listener: (event: { query: string }) => void): void;
}

/**
 * What every transaction adds around its queries: transaction control, and the statement that
 * binds the tenant first (see platform/database/tenant-client).
 */
const TRANSACTION_OVERHEAD = /^\s*(?:BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b|^SELECT set_config\('app\.tenant_id'/i;

/**
 * Counts the SQL statements a Prisma client sends while `work` runs: `statements` all of them,
 * `queries` those that read or write data. Prisma cannot remove a listener, so one listener
 * per client records into whichever counter is active.
 */
const active = new WeakMap<QueryEvents, string[][]>();

export async function countQueries<T>(client: QueryEvents, work: () => Promise<T>): Promise<{ result: T; queries: string[]; statements: string[] }> {
  let sinks = active.get(client);
  if (!sinks) {
    const created: string[][] = [];
    sinks = created;
    active.set(client, created);
    client.$on('query', (event) => {
      for (const sink of created) sink.push(event.query);
    });
  }
  const statements: string[] = [];
  sinks.push(statements);
  try {
    const result = await work();
    return { result, queries: statements.filter((statement) => !TRANSACTION_OVERHEAD.test(statement)), statements };
  } finally {
    sinks.splice(sinks.indexOf(statements), 1);
  }
}
