// Backstage descriptor YAML -> the declared architecture Orrery compares traffic against
// (DESIGN.md §4). Partial failure is normal: a broken document, an invalid annotation or a
// reference to a missing entity becomes a CatalogProblem naming the file, entity and field, and
// everything else still loads. Pure: the caller reads the files (read-catalog-files.ts).
import { LineCounter, parseAllDocuments } from 'yaml';
import type { DeclaredDependency, Intent } from '../model/graph-snapshot.ts';
import { DEFAULT_NAMESPACE, displayRef, entityKey, parseEntityRef } from './entity-ref.ts';
import { ANNOTATIONS, readIntent } from './intent-annotations.ts';

export interface CatalogFile {
  path: string;
  text: string;
}

/** A Component or Resource entity: the only kinds that become graph components. */
export interface CatalogComponent {
  /** The observed name: orrery.dev/service-name when annotated, else metadata.name. */
  name: string;
  /** metadata.name. */
  entityName: string;
  /** Full reference, e.g. `component:default/checkout`. */
  entityRef: string;
  kind: 'Component' | 'Resource';
  /** spec.type (service, website, database, topic, ...). */
  type: string | undefined;
  /**
   * orrery.dev/observed-as: further observed names this entity is (a database, queue, AI provider
   * or external API as Orrery names it), besides its own name; undefined when not annotated, and
   * then a Resource is matched by the defaults in match-observed.ts.
   */
  observedAs: string[] | undefined;
  owner: string | undefined;
  system: string | undefined;
  intent: Intent;
  /** The file that declares it. */
  source: string;
}

export interface CatalogProblem {
  file: string;
  /** The entity's reference when it got that far, e.g. `component:default/checkout`. */
  entity: string | undefined;
  /** Dotted path of the offending field, e.g. `spec.dependsOn[2]`. */
  field: string | undefined;
  message: string;
}

export interface Catalog {
  /** Keyed by observed name (what traces call the component). */
  components: Map<string, CatalogComponent>;
  /** Observed names on both ends; from spec.dependsOn and consumesApis x providesApis. */
  declared: DeclaredDependency[];
  problems: CatalogProblem[];
}

interface Entity {
  file: string;
  kind: string;
  namespace: string;
  name: string;
  ref: string;
  annotations: Record<string, unknown>;
  spec: Record<string, unknown>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseCatalog(files: readonly CatalogFile[]): Catalog {
  const problems: CatalogProblem[] = [];
  const entities = readEntities(files, problems);

  const byKey = new Map<string, Entity>();
  for (const entity of entities) {
    const key = entityKey(entity.kind, entity.namespace, entity.name);
    const earlier = byKey.get(key);
    if (earlier) {
      problems.push({ file: entity.file, entity: entity.ref, field: 'metadata.name', message: `duplicate entity: already declared in ${earlier.file}; this one is ignored` });
      continue;
    }
    byKey.set(key, entity);
  }

  const components = new Map<string, CatalogComponent>();
  /** Entity key -> observed name, for resolving references. */
  const observedName = new Map<string, string>();
  for (const [key, entity] of byKey) {
    if (entity.kind !== 'component' && entity.kind !== 'resource') continue;
    const { intent, problems: annotationProblems } = readIntent(entity.annotations);
    for (const p of annotationProblems) problems.push({ file: entity.file, entity: entity.ref, ...p });
    const name = serviceName(entity, problems);
    const clash = components.get(name);
    if (clash) {
      problems.push({ file: entity.file, entity: entity.ref, field: `metadata.annotations.${ANNOTATIONS.serviceName}`, message: `observed name "${name}" is already claimed by ${clash.entityRef} (${clash.source}); this entity is ignored` });
      continue;
    }
    observedName.set(key, name);
    components.set(name, {
      name,
      entityName: entity.name,
      entityRef: entity.ref,
      kind: entity.kind === 'component' ? 'Component' : 'Resource',
      type: optionalString(entity.spec.type),
      observedAs: observedAs(entity, problems),
      owner: refField(entity, 'owner', problems),
      system: refField(entity, 'system', problems),
      intent,
      source: entity.file,
    });
  }

  const declared: DeclaredDependency[] = [];
  const seenPairs = new Set<string>();
  const declare = (from: string, to: string, source: string) => {
    const pair = `${from}\u0000${to}`;
    if (from === to || seenPairs.has(pair)) return;
    seenPairs.add(pair);
    declared.push({ from, to, source });
  };

  // API provider/consumer sets, keyed by the API's entity key.
  const providers = new Map<string, string[]>();
  const consumers = new Map<string, Array<{ name: string; entity: Entity; field: string }>>();

  for (const [key, entity] of byKey) {
    const from = observedName.get(key);
    if (from === undefined) continue;
    for (const { text, field } of stringList(entity, 'dependsOn', problems)) {
      const ref = parseEntityRef(text);
      if (!ref) {
        problems.push({ file: entity.file, entity: entity.ref, field, message: `"${text}" is not an entity reference ([kind:][namespace/]name)` });
        continue;
      }
      if (ref.kind !== undefined && ref.kind !== 'component' && ref.kind !== 'resource') {
        problems.push({ file: entity.file, entity: entity.ref, field, message: `dependsOn may name a Component or Resource, not a ${ref.kind}` });
        continue;
      }
      const kinds = ref.kind ? [ref.kind] : ['component', 'resource'];
      const target = kinds.map((k) => observedName.get(entityKey(k, ref.namespace, ref.name))).find((n) => n !== undefined);
      if (target === undefined) {
        // Still declared under the referenced name: the author meant the dependency, and traffic
        // to an uncatalogued component of that name is then documented (UNCATALOGUED_SERVICE covers the gap).
        problems.push({ file: entity.file, entity: entity.ref, field, message: `"${text}" names no ${ref.kind ?? 'Component or Resource'} in the catalog` });
        declare(from, ref.name, entity.file);
        continue;
      }
      declare(from, target, entity.file);
    }
    for (const role of ['providesApis', 'consumesApis'] as const) {
      for (const { text, field } of stringList(entity, role, problems)) {
        const ref = parseEntityRef(text);
        if (!ref || (ref.kind !== undefined && ref.kind !== 'api')) {
          problems.push({ file: entity.file, entity: entity.ref, field, message: `"${text}" is not an API reference ([api:][namespace/]name)` });
          continue;
        }
        const apiKey = entityKey('api', ref.namespace, ref.name);
        if (!byKey.has(apiKey)) problems.push({ file: entity.file, entity: entity.ref, field, message: `"${text}" names no API entity in the catalog` });
        if (role === 'providesApis') (providers.get(apiKey) ?? providers.set(apiKey, []).get(apiKey)!).push(from);
        else (consumers.get(apiKey) ?? consumers.set(apiKey, []).get(apiKey)!).push({ name: from, entity, field });
      }
    }
  }

  for (const [apiKey, list] of consumers) {
    const provided = providers.get(apiKey) ?? [];
    for (const consumer of list) {
      if (provided.length === 0) {
        problems.push({ file: consumer.entity.file, entity: consumer.entity.ref, field: consumer.field, message: `no Component or Resource provides ${apiKey}` });
      }
      for (const provider of provided) declare(consumer.name, provider, consumer.entity.file);
    }
  }

  return { components, declared, problems };
}

function readEntities(files: readonly CatalogFile[], problems: CatalogProblem[]): Entity[] {
  const entities: Entity[] = [];
  for (const file of files) {
    const lineCounter = new LineCounter();
    const documents = parseAllDocuments(file.text, { prettyErrors: false, lineCounter });
    documents.forEach((document, index) => {
      const where = `document ${index + 1}`;
      if (document.errors.length > 0) {
        for (const error of document.errors) {
          const line = lineCounter.linePos(error.pos[0]).line;
          problems.push({ file: file.path, entity: undefined, field: undefined, message: `invalid YAML in ${where}${line ? ` (line ${line})` : ''}: ${error.message.split('\n')[0]}; the document is skipped` });
        }
        return;
      }
      let value: unknown;
      try {
        // Parsing succeeded, yet building the value can still fail: an alias to no anchor, or more
        // alias expansions than yaml allows (its guard against an exponential "billion laughs").
        value = document.toJS();
      } catch (error) {
        problems.push({ file: file.path, entity: undefined, field: undefined, message: `invalid YAML in ${where}: ${(error as Error).message.split('\n')[0]}; the document is skipped` });
        return;
      }
      if (value === null || value === undefined) return;
      if (!isRecord(value)) {
        problems.push({ file: file.path, entity: undefined, field: undefined, message: `${where} is not a mapping; skipped` });
        return;
      }
      const kind = optionalString(value.kind);
      const metadata = isRecord(value.metadata) ? value.metadata : undefined;
      const name = optionalString(metadata?.name);
      if (!kind || !name) {
        problems.push({ file: file.path, entity: undefined, field: !kind ? 'kind' : 'metadata.name', message: `${where} has no ${!kind ? 'kind' : 'metadata.name'}; skipped` });
        return;
      }
      const namespace = (optionalString(metadata?.namespace) ?? DEFAULT_NAMESPACE).toLowerCase();
      const kindLower = kind.toLowerCase();
      entities.push({
        file: file.path,
        kind: kindLower,
        namespace,
        name,
        ref: `${kindLower}:${namespace}/${name}`,
        annotations: isRecord(metadata?.annotations) ? metadata.annotations : {},
        spec: isRecord(value.spec) ? value.spec : {},
      });
    });
  }
  return entities;
}

function serviceName(entity: Entity, problems: CatalogProblem[]): string {
  const annotated = entity.annotations[ANNOTATIONS.serviceName];
  if (annotated === undefined || annotated === null) return entity.name;
  if (typeof annotated === 'string' && annotated.trim() !== '') return annotated.trim();
  problems.push({ file: entity.file, entity: entity.ref, field: `metadata.annotations.${ANNOTATIONS.serviceName}`, message: 'must be a non-empty string; metadata.name is used instead' });
  return entity.name;
}

function observedAs(entity: Entity, problems: CatalogProblem[]): string[] | undefined {
  const annotated = entity.annotations[ANNOTATIONS.observedAs];
  if (annotated === undefined || annotated === null) return undefined;
  const names = typeof annotated === 'string' ? [...new Set(annotated.split(',').map((n) => n.trim()).filter((n) => n !== ''))] : [];
  if (names.length > 0) return names;
  problems.push({ file: entity.file, entity: entity.ref, field: `metadata.annotations.${ANNOTATIONS.observedAs}`, message: 'must be a comma-separated list of observed component names (e.g. "postgresql://orders-db.internal/orders, redis://cache-1:6380"); ignored' });
  return undefined;
}

function refField(entity: Entity, key: 'owner' | 'system', problems: CatalogProblem[]): string | undefined {
  const value = entity.spec[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value.trim() !== '') return displayRef(value);
  problems.push({ file: entity.file, entity: entity.ref, field: `spec.${key}`, message: 'must be an entity reference string' });
  return undefined;
}

function stringList(entity: Entity, key: string, problems: CatalogProblem[]): Array<{ text: string; field: string }> {
  const value = entity.spec[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push({ file: entity.file, entity: entity.ref, field: `spec.${key}`, message: 'must be a list of entity references' });
    return [];
  }
  const out: Array<{ text: string; field: string }> = [];
  value.forEach((item, i) => {
    const field = `spec.${key}[${i}]`;
    if (typeof item === 'string' && item.trim() !== '') out.push({ text: item, field });
    else problems.push({ file: entity.file, entity: entity.ref, field, message: 'must be an entity reference string' });
  });
  return out;
}

const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
