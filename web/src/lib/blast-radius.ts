// Blast-radius mode: what fails with a component (GraphQL `blastRadius`), each casualty with the
// probability that the failure reaches it (the product of the observed error propagation along
// the way), coloured on the map by a d3 sequential scale. The query, its validation and the colours.
import { interpolateOrRd, rgb, scaleSequential } from 'd3';
import { dataOf, GraphWireError } from './graph-wire.ts';
import type { Emphasis } from './render-model.ts';
import type { TimeWindowInput } from './time-range.ts';

export const BLAST_RADIUS_QUERY = `query OrreryBlastRadius($service: String!, $window: TimeWindow) {
  blastRadius(service: $service, window: $window) { component probability path assumed }
}`;

export interface Casualty {
  component: string;
  probability: number;
  path: string[];
  /** A hop on the way had no error data: propagation was assumed. */
  assumed: boolean;
}

export interface BlastRadius {
  source: string;
  casualties: Casualty[];
}

export function parseBlastRadius(body: unknown, source: string): BlastRadius {
  const data = dataOf(body);
  const list = data['blastRadius'];
  if (!Array.isArray(list)) throw new GraphWireError('data.blastRadius must be a list');
  const casualties = list.map((v, i): Casualty => {
    const at = `data.blastRadius[${i}]`;
    if (typeof v !== 'object' || v === null) throw new GraphWireError(`${at} must be an object`);
    const o = v as Record<string, unknown>;
    if (typeof o['component'] !== 'string') throw new GraphWireError(`${at}.component must be a string`);
    if (typeof o['probability'] !== 'number' || !Number.isFinite(o['probability'])) throw new GraphWireError(`${at}.probability must be a number`);
    if (!Array.isArray(o['path']) || !o['path'].every((p) => typeof p === 'string')) throw new GraphWireError(`${at}.path must be a list of strings`);
    if (typeof o['assumed'] !== 'boolean') throw new GraphWireError(`${at}.assumed must be a boolean`);
    return { component: o['component'], probability: Math.min(1, Math.max(0, o['probability'])), path: o['path'] as string[], assumed: o['assumed'] };
  });
  return { source, casualties };
}

/** Probability to colour: pale for unlikely, deep red for certain (colour is not the only cue: the panel lists them). */
export const blastColour = scaleSequential(interpolateOrRd).domain([0, 1]);

/** What the map keeps bright: the failing component, its casualties and the hops between them. */
export function blastEmphasis(blast: BlastRadius, edgeIdOf: (from: string, to: string) => string): Emphasis {
  const nodes = new Set([blast.source, ...blast.casualties.map((c) => c.component)]);
  const edges = new Set<string>();
  // A path runs from the failing component out to its callers: the edges point the other way.
  for (const c of blast.casualties) for (let i = 1; i < c.path.length; i++) edges.add(edgeIdOf(c.path[i]!, c.path[i - 1]!));
  return { nodes, edges };
}

/** The probability each component is reached with (the source at 1). */
export function blastHeat(blast: BlastRadius): Map<string, number> {
  const heat = new Map(blast.casualties.map((c) => [c.component, c.probability]));
  heat.set(blast.source, 1);
  return heat;
}

/** Each reached component's ring colour on the map, RGBA. */
export function blastColours(blast: BlastRadius): Map<string, readonly [number, number, number, number]> {
  const out = new Map<string, readonly [number, number, number, number]>();
  for (const [name, p] of blastHeat(blast)) {
    // At least a third of the way up the scale: a 1% casualty must still read as hit.
    const c = rgb(blastColour(0.33 + 0.67 * p));
    out.set(name, [Math.round(c.r), Math.round(c.g), Math.round(c.b), 1]);
  }
  return out;
}

export interface BlastQueries {
  blastRadius(service: string, window: TimeWindowInput, signal?: AbortSignal): Promise<BlastRadius>;
}

export function createBlastQueries(options: { endpoint?: string; fetch?: typeof globalThis.fetch } = {}): BlastQueries {
  const endpoint = options.endpoint ?? '/graphql';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  return {
    async blastRadius(service, window, signal) {
      const response = await doFetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: BLAST_RADIUS_QUERY, variables: { service, window } }),
        signal,
      });
      const text = await response.text();
      if (!text.startsWith('{')) throw new Error(`${endpoint} answered HTTP ${response.status}`);
      return parseBlastRadius(JSON.parse(text) as unknown, service);
    },
  };
}
