import type DataLoader from 'dataloader';
import { isForeignKeyViolation, isRecordNotFound, nullIfRecordNotFound, unavailableIfTimedOut } from '@reservations/platform/database/prisma-errors';
import { decodeKeyedCursor, encodeKeyedCursor, rowsToFetch, toConnection, type Connection } from '@reservations/platform/graphql/pagination';
import type { CustomerDb } from '../database';
import type { Category, Prisma } from '../generated/prisma/client';
import { byIdLoader } from './by-id-loader';

export type { Category };

/**
 * Categories are listed in display order, so their cursor holds the sort key (position, id)
 * rather than the id alone; the version prefix keeps it apart from the id-only cursors.
 */
const CURSOR_PREFIX = 'c1:';

export interface CategoryPageRequest {
  take: number;
  /** Rows strictly after this (position, id), in that order. */
  after: { position: number; id: string } | null;
}

function encodeCategoryCursor(category: Pick<Category, 'position' | 'id'>): string {
  return encodeKeyedCursor(CURSOR_PREFIX, category.position, category.id);
}

export function decodeCategoryCursor(cursor: string): { position: number; id: string } {
  const { key, id } = decodeKeyedCursor(CURSOR_PREFIX, cursor);
  return { position: key, id };
}

export interface CategoryData {
  name: string;
  position: number;
}

export type DeleteCategoryResult =
  | { kind: 'deleted'; movedProductCount: number }
  | { kind: 'not-found' }
  | { kind: 'target-not-found' }
  /** `count` is null when a product arrived between the check and the delete. */
  | { kind: 'has-products'; count: number | null };

/** Every read and write of categories, on the request's tenant-bound client. */
export class CategoryStore {
  /** One query per batch of ids: Product.category and Category references. */
  readonly byId: DataLoader<string, Category | null>;

  constructor(
    private readonly prisma: CustomerDb,
    /** Called after every write that changed the tenant's catalogue. */
    private readonly changed: () => void = () => undefined,
  ) {
    this.byId = byIdLoader((ids) => this.prisma.category.findMany({ where: { id: { in: ids } } }));
  }

  async page(page: CategoryPageRequest): Promise<Connection<Category>> {
    const where: Prisma.CategoryWhereInput = {};
    const after = page.after;
    const rows = await this.prisma.category.findMany({
      where: after
        ? {
            ...where,
            OR: [{ position: { gt: after.position } }, { position: after.position, id: { gt: after.id } }],
          }
        : where,
      orderBy: [{ position: 'asc' }, { id: 'asc' }],
      take: rowsToFetch(page),
    });
    for (const row of rows) this.byId.prime(row.id, row);
    return toConnection(rows, page, () => this.prisma.category.count({ where }), encodeCategoryCursor);
  }

  /** Unique violations (the name, ignoring case) propagate. */
  async create(data: CategoryData): Promise<Category> {
    const category = await this.prisma.category.create({ data });
    this.byId.prime(category.id, category);
    this.changed();
    return category;
  }

  /** Null when the tenant has no such category. Unique violations propagate. */
  async update(id: string, data: Partial<CategoryData>): Promise<Category | null> {
    const category = await nullIfRecordNotFound(this.prisma.category.update({ where: { id }, data }));
    if (category) {
      this.byId.clear(id).prime(id, category);
      this.changed();
    }
    return category;
  }

  /**
   * Deletes a category, first moving its products to `moveProductsTo` when given, all in one
   * transaction: either the products moved and the category is gone, or nothing changed.
   * The (tenant_id, category_id) foreign key (ON DELETE RESTRICT) is the final guard against
   * a product added concurrently.
   */
  async delete(id: string, moveProductsTo: string | null): Promise<DeleteCategoryResult> {
    try {
      const result = await unavailableIfTimedOut(
        this.prisma.$tenantTransaction(async (tx): Promise<DeleteCategoryResult> => {
          const category = await tx.category.findFirst({ where: { id }, select: { id: true } });
          if (!category) return { kind: 'not-found' };
          let movedProductCount = 0;
          if (moveProductsTo !== null) {
            const target = await tx.category.findFirst({ where: { id: moveProductsTo }, select: { id: true } });
            if (!target) return { kind: 'target-not-found' };
            ({ count: movedProductCount } = await tx.product.updateMany({
              where: { categoryId: id },
              data: { categoryId: moveProductsTo },
            }));
          } else {
            const count = await tx.product.count({ where: { categoryId: id } });
            if (count > 0) return { kind: 'has-products', count };
          }
          await tx.category.delete({ where: { id } });
          return { kind: 'deleted', movedProductCount };
        }),
      );
      this.byId.clear(id);
      if (result.kind === 'deleted') this.changed();
      return result;
    } catch (error) {
      if (isForeignKeyViolation(error)) return { kind: 'has-products', count: null };
      // Deleted by a concurrent request between the check and the delete.
      if (isRecordNotFound(error)) return { kind: 'not-found' };
      throw error;
    }
  }
}
