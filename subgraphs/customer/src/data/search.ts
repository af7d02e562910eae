/**
 * Prisma's `contains` becomes `ILIKE '%' || term || '%'` without escaping LIKE's wildcards, so
 * a search for "_" would match every name. Escaped with LIKE's default escape character (the
 * backslash), the term matches literally.
 */
export function literalLikeTerm(term: string): string {
  return term.replace(/[\\%_]/g, (char) => `\\${char}`);
}
