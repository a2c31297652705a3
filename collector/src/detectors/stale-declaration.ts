// STALE_DECLARATION: a dependency the catalog declares that has not been observed within the
// staleness window (ORRERY_STALE_AFTER_MS, default 7 days), measured back from snapshot.nowMs.
// A declaration never observed at all is only stale once its declaring component has itself
// been watched for a whole window: a collector started an hour ago knows nothing stale yet.
// Declarations from components that send no spans (virtual, or never seen) are not judged:
// their calls cannot be observed. A declared queue matches PUBLISH from, or CONSUME into, the declarer.
// A declaration is judged as the catalog writes it: when an entity is seen as several observed
// components (DeclaredDependency.declaredAs: replicas, two namespaces), using any of them keeps it
// fresh. The finding names every component it concerns, a target only the catalog knows included,
// and says when that target itself was last seen. When the target itself is gone (nobody has
// used it for the window, or only the catalog knows it), its stale declarations are one finding
// per target, whatever the number of declarers (id from the target alone, so it stays the same as
// declarers come and go). Severity: LOW for a tier-0 component touched, down the tier ladder.
import type { ComponentNode, DeclaredComponent, GraphSnapshot, RaisedFinding } from '../model/graph-snapshot.ts';
import { type GraphIndex, indexGraph } from '../graph/graph-index.ts';
import { type Detector, type DetectorOptions, thresholds } from './detector.ts';
import { describe, duration, instant } from './explain.ts';
import { findingId } from './finding-id.ts';
import { severityFromIntent } from './severity.ts';

interface Declaration {
  /** As the catalog names them. */
  from: string;
  to: string;
  source: string;
  /** The observed names each end stands for. */
  froms: string[];
  tos: string[];
}

interface GoneTarget {
  target: Pick<ComponentNode, 'intent'> | undefined;
  targetLastSeenMs: number | undefined;
  /** One per declaration, as it would be raised alone. */
  findings: RaisedFinding[];
  declarers: ComponentNode[];
}

/** The stale declarations of one gone target, as one finding (same id as when it has one declarer). */
function goneTarget(name: string, group: GoneTarget, window: string): RaisedFinding {
  const declarations = group.findings.map((f) => `${f.components[0]} (${f.evidence.source})`);
  const since = group.targetLastSeenMs === undefined ? 'has never been seen in traces: only the catalog knows it' : `was last seen ${instant(group.targetLastSeenMs)}, nothing in ${window} since`;
  const components = [...new Set(group.findings.flatMap((f) => f.components))];
  return {
    id: findingId('STALE_DECLARATION', [name]),
    kind: 'STALE_DECLARATION',
    severity: severityFromIntent([group.target?.intent, ...group.declarers.map((c) => c.intent)], 'LOW'),
    title: `${name} is gone but ${group.findings.length} components still declare it`,
    detail: `${describe(name, group.target)} ${since}, yet ${group.findings.length} components still declare a dependency on it: ${declarations.join(', ')}. ` +
      `One removal (or rename) explains all of them: remove it from their spec.dependsOn (and retire its entity) so the map stays true, or, if it is a rarely used path, exercise it with a test.`,
    components,
    path: undefined,
    evidence: {
      traceIds: [],
      declarers: group.findings.map((f) => f.components[0]!),
      sources: [...new Set(group.findings.map((f) => String(f.evidence.source)))],
      targetLastSeen: group.targetLastSeenMs === undefined ? 'never' : instant(group.targetLastSeenMs),
      staleAfterMs: Number(group.findings[0]!.evidence.staleAfterMs),
    },
  };
}

const addOnce = (list: string[], name: string) => {
  if (!list.includes(name)) list.push(name);
};

export function createStaleDeclarationDetector(options: DetectorOptions = {}): Detector {
  const t = thresholds(options);
  return {
    kind: 'STALE_DECLARATION',
    detect(snapshot: GraphSnapshot): RaisedFinding[] {
      if (!snapshot.catalogLoaded) return [];
      const index = indexGraph(snapshot);
      const declaredOnly = new Map((snapshot.declaredOnly ?? []).map((c) => [c.name, c]));
      // Keyed declarer -> target, as the catalog writes them (nested maps: no key strings to build).
      const byDeclarer = new Map<string, Map<string, Declaration>>();
      const declarations: Declaration[] = [];
      for (const d of snapshot.declared) {
        const as = d.declaredAs ?? d;
        const targets = byDeclarer.get(as.from) ?? byDeclarer.set(as.from, new Map()).get(as.from)!;
        let declaration = targets.get(as.to);
        if (!declaration) {
          declaration = { from: as.from, to: as.to, source: d.source, froms: [], tos: [] };
          targets.set(as.to, declaration);
          declarations.push(declaration);
        }
        addOnce(declaration.froms, d.from);
        addOnce(declaration.tos, d.to);
      }
      // When each component last used each other one (calling it, or consuming from it), built
      // once per declarer rather than scanned once per declaration.
      const lastUse = new Map<string, Map<string, number>>();
      const lastUseBy = (name: string): Map<string, number> => {
        const known = lastUse.get(name);
        if (known) return known;
        const used = new Map<string, number>();
        const note = (other: string, atMs: number) => {
          if (atMs > (used.get(other) ?? Number.NEGATIVE_INFINITY)) used.set(other, atMs);
        };
        for (const e of index.outgoing(name)) note(e.to, e.lastSeenMs);
        for (const e of index.incoming(name)) if (e.kind === 'CONSUME') note(e.from, e.lastSeenMs);
        lastUse.set(name, used);
        return used;
      };

      const findings: RaisedFinding[] = [];
      // Declarations of a target nobody has used for the window: one finding per target, since
      // one removal (or one rename) explains all of them.
      const gone = new Map<string, GoneTarget>();
      const window = duration(t.staleAfterMs);
      for (const d of declarations) {
        // Plain loops: this runs once per declaration, tens of thousands of times on a large estate.
        const declarers: ComponentNode[] = [];
        for (const n of d.froms) {
          const c = index.components.get(n);
          if (c !== undefined && !c.virtual) declarers.push(c);
        }
        const declarer = declarers[0];
        if (!declarer) continue;
        let lastSeenMs: number | undefined;
        let watchedSinceMs = Number.POSITIVE_INFINITY;
        let declarersSeenMs = Number.NEGATIVE_INFINITY;
        for (const from of declarers) {
          const used = lastUseBy(from.name);
          for (const to of d.tos) {
            const atMs = used.get(to);
            if (atMs !== undefined && (lastSeenMs === undefined || atMs > lastSeenMs)) lastSeenMs = atMs;
          }
          watchedSinceMs = Math.min(watchedSinceMs, from.firstSeenMs);
          declarersSeenMs = Math.max(declarersSeenMs, from.lastSeenMs);
        }
        // Staleness is judged against how far the declarer's own traffic has been ingested: a
        // declaration whose traffic is still in a backlog being written is not stale yet.
        const judgedAt = Math.min(snapshot.nowMs, snapshot.caughtUpToMs ?? snapshot.nowMs, declarersSeenMs);
        if (judgedAt - (lastSeenMs ?? watchedSinceMs) <= t.staleAfterMs) continue;

        // Built in a function of its own: closures in this loop's body would make every one of
        // tens of thousands of iterations allocate their scope, though few declarations are stale.
        const { finding, targetGone, target, targetLastSeenMs } = staleFinding(d, declarer, { lastSeenMs, watchedSinceMs, judgedAt }, index, declaredOnly, snapshot.nowMs, t.staleAfterMs, window);
        if (!targetGone) {
          findings.push(finding);
          continue;
        }
        const group = gone.get(d.to) ?? gone.set(d.to, { target, targetLastSeenMs, findings: [], declarers: [] }).get(d.to)!;
        group.findings.push(finding);
        group.declarers.push(declarer);
      }
      for (const [name, group] of gone) findings.push(group.findings.length === 1 ? group.findings[0]! : goneTarget(name, group, window));
      return findings;
    },
  };
}

function staleFinding(
  d: Declaration,
  declarer: ComponentNode,
  seen: { lastSeenMs: number | undefined; watchedSinceMs: number; judgedAt: number },
  index: GraphIndex,
  declaredOnly: ReadonlyMap<string, DeclaredComponent>,
  nowMs: number,
  staleAfterMs: number,
  window: string,
): { finding: RaisedFinding; targetGone: boolean; target: Pick<ComponentNode, 'intent'> | undefined; targetLastSeenMs: number | undefined } {
  const { lastSeenMs, watchedSinceMs, judgedAt } = seen;
  const targets = d.tos.map((n) => index.components.get(n)).filter((c): c is ComponentNode => c !== undefined);
  const targetLastSeenMs = targets.length > 0 ? Math.max(...targets.map((c) => c.lastSeenMs)) : undefined;
  const target = targets[0] ?? declaredOnly.get(d.to);
  const observedAs = d.tos.length !== 1 || d.tos[0] !== d.to ? ` (observed as ${d.tos.join(', ')})` : '';
  const when = lastSeenMs === undefined
    ? `has never been observed, although ${d.from} has been sending spans since ${instant(watchedSinceMs)}`
    : `was last observed ${duration(judgedAt - lastSeenMs)} ${judgedAt === nowMs ? 'ago' : `before ${d.from}'s latest traffic`} (${instant(lastSeenMs)})`;
  const targetWhen = targetLastSeenMs === undefined
    ? `${d.to} itself has never been seen in traces: only the catalog knows it.`
    : `${d.to} itself was last seen ${duration(nowMs - targetLastSeenMs)} ago (${instant(targetLastSeenMs)})` +
      (nowMs - targetLastSeenMs <= staleAfterMs ? `, so it is still in use, only not by ${d.from}.` : '.');
  const components = [...d.froms, ...d.tos.filter((n) => !d.froms.includes(n))];
  const targetGone = targetLastSeenMs === undefined || nowMs - targetLastSeenMs > staleAfterMs;
  const finding: RaisedFinding = {
    id: findingId('STALE_DECLARATION', targetGone ? [d.to] : [d.from, d.to]),
    kind: 'STALE_DECLARATION',
    severity: severityFromIntent([declarer.intent, target?.intent], 'LOW'),
    title: `${d.from} declares ${d.to}, unobserved for ${window}`,
    get detail() {
      return `${describe(d.from, declarer)} declares a dependency on ${describe(d.to, target)}${observedAs} in ${d.source}, but the dependency ${when}: nothing in ${window} of traffic. ` +
      `${targetWhen} Either it is gone (remove it from spec.dependsOn so the map stays true) or it is a rarely used path (a fallback, a yearly job) worth a test that exercises it.`;
    },
    components,
    path: d.froms.length === 1 && d.tos.length === 1 ? [d.froms[0]!, d.tos[0]!] : undefined,
    evidence: {
      traceIds: [],
      source: d.source,
      lastSeen: lastSeenMs === undefined ? 'never' : instant(lastSeenMs),
      targetLastSeen: targetLastSeenMs === undefined ? 'never' : instant(targetLastSeenMs),
      ...(observedAs ? { observedAs: d.tos } : {}),
      staleAfterMs: staleAfterMs,
    },
  };
  return { finding, targetGone, target, targetLastSeenMs };
}
