import DataLoader from 'dataloader';
import { isUuid } from '@reservations/platform/graphql/ids';
import { toConnection, type Connection, type PageRequest } from '@reservations/platform/graphql/pagination';
import type { ReservationPrisma } from '../database';
import type { Reservation } from '../generated/prisma/client';

export type { Reservation };

export interface NewReservation {
  customerId: string;
  startsAt: Date;
  partySize: number;
}

/**
 * Every read and write of reservations goes through here, always filtered by tenant.
 * Customers are only ids here: their data lives in the customer subgraph.
 */
export class ReservationStore {
  /** One query per batch of reservation ids. */
  readonly byId: DataLoader<string, Reservation | null>;
  /** One query per batch of customers, whatever the number of Customer.reservations fields. */
  readonly byCustomerId: DataLoader<string, Reservation[]>;

  constructor(
    private readonly prisma: ReservationPrisma,
    private readonly tenantId: string,
  ) {
    this.byId = new DataLoader(async (ids) => {
      const rows = await this.findWhereIdIn('id', ids);
      const found = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    });
    this.byCustomerId = new DataLoader(async (customerIds) => {
      const rows = await this.findWhereIdIn('customerId', customerIds);
      const grouped = new Map<string, Reservation[]>();
      for (const row of rows) {
        const list = grouped.get(row.customerId) ?? [];
        list.push(row);
        grouped.set(row.customerId, list);
      }
      return customerIds.map((id) => grouped.get(id) ?? []);
    });
  }

  private async findWhereIdIn(column: 'id' | 'customerId', ids: readonly string[]): Promise<Reservation[]> {
    // Ids that are not UUIDs cannot match and must not reach a uuid column.
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    return this.prisma.reservation.findMany({
      where: { tenantId: this.tenantId, [column]: { in: valid } },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    });
  }

  async page(page: PageRequest): Promise<Connection<Reservation>> {
    const where = { tenantId: this.tenantId };
    const rows = await this.prisma.reservation.findMany({
      where: page.afterId ? { ...where, id: { gt: page.afterId } } : where,
      orderBy: { id: 'asc' },
      take: page.take + 1,
    });
    for (const row of rows) this.byId.prime(row.id, row);
    return toConnection(rows, page, () => this.prisma.reservation.count({ where }));
  }

  async create(input: NewReservation): Promise<Reservation> {
    const reservation = await this.prisma.reservation.create({ data: { tenantId: this.tenantId, ...input } });
    this.byId.prime(reservation.id, reservation);
    return reservation;
  }
}
