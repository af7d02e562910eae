// Hand-written: V8 offers no API to choose a string's representation, and no library works around what this file does.
import { visit, type DocumentNode } from 'graphql';

/**
 * Why this exists. V8 stores a string either one byte or two bytes per character, and keeps
 * a property name in the representation it was first internalized in. Apollo Gateway builds
 * its schemas by printing the supergraph and parsing the text again, and that text is
 * two-byte although every character is ASCII: V8 11's `Array.prototype.join` gives two-byte
 * text when an element is a thin string (one internalized in place). So Apollo internalizes
 * most schema names (`price`, `createdAt`, `Reservation`) two-byte, and every object keyed by
 * them, such as an answer's `data`, is serialised by `JSON.stringify` as two-byte text. Node
 * then flattens and encodes that text for the socket: 1.1 ms against 0.3 ms for one-byte text
 * on a 95 KB answer, and 22 % less gateway CPU per page once fixed (docs/benchmarks.md,
 * scenario 9).
 *
 * Internalizing a one-byte copy of every name before Apollo sees the schema, and keeping
 * those copies alive, makes V8 find them first: Apollo's two-byte names then resolve to them.
 */
const kept: Record<string, true> = Object.create(null) as Record<string, true>;

/**
 * A one-byte copy of an ASCII string (GraphQL names are ASCII by the spec's grammar): a name
 * parsed from an SDL file whose descriptions hold any other character is itself two-byte.
 */
function oneByte(name: string): string {
  return Buffer.from(name, 'latin1').toString('latin1');
}

/**
 * Internalizes a one-byte copy of every name in `document` (types, fields, arguments, enum
 * values, directives) and keeps it for the life of the process. Call it with a schema's
 * document before any Apollo code builds a schema from it: a name V8 has already internalized
 * two-byte stays so while that string lives.
 */
export function keepNamesOneByte(document: DocumentNode): void {
  visit(document, {
    Name(node) {
      kept[oneByte(node.value)] = true;
    },
  });
}
