import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { CalendarDate } from '@reservations/platform/graphql/calendar-date';
import { DateTime } from '@reservations/platform/graphql/date-time';
import { deferInputErrors } from '@reservations/platform/graphql/scalar-input-errors';

/** Refuses a calendar date that does not exist, which `new Date()` would roll over (Feb 30 -> Mar 2). */
function assertRealDay(value: unknown): void {
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})T/.exec(value) : null;
  if (!match) return;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new GraphQLError(`DateTime "${value as string}" is not a real instant`);
  }
}

const config = DateTime.toConfig();

/** The platform DateTime, stricter about impossible days. */
const StrictDateTime = new GraphQLScalarType<Date, string>({
  ...config,
  parseValue(value) {
    assertRealDay(value);
    return config.parseValue(value);
  },
  parseLiteral(ast, variables) {
    if (ast.kind === Kind.STRING) assertRealDay(ast.value);
    return config.parseLiteral(ast, variables);
  },
});

/** Invalid values are refused per field (see schema.ts) rather than by coercion. */
export const DateTimeScalar = deferInputErrors(StrictDateTime);
export const DateScalar = deferInputErrors(CalendarDate);
