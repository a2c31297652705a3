// Which observed components each catalog entity is (DESIGN.md §4). An entity claims, explicitly,
// the observed component of its own name (orrery.dev/service-name, else metadata.name) and every
// name listed in orrery.dev/observed-as. A Resource without observed-as is also matched by
// default, by its metadata.name compared case-insensitively with:
//   - a database's host, first DNS label only: `orders-db` is `postgresql://orders-db.internal/orders`
//     and `redis://orders-db:6380`, never `orders-db-replica.internal` nor `db.orders-db.internal`
//     (no prefixes, no later labels; IP addresses and unknown hosts `(caller)` have no label);
//   - a database's namespace: `orders` is `postgresql://db.internal/orders` and `postgresql://(checkout)/orders`;
//   - a queue or topic name, or an AI provider name, whole.
// A spec.type Orrery knows narrows which observed kinds a default may match (a `topic` never
// matches a database namespace); any other type, or none, may match all three.
// An explicit claim wins over default matches. Two explicit claims, or two default matches, on
// one observed component are a catalog problem naming both; the first in catalog order keeps it.
// Pure.
import type { ComponentKind } from '../model/interaction.ts';
import { ANNOTATIONS } from './intent-annotations.ts';
import type { Catalog, CatalogComponent, CatalogProblem } from './parse-catalog.ts';

export interface ObservedComponentRef {
  name: string;
  kind: ComponentKind;
}

export interface CatalogMatch {
  /** Observed name -> the entity it is. */
  entityOf: Map<string, CatalogComponent>;
  /** Catalog name -> the observed names it is, in the order given; absent when it is none. */
  observedOf: Map<string, string[]>;
  problems: CatalogProblem[];
}

const DATABASE_TYPES = new Set(['database', 'db', 'datastore', 'data-store', 'cache']);
const QUEUE_TYPES = new Set(['queue', 'topic', 'exchange', 'stream', 'message-queue', 'kafka-topic', 'event-stream']);
const AI_TYPES = new Set(['ai', 'ai-provider', 'ai-model', 'llm', 'model', 'genai']);
const ALL_DEFAULT_KINDS: ReadonlySet<ComponentKind> = new Set(['DATABASE', 'QUEUE', 'AI']);

/** The observed kinds a Resource of this spec.type may match by default. */
export function defaultKindsFor(type: string | undefined): ReadonlySet<ComponentKind> {
  const t = type?.toLowerCase();
  if (t === undefined) return ALL_DEFAULT_KINDS;
  if (DATABASE_TYPES.has(t)) return new Set(['DATABASE']);
  if (QUEUE_TYPES.has(t)) return new Set(['QUEUE']);
  if (AI_TYPES.has(t)) return new Set(['AI']);
  return ALL_DEFAULT_KINDS;
}

/** The kind a catalog entity is drawn as when nothing observed it. */
export function declaredKindOf(entity: Pick<CatalogComponent, 'kind' | 'type'>): ComponentKind {
  if (entity.kind === 'Component') return 'SERVICE';
  const kinds = defaultKindsFor(entity.type);
  return kinds.size === 1 ? [...kinds][0]! : 'EXTERNAL';
}

export interface DatabaseName {
  system: string;
  /** Without port; undefined when the span named no host (`(caller)`) or an empty one. */
  host: string | undefined;
  port: number | undefined;
  namespace: string | undefined;
}

/** `<system>://<host>[:<port>][/<namespace>]`, as inference names databases; undefined otherwise. */
export function parseDatabaseName(name: string): DatabaseName | undefined {
  const match = /^([^:/]+):\/\/([^/]*)(?:\/(.*))?$/.exec(name);
  if (!match) return undefined;
  const [, system = '', authority = '', path] = match;
  const namespace = path === undefined || path === '' ? undefined : path;
  if (authority === '' || authority.startsWith('(')) return { system, host: undefined, port: undefined, namespace };
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(authority);
  if (bracketed) return { system, host: bracketed[1], port: bracketed[2] ? Number(bracketed[2]) : undefined, namespace };
  const colon = authority.lastIndexOf(':');
  const hasPort = colon > 0 && /^\d+$/.test(authority.slice(colon + 1)) && !authority.slice(0, colon).includes(':');
  return {
    system,
    host: hasPort ? authority.slice(0, colon) : authority,
    port: hasPort ? Number(authority.slice(colon + 1)) : undefined,
    namespace,
  };
}

/** The first DNS label of a host name; undefined for IP addresses, which have none. */
export function firstDnsLabel(host: string): string | undefined {
  if (host.includes(':') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return undefined;
  const label = host.split('.')[0];
  return label === '' ? undefined : label;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Whether a Resource named `name` is this observed component by the default rules. */
export function matchesByDefault(name: string, observed: ObservedComponentRef): boolean {
  if (observed.kind === 'QUEUE' || observed.kind === 'AI') return same(name, observed.name);
  if (observed.kind !== 'DATABASE') return false;
  const db = parseDatabaseName(observed.name);
  if (!db) return false;
  const label = db.host === undefined ? undefined : firstDnsLabel(db.host);
  return (label !== undefined && same(name, label)) || (db.namespace !== undefined && same(name, db.namespace));
}

export function matchObserved(catalog: Pick<Catalog, 'components'>, observed: readonly ObservedComponentRef[]): CatalogMatch {
  const entities = [...catalog.components.values()];
  const claims = new Map<string, CatalogComponent[]>();
  for (const entity of entities) {
    for (const name of [entity.name, ...(entity.observedAs ?? [])]) {
      const list = claims.get(name) ?? claims.set(name, []).get(name)!;
      if (!list.includes(entity)) list.push(entity);
    }
  }
  const byDefault = entities.filter((e) => e.kind === 'Resource' && e.observedAs === undefined);

  const entityOf = new Map<string, CatalogComponent>();
  const observedOf = new Map<string, string[]>();
  const problems: CatalogProblem[] = [];
  for (const component of observed) {
    let candidates = claims.get(component.name) ?? [];
    const explicit = candidates.length > 0;
    if (!explicit) {
      candidates = byDefault.filter((e) => defaultKindsFor(e.type).has(component.kind) && matchesByDefault(e.entityName, component));
    }
    const [winner, ...others] = candidates;
    if (!winner) continue;
    entityOf.set(component.name, winner);
    (observedOf.get(winner.name) ?? observedOf.set(winner.name, []).get(winner.name)!).push(component.name);
    for (const other of others) {
      const viaAnnotation = explicit && other.name !== component.name;
      problems.push({
        file: other.source,
        entity: other.entityRef,
        field: viaAnnotation ? `metadata.annotations.${ANNOTATIONS.observedAs}` : 'metadata.name',
        message: `observed component "${component.name}" is matched by both ${winner.entityRef} (${winner.source}) and this entity; ` +
          `it is documented as ${winner.entityRef}, the first. ${explicit ? 'Claim it in one entity only' : `List it in ${ANNOTATIONS.observedAs} of the entity it is`}.`,
      });
    }
  }
  return { entityOf, observedOf, problems };
}
