import { badUserInput } from '@reservations/platform/errors';

// Deliberately permissive: one @, no spaces, a dot in the domain. Deliverability is the
// mail system's business; this only catches typos and garbage.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Emails compare case-insensitively, so they are stored trimmed and lowercased. */
export function normalizeEmail(value: string, field: string): string {
  const email = value.trim().toLowerCase();
  if (!EMAIL.test(email)) throw badUserInput(`${field} is not a valid email address`, field);
  return email;
}
