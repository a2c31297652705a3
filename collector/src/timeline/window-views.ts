// The read model's answers per window, kept current instead of recomputed. A window's view holds
// each active dependency's sum over the window (edge-sum.ts) and its answer. A publish adds its
// buckets to the sums of the views it falls in and recomputes the answers of only the dependencies
// it touched; a window asked for the first time is slid from a cached one it overlaps (the live
// map's "last hour" moves by a minute: two minutes of buckets per dependency instead of sixty),
// or summed from the buckets when none is close; a slid view rebuilds the answers of only the
// dependencies with buckets in the minutes it left or entered. At 5,000 components / 20,000 dependencies this is
// what keeps the map's full query and a detector pass from re-summing 1.2 million buckets after
// every flush. An answer is never changed once handed out: a changed dependency gets a new one,
// put in its place in the window's list and index (so a publish touching 1% of the dependencies
// does not rebuild 20,000 entries); a dependency joining or leaving the window rebuilds them.
// Pure (the model's maps are read through the options).
import { newWindowSum, resetWindowSum, sumWindow } from './buckets.ts';
import { addAt, applyStripAt, clearAt, copyEdgeSums, ensureSlots, isEmptyAt, newEdgeSums, readAt, setFromWindowSum, type EdgeSum, type EdgeSums } from './edge-sum.ts';
import type { Counts } from './buckets.ts';
import type { ModelComponent, ModelEdge, WindowedEdge } from './read-model.ts';
import type { ResolvedWindow } from './time-window.ts';

export type DependencyIndex = Map<string, { out: WindowedEdge[]; in: WindowedEdge[] }>;

interface View {
  window: ResolvedWindow;
  /** Per dependency (by ordinal) active in the window, its sums; none for `all` (lifetime totals are on the edge). */
  sums: EdgeSums;
  /** Per dependency (by ordinal), its answer in the window when it is active there. */
  answers: Array<WindowedEdge | undefined>;
  /** Ordinals of the dependencies whose answer is older than their sums or lifetime facts, once each. */
  dirty: number[];
  isDirty: Uint8Array;
  list: WindowedEdge[] | undefined;
  /** Where each dependency's answer sits in `list`, by ordinal. */
  listAt: Int32Array | undefined;
  index: DependencyIndex | undefined;
  /** Active components sorted by name, and the same as a set to notice a newcomer cheaply. */
  active: ModelComponent[] | undefined;
  activeNames: Set<string> | undefined;
}

export interface WindowViewsOptions {
  /** Views kept (least recently asked dropped first): each holds a sum and an answer per active dependency. */
  maxViews: number;
  /** The model's dependencies, each at its ordinal (0, 1, 2, ... in creation order; never removed). */
  edges: () => readonly ModelEdge[];
  /** Every component, sorted in the order windows list them (by name). */
  componentsByName: () => readonly ModelComponent[];
  /** A dependency's answer in a window from its sum there (undefined for `all`: lifetime totals); undefined when inactive. */
  answer: (e: ModelEdge, window: ResolvedWindow, sum: EdgeSum | undefined) => WindowedEdge | undefined;
}

/** The key a view is kept under: its minutes, or `all`. */
export const keyOf = (w: ResolvedWindow): string => (w.all ? 'all' : `${w.fromMs}:${w.toMs}`);
const inWindow = (w: ResolvedWindow, startMs: number): boolean => startMs >= w.fromMs && startMs < w.toMs;

export function createWindowViews(options: WindowViewsOptions) {
  const views = new Map<string, View>();
  const scratch = newWindowSum();
  /** The sum handed to `answer`, refilled for each dependency (an answer copies what it keeps). */
  const sumScratch: EdgeSum = { calls: 0, errors: 0, calleeErrors: 0, propagatedErrors: 0, traces: 0, unconsumed: 0, latency: [] };
  const stats = { summed: 0, slid: 0, reused: 0 };

  /** A view of these sums; its answers are built when asked, except those `reused` already holds. */
  function newView(window: ResolvedWindow, sums: EdgeSums, reused?: ReadonlyArray<WindowedEdge | undefined>): View {
    const n = options.edges().length;
    const v: View = {
      window, sums, answers: [], dirty: [], isDirty: new Uint8Array(Math.max(16, n)),
      list: undefined, listAt: undefined, index: undefined, active: undefined, activeNames: undefined,
    };
    for (let at = 0; at < n; at++) {
      const answer = reused?.[at];
      if (answer) v.answers[at] = answer;
      else if (window.all || sums.has[at]) markDirty(v, at);
    }
    return v;
  }

  function markDirty(v: View, at: number): void {
    if (at >= v.isDirty.length) {
      const grown = new Uint8Array(Math.max(at + 1, v.isDirty.length * 2));
      grown.set(v.isDirty);
      v.isDirty = grown;
    }
    if (v.isDirty[at]) return;
    v.isDirty[at] = 1;
    v.dirty.push(at);
  }

  /** Summed from the buckets, every dependency. */
  function summed(window: ResolvedWindow): View {
    stats.summed++;
    const edges = options.edges();
    const sums = newEdgeSums(edges.length);
    if (!window.all) {
      for (let at = 0; at < edges.length; at++) {
        resetWindowSum(scratch);
        sumWindow(edges[at]!.buckets, window.fromMs, window.toMs, scratch);
        setFromWindowSum(sums, at, scratch);
      }
    }
    return newView(window, sums);
  }

  /** The cached view needing the least buckets moved to become `window`, when that is less than summing it. */
  function nearest(window: ResolvedWindow): View | undefined {
    let best: View | undefined;
    let bestCost = window.toMs - window.fromMs;
    for (const v of views.values()) {
      const w = v.window;
      if (w.all || w.fromMs >= window.toMs || window.fromMs >= w.toMs) continue;
      const cost = Math.abs(window.fromMs - w.fromMs) + Math.abs(window.toMs - w.toMs);
      if (cost < bestCost) {
        best = v;
        bestCost = cost;
      }
    }
    return best;
  }

  /**
   * `window` from an overlapping view: what it left subtracted, what it entered added. A dependency
   * with no bucket in either strip keeps its answer, the same object (when both windows are as wide,
   * so its rate per minute is the same; an answer names no window): sliding the hour by a minute
   * builds the answers of the dependencies active in the minutes it moved by, not of all 20,000.
   */
  function slid(window: ResolvedWindow, from: View): View {
    stats.slid++;
    const { fromMs: f, toMs: t } = window;
    const { fromMs: f0, toMs: t0 } = from.window;
    const sameWidth = t - f === t0 - f0;
    const edges = options.edges();
    const sums = copyEdgeSums(from.sums);
    ensureSlots(sums, edges.length);
    const reused: Array<WindowedEdge | undefined> = [];
    for (let at = 0; at < edges.length; at++) {
      const series = edges[at]!.buckets;
      let moved = false;
      if (sums.has[at]) {
        if (f > f0) moved = applyStripAt(sums, at, series, f0, f, -1) || moved;
        if (t < t0) moved = applyStripAt(sums, at, series, t, t0, -1) || moved;
      }
      const enteredAtStart = f < f0 ? applyStripAt(sums, at, series, f, f0, 1) : false;
      const enteredAtEnd = t > t0 ? applyStripAt(sums, at, series, t0, t, 1) : false;
      if (enteredAtStart || enteredAtEnd) sums.has[at] = 1;
      if (sums.has[at] && isEmptyAt(sums, at)) clearAt(sums, at);
      const kept = from.answers[at];
      if (sameWidth && kept && !moved && !enteredAtStart && !enteredAtEnd && !from.isDirty[at]) reused[at] = kept;
    }
    return newView(window, sums, reused);
  }

  /** Brings the view's answers up to its sums. */
  function settle(v: View): void {
    if (v.dirty.length === 0) return;
    const edges = options.edges();
    let joinedOrLeft = false;
    const replaced: Array<[ModelEdge, WindowedEdge, WindowedEdge]> = [];
    for (const at of v.dirty) {
      v.isDirty[at] = 0;
      const e = edges[at]!;
      const sum = v.window.all ? undefined : v.sums.has[at] ? readAt(v.sums, at, sumScratch) : undefined;
      const answer = v.window.all || sum ? options.answer(e, v.window, sum) : undefined;
      const before = v.answers[at];
      v.answers[at] = answer;
      if ((before === undefined) !== (answer === undefined)) joinedOrLeft = true;
      else if (before && answer) replaced.push([e, before, answer]);
    }
    v.dirty.length = 0;
    if (joinedOrLeft) {
      v.list = v.listAt = v.index = undefined;
      v.active = v.activeNames = undefined;
      return;
    }
    for (const [e, before, answer] of replaced) {
      if (v.list) v.list[v.listAt![e.ordinal]!] = answer;
      if (!v.index) continue;
      const out = v.index.get(e.from)!.out;
      out[out.indexOf(before)] = answer;
      const into = v.index.get(e.to)!.in;
      into[into.indexOf(before)] = answer;
    }
  }

  function view(window: ResolvedWindow): View {
    const key = keyOf(window);
    let v = views.get(key);
    if (v) {
      stats.reused++;
      views.delete(key); // re-inserted last: the most recently asked
    } else {
      const near = window.all ? undefined : nearest(window);
      v = near ? slid(window, near) : summed(window);
    }
    views.set(key, v);
    while (views.size > options.maxViews) views.delete(views.keys().next().value!);
    settle(v);
    return v;
  }

  function list(v: View): WindowedEdge[] {
    if (v.list) return v.list;
    const built: WindowedEdge[] = [];
    const at = new Int32Array(v.answers.length);
    for (let i = 0; i < v.answers.length; i++) {
      const answer = v.answers[i];
      if (!answer) continue;
      at[i] = built.length;
      built.push(answer);
    }
    v.listAt = at;
    return (v.list = built);
  }
  function index(v: View): DependencyIndex {
    if (v.index) return v.index;
    const built: DependencyIndex = new Map();
    const entryOf = (name: string) => {
      let entry = built.get(name);
      if (!entry) built.set(name, (entry = { out: [], in: [] }));
      return entry;
    };
    for (const d of list(v)) {
      entryOf(d.from).out.push(d);
      entryOf(d.to).in.push(d);
    }
    return (v.index = built);
  }

  return {
    /** Dependencies with calls (or unconsumed messages) in the window: the window's answers. */
    dependencies: (window: ResolvedWindow): WindowedEdge[] => list(view(window)),

    /** The window's dependencies by the component they leave and enter. */
    dependencyIndex: (window: ResolvedWindow): DependencyIndex => index(view(window)),

    /** Components that sent spans in the window or are an end of a dependency active in it, by name. */
    activeComponents(window: ResolvedWindow): readonly ModelComponent[] {
      const v = view(window);
      if (v.active) return v.active;
      const ends = index(v);
      const out: ModelComponent[] = [];
      for (const c of options.componentsByName()) {
        if (window.all || ends.has(c.name) || c.buckets.hasBucketIn(window.fromMs, window.toMs)) out.push(c);
      }
      v.activeNames = new Set(out.map((c) => c.name));
      return (v.active = out);
    },

    /** A publish added these buckets to the dependency (and changed its lifetime facts). */
    edgeBuckets(e: ModelEdge, buckets: ReadonlyArray<Counts & { startMs: number; latency: readonly number[] }>): void {
      for (const v of views.values()) {
        if (v.window.all) {
          markDirty(v, e.ordinal);
          continue;
        }
        ensureSlots(v.sums, e.ordinal + 1);
        for (const b of buckets) if (inWindow(v.window, b.startMs)) addAt(v.sums, e.ordinal, b);
        // Outside the window its sums stand, but an answer carries lifetime facts (last seen, exemplars).
        if (v.sums.has[e.ordinal] || v.answers[e.ordinal]) markDirty(v, e.ordinal);
      }
    },

    /** The dependency's buckets were replaced (a follower's refresh from Neo4j): its sums are summed again. */
    edgeReplaced(e: ModelEdge): void {
      for (const v of views.values()) {
        markDirty(v, e.ordinal);
        if (v.window.all) continue;
        resetWindowSum(scratch);
        sumWindow(e.buckets, v.window.fromMs, v.window.toMs, scratch);
        ensureSlots(v.sums, e.ordinal + 1);
        setFromWindowSum(v.sums, e.ordinal, scratch);
      }
    },

    /** A component's buckets were replaced: which components are active is found again. */
    componentReplaced(): void {
      for (const v of views.values()) v.active = v.activeNames = undefined;
    },

    /** Something an answer carries besides its sums changed (documented by the catalog). */
    edgeChanged(e: ModelEdge): void {
      for (const v of views.values()) if (v.window.all || v.answers[e.ordinal]) markDirty(v, e.ordinal);
    },

    /** A component sent spans in these minutes (it may become active in a window without a dependency there). */
    componentBuckets(c: ModelComponent, startsMs: readonly number[]): void {
      for (const v of views.values()) {
        if (!v.activeNames || v.activeNames.has(c.name)) continue;
        if (v.window.all || startsMs.some((at) => inWindow(v.window, at))) v.active = v.activeNames = undefined;
      }
    },

    /** Drops the views `keep` refuses (their buckets were rolled up or replaced). */
    invalidate(keep: (window: ResolvedWindow) => boolean = () => false): void {
      for (const [key, v] of views) if (!keep(v.window)) views.delete(key);
    },

    /** How windows were answered: summed from buckets, slid from a cached view, or cached. */
    stats: () => ({ ...stats, views: views.size }),
  };
}

export type WindowViews = ReturnType<typeof createWindowViews>;
