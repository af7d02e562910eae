import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { runLoad, type LoadRun, type LoadTarget } from './load';

export interface FloodResult {
  /** The quiet tenant's requests with nobody else on the gateway. */
  alone: LoadRun;
  /** The same requests while the other tenant floods the same gateway. */
  flooded: LoadRun;
  /** The flooding tenant's answers: how many, and how many were refused over its budget (429). */
  flood: { responses: number; refused: number };
}

/** How long the flood runs before timing starts: enough to spend its budget. */
const FLOOD_HEAD_START_MS = 2_000;

/**
 * One tenant floods the gateway (a closed loop over `connections`, its costly operation soon
 * over its cost budget, so refused with 429) while another tenant's requests are timed at
 * one connection; the same requests are timed alone first, after a warm-up. The flood gets a
 * head start so that its budget is spent when timing starts: what is measured is the cost of
 * refusing it, not of serving the part its budget allows.
 */
export async function measureTenantFlood(
  quiet: LoadTarget,
  flooding: LoadTarget,
  { connections, seconds, warmupSeconds }: { connections: number; seconds: number; warmupSeconds: number },
): Promise<FloodResult> {
  await runLoad(quiet, { connections: 1, seconds: warmupSeconds });
  const alone = await runLoad(quiet, { connections: 1, seconds });
  const flood = autocannon({
    url: flooding.url,
    method: 'POST',
    connections,
    duration: seconds + FLOOD_HEAD_START_MS / 1000 + 1,
    headers: { 'content-type': 'application/json', ...flooding.headers },
    body: flooding.body(),
  });
  await sleep(FLOOD_HEAD_START_MS);
  const flooded = await runLoad(quiet, { connections: 1, seconds });
  const result = await flood;
  const refused = result.statusCodeStats?.['429']?.count ?? 0;
  return { alone, flooded, flood: { responses: result.requests.total, refused } };
}
