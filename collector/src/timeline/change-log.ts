// Which components and dependencies each read-model version changed, for a client that already
// holds an older version and wants only what is new (the map, after `graphUpdated`). Bounded: the
// oldest versions are forgotten first, and a client older than what is remembered (or older than
// a reload, which changes everything) is told to read everything again. Pure.

export interface EdgeRef {
  from: string;
  to: string;
  kind: string;
  protocol: string;
}

export interface ChangesSince {
  /** The version these changes bring the client to. */
  version: number;
  components: string[];
  edges: EdgeRef[];
}

interface Entry<E> {
  version: number;
  components: string[];
  edges: E[];
}

export function createChangeLog<E extends EdgeRef>(options: { maxVersions: number; maxNames: number }) {
  const entries: Array<Entry<E>> = [];
  let names = 0;
  /** Changes after this version are all remembered. */
  let knownAfter = 0;

  return {
    record(version: number, components: string[], edges: E[]): void {
      if (components.length === 0 && edges.length === 0) return;
      entries.push({ version, components, edges });
      names += components.length + edges.length;
      while (entries.length > 1 && (entries.length > options.maxVersions || names > options.maxNames)) {
        const dropped = entries.shift()!;
        names -= dropped.components.length + dropped.edges.length;
        knownAfter = dropped.version;
      }
    },

    /** Everything up to `version` changed at once (a reload): older clients read everything. */
    reset(version: number): void {
      entries.length = 0;
      names = 0;
      knownAfter = version;
    },

    /** What changed after `since`, or undefined when that is no longer known. */
    since(since: number, current: number): ChangesSince | undefined {
      if (since < knownAfter || since > current) return undefined;
      const components = new Set<string>();
      const edges = new Set<E>();
      for (const entry of entries) {
        if (entry.version <= since) continue;
        for (const c of entry.components) components.add(c);
        for (const e of entry.edges) edges.add(e);
      }
      return {
        version: current, components: [...components],
        edges: [...edges].map((e) => ({ from: e.from, to: e.to, kind: e.kind, protocol: e.protocol })),
      };
    },
  };
}
