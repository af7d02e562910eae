import { CalendarDate } from '@reservations/platform/graphql/calendar-date';
import { DateTime } from '@reservations/platform/graphql/date-time';
import { deferInputErrors } from '@reservations/platform/graphql/scalar-input-errors';

/** Invalid values are refused per field (see schema.ts) rather than by coercion. */
export const DateTimeScalar = deferInputErrors(DateTime);
export const DateScalar = deferInputErrors(CalendarDate);
