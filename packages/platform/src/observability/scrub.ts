/**
 * Personal data and credentials never leave a service in logs or error reports: values under
 * sensitive keys are replaced, and email addresses and phone numbers inside any text (error
 * messages, SQL driver details, URLs) are masked.
 */

const FILTERED = '[Filtered]';

/** Headers that carry credentials or session state. */
export const SENSITIVE_HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-gateway-signature', 'proxy-authorization'] as const;

/** Keys whose values are personal data or secrets wherever they appear (case-insensitive), those headers included. */
const SENSITIVE_KEY = new RegExp(
  `^(${[...SENSITIVE_HEADERS, 'cookies', 'email', 'phone', 'password', 'secret', 'token', 'access_token', 'refresh_token', 'api_key', 'apikey', 'ip_address'].join('|')})$`,
  'i',
);

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** E.164 as this platform stores phone numbers, with or without separators: +442079460958, +44 20 7946 0958. */
const PHONE = /\+\d[\d\s().-]{5,}\d/g;

/** `authorization`, `Email`, and dotted attribute names ending in one (`http.request.header.cookie`). */
function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key.slice(key.lastIndexOf('.') + 1));
}

/** Masks email addresses and phone numbers in free text. */
export function scrubText(text: string): string {
  if (!text.includes('@') && !text.includes('+')) return text;
  return text.replace(EMAIL, '[email]').replace(PHONE, '[phone]');
}

/**
 * A copy of `value` with sensitive keys filtered and every string scrubbed. Bounded in depth so
 * a cyclic or huge structure cannot stall a report.
 */
export function scrubValue<T>(value: T, depth = 12): T {
  return scrub(value, depth, new WeakSet()) as T;
}

function scrub(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth <= 0 || seen.has(value)) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth - 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSensitiveKey(key) && item !== undefined && item !== null ? FILTERED : scrub(item, depth - 1, seen);
  }
  return out;
}

/** A URL without its query string and fragment (GraphQL GET requests put variables there). */
export function withoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}
