const PROBE_TIMEOUT_MS = 1_000;

export interface SubgraphProbe {
  /** The subgraph answered at all. */
  reachable: boolean;
  /** It answered that it is ready: it serves and its database answers. */
  ready: boolean;
  /** Its database as the subgraph reported it, when it said. */
  database: string | null;
}

/** GET /ready on the subgraph, bounded by a short timeout. */
export async function probeSubgraph(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<SubgraphProbe> {
  try {
    const response = await fetch(new URL('/ready', url), { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json().catch(() => null)) as { database?: unknown } | null;
    return { reachable: true, ready: response.ok, database: typeof body?.database === 'string' ? body.database : null };
  } catch {
    return { reachable: false, ready: false, database: null };
  }
}
