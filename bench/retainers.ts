/**
 * Why a removed element is still in the heap: takes a heap snapshot over the DevTools protocol and
 * finds, for each detached `<prove-verify>`, the shortest chain of strong references from the
 * page's global object (or another GC root) to it, named the way a person reads it:
 * `window.proveAuth … .logWriter.write ‹a› (then) ‹this›.flow.host`, where `.x` is a property,
 * `‹x›` a variable a closure keeps, `(then)` a promise's pending reaction.
 */
import type { CDPSession } from 'playwright-core';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

async function takeSnapshot(cdp: CDPSession): Promise<Snapshot> {
  const chunks: string[] = [];
  const collect = ({ chunk }: { chunk: string }) => chunks.push(chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', collect);
  try {
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    cdp.off('HeapProfiler.addHeapSnapshotChunk', collect);
  }
  return JSON.parse(chunks.join('')) as Snapshot;
}

interface Edge {
  from: number;
  type: string;
  name: string;
}

/** One readable step of a chain, or '' for the engine's own links that say nothing to a reader. */
function step({ type, name }: Edge): string {
  if (type === 'property') return `.${name}`;
  if (type === 'context') return ` ‹${name}›`;
  if (type === 'element') return `[${name}]`;
  if (type === 'internal' && name === 'reactions_or_result') return ' (then)';
  return '';
}

/** Retaining chains of the detached elements named `<tag …>`, distinct, shortest first. */
export async function retainingChains(cdp: CDPSession, tag: string, limit = 3): Promise<string[]> {
  const snap = await takeSnapshot(cdp);
  const { node_fields: nf, node_types, edge_fields: ef, edge_types } = snap.snapshot.meta;
  const [N, E] = [nf.length, ef.length];
  const [nType, nName, nEdges] = ['type', 'name', 'edge_count'].map((f) => nf.indexOf(f)) as [number, number, number];
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const typeOf = (n: number) => node_types[0][snap.nodes[n * N + nType]!]!;
  const nameOf = (n: number) => snap.strings[snap.nodes[n * N + nName]!]!;

  const count = snap.nodes.length / N;
  const retainers: Edge[][] = Array.from({ length: count }, () => []);
  for (let n = 0, e = 0; n < count; n++) {
    for (let k = snap.nodes[n * N + nEdges]!; k > 0; k--, e += E) {
      const type = edge_types[0][snap.edges[e + eType]!]!;
      if (type === 'weak' || type === 'shortcut') continue;
      const raw = snap.edges[e + eName]!;
      const name = type === 'element' || type === 'hidden' ? String(raw) : snap.strings[raw]!;
      retainers[snap.edges[e + eTo]! / N]!.push({ from: n, type, name });
    }
  }

  const isRoot = (n: number) => typeOf(n) === 'synthetic' || nameOf(n).startsWith('Window ');
  const chains = new Set<string>();
  for (let target = 0; target < count; target++) {
    if (typeOf(target) !== 'native' || !nameOf(target).startsWith(`<${tag}`)) continue;
    // Breadth first from the element up its retainers: the first root reached is the shortest chain.
    const via = new Map<number, Edge | null>([[target, null]]);
    const queue = [target];
    let root: number | undefined;
    for (let i = 0; i < queue.length && root === undefined; i++) {
      for (const edge of retainers[queue[i]!]!) {
        if (via.has(edge.from)) continue;
        via.set(edge.from, { ...edge, from: queue[i]! });
        if (isRoot(edge.from)) {
          root = edge.from;
          break;
        }
        queue.push(edge.from);
      }
    }
    if (root === undefined) continue;
    let text = nameOf(root).startsWith('Window ') ? 'window' : `(${nameOf(root)})`;
    for (let at = root; at !== target;) {
      const edge = via.get(at)!;
      text += step(edge);
      at = edge.from;
    }
    chains.add(text);
  }
  return [...chains].sort((a, b) => a.length - b.length).slice(0, limit);
}
