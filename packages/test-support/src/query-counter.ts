/** The subset of a Prisma client with query events enabled that counting needs. */
interface QueryEvents {
  $on(event: 'query', listener: (event: { query: string }) => void): void;
}

/**
 * Counts the SQL statements a Prisma client sends while `work` runs. Prisma cannot remove
 * a listener, so one listener per client records into whichever counter is active.
 */
const active = new WeakMap<QueryEvents, string[][]>();

export async function countQueries<T>(client: QueryEvents, work: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
  let sinks = active.get(client);
  if (!sinks) {
    const created: string[][] = [];
    sinks = created;
    active.set(client, created);
    client.$on('query', (event) => {
      for (const sink of created) sink.push(event.query);
    });
  }
  const queries: string[] = [];
  sinks.push(queries);
  try {
    return { result: await work(), queries };
  } finally {
    sinks.splice(sinks.indexOf(queries), 1);
  }
}
