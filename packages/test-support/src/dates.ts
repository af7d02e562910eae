/** An instant `days` from now (ISO-8601), e.g. a booking start inside the default 365-day horizon. */
export function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString();
}
