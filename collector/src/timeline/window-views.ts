// The read model's answers per window, kept current instead of recomputed. A window's view holds
// each active dependency's sum over the window (edge-sum.ts) and its answer. A publish adds its
// buckets to the sums of the views it falls in and recomputes the answers of only the dependencies
// it touched; a window asked for the first time is slid from a cached one it overlaps (the live
// map's "last hour" moves by a minute: two minutes of buckets per dependency instead of sixty),
// or summed from the buckets when none is close. At 5,000 components / 20,000 dependencies this is
// what keeps the map's full query and a detector pass from re-summing 1.2 million buckets after
// every flush. An answer is never changed once handed out: a changed dependency gets a new one,
// put in its place in the window's list and index (so a publish touching 1% of the dependencies
// does not rebuild 20,000 entries); a dependency joining or leaving the window rebuilds them.
// Pure (the model's maps are read through the options).
import { newWindowSum, resetWindowSum, sumWindow } from './buckets.ts';
import { addToSum, applyStrip, copyEdgeSum, edgeSumOf, emptyEdgeSum, isEmptySum, type EdgeSum } from './edge-sum.ts';
import type { Counts } from './buckets.ts';
import type { ModelComponent, ModelEdge, WindowedEdge } from './read-model.ts';
import type { ResolvedWindow } from './time-window.ts';

export type DependencyIndex = Map<string, { out: WindowedEdge[]; in: WindowedEdge[] }>;

interface View {
  window: ResolvedWindow;
  /** Per dependency active in the window, its sums; empty for `all` (lifetime totals are on the edge). */
  sums: Map<ModelEdge, EdgeSum>;
  answers: Map<ModelEdge, WindowedEdge>;
  /** Dependencies whose answer is older than their sums or lifetime facts. */
  dirty: Set<ModelEdge>;
  list: WindowedEdge[] | undefined;
  /** Where each dependency's answer sits in `list`. */
  listAt: Map<ModelEdge, number> | undefined;
  index: DependencyIndex | undefined;
  /** Active components sorted by name, and the same as a set to notice a newcomer cheaply. */
  active: ModelComponent[] | undefined;
  activeNames: Set<string> | undefined;
}

export interface WindowViewsOptions {
  /** Views kept (least recently asked dropped first): each holds a sum and an answer per active dependency. */
  maxViews: number;
  edges: () => Iterable<ModelEdge>;
  components: () => Iterable<ModelComponent>;
  /** A dependency's answer in a window from its sum there (undefined for `all`: lifetime totals); undefined when inactive. */
  answer: (e: ModelEdge, window: ResolvedWindow, sum: EdgeSum | undefined) => WindowedEdge | undefined;
  /** The order components are listed in. */
  compareNames: (a: string, b: string) => number;
}

const keyOf = (w: ResolvedWindow): string => (w.all ? 'all' : `${w.fromMs}:${w.toMs}`);
const inWindow = (w: ResolvedWindow, startMs: number): boolean => startMs >= w.fromMs && startMs < w.toMs;

export function createWindowViews(options: WindowViewsOptions) {
  const views = new Map<string, View>();
  const scratch = newWindowSum();
  const stats = { summed: 0, slid: 0, reused: 0 };

  const newView = (window: ResolvedWindow, sums: Map<ModelEdge, EdgeSum>, dirty: Iterable<ModelEdge>): View =>
    ({ window, sums, answers: new Map(), dirty: new Set(dirty), list: undefined, listAt: undefined, index: undefined, active: undefined, activeNames: undefined });

  /** Summed from the buckets, every dependency. */
  function summed(window: ResolvedWindow): View {
    stats.summed++;
    if (window.all) return newView(window, new Map(), options.edges());
    const sums = new Map<ModelEdge, EdgeSum>();
    for (const e of options.edges()) {
      resetWindowSum(scratch);
      sumWindow(e.buckets, window.fromMs, window.toMs, scratch);
      if (!isEmptySum(scratch)) sums.set(e, edgeSumOf(scratch));
    }
    return newView(window, sums, sums.keys());
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

  /** `window` from an overlapping view: what it left subtracted, what it entered added. */
  function slid(window: ResolvedWindow, from: View): View {
    stats.slid++;
    const { fromMs: f, toMs: t } = window;
    const { fromMs: f0, toMs: t0 } = from.window;
    const sums = new Map<ModelEdge, EdgeSum>();
    for (const [e, s] of from.sums) sums.set(e, copyEdgeSum(s));
    if (f > f0 || t < t0) {
      for (const [e, s] of sums) {
        if (f > f0) applyStrip(s, e.buckets, f0, f, -1);
        if (t < t0) applyStrip(s, e.buckets, t, t0, -1);
        if (isEmptySum(s)) sums.delete(e);
      }
    }
    if (f < f0 || t > t0) {
      for (const e of options.edges()) {
        const known = sums.get(e);
        const s = known ?? emptyEdgeSum();
        const enteredAtStart = f < f0 ? applyStrip(s, e.buckets, f, f0, 1) : false;
        const enteredAtEnd = t > t0 ? applyStrip(s, e.buckets, t0, t, 1) : false;
        if (!known && (enteredAtStart || enteredAtEnd) && !isEmptySum(s)) sums.set(e, s);
      }
    }
    return newView(window, sums, sums.keys());
  }

  /** Brings the view's answers up to its sums. */
  function settle(v: View): void {
    if (v.dirty.size === 0) return;
    let joinedOrLeft = false;
    const replaced: Array<[ModelEdge, WindowedEdge, WindowedEdge]> = [];
    for (const e of v.dirty) {
      const answer = options.answer(e, v.window, v.window.all ? undefined : v.sums.get(e));
      const before = v.answers.get(e);
      if (answer) v.answers.set(e, answer);
      else if (before) v.answers.delete(e);
      if ((before === undefined) !== (answer === undefined)) joinedOrLeft = true;
      else if (before && answer) replaced.push([e, before, answer]);
    }
    v.dirty.clear();
    if (joinedOrLeft) {
      v.list = v.listAt = v.index = undefined;
      v.active = v.activeNames = undefined;
      return;
    }
    for (const [e, before, answer] of replaced) {
      if (v.list) v.list[v.listAt!.get(e)!] = answer;
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
    const at = new Map<ModelEdge, number>();
    for (const [e, answer] of v.answers) {
      at.set(e, built.length);
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
      for (const c of options.components()) {
        if (window.all || ends.has(c.name) || c.buckets.hasBucketIn(window.fromMs, window.toMs)) out.push(c);
      }
      out.sort((a, b) => options.compareNames(a.name, b.name));
      v.activeNames = new Set(out.map((c) => c.name));
      return (v.active = out);
    },

    /** A publish added these buckets to the dependency (and changed its lifetime facts). */
    edgeBuckets(e: ModelEdge, buckets: ReadonlyArray<Counts & { startMs: number; latency: readonly number[] }>): void {
      for (const v of views.values()) {
        if (v.window.all) {
          v.dirty.add(e);
          continue;
        }
        let s = v.sums.get(e);
        for (const b of buckets) {
          if (!inWindow(v.window, b.startMs)) continue;
          if (!s) v.sums.set(e, (s = emptyEdgeSum()));
          addToSum(s, b);
        }
        // Outside the window its sums stand, but an answer carries lifetime facts (last seen, exemplars).
        if (s || v.answers.has(e)) v.dirty.add(e);
      }
    },

    /** The dependency's buckets were replaced (a follower's refresh from Neo4j): its sums are summed again. */
    edgeReplaced(e: ModelEdge): void {
      for (const v of views.values()) {
        v.dirty.add(e);
        if (v.window.all) continue;
        resetWindowSum(scratch);
        sumWindow(e.buckets, v.window.fromMs, v.window.toMs, scratch);
        if (isEmptySum(scratch)) v.sums.delete(e);
        else v.sums.set(e, edgeSumOf(scratch));
      }
    },

    /** A component's buckets were replaced: which components are active is found again. */
    componentReplaced(): void {
      for (const v of views.values()) v.active = v.activeNames = undefined;
    },

    /** Something an answer carries besides its sums changed (documented by the catalog). */
    edgeChanged(e: ModelEdge): void {
      for (const v of views.values()) if (v.window.all || v.answers.has(e)) v.dirty.add(e);
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
