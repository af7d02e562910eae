import {
  Kind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  parse,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
} from 'graphql';

/** `@listSize` as the cost spec defines it (https://specs.apollo.dev/cost/v0.1). */
export interface ListSize {
  assumedSize: number | null;
  slicingArguments: readonly string[] | null;
  sizedFields: readonly string[] | null;
  requireOneSlicingArgument: boolean;
}

/** What costing a field needs, worked out once per field of the schema. */
export interface FieldCost {
  name: string;
  named: GraphQLNamedType;
  /** The named type when selections apply to it. */
  composite: GraphQLCompositeType | null;
  /** The named type when it is an object type (its runtime type needs no __typename). */
  objectType: GraphQLObjectType | null;
  isList: boolean;
  /** Of one value: `@cost` of the field, else of its type, else 1 for composites and 0 for leaves. */
  weight: number;
  /** Of a leaf or null value: only an explicit `@cost` on the field. */
  leafWeight: number;
  listSize: ListSize | undefined;
  /** A list some parent's `@listSize(sizedFields:)` may size. */
  sizable: boolean;
}

const COST_SPEC = 'https://specs.apollo.dev/cost/';

/**
 * The `@cost` and `@listSize` applications of a composed supergraph, by schema coordinate.
 * @apollo/gateway keeps them out of the API schema it hands to plugins, so they are read from
 * the supergraph SDL itself, under whatever names its `@link` to the cost spec gives them.
 */
export class CostDirectives {
  private readonly weights = new Map<string, number>();
  private readonly listSizes = new Map<string, ListSize>();
  private readonly fields = new WeakMap<GraphQLField<unknown, unknown>, FieldCost>();
  /** Every field name some `@listSize(sizedFields:)` may size (e.g. `nodes`, `edges`). */
  readonly sizedFieldNames = new Set<string>();

  static fromSupergraph(sdl: string): CostDirectives {
    return new CostDirectives(parse(sdl, { noLocation: true }));
  }

  private constructor(document: DocumentNode) {
    const names = directiveNames(document);
    const weightOf = (directives: readonly ConstDirectiveNode[] | undefined): number | undefined => {
      const cost = directives?.find((directive) => names.cost.has(directive.name.value));
      const weight = cost ? argument(cost, 'weight') : undefined;
      return typeof weight === 'number' ? weight : undefined;
    };
    const record = (coordinate: string, directives: readonly ConstDirectiveNode[] | undefined) => {
      const weight = weightOf(directives);
      if (weight !== undefined) this.weights.set(coordinate, weight);
    };
    for (const definition of document.definitions) {
      switch (definition.kind) {
        case Kind.OBJECT_TYPE_DEFINITION:
        case Kind.OBJECT_TYPE_EXTENSION:
        case Kind.INTERFACE_TYPE_DEFINITION:
        case Kind.INTERFACE_TYPE_EXTENSION:
          record(definition.name.value, definition.directives);
          for (const field of definition.fields ?? []) {
            const coordinate = `${definition.name.value}.${field.name.value}`;
            record(coordinate, field.directives);
            for (const arg of field.arguments ?? []) record(`${coordinate}(${arg.name.value}:)`, arg.directives);
            const listSize = field.directives?.find((directive) => names.listSize.has(directive.name.value));
            if (listSize) this.addListSize(coordinate, listSize);
          }
          break;
        case Kind.INPUT_OBJECT_TYPE_DEFINITION:
        case Kind.INPUT_OBJECT_TYPE_EXTENSION:
          for (const field of definition.fields ?? []) record(`${definition.name.value}.${field.name.value}`, field.directives);
          break;
        case Kind.SCALAR_TYPE_DEFINITION:
        case Kind.ENUM_TYPE_DEFINITION:
          record(definition.name.value, definition.directives);
          break;
        default:
          break;
      }
    }
  }

  private addListSize(coordinate: string, directive: ConstDirectiveNode): void {
    const strings = (name: string): string[] | null => {
      const value = argument(directive, name);
      return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : null;
    };
    const assumedSize = argument(directive, 'assumedSize');
    const requireOne = argument(directive, 'requireOneSlicingArgument');
    const listSize: ListSize = {
      assumedSize: typeof assumedSize === 'number' ? assumedSize : null,
      slicingArguments: strings('slicingArguments'),
      sizedFields: strings('sizedFields'),
      // The spec's default: a field with slicing arguments needs exactly one of them.
      requireOneSlicingArgument: typeof requireOne === 'boolean' ? requireOne : true,
    };
    for (const name of listSize.sizedFields ?? []) this.sizedFieldNames.add(name);
    this.listSizes.set(coordinate, listSize);
  }

  /** `@cost(weight:)` on a type, field (`Type.field`), argument (`Type.field(arg:)`) or input field. */
  weight(coordinate: string): number | undefined {
    return this.weights.get(coordinate);
  }

  listSize(typeName: string, fieldName: string): ListSize | undefined {
    return this.listSizes.get(`${typeName}.${fieldName}`);
  }

  /** Everything costing `definition` (a field of `parentName`) needs; computed once per field. */
  field(parentName: string, definition: GraphQLField<unknown, unknown>): FieldCost {
    let cost = this.fields.get(definition);
    if (cost) return cost;
    const named = getNamedType(definition.type);
    const coordinate = `${parentName}.${definition.name}`;
    const explicit = this.weight(coordinate);
    const isList = isListType(getNullableType(definition.type));
    cost = {
      name: definition.name,
      named,
      composite: isCompositeType(named) ? named : null,
      objectType: isObjectType(named) ? named : null,
      isList,
      weight: explicit ?? this.weight(named.name) ?? (isCompositeType(named) ? 1 : 0),
      leafWeight: explicit ?? 0,
      listSize: this.listSizes.get(coordinate),
      sizable: isList && this.sizedFieldNames.has(definition.name),
    };
    this.fields.set(definition, cost);
    return cost;
  }
}

function argument(directive: ConstDirectiveNode, name: string): unknown {
  const node: ConstValueNode | undefined = directive.arguments?.find((candidate) => candidate.name.value === name)?.value;
  return node ? valueFromASTUntyped(node) : undefined;
}

/** The local names of `@cost` and `@listSize`: imported (possibly renamed) or namespaced by the link. */
function directiveNames(document: DocumentNode): { cost: Set<string>; listSize: Set<string> } {
  const names = { cost: new Set(['cost']), listSize: new Set(['listSize']) };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      const url = argument(link, 'url');
      if (link.name.value !== 'link' || typeof url !== 'string' || !url.startsWith(COST_SPEC)) continue;
      const alias = argument(link, 'as');
      const namespace = typeof alias === 'string' ? alias : 'cost';
      names.cost.add(`${namespace}__cost`);
      names.listSize.add(`${namespace}__listSize`);
      const imports = argument(link, 'import');
      for (const entry of Array.isArray(imports) ? imports : []) {
        const { name, as } = typeof entry === 'string' ? { name: entry, as: entry } : (entry as { name?: unknown; as?: unknown });
        if (typeof name !== 'string') continue;
        const local = (typeof as === 'string' ? as : name).replace(/^@/, '');
        if (name === '@cost') names.cost.add(local);
        if (name === '@listSize') names.listSize.add(local);
      }
    }
  }
  return names;
}
