/**
 * The container image's entry point: SERVICE (customer, reservation or gateway) picks the
 * compiled service this process runs, so one image serves all three.
 *   node scripts/dist/service.js          run $SERVICE
 *   node scripts/dist/service.js health   exit 0 when $SERVICE answers GET /health on its
 *                                         port (the image's HEALTHCHECK; slim images have no curl)
 */
import { findService, SERVICES, serviceEntry, type ServiceSpec } from './lib/services';

async function healthy(service: ServiceSpec): Promise<boolean> {
  const port = process.env[service.portVariable]?.trim() || String(service.defaultPort);
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(4_000) });
    return response.ok;
  } catch {
    return false;
  }
}

const service = findService(process.env.SERVICE?.trim());
if (!service) {
  console.error(`SERVICE must be one of ${SERVICES.map((s) => s.name).join(', ')}; got "${process.env.SERVICE ?? ''}"`);
  process.exit(2);
}
if (process.argv[2] === 'health') {
  void healthy(service).then((ok) => process.exit(ok ? 0 : 1));
} else {
  require(serviceEntry(service, 'compiled'));
}
