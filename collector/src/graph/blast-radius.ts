// blastRadius(service): who fails with it. Walks synchronous dependencies backwards (the callers
// of a failing component, then their callers), each hop weighted by the edge's observed
// errorPropagation; unknown propagation is assumed to be 1 and flagged, because nothing shows the
// caller would survive. A hop observed at 0 (the caller handled every failure) stops the walk.
import type { DependencyKind } from '../model/interaction.ts';
import type { GraphSnapshot } from '../model/graph-snapshot.ts';
import { SYNCHRONOUS_KINDS, compareNames, indexGraph } from './graph-index.ts';
import { labelComponents, observedPropagation, propagationPaths } from './failure-propagation.ts';

export interface BlastRadiusEntry {
  component: string;
  /** Product of the hops' errorPropagation along `path` (assumed hops count as 1). */
  probability: number;
  /** From the failing component out to this one: [failing, caller, caller's caller, ...]. */
  path: string[];
  /** At least one hop on the path had no error data. */
  assumed: boolean;
}

export interface BlastRadiusOptions {
  /** Default SYNC and DATABASE: the dependencies a caller waits on. */
  kinds?: readonly DependencyKind[];
  maxHops?: number;
}

/** Most likely casualties first; empty when the component is unknown or nobody calls it. */
export function blastRadius(snapshot: Pick<GraphSnapshot, 'components' | 'dependencies'>, service: string, options: BlastRadiusOptions = {}): BlastRadiusEntry[] {
  const index = indexGraph(snapshot);
  const reached = propagationPaths(index, service, {
    direction: 'backward',
    kinds: options.kinds ?? SYNCHRONOUS_KINDS,
    weight: observedPropagation,
    maxHops: options.maxHops,
  });
  return [...reached.values()]
    .map((label) => ({ component: label.component, probability: label.probability, path: labelComponents(label), assumed: label.assumed }))
    .sort((a, b) => b.probability - a.probability || Number(a.assumed) - Number(b.assumed) || a.path.length - b.path.length || compareNames(a.component, b.component));
}
