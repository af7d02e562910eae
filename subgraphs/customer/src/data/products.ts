import DataLoader from 'dataloader';
import { nullIfRecordNotFound } from '@reservations/platform/database/prisma-errors';
import { idOrderedPage, rowsToFetch, toConnection, type Connection, type PageRequest } from '@reservations/platform/graphql/pagination';
import type { CustomerDb } from '../database';
import { Prisma, type Product } from '../generated/prisma/client';
import { byIdLoader } from './by-id-loader';
import { literalLikeTerm } from './search';

export type { Product };

export interface ProductFilter {
  /** Products of this category; null: any category (or none). */
  categoryId: string | null;
  isActive: boolean | null;
  /** Case-insensitive substring of the name; null: no filter. */
  search: string | null;
}

export interface ProductData {
  name: string;
  description: string | null;
  priceCents: number;
  currency: string;
  categoryId: string | null;
  isActive: boolean;
}

/** One page of one category's products, as `Category.products` asks for it. */
export interface CategoryProductsKey {
  categoryId: string;
  isActive: boolean | null;
  page: PageRequest;
}

/** Product columns under the model's field names, for the raw query below. */
const PRODUCT_COLUMNS = Prisma.sql`p.id, p.tenant_id AS "tenantId", p.category_id AS "categoryId", p.name,
  p.description, p.price_cents AS "priceCents", p.currency, p.is_active AS "isActive",
  p.created_at AS "createdAt", p.updated_at AS "updatedAt"`;

/** Every read and write of products, on the request's tenant-bound client. */
export class ProductStore {
  /** One query per batch of ids: Product references and reads by id. */
  readonly byId: DataLoader<string, Product | null>;
  /**
   * `Category.products` for every category of a response in one query per distinct
   * (isActive, first, after): a LATERAL join takes each category's first rows in id order
   * through the (tenant_id, category_id, id) index, so a menu of N categories is not N queries.
   */
  readonly inCategory: DataLoader<CategoryProductsKey, Product[], string>;
  /** The matching totalCount of those pages: one grouped count per distinct isActive. */
  readonly countInCategory: DataLoader<{ categoryId: string; isActive: boolean | null }, number, string>;

  constructor(
    private readonly prisma: CustomerDb,
    /** Called after every write that changed the tenant's catalogue. */
    private readonly changed: () => void = () => undefined,
  ) {
    this.byId = byIdLoader((ids) => this.prisma.product.findMany({ where: { id: { in: ids } } }));

    this.inCategory = new DataLoader(
      async (keys) => {
        const byShape = groupBy(keys, (key) => JSON.stringify([key.isActive, key.page.take, key.page.afterId]));
        const pages = new Map<string, Product[]>();
        await Promise.all(
          [...byShape.values()].map(async (group) => {
            const { isActive, page } = group[0]!;
            const rows = await this.categoryPages([...new Set(group.map((key) => key.categoryId))], isActive, page);
            for (const row of rows) this.byId.prime(row.id, row);
            const byPage = groupBy(rows, (row) => categoryPageKey({ categoryId: row.categoryId!, isActive, page }));
            for (const [key, rowsOfPage] of byPage) pages.set(key, rowsOfPage);
          }),
        );
        return keys.map((key) => pages.get(categoryPageKey(key)) ?? []);
      },
      { cacheKeyFn: categoryPageKey },
    );

    this.countInCategory = new DataLoader(
      async (keys) => {
        const byActive = groupBy(keys, (key) => String(key.isActive));
        const counts = new Map<string, number>();
        await Promise.all(
          [...byActive.values()].map(async (group) => {
            const isActive = group[0]!.isActive;
            const rows = await this.prisma.product.groupBy({
              by: ['categoryId'],
              where: {
                categoryId: { in: group.map((key) => key.categoryId) },
                ...(isActive === null ? {} : { isActive }),
              },
              _count: { _all: true },
            });
            for (const row of rows) counts.set(categoryCountKey({ categoryId: row.categoryId!, isActive }), row._count._all);
          }),
        );
        return keys.map((key) => counts.get(categoryCountKey(key)) ?? 0);
      },
      { cacheKeyFn: categoryCountKey },
    );
  }

  private categoryPages(categoryIds: string[], isActive: boolean | null, page: PageRequest): Promise<Product[]> {
    const active = isActive === null ? Prisma.empty : Prisma.sql`AND is_active = ${isActive}`;
    const after = page.afterId === null ? Prisma.empty : Prisma.sql`AND id > ${page.afterId}::uuid`;
    return this.prisma.$tenantQueryRaw<Product[]>(
      (tenantId) => Prisma.sql`
      SELECT ${PRODUCT_COLUMNS}
        FROM unnest(${categoryIds}::uuid[]) AS c(id)
        CROSS JOIN LATERAL (
          SELECT * FROM products
           WHERE tenant_id = ${tenantId} AND category_id = c.id ${active} ${after}
           ORDER BY id
           LIMIT ${rowsToFetch(page)}
        ) p
       ORDER BY p.category_id, p.id`,
    );
  }

  private where(filter: ProductFilter): Prisma.ProductWhereInput {
    const where: Prisma.ProductWhereInput = {};
    if (filter.categoryId !== null) where.categoryId = filter.categoryId;
    if (filter.isActive !== null) where.isActive = filter.isActive;
    // ILIKE '%term%', backed by the products_name_trgm_idx trigram index (see the migration).
    if (filter.search !== null) where.name = { contains: literalLikeTerm(filter.search), mode: 'insensitive' };
    return where;
  }

  async page(filter: ProductFilter, page: PageRequest): Promise<Connection<Product>> {
    const where = this.where(filter);
    const rows = await this.prisma.product.findMany(idOrderedPage(where, page));
    for (const row of rows) this.byId.prime(row.id, row);
    return toConnection(rows, page, () => this.prisma.product.count({ where }));
  }

  /** Foreign key violations (a category of no tenant's) propagate. */
  async create(data: ProductData): Promise<Product> {
    const product = await this.prisma.product.create({ data });
    this.byId.prime(product.id, product);
    this.changed();
    return product;
  }

  /** Null when the tenant has no such product. Foreign key violations propagate. */
  async update(id: string, data: Partial<ProductData>): Promise<Product | null> {
    const product = await nullIfRecordNotFound(this.prisma.product.update({ where: { id }, data }));
    if (product) {
      this.byId.clear(id).prime(id, product);
      this.changed();
    }
    return product;
  }

  /** False when the tenant has no such product. */
  async delete(id: string): Promise<boolean> {
    const { count } = await this.prisma.product.deleteMany({ where: { id } });
    this.byId.clear(id);
    if (count > 0) this.changed();
    return count > 0;
  }
}

function categoryPageKey(key: CategoryProductsKey): string {
  return JSON.stringify([key.categoryId, key.isActive, key.page.take, key.page.afterId]);
}

function categoryCountKey(key: { categoryId: string; isActive: boolean | null }): string {
  return JSON.stringify([key.categoryId, key.isActive]);
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
