// Folding: the components of one system, owner or namespace drawn as one node, with the
// dependencies between folded nodes aggregated (calls and errors summed, the worst p95, one edge per
// pair and kind), and findings moved onto the nodes that now stand for their components, so the
// worst finding inside a group haloes it. A group named in `expanded` is unfolded in place: its
// members come back as themselves. Components without the attribute share one group. Pure.
import type { FoldBy } from './map-view.ts';
import type { Component, Dependency, Finding, GraphSnapshot } from './model.ts';

export type GroupBy = Exclude<FoldBy, 'none'>;

const NONE_LABEL: Readonly<Record<GroupBy, string>> = { system: 'no system', owner: 'no owner', namespace: 'no namespace' };

export function groupKeyOf(c: Component, by: GroupBy): string | null {
  return by === 'system' ? c.system : by === 'owner' ? c.owner : c.namespace;
}

/** The group node's name, in brackets no observed component name uses. */
export function groupId(by: GroupBy, key: string | null): string {
  return `⟦${by}:${key ?? ''}⟧`;
}

export function isGroupId(name: string): boolean {
  return name.startsWith('⟦') && name.endsWith('⟧');
}

export interface Folded<S extends GraphSnapshot> {
  snapshot: S;
  /** The node each original component is drawn as (itself, or its group). */
  drawnAs: Map<string, string>;
}

function aggregate(from: string, to: string, deps: Dependency[]): Dependency {
  const calls = deps.reduce((n, d) => n + d.calls, 0);
  const errors = deps.reduce((n, d) => n + d.errors, 0);
  const max = (pick: (d: Dependency) => number | null) => deps.reduce<number | null>((m, d) => (pick(d) === null ? m : Math.max(m ?? -Infinity, pick(d)!)), null);
  const protocols = new Set(deps.map((d) => d.protocol));
  return {
    from,
    to,
    kind: deps[0]!.kind,
    protocol: protocols.size === 1 ? deps[0]!.protocol : 'mixed',
    operation: null,
    calls,
    errors,
    p50Ms: max((d) => d.p50Ms),
    p95Ms: max((d) => d.p95Ms),
    p99Ms: max((d) => d.p99Ms),
    callsPerMinute: deps.reduce((n, d) => n + d.callsPerMinute, 0),
    errorRate: calls > 0 ? errors / calls : 0,
    errorPropagation: max((d) => d.errorPropagation),
    callsPerTrace: null,
    documented: deps.every((d) => d.documented),
    firstSeen: deps.map((d) => d.firstSeen).sort()[0]!,
    lastSeen: deps.map((d) => d.lastSeen).sort().at(-1)!,
  };
}

export function fold<S extends GraphSnapshot>(snapshot: S, by: FoldBy, expanded: readonly string[]): Folded<S> {
  const drawnAs = new Map<string, string>();
  if (by === 'none') {
    for (const c of snapshot.components) drawnAs.set(c.name, c.name);
    return { snapshot, drawnAs };
  }
  const open = new Set(expanded);
  const groups = new Map<string, { key: string | null; members: Component[] }>();
  const components: Component[] = [];
  for (const c of snapshot.components) {
    const key = groupKeyOf(c, by);
    const id = groupId(by, key);
    if (open.has(id)) {
      drawnAs.set(c.name, c.name);
      components.push(c);
      continue;
    }
    drawnAs.set(c.name, id);
    const g = groups.get(id);
    if (g) g.members.push(c);
    else groups.set(id, { key, members: [c] });
  }
  for (const [id, g] of groups) {
    const tiers = g.members.map((m) => m.tier).filter((t): t is number => t !== null);
    const first = g.members[0]!;
    components.push({
      name: id,
      displayName: `${g.key ?? NONE_LABEL[by]} (${g.members.length})`,
      entryPoint: g.members.some((m) => m.entryPoint),
      kind: 'SERVICE',
      namespace: by === 'namespace' ? g.key : null,
      versions: [],
      // The group is as critical as its most critical member.
      tier: tiers.length > 0 ? Math.min(...tiers) : null,
      owner: by === 'owner' ? g.key : g.members.every((m) => m.owner === first.owner) ? first.owner : null,
      system: by === 'system' ? g.key : g.members.every((m) => m.system === first.system) ? first.system : null,
      documented: g.members.every((m) => m.documented),
      virtual: g.members.every((m) => m.virtual),
      firstSeen: null,
      lastSeen: null,
      group: { by, key: g.key, members: g.members.map((m) => m.name) },
    });
  }
  components.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  // Dependencies between drawn nodes: one per pair and kind; traffic inside a group is not drawn.
  const byPair = new Map<string, Dependency[]>();
  const direct: Dependency[] = [];
  for (const d of snapshot.dependencies) {
    const from = drawnAs.get(d.from);
    const to = drawnAs.get(d.to);
    if (from === undefined || to === undefined || from === to) continue;
    if (from === d.from && to === d.to) {
      direct.push(d);
      continue;
    }
    const key = JSON.stringify([from, to, d.kind]);
    (byPair.get(key) ?? byPair.set(key, []).get(key)!).push(d);
  }
  const dependencies = [...direct];
  for (const [key, deps] of byPair) {
    const [from, to] = JSON.parse(key) as [string, string];
    dependencies.push(aggregate(from, to, deps));
  }
  const findings = snapshot.findings.map((f) => moveFinding(f, drawnAs));
  return { snapshot: { ...snapshot, components, dependencies, findings }, drawnAs };
}

/** A finding about folded components concerns the nodes they are drawn as. */
function moveFinding(f: Finding, drawnAs: ReadonlyMap<string, string>): Finding {
  const map = (n: string) => drawnAs.get(n) ?? n;
  const components = [...new Set(f.components.map(map))];
  const path = f.path ? f.path.map(map).filter((n, i, all) => i === 0 || all[i - 1] !== n) : null;
  return components.every((c, i) => c === f.components[i]) && components.length === f.components.length && path?.length === f.path?.length ? f : { ...f, components, path };
}
