import { isForeignKeyViolation, isUniqueViolation } from '@reservations/platform/database/prisma-errors';
import { badUserInput, conflict, notFound } from '@reservations/platform/errors';
import { parseId } from '@reservations/platform/graphql/ids';
import { optionalText, requiredText } from '@reservations/platform/graphql/validation';
import type { CustomerContext } from '../context';
import type { CategoryData } from '../data/categories';
import type { CustomerData } from '../data/customers';
import type { ProductData } from '../data/products';
import type { MutationResolvers } from '../generated/graphql';
import {
  DEFAULT_CURRENCY,
  normalizeCurrency,
  normalizeEmail,
  normalizePhone,
  notNull,
  optionalId,
  position,
  priceCents,
  requiredName,
} from '../validation';

const emailTaken = () => conflict('A customer with this email already exists', 'input.email');
const categoryNameTaken = () => conflict('A category with this name already exists (names ignore case)', 'input.name');
/** NOT_FOUND for an id (at `field`) that is not one of the tenant's `kind`s. */
const notOfTenant = (kind: 'customer' | 'category' | 'product', field = 'input.id') => notFound(`${field} is not a ${kind} of this tenant`, field);

/** Maps a Prisma unique violation to the CONFLICT the caller names; anything else propagates. */
async function orConflict<T>(write: Promise<T>, conflictError: () => Error): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error)) throw conflictError();
    throw error;
  }
}

/** A product's category must be the tenant's: checked up front, and by the foreign key on a race. */
async function productWrite<T>(context: CustomerContext, categoryId: string | null | undefined, write: () => Promise<T>): Promise<T> {
  if (categoryId) {
    const category = await context.categories().byId.load(categoryId);
    if (!category) throw notOfTenant('category', 'input.categoryId');
  }
  try {
    return await write();
  } catch (error) {
    if (isForeignKeyViolation(error)) throw notOfTenant('category', 'input.categoryId');
    throw error;
  }
}

// Arguments as GraphQL delivers them: an omitted input field is undefined, an explicit null is null.
export const Mutation: MutationResolvers = {
  async createCustomer(_, { input }, context) {
    const data: CustomerData = {
      name: requiredText(input.name, 'input.name'),
      email: normalizeEmail(input.email, 'input.email'),
      phoneE164: normalizePhone(input.phone, 'input.phone'),
      notes: optionalText(input.notes),
    };
    return { customer: await orConflict(context.customers().create(data), emailTaken) };
  },

  async updateCustomer(_, { input }, context) {
    const id = parseId(input.id, 'input.id');
    const data: Partial<CustomerData> = {};
    if (input.name !== undefined) data.name = requiredName(input.name, 'input.name');
    if (input.email !== undefined) data.email = normalizeEmail(notNull(input.email, 'input.email'), 'input.email');
    if (input.phone !== undefined) data.phoneE164 = normalizePhone(input.phone, 'input.phone');
    if (input.notes !== undefined) data.notes = optionalText(input.notes);
    const customer = await orConflict(context.customers().update(id, data), emailTaken);
    if (!customer) throw notOfTenant('customer');
    return { customer };
  },

  async deleteCustomer(_, { input }, context) {
    const id = parseId(input.id, 'input.id');
    if (!(await context.customers().delete(id))) throw notOfTenant('customer');
    return { deletedId: id };
  },

  async createCategory(_, { input }, context) {
    const data: CategoryData = {
      name: requiredText(input.name, 'input.name'),
      position: position(input.position ?? 0, 'input.position'),
    };
    return { category: await orConflict(context.categories().create(data), categoryNameTaken) };
  },

  async updateCategory(_, { input }, context) {
    const id = parseId(input.id, 'input.id');
    const data: Partial<CategoryData> = {};
    if (input.name !== undefined) data.name = requiredName(input.name, 'input.name');
    if (input.position !== undefined) data.position = position(notNull(input.position, 'input.position'), 'input.position');
    const category = await orConflict(context.categories().update(id, data), categoryNameTaken);
    if (!category) throw notOfTenant('category');
    return { category };
  },

  async deleteCategory(_, { input }, context) {
    const id = parseId(input.id, 'input.id');
    const target = optionalId(input.moveProductsToCategoryId, 'input.moveProductsToCategoryId');
    if (target === id) {
      throw badUserInput('input.moveProductsToCategoryId must be another category than the one deleted', 'input.moveProductsToCategoryId');
    }
    const result = await context.categories().delete(id, target);
    switch (result.kind) {
      case 'deleted':
        return { deletedId: id, movedProductCount: result.movedProductCount };
      case 'not-found':
        throw notOfTenant('category');
      case 'target-not-found':
        throw notOfTenant('category', 'input.moveProductsToCategoryId');
      case 'has-products': {
        const products = result.count === null ? 'products' : `${result.count} product(s)`;
        throw conflict(`The category still has ${products}: delete or move them first, or pass moveProductsToCategoryId to move them`, 'input.id');
      }
    }
  },

  async createProduct(_, { input }, context) {
    const data: ProductData = {
      name: requiredText(input.name, 'input.name'),
      description: optionalText(input.description),
      priceCents: priceCents(input.priceCents, 'input.priceCents'),
      currency: normalizeCurrency(input.currency ?? DEFAULT_CURRENCY, 'input.currency'),
      categoryId: optionalId(input.categoryId, 'input.categoryId'),
      isActive: input.isActive ?? true,
    };
    return { product: await productWrite(context, data.categoryId, () => context.products().create(data)) };
  },

  async updateProduct(_, { input }, context) {
    const id = parseId(input.id, 'input.id');
    const data: Partial<ProductData> = {};
    if (input.name !== undefined) data.name = requiredName(input.name, 'input.name');
    if (input.description !== undefined) data.description = optionalText(input.description);
    if (input.priceCents !== undefined) data.priceCents = priceCents(notNull(input.priceCents, 'input.priceCents'), 'input.priceCents');
    if (input.currency !== undefined) data.currency = normalizeCurrency(notNull(input.currency, 'input.currency'), 'input.currency');
    if (input.categoryId !== undefined) data.categoryId = optionalId(input.categoryId, 'input.categoryId');
    if (input.isActive !== undefined) data.isActive = notNull(input.isActive, 'input.isActive');
    const product = await productWrite(context, data.categoryId, () => context.products().update(id, data));
    if (!product) throw notOfTenant('product');
    return { product };
  },

  async deleteProduct(_, { input }, context) {
    const id = parseId(input.id, 'input.id');
    if (!(await context.products().delete(id))) throw notOfTenant('product');
    return { deletedId: id };
  },
};
