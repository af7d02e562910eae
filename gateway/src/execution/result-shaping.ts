// Hand-written: Apollo's computeResponse is the gateway's measured CPU hot spot, and @apollo/gateway offers no way to replace it.
import { ERRORS } from '@apollo/federation-internals';
import {
  Kind,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLString,
  GraphQLBoolean,
  getNamedType,
  isCompositeType,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type DirectiveNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLError,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { variableDefaults } from '../operation-document';

export interface ShapedResult {
  data: Record<string, unknown> | null;
  errors: GraphQLError[];
}

export type ResultShaper = (input: Record<string, unknown>, variables: Record<string, unknown> | undefined) => ShapedResult;

/*
 * What this replicates, from @apollo/gateway's resultShaping.js and federation-internals' operations.js:
 * - the operation is normalized as operationFromDocument does it: sibling selections with the same key (response name or
 *   type condition, plus their directives) are merged recursively; everything else stays where the document put it;
 * - an object is shaped by walking that tree in order, fragments being applied in place (their type condition tested
 *   against the input's __typename, else against the type the walk is in), so a response name met a second time merges
 *   its selections into the value already produced; error order and where null bubbling stops follow from that walk.
 * That walk only depends on the selection set, the input object's __typename and the skip/include outcomes, so it is
 * flattened once per (selection set, __typename, outcomes) into a list of visits, which is all a request then runs.
 */

/** Thrown while compiling: the document is one only Apollo's shaping handles (or reports the error of). */
class Unsupported extends Error {}

const KEEP = 0;
const SKIP = 1;
/** The @skip (resp. @include) variable is not a boolean: Apollo's shaping throws when it reaches the selection. */
const FAIL_SKIP = 2;
const FAIL_INCLUDE = 3;

interface IfArgument {
  variable: string | null;
  /** The literal `if` value when `variable` is null (undefined when the argument is missing). */
  literal: unknown;
  /** The directive as federation-internals prints it, for the message of a bad variable. */
  text: string;
}

interface Condition {
  skip: IfArgument | null;
  include: IfArgument | null;
  /** The slot of this condition's per-request outcome, or -1 when its outcome is fixed. */
  index: number;
  fixed: number;
}

interface FieldSelection {
  kind: 'field';
  key: string;
  responseName: string;
  name: string;
  /** Null for __typename, whose value Apollo derives instead of completing it. */
  type: GraphQLOutputType | null;
  sub: SelectionSet | null;
  condition: Condition | null;
}

interface FragmentSelection {
  kind: 'fragment';
  key: string;
  spread: boolean;
  typeCondition: GraphQLCompositeType | null;
  sub: SelectionSet;
  condition: Condition | null;
}

type Selection = FieldSelection | FragmentSelection;

interface SelectionSet {
  parentType: GraphQLCompositeType;
  selections: readonly Selection[];
}

const T_LEAF = 0;
const T_NON_NULL = 1;
const T_LIST = 2;
const T_COMPOSITE = 3;

const L_CUSTOM = 0;
const L_STRING = 1;
const L_INT = 2;
const L_FLOAT = 3;
const L_BOOLEAN = 4;
const L_ID = 5;
const L_ENUM = 6;

class TypeDesc {
  constructor(
    readonly kind: number,
    readonly of: TypeDesc | null,
    readonly leaf: number,
    readonly enumValues: ReadonlySet<string> | null,
    /** The type as federation-internals prints it in messages. */
    readonly text: string,
  ) {}
}

const V_FIELD = 0;
/** A field of a leaf type, nullable or not: most fields, shaped inline. */
const V_LEAF = 1;
const V_TYPENAME = 2;
const V_RAISE = 3;

/** One step of shaping an object: a field (or __typename) to produce, or the assertion Apollo's shaping fails there. */
class Visit {
  constructor(
    readonly kind: number,
    readonly name: string,
    /** For V_LEAF: the type is non-null (`type` is then the leaf inside). */
    readonly nonNull: boolean,
    /** The first visit of this response name in its plan: on a fresh object there is nothing to merge with. */
    readonly first: boolean,
    /** The name is also an inherited property (`constructor`, `map`...), which Apollo's own-property reads ignore. */
    readonly ownCheck: boolean,
    readonly type: TypeDesc | null,
    readonly child: SetPlans | null,
    readonly parentName: string,
    /** What __typename falls back to: the parent type's name, or null when it is not an object type (null bubbles). */
    readonly parentObjectName: string | null,
    readonly raise: ((ctx: Context, input: Record<string, unknown>) => never) | null,
  ) {}
}

interface Plan {
  visits: readonly Visit[];
}

/** Apollo's { updated: null, hasErrors: true }: null that the non-null wrapper above must not report again. */
const ERRORED_NULL: unique symbol = Symbol('errored null');
/** Apollo's { isInvalid: true }: null for a non-null position, which bubbles to the enclosing object. */
const INVALID: unique symbol = Symbol('invalid');

interface Context {
  errors: GraphQLError[];
  path: (string | number)[];
  variables: Record<string, unknown>;
  /** For each type name the schema knows (federation-internals' schema.type()), whether it is an object type. */
  objectTypes: ReadonlyMap<string, boolean>;
}

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

/** Property names an input object (plain object or, where a subgraph sent one, an array) inherits. */
const INHERITED_NAMES: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  ...Object.getOwnPropertyNames(Array.prototype),
]);

const BUILT_IN_SCALARS: readonly GraphQLNamedType[] = [GraphQLInt, GraphQLFloat, GraphQLString, GraphQLBoolean, GraphQLID];
const LEAF_KINDS: ReadonlyMap<string, number> = new Map([
  ['String', L_STRING],
  ['Int', L_INT],
  ['Float', L_FLOAT],
  ['Boolean', L_BOOLEAN],
  ['ID', L_ID],
]);

function isIntegral(value: number): boolean {
  // federation-internals tests String(value) against /^-?(?:0|[1-9][0-9]*)$/: integers print that way below 1e21.
  return Number.isInteger(value) && Math.abs(value) < 1e21;
}

/** federation-internals' isValidLeafValue. */
function isValidLeaf(type: TypeDesc, value: unknown): boolean {
  switch (type.leaf) {
    case L_STRING:
      return typeof value === 'string';
    case L_CUSTOM:
      return true;
    case L_INT:
      return typeof value === 'number' && isIntegral(value);
    case L_ID:
      return typeof value === 'string' || (typeof value === 'number' && isIntegral(value));
    case L_FLOAT:
      return typeof value === 'number' && Number.isFinite(value);
    case L_BOOLEAN:
      return typeof value === 'boolean';
    default:
      return typeof value === 'string' && type.enumValues!.has(value);
  }
}

/** Apollo's pathLastElementDescription. */
function describe(path: readonly (string | number)[], typeText: string, parentName: string): string {
  const last = path[path.length - 1];
  return typeof last === 'string' ? `field ${parentName}.${last}` : `array element of type ${typeText} at index ${last}`;
}

function report(ctx: Context, message: string): void {
  ctx.errors.push(ERRORS.INVALID_GRAPHQL.err(message, { path: ctx.path.slice() }));
}

function readOutput(output: Record<string, unknown>, visit: Visit): unknown {
  return visit.ownCheck && !hasOwn(output, visit.name) ? undefined : output[visit.name];
}

/** Apollo's applySelectionSet over a flattened plan; true when the object must become null (bubbling). */
function shapeObject(ctx: Context, input: Record<string, unknown>, output: Record<string, unknown>, plan: Plan, fresh: boolean): boolean {
  const visits = plan.visits;
  const path = ctx.path;
  for (let i = 0; i < visits.length; i++) {
    const visit = visits[i]!;
    const name = visit.name;
    if (visit.kind === V_LEAF) {
      // A leaf already produced by an earlier visit stays as it is (Apollo's updateOutputValue returns it unchanged).
      if (!(fresh && visit.first) && readOutput(output, visit) !== undefined) continue;
      let value = input[name];
      if (value === undefined || (visit.ownCheck && !hasOwn(input, name))) value = null;
      if (value === null) {
        if (visit.nonNull) {
          path.push(name);
          report(ctx, `Cannot return null for non-nullable field ${visit.parentName}.${name}.`);
          path.pop();
          return true;
        }
      } else if (!isValidLeaf(visit.type!, value)) {
        path.push(name);
        report(ctx, `Invalid value found for field ${visit.parentName}.${name}.`);
        path.pop();
        if (visit.nonNull) return true;
        value = null;
      }
      output[name] = value;
    } else if (visit.kind === V_FIELD) {
      let inputValue = input[name];
      if (inputValue === undefined || (visit.ownCheck && !hasOwn(input, name))) inputValue = null;
      path.push(name);
      const result =
        fresh && visit.first ? complete(ctx, visit.type!, inputValue, visit) : update(ctx, readOutput(output, visit), visit.type!, inputValue, visit);
      path.pop();
      if (result === INVALID) {
        output[name] = null;
        return true;
      }
      output[name] = result === ERRORED_NULL ? null : result;
    } else if (visit.kind === V_TYPENAME) {
      if (!(fresh && visit.first) && readOutput(output, visit) !== undefined) continue;
      let inputValue = input[name];
      if (inputValue === undefined || (visit.ownCheck && !hasOwn(input, name))) inputValue = null;
      if (inputValue === null && name !== '__typename') inputValue = input.__typename ?? null;
      let typename = visit.parentObjectName;
      if (typeof inputValue === 'string') {
        const isObject = ctx.objectTypes.get(inputValue);
        if (isObject !== undefined) typename = isObject ? inputValue : null;
      }
      if (typename === null) return true;
      output[name] = typename;
    } else {
      visit.raise!(ctx, input);
    }
  }
  return false;
}

/** Apollo's updateOutputValue for a position not produced yet. */
function complete(ctx: Context, type: TypeDesc, value: unknown, visit: Visit): unknown {
  switch (type.kind) {
    case T_LEAF:
      if (value === null || isValidLeaf(type, value)) return value;
      report(ctx, `Invalid value found for ${describe(ctx.path, type.text, visit.parentName)}.`);
      return ERRORED_NULL;
    case T_NON_NULL: {
      const inner = type.of!;
      const result = complete(ctx, inner, value, visit);
      if (result === null) {
        report(ctx, `Cannot return null for non-nullable ${describe(ctx.path, inner.text, visit.parentName)}.`);
        return INVALID;
      }
      return result === ERRORED_NULL ? INVALID : result;
    }
    case T_COMPOSITE: {
      if (value === null) return null;
      if (typeof value !== 'object') throw new Error(`Invalid non-object value ${value} returned by subgraph for composite type ${type.text}`);
      const input = value as Record<string, unknown>;
      const plan = planFor(ctx, input, type, visit);
      if (plan === null) return ERRORED_NULL;
      const output: Record<string, unknown> = {};
      return shapeObject(ctx, input, output, plan, true) ? ERRORED_NULL : output;
    }
    default: {
      if (value === null) return null;
      if (!Array.isArray(value)) throw new Error(`Invalid non-list value ${value} returned by subgraph for list type ${type.text}`);
      const item = type.of!;
      const length = value.length;
      const output: unknown[] = [];
      let nullify = false;
      const path = ctx.path;
      const at = path.length;
      path.push(0);
      for (let i = 0; i < length; i++) {
        const element: unknown = value[i];
        if (element === undefined) throw new Error('Should not pass undefined for `inputValue` to this method');
        path[at] = i;
        const result = complete(ctx, item, element, visit);
        if (result === INVALID) nullify = true;
        output.push(result === INVALID || result === ERRORED_NULL ? null : result);
      }
      path.pop();
      return nullify ? ERRORED_NULL : output;
    }
  }
}

/**
 * Apollo's updateOutputValue where a value may already be there: a response name visited again, from another
 * fragment, merges its selections into what the first visit produced.
 */
function update(ctx: Context, previous: unknown, type: TypeDesc, value: unknown, visit: Visit): unknown {
  if (previous === null || (previous !== undefined && visit.child === null)) return previous;
  if (previous === undefined) return complete(ctx, type, value, visit);
  if (type.kind === T_NON_NULL) {
    const inner = type.of!;
    const result = update(ctx, previous, inner, value, visit);
    if (result === null) {
      report(ctx, `Cannot return null for non-nullable ${describe(ctx.path, inner.text, visit.parentName)}.`);
      return INVALID;
    }
    return result === ERRORED_NULL ? INVALID : result;
  }
  if (value === null) return null;
  if (type.kind === T_LIST) {
    if (!Array.isArray(value)) throw new Error(`Invalid non-list value ${value} returned by subgraph for list type ${type.text}`);
    if (!Array.isArray(previous)) throw new Error(`Invalid non-list value ${previous} returned by subgraph for list type ${type.text}`);
    if (value.length !== previous.length) throw new Error(`[${value}].length (${value.length}) !== [${previous}].length (${previous.length})`);
    const item = type.of!;
    const output: unknown[] = [];
    let nullify = false;
    const path = ctx.path;
    const at = path.length;
    path.push(0);
    for (let i = 0; i < previous.length; i++) {
      const element: unknown = value[i];
      if (element === undefined) throw new Error('Should not pass undefined for `inputValue` to this method');
      path[at] = i;
      const result = update(ctx, previous[i], item, element, visit);
      if (result === INVALID) nullify = true;
      output.push(result === INVALID || result === ERRORED_NULL ? null : result);
    }
    path.pop();
    return nullify ? ERRORED_NULL : output;
  }
  if (type.kind === T_COMPOSITE) {
    if (typeof value !== 'object' || typeof previous !== 'object') {
      throw new Error(`Invalid non-object value ${value} returned by subgraph for composite type ${type.text}`);
    }
    const input = value as Record<string, unknown>;
    const plan = planFor(ctx, input, type, visit);
    if (plan === null) return ERRORED_NULL;
    return shapeObject(ctx, input, previous as Record<string, unknown>, plan, false) ? ERRORED_NULL : previous;
  }
  throw new Error(`Excepted output to be undefined but got ${type.text} for type ${type.text}`);
}

/** The plan for an object of a composite field, by its __typename; null (reported) when that names no composite type. */
function planFor(ctx: Context, input: Record<string, unknown>, type: TypeDesc, visit: Visit): Plan | null {
  const plans = visit.child!;
  const typename = input.__typename;
  if (typename === undefined || typename === '') return plans.declared ?? plans.compileDeclared();
  if (typeof typename !== 'string') throw new Error(`Invalid non-string value ${typename} for __typename at ${ctx.path}`);
  if (typename === plans.lastTypename) return plans.lastPlan;
  const plan = plans.forTypename(typename);
  if (plan === null) report(ctx, `Invalid __typename found for object at ${describe(ctx.path, type.text, visit.parentName)}.`);
  return plan;
}

/** A selection set's plans within one variant: by the __typename of the objects it shapes. */
class SetPlans {
  declared: Plan | null = null;
  /** The last valid __typename met and its plan: lists are mostly of one type. */
  lastTypename: string | null = null;
  lastPlan: Plan | null = null;
  private readonly byTypename = new Map<string, Plan>();

  constructor(
    private readonly variant: Variant,
    private readonly set: SelectionSet,
  ) {}

  compileDeclared(): Plan {
    return (this.declared = this.variant.flatten(this.set, this.set.parentType, undefined, false));
  }

  forTypename(typename: string): Plan | null {
    let plan = this.byTypename.get(typename);
    if (plan === undefined) {
      const type = this.variant.compiled.types.get(typename);
      // Only the schema's types are kept: a subgraph's garbage must not grow the cache.
      if (type === undefined || !isCompositeType(type)) return null;
      plan = this.variant.flatten(this.set, type, type, false);
      this.byTypename.set(typename, plan);
    }
    this.lastTypename = typename;
    this.lastPlan = plan;
    return plan;
  }
}

/** federation-internals' isSubtype(condition, type), for a fragment's type condition. */
function isSubtype(condition: GraphQLCompositeType, type: GraphQLNamedType): boolean {
  if (condition === type) return true;
  if (isObjectType(type)) {
    return isUnionType(condition) ? condition.getTypes().includes(type) : isInterfaceType(condition) && type.getInterfaces().includes(condition);
  }
  return isInterfaceType(type) && isInterfaceType(condition) && type.getInterfaces().includes(condition);
}

function evaluate(condition: Condition, variables: Record<string, unknown>): number {
  const { skip, include } = condition;
  if (skip !== null) {
    const value = skip.variable === null ? skip.literal : variables[skip.variable];
    if (skip.variable !== null && typeof value !== 'boolean') return FAIL_SKIP;
    if (value) return SKIP;
  }
  if (include !== null) {
    const value = include.variable === null ? include.literal : variables[include.variable];
    if (include.variable !== null && typeof value !== 'boolean') return FAIL_INCLUDE;
    if (!value) return SKIP;
  }
  return KEEP;
}

/** The plans for one combination of skip/include outcomes. */
class Variant {
  private readonly sets = new Map<SelectionSet, SetPlans>();
  private readonly rootPlans = new Map<string, Plan>();
  private rootPlain: Plan | null = null;
  private rootUnknown: Plan | null = null;
  private rootBad: Plan | null = null;

  constructor(
    readonly compiled: Compiled,
    private readonly states: readonly number[],
  ) {}

  /**
   * The root is shaped as the root type whatever its __typename; that only decides fragments, and Apollo asserts it
   * is a string only once it reaches a fragment.
   */
  rootPlan(input: Record<string, unknown>): Plan {
    const { root } = this.compiled;
    const typename = input.__typename;
    if (!typename) return (this.rootPlain ??= this.flatten(root, root.parentType, undefined, false));
    if (typeof typename !== 'string') return (this.rootBad ??= this.flatten(root, root.parentType, undefined, true));
    const type = this.compiled.types.get(typename);
    if (type === undefined) return (this.rootUnknown ??= this.flatten(root, root.parentType, null, false));
    let plan = this.rootPlans.get(typename);
    if (plan === undefined) this.rootPlans.set(typename, (plan = this.flatten(root, root.parentType, type, false)));
    return plan;
  }

  /**
   * The visits applySelectionSet makes on an object of `parentType` whose __typename names `typenameType` (undefined:
   * no __typename, null: one naming no type); `badTypename` when the root's is not a string.
   */
  flatten(set: SelectionSet, parentType: GraphQLCompositeType, typenameType: GraphQLNamedType | null | undefined, badTypename: boolean): Plan {
    const visits: Visit[] = [];
    this.collect(set.selections, parentType, typenameType, badTypename, visits, new Set());
    return { visits };
  }

  private collect(
    selections: readonly Selection[],
    parentType: GraphQLCompositeType,
    typenameType: GraphQLNamedType | null | undefined,
    badTypename: boolean,
    visits: Visit[],
    seen: Set<string>,
  ): void {
    for (const selection of selections) {
      const condition = selection.condition;
      const state = condition === null ? KEEP : condition.index < 0 ? condition.fixed : this.states[condition.index]!;
      if (state === SKIP) continue;
      if (state !== KEEP) {
        visits.push(raiseVisit(state === FAIL_SKIP ? condition!.skip! : condition!.include!));
        continue;
      }
      if (selection.kind === 'field') {
        const name = selection.responseName;
        const first = !seen.has(name);
        seen.add(name);
        const parentObjectName = isObjectType(parentType) ? parentType.name : null;
        const ownCheck = INHERITED_NAMES.has(name);
        if (selection.type === null) {
          visits.push(new Visit(V_TYPENAME, name, false, first, ownCheck, null, null, parentType.name, parentObjectName, null));
        } else {
          const type = this.compiled.describeType(selection.type);
          const leaf = type.kind === T_NON_NULL ? type.of! : type;
          if (leaf.kind === T_LEAF) {
            visits.push(new Visit(V_LEAF, name, leaf !== type, first, ownCheck, leaf, null, parentType.name, parentObjectName, null));
          } else {
            const child = selection.sub === null ? null : this.setPlans(selection.sub);
            visits.push(new Visit(V_FIELD, name, false, first, ownCheck, type, child, parentType.name, parentObjectName, null));
          }
        }
        continue;
      }
      if (badTypename) {
        visits.push(new Visit(V_RAISE, '', false, false, false, null, null, '', null, badRootTypename));
        continue;
      }
      const typeCondition = selection.typeCondition;
      const applies =
        typeCondition === null ||
        (typenameType === undefined ? isSubtype(typeCondition, parentType) : typenameType !== null && isSubtype(typeCondition, typenameType));
      if (applies) this.collect(selection.sub.selections, typeCondition ?? parentType, typenameType, badTypename, visits, seen);
    }
  }

  private setPlans(set: SelectionSet): SetPlans {
    let plans = this.sets.get(set);
    if (plans === undefined) this.sets.set(set, (plans = new SetPlans(this, set)));
    return plans;
  }
}

function badRootTypename(_ctx: Context, input: Record<string, unknown>): never {
  throw new Error(`Got unexpected value for __typename: ${input.__typename}`);
}

function raiseVisit(argument: IfArgument): Visit {
  const variable = argument.variable!;
  const raise = (ctx: Context): never => {
    throw new Error(`Unexpected value ${ctx.variables[variable]} for variable $${variable} of ${argument.text}`);
  };
  return new Visit(V_RAISE, '', false, false, false, null, null, '', null, raise);
}

const NO_VARIABLES: Record<string, unknown> = Object.freeze(Object.create(null) as Record<string, unknown>);
/** Enough combinations of skip/include outcomes for any sane operation; past it the cache starts over. */
const MAX_VARIANTS = 64;

class Compiled {
  /** federation-internals' schema.type(): the schema's types, its introspection types, and every built-in scalar. */
  readonly types = new Map<string, GraphQLNamedType>();
  readonly objectTypes = new Map<string, boolean>();
  private readonly descriptions = new Map<GraphQLOutputType, TypeDesc>();
  private readonly variants = new Map<string, Variant>();
  private readonly single: Variant | null;

  constructor(
    schema: GraphQLSchema,
    readonly root: SelectionSet,
    private readonly conditions: readonly Condition[],
    private readonly defaults: Readonly<Record<string, unknown>>,
  ) {
    for (const type of BUILT_IN_SCALARS) this.types.set(type.name, type);
    for (const type of Object.values(schema.getTypeMap())) this.types.set(type.name, type);
    for (const [name, type] of this.types) this.objectTypes.set(name, isObjectType(type));
    this.single = conditions.length === 0 ? new Variant(this, []) : null;
  }

  describeType(type: GraphQLOutputType): TypeDesc {
    let description = this.descriptions.get(type);
    if (description !== undefined) return description;
    if (isNonNullType(type)) description = new TypeDesc(T_NON_NULL, this.describeType(type.ofType), 0, null, String(type));
    else if (isListType(type)) description = new TypeDesc(T_LIST, this.describeType(type.ofType), 0, null, String(type));
    else if (isCompositeType(type)) description = new TypeDesc(T_COMPOSITE, null, 0, null, type.name);
    else if (isEnumType(type)) description = new TypeDesc(T_LEAF, null, L_ENUM, new Set(type.getValues().map((value) => value.name)), type.name);
    else description = new TypeDesc(T_LEAF, null, (isScalarType(type) && LEAF_KINDS.get(type.name)) || L_CUSTOM, null, type.name);
    this.descriptions.set(type, description);
    return description;
  }

  shape(input: Record<string, unknown>, variables: Record<string, unknown> | undefined): ShapedResult {
    if ((input as unknown) == null) return { data: null, errors: [] };
    let variant = this.single;
    let merged = NO_VARIABLES;
    if (variant === null) {
      // As Apollo: defaults under the request's variables, own properties as they are (undefined included).
      merged = Object.assign(Object.create(null) as Record<string, unknown>, this.defaults, variables);
      const states: number[] = [];
      let key = '';
      for (const condition of this.conditions) {
        const state = evaluate(condition, merged);
        states.push(state);
        key += state;
      }
      variant = this.variants.get(key) ?? null;
      if (variant === null) {
        if (this.variants.size >= MAX_VARIANTS) this.variants.clear();
        this.variants.set(key, (variant = new Variant(this, states)));
      }
    }
    const ctx: Context = { errors: [], path: [], variables: merged, objectTypes: this.objectTypes };
    const data: Record<string, unknown> = {};
    const bubbled = shapeObject(ctx, input, data, variant.rootPlan(input), true);
    return { data: bubbled ? null : data, errors: ctx.errors };
  }
}

/** A value as federation-internals prints it in a directive, close enough to tell equal arguments from different ones. */
function valueText(value: ValueNode): string {
  switch (value.kind) {
    case Kind.VARIABLE:
      return `$${value.name.value}`;
    case Kind.INT:
    case Kind.FLOAT:
      return String(Number(value.value));
    case Kind.STRING:
      return JSON.stringify(value.value);
    case Kind.BOOLEAN:
      return String(value.value);
    case Kind.NULL:
      return 'null';
    case Kind.ENUM:
      return value.value;
    case Kind.LIST:
      return `[${value.values.map(valueText).join(', ')}]`;
    case Kind.OBJECT:
      return `{${value.fields.map((field) => `${field.name.value}: ${valueText(field.value)}`).join(', ')}}`;
  }
}

/** federation-internals' Directive.toString(). */
function directiveText(directive: DirectiveNode): string {
  const args = directive.arguments ?? [];
  return `@${directive.name.value}${args.length === 0 ? '' : `(${args.map((arg) => `${arg.name.value}: ${valueText(arg.value)}`).join(', ')})`}`;
}

/** Builds the operation's selections as federation-internals' operationFromDocument normalizes them. */
class Builder {
  readonly conditions: Condition[] = [];
  private readonly fragmentSets = new Map<
    string,
    { typeCondition: GraphQLCompositeType; set: SelectionSet | null; directives: readonly DirectiveNode[] }
  >();
  private deferred = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  ) {}

  /** Every fragment, used or not, as operationFromDocument parses them all (and fails on any). */
  buildFragments(): void {
    for (const name of Object.keys(this.fragments)) this.fragment(name);
  }

  selectionSet(parentType: GraphQLCompositeType, node: SelectionSetNode): SelectionSet {
    return { parentType, selections: merge(node.selections.map((selection) => this.selection(parentType, selection))) };
  }

  private selection(parentType: GraphQLCompositeType, node: SelectionNode): Selection {
    const directives = node.directives ?? [];
    switch (node.kind) {
      case Kind.FIELD: {
        const name = node.name.value;
        const responseName = node.alias?.value ?? name;
        // Introspection is Apollo's (it executes it); `__proto__` cannot be a plain object's own property by assignment.
        if (responseName === '__proto__' || name === '__schema' || name === '__type') throw new Unsupported();
        const key = responseName + this.directivesKey(directives);
        const condition = this.condition(directives);
        if (name === '__typename') {
          if (node.selectionSet) throw new Unsupported();
          return { kind: 'field', key, responseName, name, type: null, sub: null, condition };
        }
        if (isUnionType(parentType)) throw new Unsupported();
        const fields = parentType.getFields();
        const field = hasOwn(fields, name) ? fields[name] : undefined;
        if (field === undefined) throw new Unsupported();
        const base = getNamedType(field.type);
        let sub: SelectionSet | null = null;
        if (isCompositeType(base)) {
          if (!node.selectionSet) throw new Unsupported();
          sub = this.selectionSet(base, node.selectionSet);
        } else if (node.selectionSet) {
          throw new Unsupported();
        }
        return { kind: 'field', key, responseName, name, type: field.type, sub, condition };
      }
      case Kind.INLINE_FRAGMENT: {
        const typeCondition = node.typeCondition ? this.compositeType(node.typeCondition.name.value) : null;
        const key = `...${typeCondition ? ` on ${typeCondition.name}` : ''}${this.directivesKey(directives)}`;
        const sub = this.selectionSet(typeCondition ?? parentType, node.selectionSet);
        return { kind: 'fragment', key, spread: false, typeCondition, sub, condition: this.condition(directives) };
      }
      case Kind.FRAGMENT_SPREAD: {
        const name = node.name.value;
        const fragment = this.fragment(name);
        this.checkDirectives(directives);
        const key = `...${name}${directives.length === 0 ? '' : ` ${directives.map(directiveText).join(' ')}`}`;
        // The spread's element carries the definition's directives, then the spread's.
        const condition = this.condition([...fragment.directives, ...directives]);
        return { kind: 'fragment', key, spread: true, typeCondition: fragment.typeCondition, sub: fragment.set, condition };
      }
    }
  }

  private fragment(name: string): { typeCondition: GraphQLCompositeType; set: SelectionSet; directives: readonly DirectiveNode[] } {
    let fragment = this.fragmentSets.get(name);
    if (fragment === undefined) {
      const definition = hasOwn(this.fragments, name) ? this.fragments[name] : undefined;
      if (definition === undefined) throw new Unsupported();
      const directives = definition.directives ?? [];
      this.checkDirectives(directives);
      fragment = { typeCondition: this.compositeType(definition.typeCondition.name.value), set: null, directives };
      this.fragmentSets.set(name, fragment);
      fragment.set = this.selectionSet(fragment.typeCondition, definition.selectionSet);
    }
    // A fragment met again while its own selections are being built spreads itself: invalid, left to Apollo.
    if (fragment.set === null) throw new Unsupported();
    return { typeCondition: fragment.typeCondition, set: fragment.set, directives: fragment.directives };
  }

  private compositeType(name: string): GraphQLCompositeType {
    const type = this.schema.getType(name);
    if (type === undefined || !isCompositeType(type)) throw new Unsupported();
    return type;
  }

  checkDirectives(directives: readonly DirectiveNode[]): void {
    for (const directive of directives) {
      const definition = this.schema.getDirective(directive.name.value);
      if (definition === undefined || definition === null) throw new Unsupported();
      for (const arg of directive.arguments ?? []) {
        if (!definition.args.some((known) => known.name === arg.name.value)) throw new Unsupported();
      }
    }
  }

  /** federation-internals' keyForDirectives: arguments sorted, and @defer never equal to itself. */
  private directivesKey(directives: readonly DirectiveNode[]): string {
    this.checkDirectives(directives);
    return directives
      .map((directive) => {
        if (directive.name.value === 'defer') return `@defer#${++this.deferred}`;
        const args = [...(directive.arguments ?? [])].sort((a, b) => a.name.value.localeCompare(b.name.value));
        return `@${directive.name.value}${args.length === 0 ? '' : `(${args.map((arg) => `${arg.name.value}: ${valueText(arg.value)}`).join(', ')})`}`;
      })
      .join(' ');
  }

  private condition(directives: readonly DirectiveNode[]): Condition | null {
    // Apollo's shouldSkip reads the first @skip and the first @include only.
    const skipNode = directives.find((directive) => directive.name.value === 'skip');
    const includeNode = directives.find((directive) => directive.name.value === 'include');
    if (skipNode === undefined && includeNode === undefined) return null;
    const condition: Condition = {
      skip: skipNode === undefined ? null : this.ifArgument(skipNode),
      include: includeNode === undefined ? null : this.ifArgument(includeNode),
      index: -1,
      fixed: KEEP,
    };
    if (condition.skip?.variable == null && condition.include?.variable == null) {
      condition.fixed = evaluate(condition, NO_VARIABLES);
    } else {
      condition.index = this.conditions.length;
      this.conditions.push(condition);
    }
    return condition;
  }

  private ifArgument(directive: DirectiveNode): IfArgument {
    const text = directiveText(directive);
    const value = directive.arguments?.find((arg) => arg.name.value === 'if')?.value;
    if (value === undefined) return { variable: null, literal: undefined, text };
    if (value.kind === Kind.VARIABLE) return { variable: value.name.value, literal: undefined, text };
    if (value.kind === Kind.BOOLEAN) return { variable: null, literal: value.value, text };
    throw new Unsupported();
  }
}

/** federation-internals' keyed merge: same-key siblings become one, sub-selections merged; a repeated spread stays once. */
function merge(selections: readonly Selection[]): Selection[] {
  const groups = new Map<string, Selection[]>();
  for (const selection of selections) {
    const group = selection.kind === 'fragment' && selection.spread ? undefined : groups.get(selection.key);
    if (group === undefined) groups.set(selection.key, [selection]);
    else group.push(selection);
  }
  const merged: Selection[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    if (group.length === 1 || first.sub === null) {
      merged.push(first);
      continue;
    }
    const subs: Selection[] = [];
    for (const selection of group) if (selection.sub !== null) subs.push(...selection.sub.selections);
    merged.push({ ...first, sub: { parentType: first.sub.parentType, selections: merge(subs) } });
  }
  return merged;
}

/**
 * `schema` is the API schema as graphql-js (what Apollo Server executes against: the gateway's `schema`).
 * Returns null when the operation needs something only Apollo's shaping handles (then the caller uses Apollo's executor):
 * introspection fields other than __typename (`__schema`, `__type`) anywhere, any response name `__proto__`, a
 * subscription, and documents operationFromDocument would reject (unknown fields, fragments, types or directives).
 */
export function compileResultShaper(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
): ResultShaper | null {
  const rootType = schema.getRootType(operation.operation);
  if (!rootType || operation.operation === 'subscription') return null;
  let compiled: Compiled;
  try {
    const builder = new Builder(schema, fragments);
    builder.checkDirectives(operation.directives ?? []);
    builder.buildFragments();
    const root = builder.selectionSet(rootType, operation.selectionSet);
    compiled = new Compiled(schema, root, builder.conditions, variableDefaults(operation));
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
  return (input, variables) => compiled.shape(input, variables);
}
