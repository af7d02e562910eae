import type DataLoader from 'dataloader';
import { nullIfRecordNotFound } from '@reservations/platform/database/prisma-errors';
import { idOrderedPage, toConnection, type Connection, type PageRequest } from '@reservations/platform/graphql/pagination';
import type { CustomerDb } from '../database';
import type { Customer, Prisma } from '../generated/prisma/client';
import { byIdLoader } from './by-id-loader';
import { literalLikeTerm } from './search';

export type { Customer };

export interface CustomerFilter {
  /** Case-insensitive substring of the name or the email; null: no filter. */
  search: string | null;
}

export interface CustomerData {
  name: string;
  email: string;
  phoneE164: string | null;
  notes: string | null;
}

/**
 * Every read and write of customers goes through here, on the request's tenant-bound client:
 * the tenant condition is added by that client and enforced again by the database.
 */
export class CustomerStore {
  /** One query per batch of ids however many references or fields ask for customers. */
  readonly byId: DataLoader<string, Customer | null>;

  constructor(private readonly prisma: CustomerDb) {
    this.byId = byIdLoader((ids) => this.prisma.customer.findMany({ where: { id: { in: ids } } }));
  }

  private where(filter: CustomerFilter): Prisma.CustomerWhereInput {
    const where: Prisma.CustomerWhereInput = {};
    // ILIKE '%term%' on name and email, each backed by a trigram index (see the catalogue migration).
    if (filter.search !== null) {
      const term = literalLikeTerm(filter.search);
      where.OR = [{ name: { contains: term, mode: 'insensitive' } }, { email: { contains: term, mode: 'insensitive' } }];
    }
    return where;
  }

  async page(filter: CustomerFilter, page: PageRequest): Promise<Connection<Customer>> {
    const where = this.where(filter);
    const rows = await this.prisma.customer.findMany(idOrderedPage(where, page));
    for (const row of rows) this.byId.prime(row.id, row);
    return toConnection(rows, page, () => this.prisma.customer.count({ where }));
  }

  async create(data: CustomerData): Promise<Customer> {
    const customer = await this.prisma.customer.create({ data });
    this.byId.prime(customer.id, customer);
    return customer;
  }

  /** Null when the tenant has no such customer. Unique violations (email) propagate. */
  async update(id: string, data: Partial<CustomerData>): Promise<Customer | null> {
    const customer = await nullIfRecordNotFound(this.prisma.customer.update({ where: { id }, data }));
    if (customer) this.byId.clear(id).prime(id, customer);
    return customer;
  }

  /** False when the tenant has no such customer. */
  async delete(id: string): Promise<boolean> {
    const { count } = await this.prisma.customer.deleteMany({ where: { id } });
    this.byId.clear(id);
    return count > 0;
  }
}
