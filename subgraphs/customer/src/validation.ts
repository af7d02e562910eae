import { badUserInput } from '@reservations/platform/errors';
import { parseId } from '@reservations/platform/graphql/ids';
import { optionalText, requiredText } from '@reservations/platform/graphql/validation';

// Deliberately permissive: one @, no spaces, a dot in the domain. Deliverability is the
// mail system's business; this only catches typos and garbage.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Emails compare case-insensitively, so they are stored trimmed and lowercased. */
export function normalizeEmail(value: string, field: string): string {
  const email = value.trim().toLowerCase();
  if (!EMAIL.test(email)) throw badUserInput(`${field} is not a valid email address`, field);
  return email;
}

// E.164: a plus, a country code that does not start with 0, at most 15 digits in all.
const E164 = /^\+[1-9]\d{1,14}$/;
// What people type between digits: "+44 (0)20 7946-0958" is not accepted (the "(0)" is a
// national trunk prefix, not part of the number), but "+44 20 7946-0958" is.
const PHONE_SEPARATORS = /[\s\-.()]/g;

/** A phone number in E.164 (+ and up to 15 digits) after removing separators; blank means none. */
export function normalizePhone(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const phone = value.replace(PHONE_SEPARATORS, '');
  if (!E164.test(phone)) {
    throw badUserInput(`${field} must be an E.164 phone number: + and country code, up to 15 digits (e.g. +442079460958)`, field);
  }
  return phone;
}

/** For partial updates: a field that is present must not be null. */
export function notNull<T>(value: T | null, field: string): T {
  if (value === null) throw badUserInput(`${field} cannot be null; omit it to keep the current value`, field);
  return value;
}

/** An optional id: omitted or null means none; anything else must be a valid id. */
export function optionalId(value: string | null | undefined, field: string): string | null {
  return value == null ? null : parseId(value, field);
}

export function requiredName(value: string | null, field: string): string {
  return requiredText(notNull(value, field), field);
}

export const DEFAULT_CURRENCY = 'EUR';

// The ISO 4217 codes in circulation as Node's ICU knows them (about 160; not XXX, not test codes).
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** ISO 4217: three letters, stored uppercase; must be a code ICU knows (so "ABC" is refused). */
export function normalizeCurrency(value: string, field: string): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code) || !CURRENCIES.has(code)) {
    throw badUserInput(`${field} must be an ISO 4217 currency code such as EUR, USD or GBP`, field);
  }
  return code;
}

/** Prices are integers of minor units (cents); GraphQL's Int already caps them at 2^31-1. */
export function priceCents(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0) throw badUserInput(`${field} must be an integer of 0 or more (minor units, e.g. cents)`, field);
  return value;
}

const MAX_POSITION = 1_000_000;

export function position(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_POSITION) {
    throw badUserInput(`${field} must be an integer from 0 to ${MAX_POSITION}`, field);
  }
  return value;
}

/** A search term: trimmed; blank means "no filter". Length limits come from @length. */
export function searchTerm(value: string | null | undefined): string | null {
  return optionalText(value);
}
