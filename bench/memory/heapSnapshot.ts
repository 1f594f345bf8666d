/**
 * Reads a V8 heap snapshot into bytes and object counts per kind of holder: objects by constructor,
 * and typed-array memory (which lives outside the JS heap) by the property that holds its view,
 * e.g. `PlayoutStage.#samples (Int16Array)`. Two summaries subtracted give what was added between them.
 */
import { readFileSync } from 'node:fs';

/** Bytes and count of one kind of holder. */
export interface HolderTotal {
  bytes: number;
  count: number;
}

/** Totals per holder label; typed-array backing stores are labelled with a leading `buffer: `. */
export type SnapshotSummary = Map<string, HolderTotal>;

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** Label of wasm memory: it grows in large steps, so per-call figures from it are read with care. */
export const WASM_MEMORY = 'wasm memory (WebAssembly.Memory)';

/**
 * Label of functions' own property dictionaries. Run through tsx, every function gets one (about
 * 256 bytes): tsx compiles with esbuild's `keepNames`, which redefines each function's `name`.
 * Plain `tsc` output does not do that.
 */
export const FUNCTION_PROPERTIES = 'function property dictionaries (one per function when run through tsx)';

/** Constructors too common to tell anything apart without their holder. */
const GENERIC_OBJECTS = new Set(['Object', 'Array', 'Uint8Array', 'Int16Array', 'ArrayBuffer', 'Buffer']);

const STRING_TYPES = new Set(['string', 'concatenated string', 'sliced string']);

/** Summarizes the snapshot at `path` (written by `v8.writeHeapSnapshot`). */
export function summarizeSnapshot(path: string): SnapshotSummary {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as RawSnapshot;
  const { nodes, edges, strings } = raw;
  const meta = raw.snapshot.meta;
  const nodeFields = meta.node_fields.length;
  const edgeFields = meta.edge_fields.length;
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const nodeCount = nodes.length / nodeFields;
  const firstEdge = new Uint32Array(nodeCount + 1);
  for (let node = 0; node < nodeCount; node++) firstEdge[node + 1] = firstEdge[node]! + nodes[node * nodeFields + 4]! * edgeFields;

  const nameOf = (node: number): string => strings[nodes[node * nodeFields + 1]!]!;
  const typeOf = (node: number): string => nodeTypes[nodes[node * nodeFields]!]!;
  // ArrayBuffers of WebAssembly.Memory objects: wasm heaps, reported apart.
  const wasmBuffers = new Set<number>();
  // One retainer per node is enough to name a backing store's owner.
  const retainer = new Int32Array(nodeCount).fill(-1);
  const retainerEdge = new Int32Array(nodeCount).fill(-1);
  for (let node = 0; node < nodeCount; node++) {
    for (let edge = firstEdge[node]!; edge < firstEdge[node + 1]!; edge += edgeFields) {
      const type = edgeTypes[edges[edge]!]!;
      if (type === 'weak' || type === 'shortcut') continue;
      const target = edges[edge + 2]! / nodeFields;
      const name = type === 'element' || type === 'hidden' ? '' : strings[edges[edge + 1]!]!;
      if (name === '__proto__' || name === 'map') continue;
      if (typeOf(node) === 'object' && nameOf(node) === 'Memory') wasmBuffers.add(target);
      // The first property edge, else the first edge: stable from one snapshot to the next.
      if (retainer[target] === -1 || (type === 'property' && edgeTypes[edges[retainerEdge[target]!]!] !== 'property')) {
        retainer[target] = node;
        retainerEdge[target] = edge;
      }
    }
  }

  const edgeName = (edge: number): string => {
    const type = edgeTypes[edges[edge]!]!;
    return type === 'element' || type === 'hidden' ? `[${edges[edge + 1]}]` : strings[edges[edge + 1]!]!;
  };
  // backing store → ArrayBuffer → view (typed array) → holder object and property.
  const ownerOfBackingStore = (node: number): string => {
    let view = retainer[node]!;
    if (view >= 0 && nameOf(view) === 'ArrayBuffer' && retainer[view]! >= 0) view = retainer[view]!;
    const holder = retainer[view]!;
    if (holder < 0) return `${nameOf(view)} (no holder)`;
    const holderName = typeOf(holder) === 'object' ? nameOf(holder) : typeOf(holder);
    return `${holderName}.${edgeName(retainerEdge[view]!)} (${nameOf(view)})`;
  };

  // Generic objects and arrays say little by themselves; their holder says whose they are.
  const holderOf = (node: number, depth = 0): string => {
    const holder = retainer[node]!;
    if (holder < 0) return '(none)';
    const holderName = typeOf(holder) === 'object' || typeOf(holder) === 'closure' ? nameOf(holder) : `(${typeOf(holder)}) ${nameOf(holder)}`;
    const edge = edgeName(retainerEdge[node]!);
    const label = edge.startsWith('[') ? holderName : `${holderName}.${edge}`;
    // A nameless or generic holder says little too: name its own holder, one level up.
    return depth < 1 && (holderName === '' || GENERIC_OBJECTS.has(holderName)) ? `${holderOf(holder, depth + 1)} › ${label}` : label;
  };

  const summary: SnapshotSummary = new Map();
  const add = (label: string, bytes: number): void => {
    const total = summary.get(label);
    if (total === undefined) summary.set(label, { bytes, count: 1 });
    else {
      total.bytes += bytes;
      total.count++;
    }
  };
  for (let node = 0; node < nodeCount; node++) {
    const type = typeOf(node);
    const name = nameOf(node);
    const bytes = nodes[node * nodeFields + 3]!;
    if (type === 'native' && name === 'system / JSArrayBufferData') {
      add(wasmBuffers.has(retainer[node]!) ? WASM_MEMORY : `buffer: ${ownerOfBackingStore(node)}`, bytes);
    }
    else if (type === 'closure') add(`closure ${name || '(anonymous)'} ← ${holderOf(node)}`, bytes);
    else if (type === 'object') add(GENERIC_OBJECTS.has(name) ? `${name} ← ${holderOf(node)}` : name, bytes);
    else if (STRING_TYPES.has(type)) add('(strings)', bytes);
    else if (type === 'array' && name === '(object properties)' && typeOf(retainer[node]!) === 'closure') add(FUNCTION_PROPERTIES, bytes);
    else if (type === 'array') add(`(array) ${name} ← ${holderOf(node)}`, bytes);
    else add(`(${type}) ${name.startsWith('system / ') ? name.slice(9) : type}`, bytes);
  }
  return summary;
}

/** What `after` holds beyond `before`, per label, divided by `per`. */
export function perUnitGrowth(before: SnapshotSummary, after: SnapshotSummary, per: number): Map<string, HolderTotal> {
  const growth = new Map<string, HolderTotal>();
  for (const [label, total] of after) {
    const base = before.get(label) ?? { bytes: 0, count: 0 };
    growth.set(label, { bytes: (total.bytes - base.bytes) / per, count: (total.count - base.count) / per });
  }
  return growth;
}
