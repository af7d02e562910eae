import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { isUniqueViolation, unavailableIfTimedOut } from '@reservations/platform/database/prisma-errors';
import { conflict, ErrorCode, notFound } from '@reservations/platform/errors';
import { isUuid } from '@reservations/platform/graphql/ids';
import { ReservationErrorCode } from '../errors';
import { idOrderedPage, toConnection, type Connection, type PageRequest } from '@reservations/platform/graphql/pagination';
import type { Clock } from '../clock';
import type { BookingConfig } from '../config';
import { CAPACITY_LOCK_CLASS, type ReservationDb, type ReservationTx } from '../database';
import type { Prisma, Reservation } from '../generated/prisma/client';
import {
  addMinutes,
  checkNotStarted,
  checkWithinHorizon,
  EDITABLE_STATUSES,
  hasStarted,
  isBeyondHorizon,
  MAX_DURATION_MINUTES,
  OCCUPYING_STATUSES,
  peakOccupancy,
  slotStarts,
  TRANSITIONS,
  type BookingSettings,
  type ReservationStatus,
  type TransitionName,
} from '../rules';
import { readSettings, writeSettings, type EffectiveSettings } from './settings';

export type { Reservation };

export interface NewReservation {
  customerId: string;
  startsAt: Date;
  partySize: number;
  notes: string | null;
  /** With its fingerprint (a hash of the payload above), or both null. */
  idempotency: { key: string; fingerprint: string } | null;
}

export interface ReservationChanges {
  startsAt?: Date;
  partySize?: number;
  /** null clears the notes. */
  notes?: string | null;
}

export interface ReservationFilter {
  from?: Date | null;
  to?: Date | null;
  statuses?: ReservationStatus[] | null;
  customerId?: string | null;
}

export interface AvailabilitySlot {
  startsAt: Date;
  endsAt: Date;
  remainingCapacity: number;
  available: boolean;
}

type Tx = ReservationTx;

/**
 * Bounds for the capacity transactions: waiting for a pooled connection, and the whole
 * transaction. Under the lock each booking takes a few milliseconds, so only a burst of
 * hundreds of bookings for one tenant comes near them; past them the write is rolled back and
 * refused with SERVICE_UNAVAILABLE (see underCapacityLock). With the customer check
 * (CUSTOMER_LOOKUP_TIMEOUT_MS, 2 s) they stay under the gateway's per-attempt timeout (5 s):
 * a booking never commits after the gateway has told the client it failed, which a client
 * retrying without an idempotency key would turn into a double booking.
 */
const TRANSACTION_OPTIONS = { maxWait: 1_000, timeout: 1_500 };

export function capacityExceeded(partySize: number, remaining: number, capacity: number, startsAt: Date, endsAt: Date): GraphQLError {
  return new GraphQLError(
    `Not enough capacity for a party of ${partySize} from ${startsAt.toISOString()} to ${endsAt.toISOString()}: ` +
      `${Math.max(0, remaining)} of ${capacity} seats left at the busiest moment`,
    { extensions: { code: ReservationErrorCode.CapacityExceeded, capacity, remainingCapacity: Math.max(0, remaining) } },
  );
}

/** Returns a reservation found by idempotency key, or CONFLICT when the key was used for another payload. */
function replay(existing: Reservation, fingerprint: string): Reservation {
  if (existing.idempotencyFingerprint !== fingerprint) {
    throw conflict(
      'This idempotencyKey was already used for a different reservation request; use a new key for a new booking',
      'input.idempotencyKey',
    );
  }
  return existing;
}

/**
 * Every read and write of reservations goes through here, on the request's tenant-bound client
 * (which adds the tenant; row-level security checks it again). Customers are only ids here:
 * their data lives in the customer subgraph.
 *
 * Never overbooking: capacity is a sum over overlapping time ranges, which no unique index or
 * exclusion constraint can express. Every write that can add guests at some moment (create,
 * update of time or party size, and settings changes) runs in a transaction whose first
 * statement binds the tenant and takes a transaction-scoped advisory lock per tenant, then reads the settings and the overlapping
 * reservations and only then writes. Such writes of one tenant therefore run one after the
 * other, each seeing every booking committed before it (READ COMMITTED takes a fresh snapshot
 * per statement, after the lock was granted), and the lock is released by COMMIT or ROLLBACK
 * however the transaction ends. Writes that only free seats (cancel, complete, no-show) need
 * no lock; other tenants are never blocked.
 */
export class ReservationStore {
  /** One query per batch of reservation ids. */
  readonly byId: DataLoader<string, Reservation | null>;
  /** One loader per distinct filter, each one query per batch of customers. */
  private readonly byCustomer = new Map<string, DataLoader<string, Reservation[]>>();

  constructor(
    private readonly prisma: ReservationDb,
    private readonly clock: Clock,
    private readonly limits: Pick<BookingConfig, 'idempotencyKeyTtlHours' | 'bookingHorizonDays'>,
  ) {
    this.byId = new DataLoader(async (ids) => {
      // Ids that are not UUIDs cannot match and must not reach a uuid column.
      const valid = ids.filter(isUuid);
      const rows = valid.length === 0 ? [] : await this.prisma.reservation.findMany({ where: { id: { in: valid } } });
      const found = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    });
  }

  private where(filter: ReservationFilter): Prisma.ReservationWhereInput {
    const where: Prisma.ReservationWhereInput = {};
    if (filter.from || filter.to) {
      where.startsAt = { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) };
    }
    if (filter.statuses) where.status = { in: filter.statuses };
    if (filter.customerId) where.customerId = filter.customerId;
    return where;
  }

  /** Customer.reservations with these arguments, batched across every customer in the request. */
  forCustomers(filter: Omit<ReservationFilter, 'customerId'>): DataLoader<string, Reservation[]> {
    const key = JSON.stringify([filter.from?.toISOString() ?? null, filter.to?.toISOString() ?? null, filter.statuses ?? null]);
    let loader = this.byCustomer.get(key);
    if (!loader) {
      loader = new DataLoader(async (customerIds) => {
        const valid = customerIds.filter(isUuid);
        const rows =
          valid.length === 0
            ? []
            : await this.prisma.reservation.findMany({
                where: { ...this.where(filter), customerId: { in: valid } },
                orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
              });
        const grouped = new Map<string, Reservation[]>();
        for (const row of rows) {
          const list = grouped.get(row.customerId) ?? [];
          list.push(row);
          grouped.set(row.customerId, list);
        }
        return customerIds.map((id) => grouped.get(id) ?? []);
      });
      this.byCustomer.set(key, loader);
    }
    return loader;
  }

  async page(page: PageRequest, filter: ReservationFilter): Promise<Connection<Reservation>> {
    const where = this.where(filter);
    const rows = await this.prisma.reservation.findMany(idOrderedPage(where, page));
    for (const row of rows) this.byId.prime(row.id, row);
    return toConnection(rows, page, () => this.prisma.reservation.count({ where }));
  }

  /**
   * The reservation that holds this idempotency key, or null: how a client settles a booking
   * whose outcome it did not learn (OUTCOME_UNKNOWN).
   */
  async withIdempotencyKey(key: string): Promise<Reservation | null> {
    const found = await this.byIdempotencyKey(this.prisma, key);
    return found && this.remember(found);
  }

  /** The reservation made with this key while the key is kept, or null; CONFLICT when its payload differed. */
  async replayed(idempotency: NonNullable<NewReservation['idempotency']>): Promise<Reservation | null> {
    const existing = await this.byIdempotencyKey(this.prisma, idempotency.key);
    return existing && this.keyIsLive(existing, this.clock()) ? this.remember(replay(existing, idempotency.fingerprint)) : null;
  }

  /** The tenant's horizon in days: its own, or the service's default. */
  private horizonDays(settings: BookingSettings): number {
    return settings.bookingHorizonDays ?? this.limits.bookingHorizonDays;
  }

  /** Settings as clients see them: the horizon in effect, the service's default included. */
  private shown(settings: EffectiveSettings): EffectiveSettings {
    return { ...settings, bookingHorizonDays: this.horizonDays(settings) };
  }

  async settings(): Promise<EffectiveSettings> {
    return this.shown(await readSettings(this.prisma, this.prisma.$tenantId));
  }

  async updateSettings(change: (current: BookingSettings) => BookingSettings): Promise<EffectiveSettings> {
    // Under the capacity lock, so a booking never checks against settings being replaced.
    // The stored values are merged (a horizon never set stays null, following the service's default).
    return this.shown(
      await this.underCapacityLock(async (tx) => {
        const { updatedAt: _, ...current } = await readSettings(tx, this.prisma.$tenantId);
        return writeSettings(tx, this.prisma.$tenantId, change(current));
      }),
    );
  }

  async create(input: NewReservation): Promise<Reservation> {
    try {
      return this.remember(
        await this.underCapacityLock(async (tx) => {
          const now = this.clock();
          if (input.idempotency) {
            // Checked again under the lock: a racing request with the same key may have just committed.
            const existing = await this.byIdempotencyKey(tx, input.idempotency.key);
            if (existing && this.keyIsLive(existing, now)) return replay(existing, input.idempotency.fingerprint);
            if (existing) {
              // An expired key is taken off its old booking here, under the lock and in the
              // transaction that books with it: the unique index then admits the new row, a racing
              // request with the same key waits and finds that row, and a booking refused below
              // rolls the release back with it. Key and fingerprint go together (a CHECK wants
              // both or neither); updatedAt stays, the reservation did not change for its client.
              await tx.reservation.update({
                where: { id: existing.id },
                data: { idempotencyKey: null, idempotencyFingerprint: null, updatedAt: existing.updatedAt },
              });
            }
          }
          const settings = await readSettings(tx, this.prisma.$tenantId);
          checkWithinHorizon(input.startsAt, now, this.horizonDays(settings), 'input.startsAt');
          const endsAt = addMinutes(input.startsAt, settings.defaultDurationMinutes);
          await this.assertCapacity(tx, settings, input.startsAt, endsAt, input.partySize, null);
          return tx.reservation.create({
            data: {
              customerId: input.customerId,
              startsAt: input.startsAt,
              endsAt,
              partySize: input.partySize,
              notes: input.notes,
              idempotencyKey: input.idempotency?.key ?? null,
              idempotencyFingerprint: input.idempotency?.fingerprint ?? null,
              // The key's age is createdAt measured against this clock, so the clock stamps it.
              createdAt: now,
              updatedAt: now,
            },
          });
        }),
      );
    } catch (error) {
      // The unique index on (tenant, idempotency key) is the last word should another writer
      // ever insert without the lock: the duplicate returns the row that won.
      if (input.idempotency && isUniqueViolation(error)) {
        const winner = await this.replayed(input.idempotency);
        if (winner) return winner;
      }
      throw error;
    }
  }

  async update(id: string, changes: ReservationChanges): Promise<Reservation> {
    return this.remember(
      await this.underCapacityLock(async (tx) => {
        const current = await tx.reservation.findFirst({ where: { id } });
        if (!current) throw notFound('input.id is not a reservation of this tenant', 'input.id');
        if (!EDITABLE_STATUSES.includes(current.status)) throw this.refused('change', current.status);
        const startsAt = changes.startsAt ?? current.startsAt;
        const partySize = changes.partySize ?? current.partySize;
        // The reservation keeps its length when it moves.
        const endsAt = new Date(startsAt.getTime() + (current.endsAt.getTime() - current.startsAt.getTime()));
        const moved = startsAt.getTime() !== current.startsAt.getTime();
        // Only a move is checked: a reservation whose start has passed keeps its party size and
        // notes editable, and a client resending the unchanged start is not refused for it.
        if (moved) checkNotStarted(startsAt, this.clock(), 'input.startsAt');
        if (moved || partySize > current.partySize) {
          const settings = await readSettings(tx, this.prisma.$tenantId);
          if (moved) checkWithinHorizon(startsAt, this.clock(), this.horizonDays(settings), 'input.startsAt');
          await this.assertCapacity(tx, settings, startsAt, endsAt, partySize, id);
        }
        // Conditional on the status still being editable: transitions do not take the lock.
        const [updated] = await tx.reservation.updateManyAndReturn({
          where: { id, status: { in: EDITABLE_STATUSES } },
          data: { startsAt, endsAt, partySize, ...(changes.notes !== undefined ? { notes: changes.notes } : {}) },
        });
        if (!updated) throw await this.explainMiss(id, 'change', tx);
        return updated;
      }),
    );
  }

  /**
   * Moves a reservation along the status machine with one conditional UPDATE (WHERE status IN
   * the allowed origins): of two racing transitions only one matches a row, the other is refused.
   */
  async transition(id: string, name: TransitionName, cancellationReason: string | null = null): Promise<Reservation> {
    const { from, to, verb } = TRANSITIONS[name];
    const [updated] = await this.prisma.reservation.updateManyAndReturn({
      where: { id, status: { in: from } },
      data: { status: to, ...(to === 'CANCELLED' ? { cancellationReason } : {}) },
    });
    if (!updated) throw await this.explainMiss(id, verb, this.prisma);
    return this.remember(updated);
  }

  /**
   * Remaining capacity for each slot of the day that has not started yet (none of a past day),
   * from one query over the day's bookings.
   */
  async availability(day: string, partySize: number): Promise<AvailabilitySlot[]> {
    const settings = await this.settings();
    const now = this.clock();
    const starts = slotStarts(day, settings).filter(
      (startsAt) => !hasStarted(startsAt, now) && !isBeyondHorizon(startsAt, now, this.horizonDays(settings)),
    );
    const first = starts[0];
    const last = starts.at(-1);
    if (first === undefined || last === undefined) return [];
    const bookings = await this.occupying(this.prisma, first, addMinutes(last, settings.defaultDurationMinutes), null);
    return starts.map((startsAt) => {
      const endsAt = addMinutes(startsAt, settings.defaultDurationMinutes);
      // Exactly the check createReservation makes, so an available slot can be booked.
      const remaining = Math.max(0, settings.capacity - peakOccupancy(bookings, startsAt, endsAt));
      return { startsAt, endsAt, remainingCapacity: remaining, available: remaining >= partySize };
    });
  }

  private byIdempotencyKey(db: Tx | ReservationDb, key: string): Promise<Reservation | null> {
    return db.reservation.findFirst({ where: { idempotencyKey: key } });
  }

  /**
   * A key answers repeats for IDEMPOTENCY_KEY_TTL_HOURS after its booking was made, as long as a
   * client may still be retrying it; a key reused later than that is a new booking.
   */
  private keyIsLive(reservation: Reservation, now: Date): boolean {
    return reservation.createdAt.getTime() > addMinutes(now, -this.limits.idempotencyKeyTtlHours * 60).getTime();
  }

  /**
   * Runs `work` in a transaction that first takes the tenant's capacity lock (see the class
   * comment). A burst of one tenant's bookings queues on that lock, each holding a pooled
   * connection, so under load Prisma may give up on a transaction: SERVICE_UNAVAILABLE.
   */
  private underCapacityLock<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return unavailableIfTimedOut(this.prisma.$tenantTransaction(work, { lockClass: CAPACITY_LOCK_CLASS, ...TRANSACTION_OPTIONS }));
  }

  /** Seat-holding reservations overlapping [from, to). */
  private occupying(db: Tx | ReservationDb, from: Date, to: Date, excludeId: string | null) {
    return db.reservation.findMany({
      where: {
        status: { in: OCCUPYING_STATUSES },
        // The lower bound keeps the (tenant_id, starts_at) index scan to about a day, however
        // long the tenant's history: nothing that started earlier can still be running.
        startsAt: { lt: to, gt: addMinutes(from, -MAX_DURATION_MINUTES) },
        endsAt: { gt: from },
        ...(excludeId ? { id: { not: excludeId } } : {}),
      },
      select: { startsAt: true, endsAt: true, partySize: true },
    });
  }

  private async assertCapacity(
    tx: Tx,
    settings: BookingSettings,
    startsAt: Date,
    endsAt: Date,
    partySize: number,
    excludeId: string | null,
  ): Promise<void> {
    const peak = peakOccupancy(await this.occupying(tx, startsAt, endsAt, excludeId), startsAt, endsAt);
    if (peak + partySize > settings.capacity) {
      throw capacityExceeded(partySize, settings.capacity - peak, settings.capacity, startsAt, endsAt);
    }
  }

  private refused(verb: string, status: ReservationStatus): GraphQLError {
    return new GraphQLError(`Cannot ${verb} a reservation that is ${status}`, {
      extensions: { code: ErrorCode.BadUserInput, field: 'input.id', status },
    });
  }

  /** Why a conditional update matched nothing: no such reservation here, or its status. */
  private async explainMiss(id: string, verb: string, db: Tx | ReservationDb): Promise<GraphQLError> {
    const current = await db.reservation.findFirst({ where: { id }, select: { status: true } });
    return current ? this.refused(verb, current.status) : notFound('input.id is not a reservation of this tenant', 'input.id');
  }

  private remember(reservation: Reservation): Reservation {
    this.byId.clear(reservation.id).prime(reservation.id, reservation);
    return reservation;
  }
}
