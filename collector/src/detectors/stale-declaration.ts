// STALE_DECLARATION: a dependency the catalog declares that has not been observed within the
// staleness window (ORRERY_STALE_AFTER_MS, default 7 days), measured back from snapshot.nowMs.
// A declaration never observed at all is only stale once its declaring component has itself
// been watched for a whole window: a collector started an hour ago knows nothing stale yet.
// Declarations from components that send no spans (virtual, or never seen) are not judged:
// their calls cannot be observed. A declared queue matches PUBLISH from, or CONSUME into, the declarer.
// A declaration is judged as the catalog writes it: when an entity is seen as several observed
// components (DeclaredDependency.declaredAs: replicas, two namespaces), using any of them keeps it
// fresh. The finding names every component it concerns, a target only the catalog knows included,
// and says when that target itself was last seen.
import type { ComponentNode, DependencyEdge, GraphSnapshot, RaisedFinding } from '../model/graph-snapshot.ts';
import { indexGraph } from '../graph/graph-index.ts';
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
      const declarations = new Map<string, Declaration>();
      for (const d of snapshot.declared) {
        const as = d.declaredAs ?? d;
        const key = `${as.from}\u0000${as.to}`;
        const declaration = declarations.get(key) ?? declarations.set(key, { from: as.from, to: as.to, source: d.source, froms: [], tos: [] }).get(key)!;
        addOnce(declaration.froms, d.from);
        addOnce(declaration.tos, d.to);
      }

      const findings: RaisedFinding[] = [];
      const window = duration(t.staleAfterMs);
      for (const d of declarations.values()) {
        const declarers = d.froms.map((n) => index.components.get(n)).filter((c): c is ComponentNode => c !== undefined && !c.virtual);
        const declarer = declarers[0];
        if (!declarer) continue;
        const observed: DependencyEdge[] = declarers.flatMap((from) => [
          ...index.outgoing(from.name).filter((e) => d.tos.includes(e.to)),
          ...index.incoming(from.name).filter((e) => e.kind === 'CONSUME' && d.tos.includes(e.from)),
        ]);
        const lastSeenMs = observed.length > 0 ? Math.max(...observed.map((e) => e.lastSeenMs)) : undefined;
        const watchedSinceMs = Math.min(...declarers.map((c) => c.firstSeenMs));
        // Staleness is judged against how far the declarer's own traffic has been ingested: a
        // declaration whose traffic is still in a backlog being written is not stale yet.
        const judgedAt = Math.min(snapshot.nowMs, snapshot.caughtUpToMs ?? snapshot.nowMs, Math.max(...declarers.map((c) => c.lastSeenMs)));
        if (judgedAt - (lastSeenMs ?? watchedSinceMs) <= t.staleAfterMs) continue;

        const targets = d.tos.map((n) => index.components.get(n)).filter((c): c is ComponentNode => c !== undefined);
        const targetLastSeenMs = targets.length > 0 ? Math.max(...targets.map((c) => c.lastSeenMs)) : undefined;
        const target = targets[0] ?? declaredOnly.get(d.to);
        const observedAs = d.tos.length !== 1 || d.tos[0] !== d.to ? ` (observed as ${d.tos.join(', ')})` : '';
        const when = lastSeenMs === undefined
          ? `has never been observed, although ${d.from} has been sending spans since ${instant(watchedSinceMs)}`
          : `was last observed ${duration(judgedAt - lastSeenMs)} ${judgedAt === snapshot.nowMs ? 'ago' : `before ${d.from}'s latest traffic`} (${instant(lastSeenMs)})`;
        const targetWhen = targetLastSeenMs === undefined
          ? `${d.to} itself has never been seen in traces: only the catalog knows it.`
          : `${d.to} itself was last seen ${duration(snapshot.nowMs - targetLastSeenMs)} ago (${instant(targetLastSeenMs)})` +
            (snapshot.nowMs - targetLastSeenMs <= t.staleAfterMs ? `, so it is still in use, only not by ${d.from}.` : '.');
        const components = [...d.froms, ...d.tos.filter((n) => !d.froms.includes(n))];
        findings.push({
          id: findingId('STALE_DECLARATION', [d.from, d.to]),
          kind: 'STALE_DECLARATION',
          severity: severityFromIntent([declarer.intent, target?.intent], 'LOW'),
          title: `${d.from} declares ${d.to}, unobserved for ${window}`,
          detail: `${describe(d.from, declarer)} declares a dependency on ${describe(d.to, target)}${observedAs} in ${d.source}, but the dependency ${when}: nothing in ${window} of traffic. ` +
            `${targetWhen} Either it is gone (remove it from spec.dependsOn so the map stays true) or it is a rarely used path (a fallback, a yearly job) worth a test that exercises it.`,
          components,
          path: d.froms.length === 1 && d.tos.length === 1 ? [d.froms[0]!, d.tos[0]!] : undefined,
          evidence: {
            traceIds: [],
            source: d.source,
            lastSeen: lastSeenMs === undefined ? 'never' : instant(lastSeenMs),
            targetLastSeen: targetLastSeenMs === undefined ? 'never' : instant(targetLastSeenMs),
            ...(observedAs ? { observedAs: d.tos } : {}),
            staleAfterMs: t.staleAfterMs,
          },
        });
      }
      return findings;
    },
  };
}
