import { openDatabase, type DatabaseTarget } from '@reservations/platform/database/connection';
import { applyMigrations } from '@reservations/platform/database/migrations';
import { createCustomerPrisma, migrationsDir as customerMigrations } from '@reservations/customer-subgraph/database';
import { createReservationPrisma, migrationsDir as reservationMigrations } from '@reservations/reservation-subgraph/database';

/** The size of the data set every scenario runs on. */
export const DATA_SET = {
  tenants: 4,
  customersPerTenant: 300,
  reservationsPerCustomer: 3,
  productsPerTenant: 2_500,
  categoriesPerTenant: 10,
} as const;

export interface SeededData {
  /** The tenant every scenario queries; the others make the tables realistic, not tenant-sized. */
  tenant: string;
  tenants: string[];
  /** The load tenant's customer ids, for queries that rotate over them. */
  customerIds: string[];
  totals: { customers: number; reservations: number; products: number; categories: number };
}

const ADJECTIVES = ['Spicy', 'Smoked', 'Roasted', 'Fresh', 'Classic', 'Crispy', 'Grilled', 'Creamy', 'Wild', 'Sweet'];
const DISHES = ['Soup', 'Salad', 'Pizza', 'Pasta', 'Burger', 'Tart', 'Risotto', 'Curry', 'Sandwich', 'Bowl', 'Stew'];
const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Margaret', 'Ken', 'Radia'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Backus', 'Hamilton', 'Thompson'];
const STATUSES = ['PENDING', 'CONFIRMED', 'COMPLETED', 'CANCELLED'] as const;

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;

/** Rows go in batches: one statement per batch keeps seeding to seconds, not minutes. */
async function inBatches<T>(rows: T[], size: number, insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let offset = 0; offset < rows.length; offset += size) await insert(rows.slice(offset, offset + size));
}

/**
 * Migrates both subgraphs' databases and fills them with the bench data set, through the
 * subgraphs' own Prisma clients so the rows are what the services write. Each database is
 * closed again before the services open it (an embedded database has one owner at a time).
 */
export async function seedDataSet(targets: { customer: DatabaseTarget; reservation: DatabaseTarget }): Promise<SeededData> {
  const tenants = Array.from({ length: DATA_SET.tenants }, (_, i) => `bench-${i + 1}`);
  const customerIds = new Map<string, string[]>();
  const totals = { customers: 0, reservations: 0, products: 0, categories: 0 };

  const customerDb = await openDatabase(targets.customer);
  try {
    await applyMigrations(customerDb.executor, customerMigrations);
    const prisma = createCustomerPrisma(customerDb);
    for (const tenantId of tenants) {
      const categories = await prisma.category.createManyAndReturn({
        data: Array.from({ length: DATA_SET.categoriesPerTenant }, (_, i) => ({ tenantId, name: `${pick(DISHES, i)}s`, position: i })),
        select: { id: true },
      });
      totals.categories += categories.length;
      const products = Array.from({ length: DATA_SET.productsPerTenant }, (_, i) => ({
        tenantId,
        categoryId: pick(categories, i).id,
        name: `${pick(ADJECTIVES, i)} ${pick(DISHES, Math.floor(i / ADJECTIVES.length))} #${i + 1}`,
        description: `House ${pick(DISHES, i).toLowerCase()}, made to order.`,
        priceCents: 450 + ((i * 37) % 2_500),
        isActive: i % 10 !== 0,
      }));
      await inBatches(products, 1_000, (data) => prisma.product.createMany({ data }));
      totals.products += products.length;
      const customers = await prisma.customer.createManyAndReturn({
        data: Array.from({ length: DATA_SET.customersPerTenant }, (_, i) => ({
          tenantId,
          name: `${pick(FIRST_NAMES, i)} ${pick(LAST_NAMES, Math.floor(i / FIRST_NAMES.length))}`,
          email: `guest${i + 1}@${tenantId}.example.com`,
          phoneE164: `+3161${String(1_000_000 + i).padStart(7, '0')}`,
        })),
        select: { id: true },
      });
      customerIds.set(
        tenantId,
        customers.map((customer) => customer.id),
      );
      totals.customers += customers.length;
    }
    await prisma.$disconnect();
  } finally {
    await customerDb.close();
  }

  const reservationDb = await openDatabase(targets.reservation);
  try {
    await applyMigrations(reservationDb.executor, reservationMigrations);
    const prisma = createReservationPrisma(reservationDb);
    const day = Date.UTC(2026, 11, 1, 17, 0);
    for (const tenantId of tenants) {
      await prisma.reservationSettings.create({
        data: { tenantId, capacity: 80, defaultDurationMinutes: 90, slotIntervalMinutes: 15, opensAtMinute: 11 * 60, closesAtMinute: 23 * 60 },
      });
      const rows = (customerIds.get(tenantId) ?? []).flatMap((customerId, c) =>
        Array.from({ length: DATA_SET.reservationsPerCustomer }, (_, r) => {
          const startsAt = new Date(day + ((c * DATA_SET.reservationsPerCustomer + r) % 90) * 86_400_000 + (c % 8) * 30 * 60_000);
          return {
            tenantId,
            customerId,
            startsAt,
            endsAt: new Date(startsAt.getTime() + 90 * 60_000),
            partySize: 1 + ((c + r) % 6),
            status: pick(STATUSES, c + r),
          };
        }),
      );
      await inBatches(rows, 1_000, (data) => prisma.reservation.createMany({ data }));
      totals.reservations += rows.length;
    }
    await prisma.$disconnect();
  } finally {
    await reservationDb.close();
  }

  const tenant = tenants[0]!;
  return { tenant, tenants, customerIds: customerIds.get(tenant) ?? [], totals };
}
