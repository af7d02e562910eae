import DataLoader from 'dataloader';
import { isUuid } from '@reservations/platform/graphql/ids';
import { toConnection, type Connection, type PageRequest } from '@reservations/platform/graphql/pagination';
import type { CustomerPrisma } from '../database';
import type { Customer } from '../generated/prisma/client';

export type { Customer };

/**
 * Every read and write of customers goes through here, always filtered by tenant, so no
 * resolver can forget the tenant condition.
 */
export class CustomerStore {
  /** One query per batch of ids however many references or fields ask for customers. */
  readonly byId: DataLoader<string, Customer | null>;

  constructor(
    private readonly prisma: CustomerPrisma,
    private readonly tenantId: string,
  ) {
    this.byId = new DataLoader(async (ids) => {
      const valid = ids.filter(isUuid);
      const rows =
        valid.length === 0
          ? []
          : await this.prisma.customer.findMany({ where: { tenantId: this.tenantId, id: { in: valid } } });
      const found = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    });
  }

  async page(page: PageRequest): Promise<Connection<Customer>> {
    const where = { tenantId: this.tenantId };
    const rows = await this.prisma.customer.findMany({
      where: page.afterId ? { ...where, id: { gt: page.afterId } } : where,
      orderBy: { id: 'asc' },
      take: page.take + 1,
    });
    for (const row of rows) this.byId.prime(row.id, row);
    return toConnection(rows, page, () => this.prisma.customer.count({ where }));
  }

  async create(input: { name: string; email: string }): Promise<Customer> {
    const customer = await this.prisma.customer.create({ data: { tenantId: this.tenantId, ...input } });
    this.byId.prime(customer.id, customer);
    return customer;
  }
}
