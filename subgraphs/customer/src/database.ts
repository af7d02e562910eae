import path from 'node:path';
import type { OpenDatabase } from '@reservations/platform/database/connection';
import { PrismaClient } from './generated/prisma/client';

export const migrationsDir = path.join(__dirname, '..', 'prisma', 'migrations');

/** Query events stay on: they feed query counting in tests and, later, duration metrics. */
export function createCustomerPrisma(database: OpenDatabase) {
  return new PrismaClient({
    adapter: database.adapter,
    log: [{ emit: 'event', level: 'query' }],
    // Bounded like single statements (DATABASE_* timeouts), so a transaction cannot outlast the gateway's attempt.
    transactionOptions: database.transactionOptions,
  });
}

export type CustomerPrisma = ReturnType<typeof createCustomerPrisma>;
