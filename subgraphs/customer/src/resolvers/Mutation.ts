import { conflict } from '@reservations/platform/errors';
import { requiredText } from '@reservations/platform/graphql/validation';
import type { CustomerContext } from '../context';
import type { Customer } from '../data/customers';
import { Prisma } from '../generated/prisma/client';
import { normalizeEmail } from '../validation';

interface CreateCustomerInput {
  name: string;
  email: string;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

export const MutationResolvers = {
  async createCustomer(_: unknown, args: { input: CreateCustomerInput }, context: CustomerContext): Promise<Customer> {
    const input = {
      name: requiredText(args.input.name, 'input.name'),
      email: normalizeEmail(args.input.email, 'input.email'),
    };
    try {
      return await context.customers().create(input);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('A customer with this email already exists', 'input.email');
      throw error;
    }
  },
};
