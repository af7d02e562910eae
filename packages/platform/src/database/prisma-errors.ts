// The runtime every subgraph's generated client is built on: its error class is the one
// those clients throw, so one check here serves every subgraph.
import { PrismaClientKnownRequestError } from '@prisma/client/runtime/client';

function hasCode(error: unknown, code: string): boolean {
  return error instanceof PrismaClientKnownRequestError && error.code === code;
}

/** A unique constraint or unique index refused the write (PostgreSQL 23505). */
export function isUniqueViolation(error: unknown): boolean {
  return hasCode(error, 'P2002');
}

/** A foreign key refused the write (PostgreSQL 23503), e.g. deleting a category that has products. */
export function isForeignKeyViolation(error: unknown): boolean {
  return hasCode(error, 'P2003');
}

/** An update or delete found no row matching its where (in the tenant-filtered stores: an unknown id, or another tenant's). */
export function isRecordNotFound(error: unknown): boolean {
  return hasCode(error, 'P2025');
}

/** The write's result, or null when it found no row to change (P2025); other errors propagate. */
export async function nullIfRecordNotFound<T>(write: Promise<T>): Promise<T | null> {
  try {
    return await write;
  } catch (error) {
    if (isRecordNotFound(error)) return null;
    throw error;
  }
}
