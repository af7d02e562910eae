import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type ASTNode, type DocumentNode } from 'graphql';
import { ErrorCode } from '../errors';

/**
 * PostgreSQL text cannot hold U+0000 and refuses the whole statement; no honest input needs it.
 * A literal can only carry it as an escape (`\u0000`, `\u{0}`): a raw NUL does not even parse.
 */
const NUL = '\u0000';
const MAY_ESCAPE_NUL = /\\u(?:0000|\{0+\})/;

function refused(field: string): GraphQLError {
  return new GraphQLError(`${field} contains a NUL character (U+0000), which no text field accepts`, {
    extensions: { code: ErrorCode.BadUserInput, field, http: { status: 400 } },
  });
}

/** The path of the first string holding NUL inside a variable's value, or null. */
function nulIn(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nulIn(item, `${path}.${index}`);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nulIn(item, `${path}.${key}`);
      if (found !== null) return found;
    }
  }
  return null;
}

/**
 * Where a literal sits: argument and input-field names from the nearest argument down, e.g.
 * `input.notes`, or `$name...` inside a variable's default value.
 */
function literalPath(ancestors: readonly (ASTNode | readonly ASTNode[])[]): string {
  const names: string[] = [];
  for (const ancestor of ancestors) {
    if (!('kind' in ancestor)) continue;
    if (ancestor.kind === Kind.ARGUMENT || ancestor.kind === Kind.VARIABLE_DEFINITION) names.length = 0;
    if (ancestor.kind === Kind.VARIABLE_DEFINITION) names.push(`$${ancestor.variable.name.value}`);
    else if (ancestor.kind === Kind.ARGUMENT || ancestor.kind === Kind.OBJECT_FIELD) names.push(ancestor.name.value);
  }
  return names.join('.') || 'document';
}

/** The first string literal of the document (fragments and variable defaults included) holding NUL. */
function nulInLiterals(source: string, document: DocumentNode): string | null {
  if (!MAY_ESCAPE_NUL.test(source)) return null;
  let found: string | null = null;
  // One pass over the document, each node once: linear in its size.
  visit(document, {
    StringValue(node, _key, parent, _path, ancestors) {
      // `ancestors` stops above the parent, which for `search: "..."` is the argument itself.
      if (found === null && node.value.includes(NUL)) found = literalPath(parent ? [...ancestors, parent] : ancestors);
    },
  });
  return found;
}

/**
 * Refuses, before anything executes, a request carrying U+0000 in any string input (variables
 * or literals): BAD_USER_INPUT, HTTP 400, `field` naming where (`$name.path` for a variable,
 * `argument.field` for a literal). One guard for every text input of every service, instead of
 * a check per field or a database error reported as a server fault.
 */
export function stringInputGuardPlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, source, document }) {
          for (const [name, value] of Object.entries(request.variables ?? {})) {
            const found = nulIn(value, `$${name}`);
            if (found !== null) throw refused(found);
          }
          const literal = nulInLiterals(source, document);
          if (literal !== null) throw refused(literal);
        },
      };
    },
  };
}
