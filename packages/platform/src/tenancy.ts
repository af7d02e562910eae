import { GraphQLError, Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from './errors';

/** The header every client and the gateway send to name the tenant. */
export const TENANT_HEADER = 'x-tenant-id';

/** Tenants are slugs: lowercase letters, digits and dashes, 1 to 64 characters. */
const TENANT_PATTERN = /^[a-z0-9-]{1,64}$/;

export interface TenantContext {
  /** null when the request carried no tenant header (allowed only for introspection). */
  tenantId: string | null;
}

/**
 * Reads the tenant header. A malformed value is refused outright; a missing one is allowed
 * here so that introspection (Apollo Sandbox, rover) works, and is refused by
 * `tenantRequiredPlugin` for any operation that reaches data.
 */
export function tenantFromHeader(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  const raw = Array.isArray(value) ? value.join(',') : value;
  if (raw === '') return null;
  if (!TENANT_PATTERN.test(raw)) {
    throw new GraphQLError(`Header ${TENANT_HEADER} must match [a-z0-9-]{1,64}`, {
      extensions: { code: ErrorCode.InvalidTenant, http: { status: 400 } },
    });
  }
  return raw;
}

/** Root fields that expose only the schema, never tenant data. */
function isSchemaOnlyField(name: string): boolean {
  return name.startsWith('__') || name === '_service';
}

function selectsTenantData(selectionSet: SelectionSetNode, document: DocumentNode, seen: Set<string>): boolean {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!isSchemaOnlyField(selection.name.value)) return true;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (selectsTenantData(selection.selectionSet, document, seen)) return true;
    } else {
      const name = selection.name.value;
      if (seen.has(name)) continue;
      seen.add(name);
      const fragment = document.definitions.find((definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === name);
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION && selectsTenantData(fragment.selectionSet, document, seen)) {
        return true;
      }
    }
  }
  return false;
}

export function operationNeedsTenant(operation: OperationDefinitionNode, document: DocumentNode): boolean {
  return selectsTenantData(operation.selectionSet, document, new Set());
}

/**
 * `http` only for the plugin's refusal, which stops the whole operation; the resolvers'
 * fallback is a field error and leaves the response's status as it is.
 */
function tenantRequired(http?: { status: number }): GraphQLError {
  return new GraphQLError(`Header ${TENANT_HEADER} is required`, {
    extensions: { code: ErrorCode.TenantRequired, ...(http ? { http } : {}) },
  });
}

/**
 * Refuses, before any resolver runs, every operation that touches tenant data without a
 * tenant: nothing is read or written for it.
 */
export function tenantRequiredPlugin<TContext extends TenantContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (contextValue.tenantId !== null) return;
          if (operation && !operationNeedsTenant(operation, document)) return;
          throw tenantRequired({ status: 400 });
        },
      };
    },
  };
}

/** For resolvers: the request's tenant, which the plugin above guarantees is present. */
export function requireTenant(context: TenantContext): string {
  if (context.tenantId === null) throw tenantRequired();
  return context.tenantId;
}
