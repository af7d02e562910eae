import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { isRealDay } from './calendar-date';

// Requires an explicit offset so "2026-01-01T19:00" cannot silently mean server-local time.
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseInstant(value: unknown): Date {
  const match = typeof value === 'string' ? ISO_INSTANT.exec(value) : null;
  if (!match) {
    throw new GraphQLError('DateTime must be an ISO-8601 string with an offset, e.g. 2026-11-24T18:30:00Z');
  }
  const date = new Date(match[0]);
  // An impossible day (2026-02-30) would otherwise roll over into the next month.
  if (Number.isNaN(date.getTime()) || !isRealDay(Number(match[1]), Number(match[2]), Number(match[3]))) {
    throw new GraphQLError(`DateTime "${match[0]}" is not a real instant`);
  }
  return date;
}

export const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant in time, ISO-8601 with offset (e.g. 2026-11-24T18:30:00.000Z).',
  serialize(value) {
    if (value instanceof Date) return value.toISOString();
    return parseInstant(value).toISOString();
  },
  parseValue: parseInstant,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string');
    return parseInstant(ast.value);
  },
});
