import {
  defaultFieldResolver,
  getNullableType,
  isInputObjectType,
  isListType,
  type GraphQLArgumentConfig,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { getDirective, mapSchema, MapperKind } from '@graphql-tools/utils';
import { badUserInput } from '../errors';

/** Checks one argument value, reporting problems under `path` (e.g. `input.email`). */
type Check = (value: unknown, path: string) => void;

function maxLengthOf(schema: GraphQLSchema, node: GraphQLArgumentConfig | GraphQLInputField): number | null {
  const directive = getDirective(schema, node, 'length')?.[0];
  const max: unknown = directive?.['max'];
  return typeof max === 'number' ? max : null;
}

function checkFor(schema: GraphQLSchema, node: GraphQLArgumentConfig | GraphQLInputField, seen: Set<string>): Check | null {
  const max = maxLengthOf(schema, node);
  const nested = checkForType(schema, node.type, seen);
  if (max === null && nested === null) return null;
  return (value, path) => {
    if (max !== null && typeof value === 'string' && value.length > max) {
      throw badUserInput(`${path} must be at most ${max} characters`, path);
    }
    nested?.(value, path);
  };
}

function checkForType(schema: GraphQLSchema, type: GraphQLInputType, seen: Set<string>): Check | null {
  const inner = getNullableType(type);
  if (isListType(inner)) {
    const item = checkForType(schema, inner.ofType, seen);
    if (item === null) return null;
    return (value, path) => {
      if (Array.isArray(value)) value.forEach((entry, index) => item(entry, `${path}.${index}`));
    };
  }
  if (!isInputObjectType(inner) || seen.has(inner.name)) return null;
  // Recursive input types are checked one level deep per name, which bounds the work.
  const nextSeen = new Set(seen).add(inner.name);
  const fieldChecks = Object.values(inner.getFields()).flatMap((field) => {
    const check = checkFor(schema, field, nextSeen);
    return check ? [[field.name, check] as const] : [];
  });
  if (fieldChecks.length === 0) return null;
  return (value, path) => {
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    for (const [name, check] of fieldChecks) check(record[name], `${path}.${name}`);
  };
}

/**
 * Enforces `@length(max:)` on arguments and input fields before the resolver runs, so an
 * oversized string never reaches a database and the client learns which field was too long.
 */
export function applyLengthDirective(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (fieldConfig) => {
      const argChecks = Object.entries(fieldConfig.args ?? {}).flatMap(([name, arg]) => {
        const check = checkFor(schema, arg, new Set());
        return check ? [[name, check] as const] : [];
      });
      if (argChecks.length === 0) return fieldConfig;
      const resolve = fieldConfig.resolve ?? defaultFieldResolver;
      return {
        ...fieldConfig,
        resolve(source, args: Record<string, unknown>, context, info) {
          for (const [name, check] of argChecks) check(args[name], name);
          return resolve(source, args, context, info);
        },
      };
    },
  });
}
