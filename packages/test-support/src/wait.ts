/** Polls `check` until it answers true (errors count as false); fails after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A gateway connects to Redis in the background; until then its caches miss by design. */
export function redisConnected(gatewayUrl: string): Promise<void> {
  return waitFor(async () => ((await (await fetch(new URL('/ready', gatewayUrl))).json()) as { redis: string }).redis === 'connected');
}
