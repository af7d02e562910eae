import { badUserInput } from '../errors';

/** A trimmed, non-empty string; length limits come from the schema's @length. */
export function requiredText(value: string, field: string): string {
  const text = value.trim();
  if (text === '') throw badUserInput(`${field} must not be empty`, field);
  return text;
}
