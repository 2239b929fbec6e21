/**
 * The Admin GraphQL endpoint of the Shopify simulator
 * (POST /admin/api/2026-10/graphql.json), minus the HTTP layer: the msw handler
 * passes the parsed body here and turns the result into a Response.
 *
 * What it reproduces, because the app's client code depends on it:
 * - validation against Shopify's real 2026-10 schema, with errors shaped like
 *   Shopify's (HTTP 200, `errors[]`, graphql-ruby style messages and codes);
 * - calculated query cost and the leaky bucket, reported in `extensions.cost`,
 *   with THROTTLED and MAX_COST_EXCEEDED answers;
 * - injectable transport faults (429, 500, THROTTLED) from `store.faults`.
 */
import { randomUUID } from "node:crypto";

import {
  defaultFieldResolver,
  execute,
  FieldsOnCorrectTypeRule,
  FragmentsOnCompositeTypesRule,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getVariableValues,
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  Kind,
  KnownArgumentNamesRule,
  KnownDirectivesRule,
  KnownFragmentNamesRule,
  KnownTypeNamesRule,
  NoFragmentCyclesRule,
  NoUndefinedVariablesRule,
  NoUnusedFragmentsRule,
  NoUnusedVariablesRule,
  OverlappingFieldsCanBeMergedRule,
  parse,
  PossibleFragmentSpreadsRule,
  ProvidedRequiredArgumentsRule,
  ScalarLeafsRule,
  specifiedRules,
  UniqueArgumentNamesRule,
  UniqueFragmentNamesRule,
  UniqueOperationNamesRule,
  UniqueVariableNamesRule,
  validate,
  ValuesOfCorrectTypeRule,
  VariablesAreInputTypesRule,
  VariablesInAllowedPositionRule,
  visit,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLFormattedError,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
} from "graphql";

import { loadAdminSchema } from "./admin-schema";
import type { SimStore, ThrottleBucket } from "./store";
import { MAX_PAGE_SIZE, mutationRoot, queryRoot } from "./views";

export interface AdminGraphqlRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export interface AdminGraphqlResponse {
  status: number;
  json: unknown;
  /** Response headers beyond Content-Type (e.g. Retry-After on 429). */
  headers: Record<string, string>;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCostExtension {
  requestedQueryCost: number;
  /** null when the query did not run (throttled, too expensive). */
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

/** Shopify rejects, before running it, any single query whose requested cost exceeds this. */
export const SINGLE_QUERY_MAX_COST = 1000;

export const THROTTLED_DOCUMENTATION = "https://shopify.dev/api/usage/rate-limits";

/** The msw handler's whole job is `executeAdminGraphql(store, await request.json())`. */
export async function executeAdminGraphql(store: SimStore, body: AdminGraphqlRequest): Promise<AdminGraphqlResponse> {
  // A fault replaces the request entirely, whatever it asked for, so tests can
  // script "first call 429, second call 500, third call succeeds".
  const fault = store.faults.nextGraphql.shift();
  if (fault === "http429") {
    return {
      status: 429,
      headers: { "Retry-After": "1" },
      json: { errors: "Exceeded the rate limit. Reduce request rates to resume uninterrupted service." },
    };
  }
  if (fault === "http500") {
    const requestId = randomUUID();
    return {
      status: 500,
      headers: { "X-Request-Id": requestId },
      json: {
        errors: [
          {
            message: `Internal error. Looks like something went wrong on our end.\nRequest ID: ${requestId} (include this in support requests).`,
            extensions: { code: "INTERNAL_SERVER_ERROR", requestId },
          },
        ],
      },
    };
  }

  if (typeof body?.query !== "string" || body.query.trim() === "") {
    return { status: 400, headers: {}, json: { errors: { query: "Required parameter missing or invalid" } } };
  }

  const schema = loadAdminSchema();
  const checked = checkedDocument(schema, body.query);
  if ("errors" in checked) return ok({ errors: structuredClone(checked.errors) });
  const { document } = checked;

  const operation = selectOperation(document, body.operationName);
  if (operation instanceof GraphQLError) return ok({ errors: [formatError(operation)] });

  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], body.variables ?? {}, { maxErrors: 50 });
  if (coerced.errors) return ok({ errors: coerced.errors.map(formatError) });

  const costWalk = newCostWalk(schema, document, coerced.coerced);
  const requested = operationCost(costWalk, operation, REQUESTED);
  if (costWalk.errors.length > 0) return ok({ errors: costWalk.errors.map(formatError) });

  const bucket = restore(store.bucket, store.now());
  if (requested > SINGLE_QUERY_MAX_COST) {
    return ok({
      errors: [
        {
          message:
            `Query cost is ${requested}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}).\n\n` +
            "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the cost of a query is calculated.\n\n" +
            "To query larger amounts of data with fewer limits, bulk operations should be used instead.",
          extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: SINGLE_QUERY_MAX_COST },
        },
      ],
      extensions: { cost: costExtension(requested, null, bucket) },
    });
  }

  if (fault === "throttled" || requested > bucket.currentlyAvailable) {
    // Shopify answers THROTTLED with HTTP 200 and charges nothing.
    return ok({
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: THROTTLED_DOCUMENTATION } }],
      extensions: { cost: costExtension(requested, null, bucket) },
    });
  }

  // Shopify reserves the requested cost up front and refunds the difference
  // once the actual cost is known.
  bucket.currentlyAvailable -= requested;
  const result = await execute({
    schema,
    document,
    operationName: operation.name?.value,
    variableValues: coerced.coerced,
    rootValue: operation.operation === "mutation" ? buildMutationRoot(store) : buildQueryRoot(store),
    contextValue: { store } satisfies SimContext,
    fieldResolver: simulatorFieldResolver,
  });
  // Actual cost can only come in under the estimate (fewer nodes than `first`, nulls).
  const actual = Math.min(requested, operationCost(newCostWalk(schema, document, coerced.coerced), operation, result.data));
  bucket.currentlyAvailable = Math.min(bucket.maximumAvailable, bucket.currentlyAvailable + (requested - actual));

  return ok({
    ...(result.errors ? { errors: result.errors.map(formatError) } : {}),
    data: result.data ?? null,
    extensions: { cost: costExtension(requested, actual, bucket) },
  });
}

/**
 * Parsing and validating a document against the Admin schema depend on its text
 * alone, and they were most of the simulator's time per call (validation walks the
 * document once per rule, over a schema of thousands of types): the same app query
 * re-read for every live order change paid them each time, counted in the app's
 * figures by bench:live. Shopify's servers are not the app's CPU, so each text is
 * parsed and validated once per process (a bounded cache; graphql-js never mutates
 * a document it executes). Variables, cost and data are still per call.
 */
const checkedDocuments = new Map<string, { document: DocumentNode } | { errors: GraphQLFormattedError[] }>();
const CHECKED_DOCUMENTS_MAX = 500;

function checkedDocument(schema: GraphQLSchema, query: string): { document: DocumentNode } | { errors: GraphQLFormattedError[] } {
  const known = checkedDocuments.get(query);
  if (known) return known;
  let checked: { document: DocumentNode } | { errors: GraphQLFormattedError[] };
  try {
    const document = parse(query);
    const errors = validateLikeShopify(schema, document);
    checked = errors.length > 0 ? { errors } : { document };
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    checked = { errors: [formatError(error)] };
  }
  if (checkedDocuments.size >= CHECKED_DOCUMENTS_MAX) checkedDocuments.delete(checkedDocuments.keys().next().value!);
  checkedDocuments.set(query, checked);
  return checked;
}

// ---------------------------------------------------------------------------
// Root values and resolvers

/** The GraphQL context every simulator resolver receives. */
export interface SimContext {
  store: SimStore;
}

/**
 * QueryRoot fields the simulator serves, as plain data or functions of the
 * field's arguments (graphql-js's default resolver calls a function property with
 * `(args, context, info)`): shop, orders, order, products, productVariants,
 * inventoryItems, node(s), bulkOperation(s). See views.ts.
 */
export function buildQueryRoot(store: SimStore): Record<string, unknown> {
  return queryRoot(store);
}

/** Mutation fields the simulator serves: bulkOperationRunQuery, bulkOperationCancel (bulk.ts). */
export function buildMutationRoot(store: SimStore): Record<string, unknown> {
  return mutationRoot(store);
}

/**
 * The default resolver, except that a field the simulator has no data for is an
 * error rather than a silent null: a query that "works" only because the
 * simulator returned null for an unseeded field would hide a gap in the simulator.
 * Data for a nullable field must therefore be present, possibly as `null`; values
 * of interface or union type need a `__typename` property.
 */
export const simulatorFieldResolver: GraphQLFieldResolver<unknown, SimContext> = (source, args, context, info) => {
  if (typeof source === "object" && source !== null && !(info.fieldName in source)) {
    throw new GraphQLError(`The Shopify simulator has no data for ${info.parentType.name}.${info.fieldName}`);
  }
  return defaultFieldResolver(source, args, context, info);
};

// ---------------------------------------------------------------------------
// Validation, shaped like Shopify's (graphql-ruby) answers

/**
 * graphql-ruby's static validation codes for the rules whose code we are sure of;
 * other rules answer "validationError". Shopify clients (and our logs) key on these.
 */
const VALIDATION_CODES = new Map<ValidationRule, string>([
  [FieldsOnCorrectTypeRule, "undefinedField"],
  [KnownArgumentNamesRule, "argumentNotAccepted"],
  [ProvidedRequiredArgumentsRule, "missingRequiredArguments"],
  [ScalarLeafsRule, "selectionMismatch"],
  [KnownTypeNamesRule, "undefinedType"],
  [NoUnusedVariablesRule, "variableNotUsed"],
  [NoUndefinedVariablesRule, "undefinedVariable"],
  [VariablesInAllowedPositionRule, "variableMismatch"],
  [ValuesOfCorrectTypeRule, "argumentLiteralsIncompatible"],
  [VariablesAreInputTypesRule, "variableRequiresValidType"],
  [NoUnusedFragmentsRule, "useAndDefineFragment"],
  [KnownFragmentNamesRule, "useAndDefineFragment"],
  [PossibleFragmentSpreadsRule, "cannotSpreadFragment"],
  [FragmentsOnCompositeTypesRule, "fragmentOnNonCompositeType"],
  [NoFragmentCyclesRule, "infiniteLoop"],
  [OverlappingFieldsCanBeMergedRule, "fieldConflict"],
  [UniqueArgumentNamesRule, "argumentNotUnique"],
  [UniqueFragmentNamesRule, "fragmentNotUnique"],
  [UniqueVariableNamesRule, "variableNotUnique"],
  [UniqueOperationNamesRule, "operationNotUnique"],
  [KnownDirectivesRule, "undefinedDirective"],
]);

/** Validates rule by rule so each error can carry the code of the rule that raised it. */
export function validateLikeShopify(schema: GraphQLSchema, document: DocumentNode): GraphQLFormattedError[] {
  const paths = shopifyPaths(document);
  const errors: GraphQLFormattedError[] = [];
  for (const rule of specifiedRules) {
    for (const error of validate(schema, document, [rule])) {
      const code = VALIDATION_CODES.get(rule) ?? "validationError";
      const { message, extensions } = shopifyMessage(code, error.message);
      const path = error.nodes?.[0] ? paths.get(error.nodes[0]) : undefined;
      errors.push({
        message,
        ...(error.locations ? { locations: error.locations } : {}),
        ...(path ? { path } : {}),
        extensions: { code, ...extensions },
      });
    }
  }
  return errors;
}

/**
 * graphql-js and graphql-ruby word the common errors differently; app code and
 * people reading logs see Shopify's wording, so the simulator uses it for the
 * three errors a typo in a query produces. Others keep graphql-js's message.
 */
function shopifyMessage(code: string, message: string): { message: string; extensions: Record<string, string> } {
  let match: RegExpMatchArray | null;
  if (code === "undefinedField" && (match = message.match(/^Cannot query field "([^"]+)" on type "([^"]+)"\./))) {
    const [, fieldName = "", typeName = ""] = match;
    return { message: `Field '${fieldName}' doesn't exist on type '${typeName}'`, extensions: { typeName, fieldName } };
  }
  if (code === "argumentNotAccepted" && (match = message.match(/^Unknown argument "([^"]+)" on field "[^".]+\.([^"]+)"\./))) {
    const [, argumentName = "", name = ""] = match;
    return {
      message: `Field '${name}' doesn't accept argument '${argumentName}'`,
      extensions: { name, typeName: "Field", argumentName },
    };
  }
  if (code === "missingRequiredArguments" && (match = message.match(/^Field "([^"]+)" argument "([^"]+)" of type/))) {
    const [, name = "", argument = ""] = match;
    return {
      message: `Field '${name}' is missing required arguments: ${argument}`,
      extensions: { className: "Field", name, arguments: argument },
    };
  }
  return { message, extensions: {} };
}

/** graphql-ruby's error paths: ["query Name", "shop", "fieldName"], for fields and arguments. */
function shopifyPaths(document: DocumentNode): Map<ASTNode, string[]> {
  const paths = new Map<ASTNode, string[]>();
  const stack: string[] = [];
  const push = (node: ASTNode, segment: string) => {
    stack.push(segment);
    paths.set(node, [...stack]);
  };
  const pop = () => void stack.pop();
  visit(document, {
    OperationDefinition: { enter: (node) => push(node, [node.operation, node.name?.value].filter(Boolean).join(" ")), leave: pop },
    FragmentDefinition: { enter: (node) => push(node, `fragment ${node.name.value}`), leave: pop },
    InlineFragment: {
      enter: (node) => push(node, node.typeCondition ? `... on ${node.typeCondition.name.value}` : "..."),
      leave: pop,
    },
    Field: { enter: (node) => push(node, node.name.value), leave: pop },
    Argument: { enter: (node) => push(node, node.name.value), leave: pop },
  });
  return paths;
}

function selectOperation(document: DocumentNode, operationName: string | undefined): OperationDefinitionNode | GraphQLError {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) {
    return operations.find((o) => o.name?.value === operationName) ?? new GraphQLError(`Unknown operation named "${operationName}".`);
  }
  if (operations.length === 1 && operations[0]) return operations[0];
  return new GraphQLError(
    operations.length === 0 ? "Must provide an operation." : "Must provide operation name if query contains multiple operations.",
  );
}

// ---------------------------------------------------------------------------
// Calculated query cost, as documented at shopify.dev/docs/api/usage/rate-limits:
// scalars and enums 0, objects 1, interfaces and unions the maximum over their
// possible selections, connections 2 + `first`/`last` x the cost of one node
// (edges/pageInfo wrappers are free), each mutation field 10. The requested cost
// assumes every connection is full; the actual cost walks the data returned.

/** Marks a cost walk that prices the query before execution (no data yet). */
const REQUESTED: unique symbol = Symbol("requested");
type Priced = typeof REQUESTED | unknown;

interface CostWalk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  /** Shopify refuses connections without `first`/`last`; collected while pricing. */
  errors: GraphQLError[];
}

const MUTATION_FIELD_COST = 10;
const CONNECTION_BASE_COST = 2;

function newCostWalk(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): CostWalk {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return { schema, fragments, variables, errors: [] };
}

/**
 * The requested cost of one operation of a valid document, for tests and for
 * code that wants to check a query fits the single-query limit (1,000).
 */
export function calculateQueryCost(
  document: DocumentNode,
  options: { operationName?: string; variables?: Record<string, unknown>; schema?: GraphQLSchema } = {},
): { requestedQueryCost: number; errors: readonly GraphQLError[] } {
  const schema = options.schema ?? loadAdminSchema();
  const operation = selectOperation(document, options.operationName);
  if (operation instanceof GraphQLError) return { requestedQueryCost: 0, errors: [operation] };
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], options.variables ?? {});
  if (coerced.errors) return { requestedQueryCost: 0, errors: coerced.errors };
  const walk = newCostWalk(schema, document, coerced.coerced);
  return { requestedQueryCost: operationCost(walk, operation, REQUESTED), errors: walk.errors };
}

function operationCost(walk: CostWalk, operation: OperationDefinitionNode, data: Priced): number {
  const root = walk.schema.getRootType(operation.operation);
  if (!root) return 0;
  if (operation.operation === "mutation") {
    const fields = collectFields(walk, root, root, operation.selectionSet);
    return [...fields.keys()].filter((key) => fields.get(key)?.[0]?.name.value !== "__typename").length * MUTATION_FIELD_COST;
  }
  return selectionSetCost(walk, root, operation.selectionSet, data);
}

function selectionSetCost(walk: CostWalk, type: GraphQLCompositeType, selectionSet: SelectionSetNode, data: Priced): number {
  // For an abstract type the runtime type is unknown (before execution) or not
  // necessarily selected (after), so price every type the selection distinguishes
  // and keep the most expensive, as Shopify does.
  const candidates: GraphQLCompositeType[] = isObjectType(type) ? [type] : [type, ...typeConditions(walk, selectionSet)];
  let most = 0;
  for (const candidate of candidates) {
    let sum = 0;
    for (const [responseKey, nodes] of collectFields(walk, type, candidate, selectionSet)) {
      sum += fieldCost(walk, candidate, nodes, child(data, responseKey));
    }
    most = Math.max(most, sum);
  }
  return most;
}

function fieldCost(walk: CostWalk, parent: GraphQLCompositeType, nodes: FieldNode[], data: Priced): number {
  const node = nodes[0];
  if (!node || node.name.value.startsWith("__")) return 0;
  const definition = isUnionType(parent) ? undefined : parent.getFields()[node.name.value];
  if (!definition || isLeafType(getNamedType(definition.type))) return 0;
  if (data === undefined) return 0; // not selected for the runtime type the data has

  const args = getArgumentValues(definition, node, walk.variables);
  const selectionSet = mergedSelectionSet(nodes);
  if (isConnection(definition)) return connectionCost(walk, definition, node, args, selectionSet, data);
  return valueCost(walk, definition.type, selectionSet, data, listSize(args), true);
}

/**
 * Cost of a value of `type`: objects 1 (when `chargeObject`) plus their
 * selections, lists `size` times their item (priced) or the sum over the items
 * returned (actual).
 */
function valueCost(
  walk: CostWalk,
  type: GraphQLOutputType,
  selectionSet: SelectionSetNode,
  data: Priced,
  size: number,
  chargeObject: boolean,
): number {
  if (isNonNullType(type)) return valueCost(walk, type.ofType, selectionSet, data, size, chargeObject);
  if (isListType(type)) {
    if (data === REQUESTED) return size * valueCost(walk, type.ofType, selectionSet, REQUESTED, 1, chargeObject);
    if (!Array.isArray(data)) return 0;
    return data.reduce<number>((sum, item) => sum + valueCost(walk, type.ofType, selectionSet, item, 1, chargeObject), 0);
  }
  if (!isCompositeType(type)) return 0;
  const own = chargeObject ? 1 : 0;
  // A null object was still looked up, but nothing under it was.
  if (data === null) return own;
  return own + selectionSetCost(walk, type, selectionSet, data);
}

function connectionCost(
  walk: CostWalk,
  definition: GraphQLField<unknown, unknown>,
  node: FieldNode,
  args: Record<string, unknown>,
  selectionSet: SelectionSetNode,
  data: Priced,
): number {
  const pageSize = typeof args.first === "number" ? args.first : typeof args.last === "number" ? args.last : undefined;
  if (data === REQUESTED && pageSize === undefined) {
    walk.errors.push(new GraphQLError("you must provide one of first or last", { nodes: node }));
  }
  if (data === REQUESTED && pageSize !== undefined && pageSize > MAX_PAGE_SIZE) {
    // Shopify caps pages at 250 records. (Wording of this message not verified against Shopify.)
    walk.errors.push(new GraphQLError(`The maximum page size is ${MAX_PAGE_SIZE}; '${node.name.value}' requested ${pageSize}.`, { nodes: node }));
  }
  if (data === null) return 0;

  const connection = getNamedType(definition.type);
  if (!isObjectType(connection)) return 0;
  let cost = CONNECTION_BASE_COST;
  for (const [responseKey, nodes] of collectFields(walk, connection, connection, selectionSet)) {
    const field = nodes[0] && connection.getFields()[nodes[0].name.value];
    if (!field || !nodes[0]) continue;
    const name = field.name;
    if (name === "pageInfo") continue;
    const value = child(data, responseKey);
    if (name === "edges") {
      // The edge wrapper is free; its `node` is an object field and pays 1 + selections.
      cost += valueCost(walk, field.type, mergedSelectionSet(nodes), value, pageSize ?? 0, false);
    } else if (name === "nodes") {
      cost += valueCost(walk, field.type, mergedSelectionSet(nodes), value, pageSize ?? 0, true);
    } else {
      cost += fieldCost(walk, connection, nodes, value);
    }
  }
  return cost;
}

/** Relay connections in the Admin schema: `*Connection` types paged by first/last. */
function isConnection(definition: GraphQLField<unknown, unknown>): boolean {
  const named = getNamedType(definition.type);
  return named.name.endsWith("Connection") && definition.args.some((a) => a.name === "first" || a.name === "last");
}

/** How many items a plain list field is priced at: its `first`, or its `ids`, or one. */
function listSize(args: Record<string, unknown>): number {
  if (typeof args.first === "number") return args.first;
  if (Array.isArray(args.ids)) return args.ids.length;
  return 1;
}

function child(data: Priced, responseKey: string): Priced {
  if (data === REQUESTED) return REQUESTED;
  if (typeof data === "object" && data !== null) return (data as Record<string, unknown>)[responseKey];
  return undefined;
}

function mergedSelectionSet(nodes: readonly FieldNode[]): SelectionSetNode {
  return { kind: Kind.SELECTION_SET, selections: nodes.flatMap((n) => n.selectionSet?.selections ?? []) };
}

/** Type conditions used directly in a selection set (through fragments, not into fields). */
function typeConditions(walk: CostWalk, selectionSet: SelectionSetNode, seen = new Set<string>()): GraphQLCompositeType[] {
  const found: GraphQLCompositeType[] = [];
  for (const selection of selectionSet.selections) {
    let condition: string | undefined;
    let nested: SelectionSetNode | undefined;
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      condition = selection.typeCondition?.name.value;
      nested = selection.selectionSet;
    } else if (selection.kind === Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = walk.fragments.get(selection.name.value);
      condition = fragment?.typeCondition.name.value;
      nested = fragment?.selectionSet;
    }
    const type = condition ? walk.schema.getType(condition) : undefined;
    if (type && isCompositeType(type) && !found.includes(type)) found.push(type);
    if (nested) for (const t of typeConditions(walk, nested, seen)) if (!found.includes(t)) found.push(t);
  }
  return found;
}

/**
 * graphql-js's CollectFields, for a possibly abstract `candidate` type: fields by
 * response key, honouring @skip/@include and fragment type conditions.
 */
function collectFields(
  walk: CostWalk,
  declared: GraphQLCompositeType,
  candidate: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  fields = new Map<string, FieldNode[]>(),
  visited = new Set<string>(),
): Map<string, FieldNode[]> {
  const applies = (conditionName: string | undefined): boolean => {
    if (!conditionName) return true;
    const condition = walk.schema.getType(conditionName);
    if (condition === candidate || condition === declared) return true;
    return (
      condition !== undefined &&
      isAbstractType(condition) &&
      (isObjectType(candidate) || isInterfaceType(candidate)) &&
      walk.schema.isSubType(condition, candidate)
    );
  };
  for (const selection of selectionSet.selections) {
    if (!included(walk, selection)) continue;
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      fields.set(key, [...(fields.get(key) ?? []), selection]);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (applies(selection.typeCondition?.name.value)) {
        collectFields(walk, declared, candidate, selection.selectionSet, fields, visited);
      }
    } else {
      const fragment = walk.fragments.get(selection.name.value);
      if (visited.has(selection.name.value) || !fragment) continue;
      visited.add(selection.name.value);
      if (applies(fragment.typeCondition.name.value)) {
        collectFields(walk, declared, candidate, fragment.selectionSet, fields, visited);
      }
    }
  }
  return fields;
}

function included(walk: CostWalk, node: Parameters<typeof getDirectiveValues>[1]): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, walk.variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, walk.variables)?.if !== false;
}

// ---------------------------------------------------------------------------
// Leaky bucket

/** Brings the bucket up to date with the clock: it refills continuously up to its size. */
function restore(bucket: ThrottleBucket, nowMs: number): ThrottleBucket {
  const elapsedSeconds = Math.max(0, nowMs - bucket.updatedAtMs) / 1000;
  bucket.currentlyAvailable = Math.min(bucket.maximumAvailable, bucket.currentlyAvailable + elapsedSeconds * bucket.restoreRate);
  bucket.updatedAtMs = Math.max(bucket.updatedAtMs, nowMs);
  return bucket;
}

function costExtension(requested: number, actual: number | null, bucket: ThrottleBucket): QueryCostExtension {
  return {
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: {
      maximumAvailable: bucket.maximumAvailable,
      // Shopify reports whole points; the bucket refills continuously underneath.
      currentlyAvailable: Math.floor(bucket.currentlyAvailable),
      restoreRate: bucket.restoreRate,
    },
  };
}

// ---------------------------------------------------------------------------

function ok(json: unknown): AdminGraphqlResponse {
  return { status: 200, headers: {}, json };
}

function formatError(error: GraphQLError): GraphQLFormattedError {
  return error.toJSON();
}
