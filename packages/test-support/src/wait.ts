/** Polls `check` until it answers true (errors count as false); fails after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A gateway connects to Redis in the background; until then its caches miss by design. In
 * production /ready shows the Redis state only to bearers of the metrics token.
 */
export function redisConnected(gatewayUrl: string, metricsToken?: string): Promise<void> {
  const headers: Record<string, string> = metricsToken ? { authorization: `Bearer ${metricsToken}` } : {};
  return waitFor(async () => ((await (await fetch(new URL('/ready', gatewayUrl), { headers })).json()) as { redis?: string }).redis === 'connected');
}
