/**
 * Hand-written: no npm library applies the cost spec's @cost/@listSize rules, and
 * graphql-depth-limit (like graphql-query-complexity 2.0, up to its node cap) walks every
 * fragment spread again, which is exponential in fragment fan-out.
 *
 * Every number here is computed in time linear in the document: each fragment is summarised
 * once (memoised by name) and a spread reuses its summary, however often it is spread.
 */
import {
  Kind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInputObjectType,
  isListType,
  isObjectType,
  isInterfaceType,
  valueFromASTUntyped,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { fragmentsOf, variableDefaults } from '../operation-document';
import type { CostDirectives, FieldCost, ListSize } from './cost-directives';

/** A list field that no `@listSize` sizes is assumed to hold this many items. */
export const DEFAULT_LIST_SIZE = 10;
/** Apollo Router's base cost of a mutation (queries cost nothing in themselves). */
const MUTATION_BASE_COST = 10;
/** Sums saturate here, so fan-out never overflows to Infinity (or NaN after `0 * Infinity`). */
const CEILING = 1e15;
const cap = (value: number): number => (value > CEILING ? CEILING : value);

export interface OperationMeasure {
  /** Root fields, fragments included (each spread counts its fields again). */
  rootFields: number;
  depth: number;
  /** Aliases in the operation as executed: an alias in a fragment spread twice counts twice. */
  aliases: number;
  /** The estimated cost by the cost spec's rules (see docs/security.md, "Demand control"). */
  cost: number;
}

/** A `@listSize` field whose `requireOneSlicingArgument` is not met: a client mistake. */
export class SlicingArgumentError extends Error {
  constructor(
    readonly coordinate: string,
    found: number,
  ) {
    super(`${coordinate} needs exactly one of its slicing arguments, found ${found}`);
  }
}

/** What a parent's `@listSize(sizedFields:)` says about the list fields of its selection. */
interface Sizing {
  size: number;
  fields: ReadonlySet<string>;
}

/**
 * One selection set, fragments expanded, summarised so that a parent can use it in O(1).
 * Cost is kept apart for list fields a parent's `sizedFields` may name, because the same
 * fragment can sit under connections of different sizes.
 */
interface Summary {
  fields: number;
  depth: number;
  aliases: number;
  /** Cost of everything no parent can resize. */
  base: number;
  /** Per sizable field name: cost of one item, and the cost when no parent sizes it. */
  sizable: Map<string, { perItem: number; unsized: number }>;
}

const emptySummary = (): Summary => ({ fields: 0, depth: 0, aliases: 0, base: 0, sizable: new Map() });

function mergeInto(total: Summary, part: Summary): void {
  total.fields = cap(total.fields + part.fields);
  total.depth = Math.max(total.depth, part.depth);
  total.aliases = cap(total.aliases + part.aliases);
  total.base = cap(total.base + part.base);
  for (const [name, entry] of part.sizable) {
    const into = total.sizable.get(name) ?? { perItem: 0, unsized: 0 };
    into.perItem = cap(into.perItem + entry.perItem);
    into.unsized = cap(into.unsized + entry.unsized);
    total.sizable.set(name, into);
  }
}

function evaluate(summary: Summary, sizing: Sizing | null): number {
  let cost = summary.base;
  for (const [name, entry] of summary.sizable) {
    cost = cap(cost + (sizing?.fields.has(name) ? cap(sizing.size * entry.perItem) : entry.unsized));
  }
  return cost;
}

/** Variables as execution sees them: those sent, and the operation's defaults for the rest. */
export function effectiveVariables(operation: OperationDefinitionNode, sent: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const variables: Record<string, unknown> = { ...sent };
  for (const [name, value] of Object.entries(variableDefaults(operation))) {
    if (variables[name] === undefined) variables[name] = value;
  }
  return variables;
}

export class OperationAnalysis {
  /** The document's fragments (see `fragmentsOf`). */
  readonly fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  private readonly summaries = new Map<string, Summary | 'in progress'>();
  private readonly rootType: GraphQLCompositeType | null;

  constructor(
    private readonly schema: GraphQLSchema,
    readonly directives: CostDirectives,
    document: DocumentNode,
    private readonly operation: OperationDefinitionNode,
    /** From `effectiveVariables`. */
    private readonly variables: Readonly<Record<string, unknown>>,
  ) {
    this.fragments = fragmentsOf(document);
    this.rootType = schema.getRootType(operation.operation) ?? null;
  }

  /** Throws SlicingArgumentError; a RangeError only for nesting deeper than the stack. */
  measure(): OperationMeasure {
    const summary = this.summarize(this.operation.selectionSet, this.rootType);
    const base = this.operation.operation === 'mutation' ? MUTATION_BASE_COST : 0;
    return { rootFields: summary.fields, depth: summary.depth, aliases: summary.aliases, cost: cap(base + evaluate(summary, null)) };
  }

  /**
   * How many objects a query plan's entity fetch at `path` (response names, `@` for list
   * items) resolves, by the same list sizes as the cost. Linear in the document per path.
   */
  instancesAt(path: readonly (string | number)[]): number {
    let level: { selectionSet: SelectionSetNode; parent: GraphQLCompositeType | null }[] = [
      { selectionSet: this.operation.selectionSet, parent: this.rootType },
    ];
    let sizing: Sizing | null = null;
    let instances = 1;
    for (const element of path) {
      const segment = String(element).split('|')[0]!;
      if (typeof element === 'number' || segment === '@' || segment.startsWith('...')) continue;
      const matches = this.fieldsNamed(level, segment);
      if (matches.length === 0) break;
      let count = 0;
      const next: typeof level = [];
      let nextSizing: Sizing | null = null;
      for (const { field, parent } of matches) {
        const definition = fieldDefinition(parent, field.name.value);
        if (!definition || !parent) continue;
        const info = this.directives.field(parent.name, definition);
        const expected = this.expectedSize(parent.name, definition, field, info.listSize);
        count = Math.max(count, this.instanceCount(info, expected, sizing));
        nextSizing = sizingOf(info.listSize, expected) ?? nextSizing;
        if (field.selectionSet) next.push({ selectionSet: field.selectionSet, parent: info.composite });
      }
      instances = cap(instances * count);
      level = next;
      sizing = nextSizing;
    }
    return instances;
  }

  private fieldsNamed(
    level: readonly { selectionSet: SelectionSetNode; parent: GraphQLCompositeType | null }[],
    responseName: string,
  ): { field: FieldNode; parent: GraphQLCompositeType | null }[] {
    const found: { field: FieldNode; parent: GraphQLCompositeType | null }[] = [];
    const seen = new Set<string>();
    const visit = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType | null): void => {
      for (const selection of selectionSet.selections) {
        if (this.skipped(selection.directives)) continue;
        if (selection.kind === Kind.FIELD) {
          if ((selection.alias ?? selection.name).value === responseName) found.push({ field: selection, parent });
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          visit(selection.selectionSet, this.typeCondition(selection.typeCondition?.name.value, parent));
        } else if (!seen.has(selection.name.value)) {
          seen.add(selection.name.value);
          const fragment = this.fragments[selection.name.value];
          if (fragment) visit(fragment.selectionSet, this.typeCondition(fragment.typeCondition.name.value, parent));
        }
      }
    };
    for (const { selectionSet, parent } of level) visit(selectionSet, parent);
    return found;
  }

  private fragmentSummary(name: string): Summary | null {
    const known = this.summaries.get(name);
    // A fragment that spreads itself is invalid; validation reports it, the analysis stops there.
    if (known === 'in progress') return null;
    if (known) return known;
    const fragment = this.fragments[name];
    if (!fragment) return null;
    this.summaries.set(name, 'in progress');
    const summary = this.summarize(fragment.selectionSet, this.typeCondition(fragment.typeCondition.name.value, null));
    this.summaries.set(name, summary);
    return summary;
  }

  private summarize(selectionSet: SelectionSetNode, parent: GraphQLCompositeType | null): Summary {
    const total = emptySummary();
    for (const selection of selectionSet.selections) {
      if (this.skipped(selection.directives)) continue;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        mergeInto(total, this.summarize(selection.selectionSet, this.typeCondition(selection.typeCondition?.name.value, parent)));
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const summary = this.fragmentSummary(selection.name.value);
        if (summary) mergeInto(total, summary);
      } else {
        this.addField(total, selection, parent);
      }
    }
    return total;
  }

  private addField(total: Summary, field: FieldNode, parent: GraphQLCompositeType | null): void {
    total.fields = cap(total.fields + 1);
    if (field.alias) total.aliases = cap(total.aliases + 1);
    const definition = fieldDefinition(parent, field.name.value);
    const info = definition && parent ? this.directives.field(parent.name, definition) : null;
    const child = field.selectionSet ? this.summarize(field.selectionSet, info?.composite ?? null) : emptySummary();
    total.depth = Math.max(total.depth, child.depth + 1);
    total.aliases = cap(total.aliases + child.aliases);
    // __typename (and anything validation would have refused) costs nothing.
    if (!definition || !parent || !info) return;
    const expected = this.expectedSize(parent.name, definition, field, info.listSize);
    const perItem = cap(info.weight + evaluate(child, sizingOf(info.listSize, expected)));
    if (field.arguments?.length) total.base = cap(total.base + this.argumentsCost(parent.name, definition, field));
    const unsized = cap(this.instanceCount(info, expected, null) * perItem);
    if (info.sizable) {
      const entry = total.sizable.get(definition.name) ?? { perItem: 0, unsized: 0 };
      entry.perItem = cap(entry.perItem + perItem);
      entry.unsized = cap(entry.unsized + unsized);
      total.sizable.set(definition.name, entry);
    } else {
      total.base = cap(total.base + unsized);
    }
  }

  private instanceCount(info: FieldCost, expected: number | null, sizing: Sizing | null): number {
    if (!info.isList) return 1;
    if (sizing && info.sizable && sizing.fields.has(info.name)) return sizing.size;
    return expected ?? DEFAULT_LIST_SIZE;
  }

  /** `@listSize`: the largest slicing argument given (or defaulted), else `assumedSize`. */
  private expectedSize(
    parentName: string,
    definition: GraphQLField<unknown, unknown>,
    field: FieldNode,
    listSize: ListSize | undefined,
  ): number | null {
    if (!listSize) return null;
    const slicing = listSize.slicingArguments;
    if (slicing && slicing.length > 0) {
      const values = new Map<string, number>();
      for (const argument of definition.args) {
        if (slicing.includes(argument.name) && typeof argument.defaultValue === 'number') values.set(argument.name, argument.defaultValue);
      }
      for (const argument of field.arguments ?? []) {
        if (!slicing.includes(argument.name.value)) continue;
        const value = valueFromASTUntyped(argument.value, this.variables);
        if (typeof value === 'number' && Number.isFinite(value)) values.set(argument.name.value, Math.max(0, value));
      }
      if (listSize.requireOneSlicingArgument && values.size !== 1) throw new SlicingArgumentError(`${parentName}.${definition.name}`, values.size);
      if (values.size > 0) return Math.max(...values.values());
    }
    return listSize.assumedSize;
  }

  /** Input objects cost 1 each (or their `@cost`), other inputs their `@cost` or nothing. */
  argumentsCost(parentName: string, definition: GraphQLField<unknown, unknown>, field: FieldNode): number {
    let cost = 0;
    for (const node of field.arguments ?? []) {
      const argument = definition.args.find((candidate) => candidate.name === node.name.value);
      if (!argument) continue;
      const weight = this.directives.weight(`${parentName}.${definition.name}(${argument.name}:)`);
      cost = cap(cost + this.inputCost(valueFromASTUntyped(node.value, this.variables), argument.type, weight));
    }
    return cost;
  }

  private inputCost(value: unknown, type: GraphQLInputType, weight: number | undefined): number {
    if (value === null || value === undefined) return 0;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      if (!Array.isArray(value)) return this.inputCost(value, nullable.ofType, weight);
      let cost = weight ?? 0;
      for (const item of value) cost = cap(cost + this.inputCost(item, nullable.ofType, weight));
      return cost;
    }
    if (isInputObjectType(nullable) && typeof value === 'object') {
      const fields = nullable.getFields();
      let cost = weight ?? this.directives.weight(nullable.name) ?? 1;
      for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
        const fieldDef = fields[name];
        if (fieldDef) cost = cap(cost + this.inputCost(inner, fieldDef.type, this.directives.weight(`${nullable.name}.${name}`)));
      }
      return cost;
    }
    return weight ?? this.directives.weight(getNamedType(nullable).name) ?? 0;
  }

  private skipped(directives: readonly DirectiveNode[] | undefined): boolean {
    for (const directive of directives ?? []) {
      const name = directive.name.value;
      if (name !== 'skip' && name !== 'include') continue;
      const condition = directive.arguments?.find((argument) => argument.name.value === 'if');
      const value = condition ? valueFromASTUntyped(condition.value, this.variables) : undefined;
      if ((name === 'skip' && value === true) || (name === 'include' && value === false)) return true;
    }
    return false;
  }

  private typeCondition(name: string | undefined, fallback: GraphQLCompositeType | null): GraphQLCompositeType | null {
    if (name === undefined) return fallback;
    const type = this.schema.getType(name);
    return type && isCompositeType(type) ? type : fallback;
  }
}

function fieldDefinition(parent: GraphQLCompositeType | null, name: string): GraphQLField<unknown, unknown> | undefined {
  return parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
}

function sizingOf(listSize: ListSize | undefined, expected: number | null): Sizing | null {
  if (!listSize?.sizedFields || expected === null) return null;
  return { size: expected, fields: new Set(listSize.sizedFields) };
}
