// A finding as alerts carry it: the detector's fields, the declared ownership and tier of the
// components it concerns (what routes match on), and a link to it on the map. Pure.
import type { ComponentNode, DeclaredComponent, RaisedFinding, Tier } from '../model/graph-snapshot.ts';
import type { FindingFacts } from './alert-rules.ts';

export interface AlertFinding {
  id: string;
  kind: RaisedFinding['kind'];
  severity: RaisedFinding['severity'];
  title: string;
  detail: string;
  components: string[];
  path: string[] | undefined;
  /** The most critical declared tier among its components. */
  tier: Tier | undefined;
  /** Distinct systems and owners of its components, in the order the components are listed. */
  systems: string[];
  owners: string[];
  /** The finding selected on the map (`?finding=<id>`). */
  url: string;
  /** When the finding was first raised (from the finding store), when known. */
  firstSeenMs?: number | undefined;
}

type Declared = Pick<ComponentNode | DeclaredComponent, 'name' | 'owner' | 'system' | 'intent'>;

/** The map's address of a finding: the web app opens with it selected (web/src/App.svelte). */
export function findingUrl(publicUrl: string, id: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/?finding=${encodeURIComponent(id)}`;
}

export function toAlertFinding(finding: Pick<RaisedFinding, 'id' | 'kind' | 'severity' | 'title' | 'detail' | 'components' | 'path'>, components: ReadonlyMap<string, Declared>, publicUrl: string): AlertFinding {
  let tier: Tier | undefined;
  const systems: string[] = [];
  const owners: string[] = [];
  for (const name of finding.components) {
    const c = components.get(name);
    if (!c) continue;
    const t = c.intent.tier;
    if (t !== undefined && (tier === undefined || t < tier)) tier = t;
    if (c.system && !systems.includes(c.system)) systems.push(c.system);
    if (c.owner && !owners.includes(c.owner)) owners.push(c.owner);
  }
  return {
    id: finding.id, kind: finding.kind, severity: finding.severity, title: finding.title, detail: finding.detail,
    components: [...finding.components], path: finding.path ? [...finding.path] : undefined, tier, systems, owners, url: findingUrl(publicUrl, finding.id),
  };
}

export function factsOf(finding: AlertFinding): FindingFacts {
  return { kind: finding.kind, severity: finding.severity, tier: finding.tier, systems: finding.systems, owners: finding.owners };
}

/** Components by name, observed and declared-only, for toAlertFinding. */
export function componentIndex(components: readonly Declared[], declaredOnly: readonly Declared[] = []): Map<string, Declared> {
  const index = new Map<string, Declared>();
  for (const c of declaredOnly) index.set(c.name, c);
  for (const c of components) index.set(c.name, c);
  return index;
}
