// "What the catalog does not say": each documentation finding (UNDOCUMENTED_DEPENDENCY,
// UNCATALOGUED_SERVICE, STALE_DECLARATION) with the catalog-info.yaml change that would make the
// catalog true — the file and entity to edit, and the YAML to add or the line to remove. Entity
// references are written as Backstage writes them (`component:inventory`, the namespace only when
// it is not `default`). Pure.
import type { CatalogComponent } from '../catalog/parse-catalog.ts';
import type { ComponentKind } from '../model/interaction.ts';
import type { DocFinding } from './doc-input.ts';
import type { Estate } from './estate.ts';
import { NO_SYSTEM } from './estate.ts';

export const CATALOG_KINDS = new Set(['UNDOCUMENTED_DEPENDENCY', 'UNCATALOGUED_SERVICE', 'STALE_DECLARATION']);

export interface CatalogChange {
  finding: DocFinding;
  /** Where to make it, in words: the file and entity, or where a new entity could go. */
  where: string;
  /** A fenced block (yaml or diff) with the change. */
  block: string;
}

/** A YAML scalar: plain when it is safely plain, else double-quoted (JSON strings are YAML). */
export function yamlScalar(text: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._:\/-]*[A-Za-z0-9._\/-]$|^[A-Za-z0-9]$/.test(text) && !/^(true|false|null|yes|no|on|off|~)$/i.test(text) ? text : JSON.stringify(text);
}

/** `component:default/checkout` -> `component:checkout`; `resource:ops/db` stays. */
export function shortRef(entityRef: string): string {
  const m = /^([^:]+):([^/]+)\/(.+)$/.exec(entityRef);
  if (!m) return entityRef;
  return m[2] === 'default' ? `${m[1]}:${m[3]}` : entityRef;
}

const RESOURCE_TYPE: Partial<Record<ComponentKind, string>> = { DATABASE: 'database', QUEUE: 'topic', AI: 'ai-model', EXTERNAL: 'external-service', HUMAN: 'human-task' };

/** A metadata.name Backstage accepts ([a-zA-Z0-9-_.], 63 at most) for an observed name. */
export function entityName(observed: string): string {
  const cleaned = observed.replace(/^[a-z0-9.+-]+:\/\/\/?/i, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-._]+|[-._]+$/g, '').slice(0, 63);
  return cleaned || 'component';
}

function refFor(estate: Estate, name: string): { ref: string; entity: CatalogComponent | undefined } {
  const entity = estate.entityOf(name);
  if (entity) return { ref: shortRef(entity.entityRef), entity };
  const c = estate.components.get(name);
  if (!c || c.kind === 'SERVICE') return { ref: `component:${entityName(name)}`, entity: undefined };
  return { ref: `resource:${entityName(name)}`, entity: undefined };
}

function newResource(estate: Estate, name: string, ownerHint: string | undefined): string {
  const c = estate.components.get(name);
  const system = estate.systemOf(name);
  return [
    '---',
    'apiVersion: backstage.io/v1alpha1',
    'kind: Resource',
    'metadata:',
    `  name: ${yamlScalar(entityName(name))}`,
    '  annotations:',
    `    orrery.dev/observed-as: ${yamlScalar(name)}`,
    'spec:',
    `  type: ${RESOURCE_TYPE[c?.kind ?? 'EXTERNAL'] ?? 'external-service'}`,
    `  owner: ${ownerHint ? yamlScalar(ownerHint) : 'unknown # who runs it?'}`,
    ...(system !== NO_SYSTEM ? [`  system: ${yamlScalar(system)}`] : []),
  ].join('\n');
}

function where(entity: CatalogComponent): string {
  return `in \`${entity.source.replace(/`/g, "'")}\`, entity \`${shortRef(entity.entityRef).replace(/`/g, "'")}\``;
}

export function catalogChange(estate: Estate, f: DocFinding): CatalogChange | undefined {
  if (f.kind === 'UNDOCUMENTED_DEPENDENCY') {
    const [dependent, dependency] = f.path ?? f.components;
    if (!dependent || !dependency) return undefined;
    const from = estate.entityOf(dependent);
    const to = refFor(estate, dependency);
    const lines = ['spec:', '  dependsOn:', `    - ${yamlScalar(to.ref)}`];
    const block = [...(to.entity || estate.components.get(dependency)?.kind === 'SERVICE' ? [] : [newResource(estate, dependency, from?.owner), '']), `# ${from ? `${shortRef(from.entityRef)}, ` : ''}${from ? from.source : 'catalog-info.yaml'}`, ...lines].join('\n');
    return {
      finding: f,
      where: from ? `${where(from)}: add \`${to.ref}\` to \`spec.dependsOn\`${to.entity ? '' : ', and describe it with the new entity below'}` : `add \`${to.ref}\` to the entity of ${dependent}`,
      block: `\`\`\`yaml\n${block}\n\`\`\``,
    };
  }
  if (f.kind === 'UNCATALOGUED_SERVICE') {
    const name = f.components[0];
    if (!name) return undefined;
    const c = estate.components.get(name);
    const depends = [...new Set(estate.outgoing(name).filter((d) => d.kind !== 'ASYNC').map((d) => refFor(estate, d.to).ref))].sort();
    const callers = [...new Set(estate.incoming(name).map((d) => d.from))];
    const callerEntity = callers.map((n) => estate.entityOf(n)).find((e) => e !== undefined);
    const system = estate.systemOf(name);
    const description = summaryOf(estate, name);
    const block = [
      '---',
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      `  name: ${yamlScalar(entityName(name))}`,
      ...(entityName(name) !== name ? ['  annotations:', `    orrery.dev/service-name: ${yamlScalar(name)}`] : []),
      `  description: ${yamlScalar(description)}`,
      'spec:',
      '  type: service',
      '  lifecycle: production',
      `  owner: ${callerEntity?.owner ? `${yamlScalar(callerEntity.owner)} # a guess: the owner of a caller` : 'unknown # who runs it?'}`,
      ...(system !== NO_SYSTEM ? [`  system: ${yamlScalar(system)}`] : c?.namespace ? [`  system: ${yamlScalar(c.namespace)}`] : []),
      ...(depends.length > 0 ? ['  dependsOn:', ...depends.map((r) => `    - ${yamlScalar(r)}`)] : []),
    ].join('\n');
    return {
      finding: f,
      where: callerEntity ? `add a Component entity, for example to \`${callerEntity.source.replace(/`/g, "'")}\` beside its caller's` : 'add a Component entity to a catalog-info.yaml',
      block: `\`\`\`yaml\n${block}\n\`\`\``,
    };
  }
  if (f.kind === 'STALE_DECLARATION') {
    const [declarer, target] = f.path ?? f.components;
    if (!declarer || !target) return undefined;
    const entity = estate.entityOf(declarer);
    const to = estate.entityOf(target) ? shortRef(estate.entityOf(target)!.entityRef) : declaredRef(estate, target);
    const block = ['```diff', ` # ${entity ? `${shortRef(entity.entityRef)}, ${entity.source}` : 'catalog-info.yaml'}`, ' spec:', '   dependsOn:', `-    - ${yamlScalar(to)}`, '```'].join('\n');
    return {
      finding: f,
      where: `${entity ? where(entity) : `in the entity of ${declarer}`}: remove \`${to}\` from \`spec.dependsOn\` if it is gone, or keep it and exercise the path in a test if it is a rare one`,
      block,
    };
  }
  return undefined;
}

function declaredRef(estate: Estate, name: string): string {
  const declared = estate.input.declaredOnly.find((c) => c.name === name);
  return declared ? shortRef(declared.entityRef) : `component:${entityName(name)}`;
}

/** One line saying what a component does: its catalog description, else what it serves and calls. */
export function summaryOf(estate: Estate, name: string): string {
  const described = estate.descriptionOf(name);
  if (described) return described;
  const c = estate.components.get(name);
  const served = new Set(estate.incoming(name).map((d) => d.from));
  const calls = new Set(estate.outgoing(name).filter((d) => d.kind !== 'ASYNC').map((d) => estate.displayName(d.to)));
  const ops = [...new Set(estate.incoming(name).filter((d) => d.kind === 'SYNC').map((d) => d.operation).filter((o): o is string => !!o))].slice(0, 3);
  const parts: string[] = [];
  if (ops.length > 0) parts.push(`Serves ${ops.join(', ')}`);
  else if (served.size > 0) parts.push(`Used by ${[...served].slice(0, 3).join(', ')}${served.size > 3 ? ` and ${served.size - 3} more` : ''}`);
  else if (c?.entryPoint || c?.kind === 'SERVICE') parts.push('An entry point (no traced caller)');
  if (calls.size > 0) parts.push(`calls ${[...calls].slice(0, 4).join(', ')}${calls.size > 4 ? ` and ${calls.size - 4} more` : ''}`);
  return parts.length > 0 ? `${parts.join('; ')}.` : 'Seen in traces; nothing calls it or is called by it in this window.';
}
