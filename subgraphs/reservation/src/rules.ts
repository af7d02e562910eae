/**
 * The booking rules, free of I/O: status transitions, settings and their defaults, and the
 * occupancy arithmetic shared by capacity checks and availability.
 */
import { startOfUtcDay } from '@reservations/platform/graphql/calendar-date';
import { badUserInput } from '@reservations/platform/errors';
import type { ReservationStatus } from './generated/prisma/enums';

export type { ReservationStatus };

export const MIN_PARTY_SIZE = 1;
export const MAX_PARTY_SIZE = 100;

/** Statuses whose guests hold seats; CANCELLED, COMPLETED and NO_SHOW free them. */
export const OCCUPYING_STATUSES: ReservationStatus[] = ['PENDING', 'CONFIRMED', 'SEATED'];

/** Statuses in which time, party size and notes may still change. */
export const EDITABLE_STATUSES: ReservationStatus[] = ['PENDING', 'CONFIRMED'];

export type TransitionName = 'confirm' | 'seat' | 'complete' | 'cancel' | 'markNoShow';

export interface Transition {
  from: ReservationStatus[];
  to: ReservationStatus;
  /** For messages: "Cannot confirm a reservation that is CANCELLED". */
  verb: string;
}

/** Every allowed move; anything else is refused with BAD_USER_INPUT. */
export const TRANSITIONS: Record<TransitionName, Transition> = {
  confirm: { from: ['PENDING'], to: 'CONFIRMED', verb: 'confirm' },
  seat: { from: ['CONFIRMED'], to: 'SEATED', verb: 'seat' },
  complete: { from: ['SEATED'], to: 'COMPLETED', verb: 'complete' },
  cancel: { from: ['PENDING', 'CONFIRMED'], to: 'CANCELLED', verb: 'cancel' },
  markNoShow: { from: ['CONFIRMED'], to: 'NO_SHOW', verb: 'mark as no-show' },
};

export interface BookingSettings {
  capacity: number;
  defaultDurationMinutes: number;
  slotIntervalMinutes: number;
  /** Minutes after midnight UTC. */
  opensAtMinute: number;
  /** Minutes after midnight UTC; at or before opensAtMinute means the next day. */
  closesAtMinute: number;
  /** How many days ahead a reservation may start; null: the service's default (BOOKING_HORIZON_DAYS). */
  bookingHorizonDays: number | null;
}

/** What a tenant that never saved settings gets (documented in docs/api.md and the schema). */
export const DEFAULT_SETTINGS: BookingSettings = {
  capacity: 40,
  defaultDurationMinutes: 120,
  slotIntervalMinutes: 30,
  opensAtMinute: 11 * 60,
  closesAtMinute: 23 * 60,
  bookingHorizonDays: null,
};

/** The service's default horizon when BOOKING_HORIZON_DAYS is unset: a year ahead. */
export const DEFAULT_BOOKING_HORIZON_DAYS = 365;

/** No reservation lasts longer (a CHECK constraint holds the table to it too). */
export const MAX_DURATION_MINUTES = 1_440;

export const SETTINGS_LIMITS = {
  capacity: { min: 1, max: 10_000 },
  defaultDurationMinutes: { min: 5, max: MAX_DURATION_MINUTES },
  slotIntervalMinutes: { min: 5, max: 1_440 },
  bookingHorizonDays: { min: 1, max: 3_650 },
} as const;

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function parseTimeOfDay(value: string, field: string): number {
  const match = TIME_OF_DAY.exec(value);
  if (!match) throw badUserInput(`${field} must be a time of day HH:MM (UTC), e.g. 18:30`, field);
  return Number(match[1]) * 60 + Number(match[2]);
}

export function formatTimeOfDay(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function checkInteger(value: number, field: string, { min, max }: { min: number; max: number }): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badUserInput(`${field} must be between ${min} and ${max}`, field);
  }
  return value;
}

export function checkPartySize(value: number, field: string): number {
  return checkInteger(value, field, { min: MIN_PARTY_SIZE, max: MAX_PARTY_SIZE });
}

/**
 * A start before `now` is gone: availability does not offer it and a reservation cannot be
 * made or moved to it, so a front-end never offers a time the API would refuse.
 */
export function hasStarted(startsAt: Date, now: Date): boolean {
  return startsAt.getTime() < now.getTime();
}

/**
 * How far in the past a booking's start may lie. A host records a walk-in at "now" by the
 * front-end's clock, which may run a little behind ours or be sent a minute late; refusing
 * those would refuse the guests already at the table. Availability does not offer such starts.
 */
export const LATE_START_TOLERANCE_MS = 5 * 60_000;

export function checkNotStarted(startsAt: Date, now: Date, field: string): Date {
  if (hasStarted(startsAt, new Date(now.getTime() - LATE_START_TOLERANCE_MS))) {
    throw badUserInput(`${field} has already passed (it is now ${now.toISOString()}); choose a later start`, field);
  }
  return startsAt;
}

/** Whether `startsAt` lies more than `horizonDays` after `now`: too far ahead to book or offer. */
export function isBeyondHorizon(startsAt: Date, now: Date, horizonDays: number): boolean {
  return startsAt.getTime() > now.getTime() + horizonDays * 86_400_000;
}

/**
 * A booking years ahead (the year 9999, say) is a mistake or an attack on capacity planning,
 * never a guest: starts past the tenant's horizon are refused.
 */
export function checkWithinHorizon(startsAt: Date, now: Date, horizonDays: number, field: string): Date {
  if (isBeyondHorizon(startsAt, now, horizonDays)) {
    throw badUserInput(`${field} is more than ${horizonDays} days ahead, beyond this tenant's booking horizon`, field);
  }
  return startsAt;
}

export interface Occupancy {
  startsAt: Date;
  endsAt: Date;
  partySize: number;
}

/**
 * The most guests present at any moment of [from, to). Presence only rises when a
 * reservation starts, so the peak is at `from` or at a start inside the interval.
 */
export function peakOccupancy(bookings: readonly Occupancy[], from: Date, to: Date): number {
  const moments = [from.getTime()];
  for (const booking of bookings) {
    const start = booking.startsAt.getTime();
    if (start > from.getTime() && start < to.getTime()) moments.push(start);
  }
  let peak = 0;
  for (const moment of moments) {
    let present = 0;
    for (const booking of bookings) {
      if (booking.startsAt.getTime() <= moment && moment < booking.endsAt.getTime()) present += booking.partySize;
    }
    peak = Math.max(peak, present);
  }
  return peak;
}

const MINUTE_MS = 60_000;

export function addMinutes(instant: Date, minutes: number): Date {
  return new Date(instant.getTime() + minutes * MINUTE_MS);
}

/**
 * The availability slots' start times on a UTC day: every slotIntervalMinutes from opensAt,
 * as long as the start is before closesAt (on the next day when closesAt <= opensAt).
 */
export function slotStarts(day: string, settings: BookingSettings): Date[] {
  const midnight = startOfUtcDay(day);
  const open = addMinutes(midnight, settings.opensAtMinute);
  const closeMinute = settings.closesAtMinute + (settings.closesAtMinute <= settings.opensAtMinute ? 1_440 : 0);
  const close = addMinutes(midnight, closeMinute);
  const starts: Date[] = [];
  for (let at = open; at < close; at = addMinutes(at, settings.slotIntervalMinutes)) starts.push(at);
  return starts;
}
