/**
 * Hive Gateway, configured only as far as it must be to serve our supergraph: it is the peer
 * `npm run bench` compares our gateway with. Loaded by the `hive-gateway` CLI, which the bench
 * runs under tsx so that this file can sign subgraph requests with the platform's own scheme
 * (our subgraphs refuse unsigned requests in production). Everything else is Hive's default,
 * unless BENCH_HIVE_SETUP asks for its authors' published benchmark setup.
 *
 * BENCH_SUPERGRAPH_PATH  the supergraph SDL with the bench's subgraph URLs
 * GATEWAY_SIGNING_SECRET the secret our subgraphs verify (unset: subgraphs that need neither
 *                        signature nor tenant header, so no plugin at all)
 * BENCH_HIVE_SETUP       `default`, or `published`: identical in-flight client requests
 *                        executed once (inboundInflightRequestDeduplication) and graphql-jit,
 *                        as in the Hive authors' federation gateway benchmark
 *
 * Hive's own types are not imported: they pull in a second, newer @types/node that clashes with
 * the project's. The hook's payload is typed here as far as it is used.
 */
import { readFileSync } from 'node:fs';
import { SIGNATURE_HEADER, signatureFor } from '@reservations/platform/security/request-signing';
import { TENANT_HEADER } from '@reservations/platform/tenancy';

const supergraph = process.env.BENCH_SUPERGRAPH_PATH;
if (!supergraph) throw new Error('BENCH_SUPERGRAPH_PATH is not set');
const secret = process.env.GATEWAY_SIGNING_SECRET ?? null;
// A signature names the subgraph it is for: the supergraph says which URL is which subgraph.
const subgraphByUrl = new Map(
  [...readFileSync(supergraph, 'utf8').matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)].map(([, name, url]) => [url!, name!]),
);

interface FetchHookPayload {
  url: string;
  options: { method?: string; headers?: Record<string, string>; body?: unknown };
  setOptions(options: FetchHookPayload['options']): void;
  context: { request?: Request };
}

const published = process.env.BENCH_HIVE_SETUP === 'published';

/** The tenant header travels to every subgraph; the signature covers it and the body. */
function signedTenantRequests(secret: string) {
  return {
    onFetch({ url, options, setOptions, context }: FetchHookPayload) {
      const tenant = context.request?.headers.get(TENANT_HEADER);
      if (!tenant) return;
      const headers: Record<string, string> = { ...options.headers, [TENANT_HEADER]: tenant };
      headers[SIGNATURE_HEADER] = signatureFor(
        secret,
        subgraphByUrl.get(url) ?? '',
        url,
        options.method ?? 'POST',
        headers,
        String(options.body ?? ''),
      );
      setOptions({ ...options, headers });
    },
  };
}

export const gatewayConfig = {
  supergraph,
  ...(published ? { inboundInflightRequestDeduplication: true, jit: true } : {}),
  plugins: () => (secret === null ? [] : [signedTenantRequests(secret)]),
};
