/**
 * Bulk query operations as Shopify runs them (shopify.dev/docs/api/usage/bulk-operations/queries):
 * - `bulkOperationRunQuery` validates the inner query (one top-level field, at
 *   least one connection, at most five, nested at most two levels below the root
 *   connection, no top-level node/nodes, no connection inside a list, parents of
 *   nested connections select `id`) and answers userErrors like Shopify;
 * - CREATED -> RUNNING -> COMPLETED, advanced by polling (`node`/`bulkOperation`)
 *   or by the simulator (`completeBulkOperations`, or automatically in the demo);
 * - the result is JSONL: one line per node of every connection, unpaginated
 *   (`first`, cursors and pageInfo are ignored), nested connection nodes on their
 *   own lines with `__parentId`, other nested objects inline. With
 *   groupObjects:false (the default since 2026-01) children are written in
 *   chunks after a batch of parents, so they are not adjacent to their parent;
 * - the file is written to a temp file and streamed from an https URL that msw
 *   serves (never one big string), so a million orders stay in constant memory;
 * - objectCount/rootObjectCount/fileSize are UnsignedInt64 strings; `url` is null
 *   when the query produced no objects, as on Shopify.
 */
import { createHmac, randomBytes } from "node:crypto";
import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, readSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { setImmediate as yieldToLoop } from "node:timers/promises";

import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isCompositeType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { http, HttpResponse, type HttpHandler } from "msw";

import { validateLikeShopify } from "./admin-graphql";
import { loadAdminSchema } from "./admin-schema";
import { formatDecimal } from "./money";
import { allocateGid, legacyId, type SimBulkOperation, type SimOrder, type SimStore } from "./store";
import { isoSeconds } from "./time";
import {
  connection,
  filterOrder,
  inventoryItemView,
  listInventoryItems,
  listOrders,
  listProducts,
  listVariants,
  orderView,
  parseSearch,
  productView,
  queryRoot,
  variantView,
  type ConnectionArgs,
} from "./views";

/** Concurrent bulk query operations per shop from API 2026-01 on. */
export const MAX_CONCURRENT_BULK_QUERIES = 5;
export const BULK_STORAGE_ORIGIN = "https://storage.shopifycdn.test";
const URL_TTL_MS = 7 * 24 * 3600 * 1000;

// ---------------------------------------------------------------------------
// Validation and planning

interface UserError {
  field: string[] | null;
  message: string;
  code: "INVALID" | "LIMIT_REACHED" | "OPERATION_IN_PROGRESS" | null;
}

interface Plan {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  root: FieldNode;
  fragments: Map<string, FragmentDefinitionNode>;
}

const invalid = (message: string): UserError => ({ field: ["query"], message: `Invalid bulk query: ${message}`, code: "INVALID" });

function isConnectionField(field: GraphQLField<unknown, unknown>): boolean {
  return getNamedType(field.type).name.endsWith("Connection") && field.args.some((a) => a.name === "first");
}

/** Checks a bulk query the way bulkOperationRunQuery does; returns the plan or Shopify-style userErrors. */
export function planBulkQuery(query: string, schema: GraphQLSchema = loadAdminSchema()): Plan | UserError[] {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return [invalid((error as Error).message)];
  }
  const validation = validateLikeShopify(schema, document);
  if (validation.length > 0) return validation.map((e) => invalid(e.message));
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1 || operations[0]!.operation !== "query") {
    return [invalid("the document must contain exactly one query operation.")];
  }
  const operation = operations[0]!;
  if (operation.variableDefinitions?.length) return [invalid("bulk queries cannot use variables.")];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  const rootFields = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD && !s.name.value.startsWith("__"));
  if (rootFields.length !== 1 || rootFields.length !== operation.selectionSet.selections.length) {
    return [invalid("bulk queries must select exactly one top-level field.")];
  }
  const root = rootFields[0]!;
  if (root.name.value === "node" || root.name.value === "nodes") return [invalid("the top-level node and nodes fields can't be used.")];

  // Walk the selection: count connections, their nesting, lists around them and parents' ids.
  const errors: UserError[] = [];
  let connections = 0;
  const walk = (type: GraphQLCompositeType, selectionSet: SelectionSetNode, depth: number, insideList: boolean, parentSelectsId: boolean, path: string) => {
    for (const field of fieldsOf(selectionSet, fragments)) {
      const name = field.name.value;
      if (name.startsWith("__")) continue;
      const definition = fieldDefinition(schema, type, field, selectionSet, fragments);
      if (!definition) continue;
      const named = getNamedType(definition.type);
      if (!isCompositeType(named) || !field.selectionSet) continue;
      if (isConnectionField(definition)) {
        connections++;
        const level = depth + 1;
        if (insideList) errors.push(invalid(`Queries that contain a connection field within a list field are not currently supported (${path}${name}).`));
        if (level > 2) errors.push(invalid(`Bulk queries cannot contain connections nested more than two levels deep (${path}${name}).`));
        if (depth >= 0 && !parentSelectsId) {
          errors.push(
            invalid(`The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of type 'ID!'. Connection with invalid parent: '${name}'.`),
          );
        }
        const nodeType = connectionNodeType(definition);
        for (const nodeSelection of nodeSelections(field, fragments)) {
          walk(nodeType, nodeSelection, level, false, selectsId(nodeSelection, fragments), `${path}${name}.`);
        }
      } else {
        const list = isListLike(definition.type);
        walk(named, field.selectionSet, depth, insideList || list, selectsId(field.selectionSet, fragments), `${path}${name}.`);
      }
    }
  };
  const rootDefinition = schema.getQueryType()!.getFields()[root.name.value]!;
  if (isConnectionField(rootDefinition)) {
    connections++;
    const nodeType = connectionNodeType(rootDefinition);
    for (const nodeSelection of nodeSelections(root, fragments)) walk(nodeType, nodeSelection, 0, false, selectsId(nodeSelection, fragments), `${root.name.value}.`);
  } else if (root.selectionSet) {
    walk(getNamedType(rootDefinition.type) as GraphQLCompositeType, root.selectionSet, -1, isListLike(rootDefinition.type), selectsId(root.selectionSet, fragments), `${root.name.value}.`);
  }
  if (connections === 0) errors.push(invalid("Bulk queries must contain at least one connection."));
  if (connections > 5) errors.push(invalid("Bulk queries cannot contain more than 5 connections."));
  if (errors.length > 0) return errors;
  return { document, operation, root, fragments };
}

function isListLike(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

function connectionNodeType(definition: GraphQLField<unknown, unknown>): GraphQLCompositeType {
  const connectionType = getNamedType(definition.type) as GraphQLObjectType;
  return getNamedType(connectionType.getFields().nodes!.type) as GraphQLCompositeType;
}

/** Every field node in a selection set, through fragments (type conditions are checked per runtime type later). */
function fieldsOf(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): FieldNode[] {
  const out: FieldNode[] = [];
  for (const s of selectionSet.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsOf(s.selectionSet, fragments, seen));
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const fragment = fragments.get(s.name.value);
      if (fragment) out.push(...fieldsOf(fragment.selectionSet, fragments, seen));
    }
  }
  return out;
}

/** The definition of a field as selected in `selectionSet` on `type`, looking through type conditions. */
function fieldDefinition(
  schema: GraphQLSchema,
  type: GraphQLCompositeType,
  field: FieldNode,
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
): GraphQLField<unknown, unknown> | undefined {
  const direct = "getFields" in type ? type.getFields()[field.name.value] : undefined;
  if (direct) return direct;
  const search = (set: SelectionSetNode): GraphQLField<unknown, unknown> | undefined => {
    for (const s of set.selections) {
      if (s.kind === Kind.INLINE_FRAGMENT || s.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = s.kind === Kind.FRAGMENT_SPREAD ? fragments.get(s.name.value) : s;
        if (!fragment) continue;
        const conditionType = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type;
        if (fragment.selectionSet.selections.includes(field) && conditionType && "getFields" in conditionType) {
          return (conditionType as GraphQLObjectType).getFields()[field.name.value];
        }
        const deeper = search(fragment.selectionSet);
        if (deeper) return deeper;
      }
    }
    return undefined;
  };
  return search(selectionSet);
}

function selectsId(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): boolean {
  return fieldsOf(selectionSet, fragments).some((f) => f.name.value === "id" && !f.alias);
}

/** The node selections of a connection field: `edges { node { … } }` and `nodes { … }`. */
function nodeSelections(field: FieldNode, fragments: Map<string, FragmentDefinitionNode>): SelectionSetNode[] {
  const out: SelectionSetNode[] = [];
  for (const f of fieldsOf(field.selectionSet!, fragments)) {
    if (f.name.value === "nodes" && f.selectionSet) out.push(f.selectionSet);
    if (f.name.value === "edges" && f.selectionSet) {
      for (const g of fieldsOf(f.selectionSet, fragments)) if (g.name.value === "node" && g.selectionSet) out.push(g.selectionSet);
    }
  }
  return out;
}

const mergeSelections = (sets: SelectionSetNode[]): SelectionSetNode => ({ kind: Kind.SELECTION_SET, selections: sets.flatMap((s) => s.selections) });

// ---------------------------------------------------------------------------
// A small executor for bulk results: resolves the selection over the simulator's
// views like graphql-js would (same data, same serialization), but splits nested
// connections into their own lines and keeps compiled selections per type.

class SimulatorGap extends Error {}

interface CompiledField {
  key: string;
  name: string;
  node: FieldNode;
  args: Record<string, unknown>;
  kind: "typename" | "value" | "connection";
  /** A scalar or enum, not in a list: the value is copied as is. */
  scalar: boolean;
  type: GraphQLOutputType;
  sub: SelectionSetNode | null;
  /** For connections: what each node selects, and its type. */
  nodeSelection: SelectionSetNode | null;
  nodeType: GraphQLCompositeType | null;
}

interface Child {
  key: string;
  nodes: unknown[];
  nodeType: GraphQLCompositeType;
  selection: SelectionSetNode;
}

class Projector {
  private readonly compiled = [new Map<SelectionSetNode, Map<GraphQLObjectType, CompiledField[]>>(), new Map<SelectionSetNode, Map<GraphQLObjectType, CompiledField[]>>()];

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
  ) {}

  private applies(condition: string | undefined, runtime: GraphQLObjectType): boolean {
    if (!condition) return true;
    if (condition === runtime.name) return true;
    const type = this.schema.getType(condition);
    return Boolean(type && isAbstractType(type) && this.schema.isSubType(type, runtime));
  }

  private collect(runtime: GraphQLObjectType, set: SelectionSetNode, into: Map<string, FieldNode[]>, visited: Set<string>): void {
    for (const s of set.selections) {
      if (getDirectiveValues(GraphQLSkipDirective, s)?.if === true || getDirectiveValues(GraphQLIncludeDirective, s)?.if === false) continue;
      if (s.kind === Kind.FIELD) {
        const key = s.alias?.value ?? s.name.value;
        into.set(key, [...(into.get(key) ?? []), s]);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        if (this.applies(s.typeCondition?.name.value, runtime)) this.collect(runtime, s.selectionSet, into, visited);
      } else if (!visited.has(s.name.value)) {
        visited.add(s.name.value);
        const fragment = this.fragments.get(s.name.value);
        if (fragment && this.applies(fragment.typeCondition.name.value, runtime)) this.collect(runtime, fragment.selectionSet, into, visited);
      }
    }
  }

  fieldsFor(runtime: GraphQLObjectType, set: SelectionSetNode, splitConnections: boolean): CompiledField[] {
    const cache = this.compiled[splitConnections ? 1 : 0]!;
    let byType = cache.get(set);
    if (!byType) cache.set(set, (byType = new Map()));
    const hit = byType.get(runtime);
    if (hit) return hit;
    const grouped = new Map<string, FieldNode[]>();
    this.collect(runtime, set, grouped, new Set());
    const fields: CompiledField[] = [];
    for (const [key, nodes] of grouped) {
      const node = nodes[0]!;
      const name = node.name.value;
      if (name === "__typename") {
        fields.push({ key, name, node, args: {}, kind: "typename", scalar: true, type: runtime, sub: null, nodeSelection: null, nodeType: null });
        continue;
      }
      const definition = runtime.getFields()[name];
      if (!definition) throw new SimulatorGap(`${runtime.name}.${name} is not in the schema`);
      const args = getArgumentValues(definition, node, {});
      const sub = nodes.some((n) => n.selectionSet) ? mergeSelections(nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []))) : null;
      if (splitConnections && isConnectionField(definition)) {
        const selections = nodes.flatMap((n) => nodeSelections(n, this.fragments));
        fields.push({ key, name, node, args, kind: "connection", scalar: false, type: definition.type, sub, nodeSelection: mergeSelections(selections), nodeType: connectionNodeType(definition) });
      } else {
        const scalar = isLeafType(isNonNullType(definition.type) ? definition.type.ofType : definition.type);
        fields.push({ key, name, node, args, kind: "value", scalar, type: definition.type, sub, nodeSelection: null, nodeType: null });
      }
    }
    byType.set(runtime, fields);
    return fields;
  }

  runtimeType(declared: GraphQLCompositeType, source: unknown): GraphQLObjectType {
    if (isObjectType(declared)) return declared;
    const name = (source as { __typename?: string }).__typename;
    const type = name ? this.schema.getType(name) : undefined;
    if (!type || !isObjectType(type)) throw new SimulatorGap(`no __typename for a value of ${declared.name}`);
    return type;
  }

  /** One JSONL object for `source` (nested connections left out and returned as children). */
  node(declared: GraphQLCompositeType, set: SelectionSetNode, source: unknown, children: Child[] | null): Record<string, unknown> {
    const runtime = this.runtimeType(declared, source);
    const out: Record<string, unknown> = {};
    for (const f of this.fieldsFor(runtime, set, children !== null)) {
      if (f.kind === "typename") {
        out[f.key] = runtime.name;
        continue;
      }
      if (f.kind === "connection") {
        // Bulk ignores first/last and cursors: every node of the connection.
        const conn = callConnection(source, f) as { nodes: unknown[] };
        children!.push({ key: f.key, nodes: conn.nodes, nodeType: f.nodeType!, selection: f.nodeSelection! });
        continue;
      }
      const value = read(source, runtime, f);
      out[f.key] = f.scalar ? (value ?? null) : this.complete(f.type, f.sub, value);
    }
    return out;
  }

  private complete(type: GraphQLOutputType, set: SelectionSetNode | null, value: unknown): unknown {
    if (isNonNullType(type)) return this.complete(type.ofType, set, value);
    if (value === null || value === undefined) return null;
    if (isListType(type)) return (value as unknown[]).map((v) => this.complete(type.ofType, set, v));
    if (isLeafType(type)) return value;
    return this.node(type as GraphQLCompositeType, set!, value, null);
  }
}

function read(source: unknown, runtime: GraphQLObjectType, f: CompiledField): unknown {
  const object = source as Record<string, unknown>;
  if (!(f.name in object)) throw new SimulatorGap(`The Shopify simulator has no data for ${runtime.name}.${f.name}`);
  const value = object[f.name];
  return typeof value === "function" && f.kind !== "connection" ? (value as (a: unknown) => unknown).call(object, f.args) : value;
}

function callConnection(source: unknown, f: CompiledField): unknown {
  if (!(f.name in (source as object))) throw new SimulatorGap(`The Shopify simulator has no data for the connection ${f.name}`);
  const fn = (source as Record<string, unknown>)[f.name];
  const args: ConnectionArgs = { ...(f.args as ConnectionArgs), first: undefined, last: undefined, after: undefined, before: undefined };
  return typeof fn === "function" ? (fn as (a: ConnectionArgs) => unknown).call(source, args) : fn;
}

// ---------------------------------------------------------------------------
// Running an operation: roots, lines, the file

/** The root objects of a bulk query, streamed: connection nodes, or the one object of a non-connection root field. */
function* rootSources(store: SimStore, plan: Plan, schema: GraphQLSchema): Generator<unknown> {
  const name = plan.root.name.value;
  const definition = schema.getQueryType()!.getFields()[name]!;
  const args = getArgumentValues(definition, plan.root, {}) as ConnectionArgs;
  const unpaged: ConnectionArgs = { ...args, first: undefined, last: undefined, after: undefined, before: undefined };
  const ordered = <T>(items: readonly T[]) => (args.reverse ? [...items].reverse() : items);
  switch (name) {
    case "orders": {
      for (const order of ordered(listOrders(store, unpaged).items)) yield orderView(store, order);
      if (store.streamedOrders) {
        for (const order of store.streamedOrders()) if (filterOrder(store, order, args.query)) yield orderView(store, order);
      }
      return;
    }
    case "products":
      for (const p of ordered(listProducts(store, unpaged).items)) yield productView(store, p);
      return;
    case "productVariants":
      for (const v of ordered(listVariants(store, unpaged).items)) yield variantView(store, v);
      return;
    case "inventoryItems":
      for (const i of ordered(listInventoryItems(store, unpaged).items)) yield inventoryItemView(store, i);
      return;
  }
  const root = queryRoot(store);
  if (!(name in root)) throw new SimulatorGap(`The Shopify simulator has no data for QueryRoot.${name}`);
  const value = (root[name] as (a: unknown) => unknown)(isConnectionField(definition) ? unpaged : args);
  if (isConnectionField(definition)) yield* (value as { nodes: unknown[] }).nodes;
  else if (value !== null) yield value;
}

interface WriteResult {
  objectCount: number;
  rootObjectCount: number;
  bytes: number;
}

/** Writes the JSONL of `plan` to `file`, in Shopify's grouped or ungrouped order. */
async function writeResult(store: SimStore, op: SimBulkOperation, plan: Plan, file: string, progress: (r: WriteResult) => void): Promise<WriteResult> {
  const schema = loadAdminSchema();
  const projector = new Projector(schema, plan.fragments);
  const rootDefinition = schema.getQueryType()!.getFields()[plan.root.name.value]!;
  const rootIsConnection = isConnectionField(rootDefinition);
  const rootType = rootIsConnection ? connectionNodeType(rootDefinition) : (getNamedType(rootDefinition.type) as GraphQLCompositeType);
  const rootSelection = rootIsConnection ? mergeSelections(nodeSelections(plan.root, plan.fragments)) : plan.root.selectionSet!;

  const out = createWriteStream(file, { encoding: "utf8" });
  const result: WriteResult = { objectCount: 0, rootObjectCount: 0, bytes: 0 };
  let buffer = "";
  const flush = async (force = false) => {
    if (buffer.length < 1 << 20 && !force) return;
    const chunk = buffer;
    buffer = "";
    result.bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    progress(result);
    await yieldToLoop();
  };
  const line = (obj: Record<string, unknown>) => {
    buffer += `${JSON.stringify(obj)}\n`;
    result.objectCount++;
  };

  // levels[d] holds lines of depth d for the current chunk (ungrouped output).
  const levels: string[][] = [[], [], []];
  const emit = (type: GraphQLCompositeType, set: SelectionSetNode, source: unknown, parentId: string | null, depth: number) => {
    const children: Child[] = [];
    const obj = projector.node(type, set, source, children);
    if (parentId !== null) obj.__parentId = parentId;
    if (op.groupObjects) line(obj);
    else {
      levels[depth]!.push(JSON.stringify(obj));
      result.objectCount++;
    }
    const id = (source as { id?: string }).id ?? null;
    for (const child of children) for (const n of child.nodes) emit(child.nodeType, child.selection, n, id, depth + 1);
  };
  const flushLevels = () => {
    const order = store.bulkOutput.childrenFirst ? [2, 1, 0] : [0, 1, 2];
    for (const d of order) {
      for (const l of levels[d]!) buffer += `${l}\n`;
      levels[d] = [];
    }
  };

  let inChunk = 0;
  for (const source of rootSources(store, plan, schema)) {
    emit(rootType, rootSelection, source, null, 0);
    result.rootObjectCount++;
    if (!op.groupObjects && ++inChunk >= store.bulkOutput.chunkSize) {
      flushLevels();
      inChunk = 0;
    }
    await flush();
  }
  if (!op.groupObjects) flushLevels();
  await flush(true);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return result;
}

// ---------------------------------------------------------------------------
// Lifecycle

interface Running {
  plan: Plan;
  done: Promise<void>;
  finished: boolean;
  error: Error | null;
  written: WriteResult;
}

const running = new WeakMap<SimBulkOperation, Running>();
const plans = new WeakMap<SimBulkOperation, Plan>();
let tempDir: string | null = null;
/** Signs download URLs; one per process. */
const URL_SECRET = randomBytes(16);
/** Every store whose bulk files the msw handler may serve, by operation id. */
const served = new Map<string, { store: SimStore; op: SimBulkOperation }>();

function bulkDir(): string {
  if (!tempDir) {
    tempDir = mkdtempSync(path.join(tmpdir(), "shopify-sim-bulk-"));
    const dir = tempDir;
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return tempDir;
}

/** Deletes every bulk result file written by this process (tests may call it in afterAll). */
export function removeBulkFiles(): void {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  tempDir = null;
  served.clear();
}

function signedUrl(op: SimBulkOperation, partial: boolean, nowMs: number): string {
  // Signed like a cloud-storage URL: expiry (unix seconds) and an HMAC over the path.
  const expires = Math.floor((nowMs + URL_TTL_MS) / 1000);
  const file = `${legacyId(op.id)}${partial ? "-partial" : ""}.jsonl`;
  const signature = createHmac("sha256", URL_SECRET).update(`${file}:${expires}`).digest("hex");
  return `${BULK_STORAGE_ORIGIN}/bulk/${file}?Expires=${expires}&Signature=${signature}`;
}

/** bulkOperationRunQuery */
export function runBulkQuery(store: SimStore, args: { query: string; groupObjects?: boolean }) {
  const plan = planBulkQuery(args.query);
  if (Array.isArray(plan)) return { bulkOperation: null, userErrors: plan };
  const inFlight = store.bulkOperations.filter((o) => o.status === "CREATED" || o.status === "RUNNING");
  if (inFlight.length >= MAX_CONCURRENT_BULK_QUERIES) {
    return {
      bulkOperation: null,
      userErrors: [{ field: null, message: `A maximum of ${MAX_CONCURRENT_BULK_QUERIES} bulk query operations can run at the same time per shop.`, code: "LIMIT_REACHED" }],
    };
  }
  const op: SimBulkOperation = {
    id: allocateGid(store, "BulkOperation"),
    query: args.query,
    groupObjects: args.groupObjects ?? false,
    status: "CREATED",
    errorCode: null,
    createdAt: isoSeconds(store.now()),
    completedAt: null,
    objectCount: 0,
    rootObjectCount: 0,
    fileSize: null,
    filePath: null,
    partialFilePath: null,
    url: null,
    partialDataUrl: null,
    faults: { truncate: store.faults.truncateNextBulkFile, fail: store.faults.failNextBulkOperation, dropAfterBytes: store.faults.dropNextBulkDownloadAfterBytes, stallAfterBytes: store.faults.stallNextBulkDownloadAfterBytes },
  };
  store.faults.truncateNextBulkFile = false;
  store.faults.failNextBulkOperation = false;
  store.faults.dropNextBulkDownloadAfterBytes = null;
  store.faults.stallNextBulkDownloadAfterBytes = null;
  store.bulkOperations.push(op);
  plans.set(op, plan);
  served.set(op.id, { store, op });
  store.listeners.bulkOperationCreated?.(store, op);
  return { bulkOperation: bulkOperationView(op), userErrors: [] };
}

/** CREATED -> RUNNING: starts writing the result file in the background. */
export function startBulkOperation(store: SimStore, op: SimBulkOperation): void {
  if (op.status !== "CREATED") return;
  const plan = plans.get(op);
  if (!plan) throw new Error(`No plan for ${op.id}`);
  op.status = "RUNNING";
  const file = path.join(bulkDir(), `${legacyId(op.id)}.jsonl`);
  const state: Running = { plan, finished: false, error: null, written: { objectCount: 0, rootObjectCount: 0, bytes: 0 }, done: Promise.resolve() };
  state.done = writeResult(store, op, plan, file, (r) => {
    state.written = { ...r };
    op.objectCount = r.objectCount;
    op.rootObjectCount = r.rootObjectCount;
  }).then(
    (r) => {
      state.written = r;
      state.finished = true;
      op.filePath = file;
    },
    (error: Error) => {
      state.error = error;
      state.finished = true;
      op.partialFilePath = file;
    },
  );
  running.set(op, state);
}

/** Waits for the file and settles the operation (COMPLETED or FAILED), then tells the listeners. */
export async function finishBulkOperation(store: SimStore, op: SimBulkOperation): Promise<void> {
  if (op.status === "CREATED") startBulkOperation(store, op);
  const state = running.get(op);
  if (!state || op.status !== "RUNNING") return;
  await state.done;
  if (op.status !== "RUNNING") return; // settled meanwhile (a concurrent poll or cancel)
  const nowMs = store.now();
  op.objectCount = state.written.objectCount;
  op.rootObjectCount = state.written.rootObjectCount;
  if (state.error || op.faults.fail) {
    // Shopify keeps what it wrote before the failure at partialDataUrl.
    op.status = "FAILED";
    op.errorCode = "INTERNAL_SERVER_ERROR";
    const source = op.filePath ?? op.partialFilePath;
    if (source && state.written.objectCount > 1) {
      const partial = source.replace(/\.jsonl$/, "-partial.jsonl");
      keepFirstLines(source, partial, Math.floor(state.written.objectCount / 2));
      op.partialFilePath = partial;
      op.partialDataUrl = signedUrl(op, true, nowMs);
      op.objectCount = Math.floor(state.written.objectCount / 2);
    }
    if (op.filePath) rmSync(op.filePath, { force: true });
    op.filePath = null;
    if (state.error && !(state.error instanceof SimulatorGap)) console.error(`[shopify simulator] bulk operation ${op.id} failed:`, state.error);
    if (state.error instanceof SimulatorGap) console.warn(`[shopify simulator] bulk operation ${op.id} failed: ${state.error.message}`);
  } else {
    op.status = "COMPLETED";
    if (op.faults.truncate && op.filePath) truncateMidLine(op.filePath);
    op.fileSize = op.objectCount === 0 || !op.filePath ? null : statSync(op.filePath).size;
    op.url = op.objectCount === 0 ? null : signedUrl(op, false, nowMs);
  }
  op.completedAt = isoSeconds(nowMs);
  store.listeners.bulkOperationFinished?.(store, op);
}

/** node(id) / bulkOperation(id) on a bulk operation: each poll moves it one step (CREATED -> RUNNING -> COMPLETED). */
export async function pollBulkOperation(store: SimStore, id: string) {
  const op = store.bulkOperations.find((o) => o.id === id);
  if (!op) return null;
  if (op.status === "CREATED") {
    startBulkOperation(store, op);
  } else if (op.status === "RUNNING") {
    const state = running.get(op);
    // Small results finish within one poll; big ones report progress (objectCount) meanwhile.
    if (state && !state.finished) await Promise.race([state.done, new Promise((resolve) => setTimeout(resolve, 1000))]);
    if (state?.finished) await finishBulkOperation(store, op);
  }
  return bulkOperationView(op);
}

/** Runs every CREATED/RUNNING operation of a store to the end (tests, the demo). */
export async function completeBulkOperations(store: SimStore): Promise<SimBulkOperation[]> {
  const pending = store.bulkOperations.filter((o) => o.status === "CREATED" || o.status === "RUNNING");
  for (const op of pending) await finishBulkOperation(store, op);
  return pending;
}

export function cancelBulkOperation(store: SimStore, id: string) {
  const op = store.bulkOperations.find((o) => o.id === id);
  if (!op) return { bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
  if (op.status !== "CREATED" && op.status !== "RUNNING") {
    return { bulkOperation: bulkOperationView(op), userErrors: [{ field: null, message: `A bulk operation cannot be canceled when it is ${op.status.toLowerCase()}` }] };
  }
  op.status = "CANCELED";
  op.completedAt = isoSeconds(store.now());
  store.listeners.bulkOperationFinished?.(store, op);
  return { bulkOperation: bulkOperationView(op), userErrors: [] };
}

export function bulkOperationView(op: SimBulkOperation) {
  return {
    __typename: "BulkOperation",
    id: op.id,
    status: op.status,
    errorCode: op.errorCode,
    createdAt: op.createdAt,
    completedAt: op.completedAt,
    // UnsignedInt64 is a string on the wire ("57").
    objectCount: String(op.objectCount),
    rootObjectCount: String(op.rootObjectCount),
    fileSize: op.fileSize === null ? null : String(op.fileSize),
    url: op.url,
    partialDataUrl: op.partialDataUrl,
    query: op.query,
    type: "QUERY",
  };
}

/** The `bulkOperations` root connection (status/type filters). */
export function listBulkOperations(store: SimStore, args: ConnectionArgs) {
  const terms = parseSearch(args.query);
  const items = store.bulkOperations.filter((op) =>
    terms.every((t) => (t.field === "status" ? op.status === t.value.toUpperCase() : t.field === "type" ? t.value.toUpperCase() === "QUERY" : true) !== t.negated),
  );
  return connection({ items, id: (o) => o.id, value: (o) => legacyId(o.id) }, args, bulkOperationView);
}

// ---------------------------------------------------------------------------
// Faults on the file

function truncateMidLine(file: string): void {
  const size = statSync(file).size;
  if (size < 4) return;
  // Cut somewhere in the last third, then step back into the middle of that line.
  const fd = openSync(file, "r");
  try {
    let cut = Math.floor((size * 2) / 3);
    const probe = Buffer.alloc(1);
    readSync(fd, probe, 0, 1, cut);
    if (probe[0] === 0x0a) cut -= 2;
    truncateSync(file, Math.max(1, cut));
  } finally {
    closeSync(fd);
  }
}

function keepFirstLines(source: string, target: string, lines: number): void {
  const fd = openSync(source, "r");
  const chunks: Buffer[] = [];
  try {
    const buf = Buffer.alloc(1 << 16);
    let position = 0;
    let kept = 0;
    while (kept < lines) {
      const n = readSync(fd, buf, 0, buf.length, position);
      if (n === 0) break;
      let end = n;
      for (let i = 0; i < n; i++) {
        if (buf[i] === 0x0a && ++kept === lines) {
          end = i + 1;
          break;
        }
      }
      chunks.push(Buffer.from(buf.subarray(0, end)));
      position += n;
    }
  } finally {
    closeSync(fd);
  }
  writeFileSync(target, Buffer.concat(chunks));
}

// ---------------------------------------------------------------------------
// Download (msw)

/** GET https://storage.shopifycdn.test/bulk/<id>.jsonl?Expires&Signature: the result file, streamed (403 if tampered or expired). */
export function bulkDownloadHandler(): HttpHandler {
  return http.get(`${BULK_STORAGE_ORIGIN}/bulk/:file`, ({ request, params }) => {
    const url = new URL(request.url);
    const file = String(params.file);
    const expires = Number(url.searchParams.get("Expires"));
    const signature = url.searchParams.get("Signature") ?? "";
    const expected = createHmac("sha256", URL_SECRET).update(`${file}:${expires}`).digest("hex");
    const denied = (message: string) =>
      new HttpResponse(`<?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code><Message>${message}</Message></Error>`, {
        status: 403,
        headers: { "Content-Type": "application/xml" },
      });
    if (signature !== expected) return denied("Invalid signature.");
    const match = /^(\d+)(-partial)?\.jsonl$/.exec(file);
    const entry = match ? served.get(`gid://shopify/BulkOperation/${match[1]}`) : undefined;
    if (!entry) return new HttpResponse("Not Found", { status: 404 });
    if (expires * 1000 < entry.store.now()) return denied("Request has expired.");
    const op = entry.op;
    const filePath = match![2] ? op.partialFilePath : op.filePath;
    if (!filePath) return new HttpResponse("Not Found", { status: 404 });
    const size = statSync(filePath).size;
    const dropAfter = match![2] ? null : op.faults.dropAfterBytes;
    op.faults.dropAfterBytes = null; // one download breaks; a retry succeeds
    const stallAfter = match![2] ? null : op.faults.stallAfterBytes;
    op.faults.stallAfterBytes = null;
    const body =
      stallAfter !== null
        ? stalledStream(filePath, stallAfter)
        : dropAfter === null
          ? (Readable.toWeb(createReadStream(filePath)) as ReadableStream<Uint8Array>)
          : brokenStream(filePath, dropAfter);
    return new HttpResponse(body, {
      status: 200,
      headers: { "Content-Type": "application/jsonl", "Content-Length": String(size) },
    });
  });
}

/** A body that delivers `limit` bytes of the file and then goes silent, open, until the reader gives up. */
function stalledStream(filePath: string, limit: number): ReadableStream<Uint8Array> {
  const source = createReadStream(filePath, { end: Math.max(0, limit - 1) });
  return new ReadableStream<Uint8Array>({
    start(controller) {
      source.on("data", (chunk: string | Buffer) => controller.enqueue(new Uint8Array(typeof chunk === "string" ? Buffer.from(chunk) : chunk)));
      source.on("error", (error) => controller.error(error));
      // No end, no error: the connection just stops sending.
    },
    cancel() {
      source.destroy();
    },
  });
}

/** A body that delivers `limit` bytes of the file and then fails like a reset connection. */
function brokenStream(filePath: string, limit: number): ReadableStream<Uint8Array> {
  const source = createReadStream(filePath, { end: Math.max(0, limit - 1) });
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      source.on("data", (chunk: string | Buffer) => {
        const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
        sent += bytes.length;
        controller.enqueue(new Uint8Array(bytes));
      });
      source.on("end", () => controller.error(Object.assign(new Error(`socket hang up after ${sent} bytes`), { code: "ECONNRESET" })));
      source.on("error", (error) => controller.error(error));
    },
    cancel() {
      source.destroy();
    },
  });
}

// ---------------------------------------------------------------------------
// Fast path for benchmarks: the JSONL of ORDERS_BULK_QUERY, straight from raw orders

/**
 * The lines a bulk run of the app's ORDERS_BULK_QUERY produces for one order, in
 * grouped order, without the GraphQL machinery (about 10x faster). bulk.test.ts
 * checks it byte for byte against the real bulk path, so a change to the app's
 * query shows up there first.
 */
export function* orderBulkLines(order: SimOrder, shopCurrency: string, inventoryItemOf: (variantId: string) => string): Generator<string> {
  const amount = (minor: number) => ({ shopMoney: { amount: formatDecimal(minor, shopCurrency) } });
  yield JSON.stringify({
    id: order.id,
    createdAt: order.createdAt,
    processedAt: order.processedAt,
    cancelledAt: order.cancelledAt,
    updatedAt: order.updatedAt,
    test: order.test,
    currencyCode: shopCurrency,
    transactions: order.transactions.map((t) => ({
      id: t.id,
      kind: t.kind,
      status: t.status,
      gateway: t.gateway,
      processedAt: t.processedAt,
      createdAt: t.createdAt,
      amountSet: { shopMoney: { amount: formatDecimal(t.amount, shopCurrency), currencyCode: shopCurrency } },
      fees: t.fees.map((f) => ({
        amount: { amount: formatDecimal(f.amount, shopCurrency), currencyCode: shopCurrency },
        flatFee: { amount: formatDecimal(f.flatFee, shopCurrency) },
        rate: f.rate,
        type: f.type,
        taxAmount: { amount: formatDecimal(f.taxAmount, shopCurrency), currencyCode: shopCurrency },
      })),
    })),
  });
  for (const l of order.shippingLines) yield JSON.stringify({ id: l.id, title: l.title, code: l.code, source: "shopify", __parentId: order.id });
  for (const a of order.agreements) {
    yield JSON.stringify({ id: a.id, happenedAt: a.happenedAt, reason: a.reason, __parentId: order.id });
    for (const s of a.sales) {
      const line = s.lineItemId ? order.lineItems.find((l) => l.id === s.lineItemId) : undefined;
      const base: Record<string, unknown> = {
        id: s.id,
        actionType: s.actionType,
        lineType: s.lineType,
        quantity: s.quantity,
        totalAmount: amount(s.total),
        totalDiscountAmountBeforeTaxes: amount(s.discountBefore),
        totalTaxAmount: amount(s.tax),
      };
      if (s.__typename === "ProductSale" && line) {
        base.lineItem = {
          id: line.id,
          variant: line.variantId ? { id: line.variantId, inventoryItem: { id: inventoryItemOf(line.variantId) } } : null,
          product: line.productId ? { id: line.productId } : null,
        };
      }
      base.__parentId = a.id;
      yield JSON.stringify(base);
    }
  }
}

/** Inventory item ids by variant id, from a catalog (store.products or catalogFor(options)). */
export function inventoryItemLookup(catalog: readonly { variants: readonly { id: string; inventoryItem: { id: string } }[] }[]): (variantId: string) => string {
  const map = new Map(catalog.flatMap((p) => p.variants.map((v) => [v.id, v.inventoryItem.id] as const)));
  return (variantId) => {
    const id = map.get(variantId);
    if (!id) throw new Error(`No inventory item known for ${variantId}`);
    return id;
  };
}

/**
 * Streams orders as the JSONL of the app's orders backfill (grouped), e.g.
 * `writeOrdersJsonl(generateOrders(opts), catalogFor(opts), "USD", fileStream)`.
 * Constant memory; honours backpressure. Returns line and byte counts.
 */
export async function writeOrdersJsonl(
  orders: Iterable<SimOrder>,
  catalog: readonly { variants: readonly { id: string; inventoryItem: { id: string } }[] }[],
  shopCurrency: string,
  out: NodeJS.WritableStream,
): Promise<{ lines: number; orders: number; bytes: number }> {
  const itemOf = inventoryItemLookup(catalog);
  let buffer = "";
  let lines = 0;
  let count = 0;
  let bytes = 0;
  const flush = async () => {
    bytes += Buffer.byteLength(buffer);
    if (!out.write(buffer)) await new Promise((resolve) => out.once("drain", resolve));
    buffer = "";
  };
  for (const order of orders) {
    count++;
    for (const l of orderBulkLines(order, shopCurrency, itemOf)) {
      buffer += `${l}\n`;
      lines++;
    }
    if (buffer.length > 1 << 20) await flush();
  }
  await flush();
  return { lines, orders: count, bytes };
}
