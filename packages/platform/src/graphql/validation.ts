import { badUserInput } from '../errors';

/** A trimmed, non-empty string; length limits come from the schema's @length. */
export function requiredText(value: string, field: string): string {
  const text = value.trim();
  if (text === '') throw badUserInput(`${field} must not be empty`, field);
  return text;
}

/** Optional free text: trimmed, and blank or null stored as null. Length limits come from @length. */
export function optionalText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  return text === '' ? null : text;
}
