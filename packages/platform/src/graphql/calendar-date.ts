import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Whether year, month (1-12) and day name a day that exists; `new Date()` would instead roll
 * an impossible one over (2026-02-30 -> 2026-03-02).
 */
export function isRealDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Checks a YYYY-MM-DD string names a real day (no 2026-02-30) and returns it unchanged. */
function parseCalendarDate(value: unknown): string {
  const match = typeof value === 'string' ? CALENDAR_DATE.exec(value) : null;
  if (!match) throw new GraphQLError('Date must be a calendar day YYYY-MM-DD, e.g. 2026-11-24');
  if (!isRealDay(Number(match[1]), Number(match[2]), Number(match[3]))) {
    throw new GraphQLError(`Date "${String(value)}" is not a real day`);
  }
  return value as string;
}

/** Midnight UTC at the start of a YYYY-MM-DD day. */
export function startOfUtcDay(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

/**
 * A calendar day without time or offset (GraphQL `Date`), kept as its YYYY-MM-DD string so no
 * time zone sneaks in; the schema says which zone the day is read in.
 */
export const CalendarDate = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar day, YYYY-MM-DD (e.g. 2026-11-24).',
  serialize: parseCalendarDate,
  parseValue: parseCalendarDate,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('Date must be a string');
    return parseCalendarDate(ast.value);
  },
});
