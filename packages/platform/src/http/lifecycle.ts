import type http from 'node:http';
import { sendJson, type RouteHandler } from './routes';

/** Something this instance cannot serve without; false keeps it out of rotation. */
export type ReadinessCondition = () => boolean | Promise<boolean>;

export interface ReadinessState {
  /** `draining`: stopping, still serving; `not ready`: a required condition is unmet. */
  status: 'ready' | 'not ready' | 'draining';
  /** The names of the conditions that are not met right now. */
  unmet: string[];
}

/**
 * What `GET /ready` tells a load balancer: whether to send this instance new traffic. It is
 * ready while every required condition holds and it is not draining. Liveness (`/health`) is
 * separate and never asks anything of a dependency: a restart cannot fix a dependency.
 */
export class Readiness {
  private draining = false;
  private readonly conditions: [string, ReadinessCondition][] = [];

  /** Adds a condition, named in `/ready`'s answer while it is unmet. */
  require(name: string, condition: ReadinessCondition): this {
    this.conditions.push([name, condition]);
    return this;
  }

  /** From now on /ready fails, for good: the instance is shutting down. */
  drain(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  async state(): Promise<ReadinessState> {
    const results = await Promise.all(this.conditions.map(async ([name, condition]) => [name, await condition()] as const));
    const unmet = results.filter(([, met]) => !met).map(([name]) => name);
    return { status: this.draining ? 'draining' : unmet.length > 0 ? 'not ready' : 'ready', unmet };
  }
}

/**
 * A condition that, once true, stays true: for what an instance needs at start-up but can
 * serve (degraded) without later, so that a later outage does not take every replica out of
 * rotation at once. `settled` resolves when it first holds (checked every `retryMs`).
 */
export function onceTrue(check: () => boolean, retryMs = 100): { condition: ReadinessCondition; settled: Promise<void>; cancel(): void } {
  let held = false;
  let timer: NodeJS.Timeout | undefined;
  let cancel = (): void => undefined;
  const settled = new Promise<void>((resolve) => {
    const poll = (): void => {
      if (held || check()) {
        held = true;
        resolve();
        return;
      }
      timer = setTimeout(poll, retryMs);
      timer.unref();
    };
    cancel = () => {
      clearTimeout(timer);
      resolve();
    };
    poll();
  });
  return { condition: () => held || (held = check()), settled, cancel };
}

/** `/ready`: 200 when ready, else 503, with the state, the service's name and its `details`. */
export function readinessRoute(
  readiness: Readiness,
  service: string,
  details: () => Promise<Record<string, unknown>> = async () => ({}),
): RouteHandler {
  return async (_req, res) => {
    const [state, extra] = await Promise.all([readiness.state(), details()]);
    sendJson(res, state.status === 'ready' ? 200 : 503, { ...state, service, ...extra });
  };
}

/**
 * Keeps serving, but asks every client to close its connection after the response it gets
 * (`Connection: close`), so that by the time the server stops listening no client holds a
 * kept-alive connection it might send a request on while it is being closed.
 */
export function closeConnectionsAfterEachResponse(server: http.Server): void {
  // Before the service's own handler, which may answer synchronously.
  server.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.setHeader('connection', 'close');
  });
}
