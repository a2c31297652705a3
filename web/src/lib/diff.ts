// Diff mode (DESIGN.md section 7, `graphDiff`): what the map draws and what the list beside it
// says. The map shows the after window (the range picked) with ghosts of what the before window
// had and the after window lost, and marks every drawn edge and component that changed. Pure.
import { dependencyKey } from './graph-wire.ts';
import type { Component, Dependency, GraphDiff, GraphSnapshot } from './model.ts';
import { edgeId, type Emphasis } from './render-model.ts';

export type EdgeChange = 'added' | 'removed' | 'regressed' | 'improved';
export type NodeChange = 'added' | 'removed';

/** What the renderer marks, keyed like severity marks: component name, `MapEdge.id`. */
export interface DiffMarks {
  nodes: ReadonlyMap<string, NodeChange>;
  edges: ReadonlyMap<string, EdgeChange>;
}

export interface DiffView {
  /** The after window's graph with the removed components and dependencies added back as ghosts. */
  snapshot: GraphSnapshot;
  marks: DiffMarks;
}

/**
 * The map is polled on its own (a live range moves on between two diffs), so the diff and the
 * drawn graph may disagree at the edges: a dependency the diff calls removed that the latest
 * poll shows again is drawn as it is now, and an added one the poll has not seen yet is only
 * listed. A drawn pair is marked:
 * - removed: only the before window had a dependency on it (drawn as a ghost);
 * - added: every dependency on it now is one the diff lists as added;
 * - regressed / improved: a dependency on it changed, the worse way winning.
 */
export function diffView(snapshot: GraphSnapshot, diff: GraphDiff): DiffView {
  const drawn = new Set(snapshot.components.map((c) => c.name));
  const before = new Map(diff.beforeComponents.map((c) => [c.name, c]));
  const nodes = new Map<string, NodeChange>();
  const edges = new Map<string, EdgeChange>();
  const ghosts: Component[] = [];
  const ghost = (name: string): boolean => {
    if (drawn.has(name)) return true;
    const c = before.get(name);
    if (!c) return false;
    drawn.add(name);
    ghosts.push(c);
    nodes.set(name, 'removed');
    return true;
  };
  for (const name of diff.removedComponents) ghost(name);

  const now = new Map<string, Dependency[]>();
  for (const d of snapshot.dependencies) {
    const id = edgeId(d.from, d.to);
    const group = now.get(id);
    if (group) group.push(d);
    else now.set(id, [d]);
  }

  const ghostDependencies: Dependency[] = [];
  for (const d of diff.removedDependencies) {
    const id = edgeId(d.from, d.to);
    if (now.has(id) || d.from === d.to) continue;
    if (!ghost(d.from) || !ghost(d.to)) continue;
    ghostDependencies.push(d);
    edges.set(id, 'removed');
  }

  const added = new Set(diff.addedDependencies.map(dependencyKey));
  for (const [id, group] of now) if (group.every((d) => added.has(dependencyKey(d)))) edges.set(id, 'added');
  for (const change of diff.changedDependencies) {
    const id = edgeId(change.from, change.to);
    if (!now.has(id)) continue;
    if (change.regressed) edges.set(id, 'regressed');
    else if (edges.get(id) !== 'regressed') edges.set(id, 'improved');
  }
  for (const name of diff.addedComponents) if (drawn.has(name) && !nodes.has(name)) nodes.set(name, 'added');

  return {
    snapshot: { ...snapshot, components: [...snapshot.components, ...ghosts], dependencies: [...snapshot.dependencies, ...ghostDependencies] },
    marks: { nodes, edges },
  };
}

export type DiffItemChange = 'added' | 'removed' | 'regressed' | 'improved' | 'version';

export interface DiffItem {
  /** Unique within one diff. */
  id: string;
  change: DiffItemChange;
  subject: 'dependency' | 'component';
  /** A dependency's ends. */
  from: string | null;
  to: string | null;
  /** The component a component or version item is about. */
  component: string | null;
  title: string;
  /** Kind, protocol and operation of a dependency; the versions of a rollout. */
  meta: string;
  /** What moved and by how much, as the API worded it. */
  reasons: string[];
  /** What the map lights up when the item is picked: component names and `MapEdge.id`s. */
  nodes: string[];
  edges: string[];
  /** When a rollout happened (epoch ms). */
  atMs: number | null;
}

export interface DiffList {
  added: DiffItem[];
  removed: DiffItem[];
  /** Regressions first, then improvements. */
  changed: DiffItem[];
  versions: DiffItem[];
  total: number;
}

function dependencyMeta(d: Pick<Dependency, 'kind' | 'protocol' | 'operation'>): string {
  return [d.kind, d.protocol, d.operation].filter((p) => p !== null && p !== '').join(' · ');
}

function dependencyItem(change: 'added' | 'removed' | 'regressed' | 'improved', d: Dependency, reasons: string[] = []): DiffItem {
  return {
    id: `${change}:${dependencyKey(d)}`,
    change,
    subject: 'dependency',
    from: d.from,
    to: d.to,
    component: null,
    title: `${d.from} → ${d.to}`,
    meta: dependencyMeta(d),
    reasons,
    nodes: [d.from, d.to],
    edges: [edgeId(d.from, d.to)],
    atMs: null,
  };
}

/** A component added or removed, lit up with the added or removed dependencies that touch it. */
function componentItem(change: 'added' | 'removed', name: string, label: string, touching: readonly Dependency[]): DiffItem {
  const mine = touching.filter((d) => d.from === name || d.to === name);
  return {
    id: `${change}:component:${JSON.stringify(name)}`,
    change,
    subject: 'component',
    from: null,
    to: null,
    component: name,
    title: name,
    meta: label,
    reasons: [],
    nodes: [...new Set([name, ...mine.flatMap((d) => [d.from, d.to])])],
    edges: [...new Set(mine.map((d) => edgeId(d.from, d.to)))],
    atMs: null,
  };
}

const byTitle = (a: DiffItem, b: DiffItem) => a.title.localeCompare(b.title) || a.meta.localeCompare(b.meta);

/** The list beside the map: components before dependencies in each group, by name. */
export function diffList(diff: GraphDiff, kindLabel: (name: string) => string = () => 'component'): DiffList {
  const added = [
    ...diff.addedComponents.map((n) => componentItem('added', n, kindLabel(n), diff.addedDependencies)).sort(byTitle),
    ...diff.addedDependencies.map((d) => dependencyItem('added', d)).sort(byTitle),
  ];
  const removed = [
    ...diff.removedComponents.map((n) => componentItem('removed', n, kindLabel(n), diff.removedDependencies)).sort(byTitle),
    ...diff.removedDependencies.map((d) => dependencyItem('removed', d)).sort(byTitle),
  ];
  const changed = diff.changedDependencies
    .map((c) => dependencyItem(c.regressed ? 'regressed' : 'improved', c.after, c.reasons))
    .sort((a, b) => Number(b.change === 'regressed') - Number(a.change === 'regressed') || byTitle(a, b));
  const versions = [...diff.versionChanges]
    .sort((a, b) => a.atMs - b.atMs || a.component.localeCompare(b.component))
    .map(
      (v): DiffItem => ({
        id: `version:${JSON.stringify([v.component, v.from, v.to, v.atMs])}`,
        change: 'version',
        subject: 'component',
        from: null,
        to: null,
        component: v.component,
        title: v.component,
        meta: `${v.from ?? '(none)'} → ${v.to}`,
        reasons: [],
        nodes: [v.component],
        edges: [],
        atMs: v.atMs,
      }),
    );
  return { added, removed, changed, versions, total: added.length + removed.length + changed.length + versions.length };
}

export function diffEmphasis(item: DiffItem): Emphasis {
  return { nodes: new Set(item.nodes), edges: new Set(item.edges) };
}

/**
 * How each change is drawn and named. Colour is never the only cue: every changed edge carries a
 * marker whose glyph says the change (plus, minus, up for worse, down for better), and what was
 * removed is also dotted and faded. The map, the legend and the list share these.
 */
export const CHANGE_STYLES: Readonly<Record<EdgeChange, { label: string; colour: string; glyph: string; filled: boolean; meaning: string }>> = {
  added: { label: 'Added', colour: '#35c39e', glyph: 'M-2.8,0H2.8M0,-2.8V2.8', filled: false, meaning: 'only in this range' },
  removed: { label: 'Removed', colour: '#8b95a5', glyph: 'M-2.8,0H2.8', filled: false, meaning: 'only in the comparison window (ghost)' },
  regressed: { label: 'Regressed', colour: '#ff6b62', glyph: 'M0,-3.3L3.1,2.3H-3.1Z', filled: true, meaning: 'more errors, slower or a rate collapse' },
  improved: { label: 'Improved', colour: '#5fa8ff', glyph: 'M0,3.3L3.1,-2.3H-3.1Z', filled: true, meaning: 'fewer errors or faster' },
};
