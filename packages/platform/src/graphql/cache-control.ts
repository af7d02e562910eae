import { Kind, visit, type DocumentNode, type GraphQLResolveInfo } from 'graphql';

/**
 * Cache hints for subgraphs. Apollo Server's cache-control plugin (installed by default) reads
 * `@cacheControl` from the schema's AST, computes each response's policy from the fields it
 * touched and sends it as the Cache-Control header; @apollo/gateway restricts its own policy
 * by every subgraph's header, so a gateway response is only as cacheable as its least
 * cacheable part.
 */

export type CacheScope = 'PUBLIC' | 'PRIVATE';

export interface CacheHint {
  maxAge?: number;
  scope?: CacheScope;
}

/** The part of Apollo Server's `info.cacheControl` used here (see @apollo/cache-control-types). */
interface ResolveInfoCacheControl {
  cacheHint: { restrict(hint: CacheHint): void };
  cacheHintFromType(type: never): CacheHint | undefined;
}

/**
 * Replaces the maxAge of every `@cacheControl(maxAge: N)` with N > 0 by `maxAge`, so one
 * setting governs all of a schema's cacheable hints while the .graphql file keeps showing the
 * default. Hints of 0 (never cache) and `inheritMaxAge` stay as written.
 */
export function withCacheMaxAge(document: DocumentNode, maxAge: number): DocumentNode {
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new Error(`cache maxAge must be a non-negative integer, got ${maxAge}`);
  return visit(document, {
    Directive(directive) {
      if (directive.name.value !== 'cacheControl' || !directive.arguments) return undefined;
      return {
        ...directive,
        arguments: directive.arguments.map((argument) =>
          argument.name.value === 'maxAge' && argument.value.kind === Kind.INT && Number(argument.value.value) > 0
            ? { ...argument, value: { kind: Kind.INT, value: String(maxAge) } }
            : argument,
        ),
      };
    },
  });
}

/**
 * For `__resolveReference`: applies the entity type's own `@cacheControl` hint to the
 * request. `_entities` returns a union, which the plugin cannot read a hint from, so without
 * this every entity fetch would be uncacheable; restricting (never widening) keeps a batch
 * that mixes types as cacheable as its least cacheable member. A type without a hint, or a
 * server without the plugin, leaves the policy alone (the plugin then applies its default).
 */
export function applyEntityCacheHint(info: GraphQLResolveInfo, typeName: string): void {
  const cacheControl = cacheControlOf(info);
  const type = info.schema.getType(typeName);
  if (!cacheControl || !type) return;
  const hint = cacheControl.cacheHintFromType(type as never);
  if (hint && (hint.maxAge !== undefined || hint.scope !== undefined)) cacheControl.cacheHint.restrict(hint);
}

/**
 * Restricts the policy of the field being resolved (never widens it), e.g. `{ maxAge: 0 }` in
 * a `__resolveReference` whose entity must never be cached, whatever else the batch holds.
 */
export function restrictCacheHint(info: GraphQLResolveInfo, hint: CacheHint): void {
  cacheControlOf(info)?.cacheHint.restrict(hint);
}

function cacheControlOf(info: GraphQLResolveInfo): ResolveInfoCacheControl | undefined {
  return (info as unknown as { cacheControl?: ResolveInfoCacheControl }).cacheControl;
}
