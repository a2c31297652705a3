// One finding per root cause: a finding whose condition another finding already explains becomes
// evidence on that finding (its `explains`), not a finding of its own. Pure, over the raw
// findings of one pass. The rules, each between a folded finding A and the finding B it folds into
// (B at least as severe as A, so folding never hides severity):
//
//   A                         B                     when
//   CASCADING_RISK_PATH       CASCADING_RISK_PATH   A's path is a contiguous part of B's longer path
//                                                   (storefront -> checkout, a symptom of
//                                                   storefront -> checkout -> payments -> gateway),
//                                                   or both end with the same hop (the fix at that
//                                                   hop covers every start above it)
//   SYNC_AI_ON_CRITICAL_PATH  CASCADING_RISK_PATH   the AI call's caller is on B's path after its
//                                                   start, and every critical component waiting on
//                                                   the call is on B's path
//   UNHANDLED_EXCEPTION       CASCADING_RISK_PATH   the error's path runs through B's start and then
//                                                   along B's path for at least one hop
//   SINGLE_POINT_OF_FAILURE   CASCADING_RISK_PATH   the component (or a member of its chain) is on
//                             or SYNC_AI_ON_...     B's path after its start, and every critical
//                                                   dependent it names is on B's path
//
// Documentation findings stay one per dependency (the stale declarations of one gone target are
// already one finding): each is a separate fact a change can add, and the CI gate must see it new.
// A finding with several candidates folds into the first by `precedes`: the most severe, then the
// longest path (it names the most), then the smallest id; never by traffic, so which finding heads
// a group does not change from pass to pass as rates move (that would close one alert and open
// another for the same cause). Folds are followed to their root (a SPOF into a SYNC_AI finding
// that itself folds into a cascading-risk path ends on the path). Across kinds folds go one way
// (SPOF, UNHANDLED, SYNC_AI into CASCADING), and within a kind only into a finding that precedes,
// so there are no cycles. Ids are never changed: a head keeps its own, and a folded finding
// reappears with its own id when its head goes away.
import type { RaisedFinding } from '../model/graph-snapshot.ts';
import { describeKind } from './explain.ts';
import { severityRank } from './severity.ts';

/** Folded findings named in a head's detail (all are in evidence.explains). */
const NAMED = 3;
/** No risk path is longer than this (the detectors' hop bounds are far below it). */
const MAX_PATH = 16;

export interface Grouped {
  /** Findings no other finding explains, each with what it explains folded in. */
  heads: RaisedFinding[];
  /** Folded finding id -> the head it is evidence on. */
  foldedInto: Map<string, string>;
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value : []);

export function groupByRootCause(findings: readonly RaisedFinding[]): Grouped {
  // Path findings by the components on their path after the start; cascades by start and by
  // last hop; catalog findings by their entry.
  const byInner = new Map<string, RaisedFinding[]>();
  const byOnPath = new Map<string, RaisedFinding[]>();
  const byStart = new Map<string, RaisedFinding[]>();
  const byHop = new Map<string, RaisedFinding[]>();
  const lastHopHead = new Map<string, RaisedFinding>();
  // Of a group that folds whole into its first (one last hop), only that first
  // is a candidate: comparing every member with every other would be quadratic in the group.
  const keepFirst = (heads: Map<string, RaisedFinding>, key: string, f: RaisedFinding) => {
    const current = heads.get(key);
    if (!current || precedes(f, current) < 0) heads.set(key, f);
  };
  for (const f of findings) {
    const path = f.path;
    if ((f.kind === 'CASCADING_RISK_PATH' || f.kind === 'SYNC_AI_ON_CRITICAL_PATH') && path && path.length >= 2) {
      for (let i = 1; i < path.length; i++) push(byInner, path[i]!, f);
      for (const name of path) push(byOnPath, name, f);
      if (f.kind === 'CASCADING_RISK_PATH') {
        push(byStart, path[0]!, f);
        for (let i = 1; i < path.length; i++) push(byHop, hop(path, i), f);
        keepFirst(lastHopHead, hop(path, path.length - 1), f);
      }
    }
  }
  const index: Indexes = { byInner, byOnPath, byStart, byHop, lastHopHead };

  const parent = new Map<RaisedFinding, RaisedFinding>();
  for (const a of findings) {
    let best: RaisedFinding | undefined;
    for (const b of explainersOf(a, index)) {
      if (b === a || severityRank(b.severity) > severityRank(a.severity)) continue;
      // Within a kind only into a finding that precedes.
      if (b.kind === a.kind && precedes(b, a) >= 0) continue;
      if (!best || precedes(b, best) < 0) best = b;
    }
    if (best) parent.set(a, best);
  }

  const rootOf = (f: RaisedFinding): RaisedFinding => {
    let root = f;
    for (let p = parent.get(root); p; p = parent.get(root)) root = p;
    return root;
  };
  const members = new Map<RaisedFinding, RaisedFinding[]>();
  const foldedInto = new Map<string, string>();
  for (const a of parent.keys()) {
    const root = rootOf(a);
    push(members, root, a);
    foldedInto.set(a.id, root.id);
  }

  const heads: RaisedFinding[] = [];
  for (const f of findings) {
    if (parent.has(f)) continue;
    const folded = members.get(f);
    heads.push(folded ? withExplained(f, folded.sort(precedes)) : f);
  }
  return { heads, foldedInto };
}

/** Negative when `a` should head a group before `b`: more severe, then a longer path, then the smaller id. */
export function precedes(a: RaisedFinding, b: RaisedFinding): number {
  return severityRank(a.severity) - severityRank(b.severity) || (b.path?.length ?? 0) - (a.path?.length ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The hop into path[i], as a key. */
const hop = (path: readonly string[], i: number) => `${path[i - 1]}\u0000${path[i]}`;

interface Indexes {
  /** Cascading-risk and SYNC_AI paths by each component after their start. */
  byInner: ReadonlyMap<string, RaisedFinding[]>;
  /** The same, by every component on them. */
  byOnPath: ReadonlyMap<string, RaisedFinding[]>;
  /** Cascading-risk paths by their start. */
  byStart: ReadonlyMap<string, RaisedFinding[]>;
  /** Cascading-risk paths by each hop on them. */
  byHop: ReadonlyMap<string, RaisedFinding[]>;
  /** The first (by `precedes`) cascading-risk path ending with each hop. */
  lastHopHead: ReadonlyMap<string, RaisedFinding>;
}

/** The findings that could explain `a`, by the rules in the header. */
/**
 * Path findings containing every one of `names` and holding one of `inner` after their start,
 * looked up from the rarest name: a busy component lies on thousands of paths.
 */
function pathsThrough(index: Indexes, names: readonly string[], inner: readonly string[]): RaisedFinding[] {
  let from: readonly RaisedFinding[] | undefined;
  for (const name of names) {
    const list = index.byOnPath.get(name) ?? [];
    if (!from || list.length < from.length) from = list;
    if (list.length === 0) return [];
  }
  if (!from) {
    const seen = new Set<RaisedFinding>();
    for (const name of inner) for (const b of index.byInner.get(name) ?? []) seen.add(b);
    from = [...seen];
  }
  return from.filter((b) => names.every((n) => b.path!.includes(n)) && inner.some((n) => b.path!.indexOf(n) >= 1));
}

function explainersOf(a: RaisedFinding, index: Indexes): RaisedFinding[] {
  const { byStart, byHop, lastHopHead } = index;
  const path = a.path ?? [];
  switch (a.kind) {
    case 'CASCADING_RISK_PATH': {
      if (path.length < 2) return [];
      const last = hop(path, path.length - 1);
      const longer = (byHop.get(last) ?? []).filter((b) => b.path!.length > path.length && containsRun(b.path!, path));
      const sameLastHop = lastHopHead.get(last);
      return sameLastHop ? [...longer, sameLastHop] : longer;
    }
    case 'SYNC_AI_ON_CRITICAL_PATH': {
      if (path.length < 2) return [];
      const caller = path[path.length - 2]!;
      const waiting = stringList(a.evidence.waiting);
      // A path of a few hops cannot hold more waiting components than it has.
      if (waiting.length > MAX_PATH) return [];
      return pathsThrough(index, waiting, [caller]).filter((b) => b.kind === 'CASCADING_RISK_PATH');
    }
    case 'UNHANDLED_EXCEPTION': {
      const out: RaisedFinding[] = [];
      for (let i = 0; i < path.length - 1; i++) {
        for (const b of byStart.get(path[i]!) ?? []) if (followsFrom(path, i, b.path!)) out.push(b);
      }
      return out;
    }
    case 'SINGLE_POINT_OF_FAILURE': {
      const causes = [a.components[0]!, ...stringList(a.evidence.chain)];
      const criticals = stringList(a.evidence.criticalDependents);
      if (criticals.length > MAX_PATH) return [];
      return pathsThrough(index, criticals, causes);
    }
    default:
      return [];
  }
}

/** `run` appears in `path` as consecutive components. */
function containsRun(path: readonly string[], run: readonly string[]): boolean {
  const first = path.indexOf(run[0]!);
  if (first < 0 || first + run.length > path.length) return false;
  return run.every((name, i) => path[first + i] === name);
}

/** From `path[i]` on, `path` and `other` agree until one of them ends, for at least one hop. */
function followsFrom(path: readonly string[], i: number, other: readonly string[]): boolean {
  const shared = Math.min(path.length - i, other.length);
  if (shared < 2) return false;
  for (let j = 0; j < shared; j++) if (path[i + j] !== other[j]) return false;
  return true;
}

function withExplained(head: RaisedFinding, folded: readonly RaisedFinding[]): RaisedFinding {
  const seen = new Set(head.components);
  const components = [...head.components];
  for (const f of folded) {
    for (const c of f.components) {
      if (seen.has(c)) continue;
      seen.add(c);
      components.push(c);
    }
  }
  const named = folded.slice(0, NAMED).map((f) => `${describeKind(f.kind)}: ${f.title}`);
  const rest = folded.length - named.length;
  // Spelled out rather than spread: a spread would build the head's detail now, and most heads
  // of a large pass end up beyond the cap, never shown.
  return {
    id: head.id,
    kind: head.kind,
    severity: head.severity,
    title: head.title,
    get detail() {
      return `${head.detail} The same root cause explains ${folded.length === 1 ? 'another finding' : `${folded.length} other findings`}, folded in here: ${named.join('; ')}${rest > 0 ? `; and ${rest} more` : ''}.`;
    },
    components,
    path: head.path,
    // The head's own evidence object, added to rather than copied: copying would build what is
    // built when read (a risk path's hops), and the findings of a pass are that pass's own.
    evidence: Object.assign(head.evidence, { explains: folded.map((f) => `${f.kind} ${f.id}: ${f.title}`), explainedIds: folded.map((f) => f.id) }),
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
