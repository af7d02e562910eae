import { defaultFieldResolver, getNamedType, GraphQLScalarType, isInputObjectType, type GraphQLInputType, type GraphQLSchema } from 'graphql';
import { mapSchema, MapperKind } from '@graphql-tools/utils';
import { badUserInput } from '../errors';

/** What a deferred scalar parses an invalid input to, until its field's resolver refuses it. */
export class InvalidScalarInput {
  constructor(readonly message: string) {}
}

/**
 * The same scalar, except that an invalid input value does not fail coercion: it becomes an
 * InvalidScalarInput that `applyScalarInputChecks` turns into BAD_USER_INPUT naming the field.
 *
 * Why: a coercion failure is answered before execution, without a `field` (and, for an inline
 * literal, as GRAPHQL_VALIDATION_FAILED); it is also an HTTP 400, which the gateway (that cannot
 * validate a subgraph's custom scalars itself) reports as a generic INTERNAL_SERVER_ERROR.
 * A resolver error reaches the client with its code and field.
 */
export function deferInputErrors<TInternal, TExternal>(
  scalar: GraphQLScalarType<TInternal, TExternal>,
): GraphQLScalarType<TInternal | InvalidScalarInput, TExternal> {
  const config = scalar.toConfig();
  const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
  return new GraphQLScalarType<TInternal | InvalidScalarInput, TExternal>({
    ...config,
    parseValue(value) {
      try {
        return config.parseValue(value);
      } catch (error) {
        return new InvalidScalarInput(messageOf(error));
      }
    },
    parseLiteral(ast, variables) {
      try {
        return config.parseLiteral(ast, variables);
      } catch (error) {
        return new InvalidScalarInput(messageOf(error));
      }
    },
  });
}

function mayHoldScalar(type: GraphQLInputType, names: Set<string>, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (names.has(named.name)) return true;
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((field) => mayHoldScalar(field.type, names, seen));
}

function findInvalid(value: unknown, path: string): { path: string; error: InvalidScalarInput } | null {
  if (value instanceof InvalidScalarInput) return { path, error: value };
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findInvalid(item, `${path}.${index}`);
      if (found) return found;
    }
    return null;
  }
  // Coerced input objects are plain records (no prototype); parsed scalars such as Date are not walked.
  if (value !== null && typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== null && prototype !== Object.prototype) return null;
    for (const [key, item] of Object.entries(value)) {
      const found = findInvalid(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Refuses, before the resolver runs, any argument holding an invalid value of the named
 * (deferred) scalars: BAD_USER_INPUT with `field` set to its path, e.g. `input.startsAt`.
 */
export function applyScalarInputChecks(schema: GraphQLSchema, scalarNames: string[]): GraphQLSchema {
  const names = new Set(scalarNames);
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (fieldConfig) => {
      const checked = Object.entries(fieldConfig.args ?? {})
        .filter(([, arg]) => mayHoldScalar(arg.type, names))
        .map(([name]) => name);
      if (checked.length === 0) return fieldConfig;
      const resolve = fieldConfig.resolve ?? defaultFieldResolver;
      return {
        ...fieldConfig,
        resolve(source, args: Record<string, unknown>, context, info) {
          for (const name of checked) {
            const found = findInvalid(args[name], name);
            if (found) throw badUserInput(`${found.path}: ${found.error.message}`, found.path);
          }
          return resolve(source, args, context, info);
        },
      };
    },
  });
}
