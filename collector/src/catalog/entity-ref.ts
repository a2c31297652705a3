// Backstage entity references: `[kind:][namespace/]name`, compared case-insensitively
// (https://backstage.io/docs/features/software-catalog/references). A bare name leaves the kind
// to the caller: dependsOn may point at a Component or a Resource, consumesApis at an API.

export interface EntityRef {
  /** Lower case; undefined when the reference named no kind. */
  kind: string | undefined;
  namespace: string;
  name: string;
}

export const DEFAULT_NAMESPACE = 'default';

/** Undefined when the text is not a reference (empty, or more than one ':' or '/'). */
export function parseEntityRef(text: string): EntityRef | undefined {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  const kind = colon >= 0 ? trimmed.slice(0, colon).toLowerCase() : undefined;
  const rest = colon >= 0 ? trimmed.slice(colon + 1) : trimmed;
  const slash = rest.indexOf('/');
  const namespace = slash >= 0 ? rest.slice(0, slash) : DEFAULT_NAMESPACE;
  const name = slash >= 0 ? rest.slice(slash + 1) : rest;
  if (kind === '' || namespace === '' || name === '' || name.includes(':') || name.includes('/')) return undefined;
  return { kind, namespace: namespace.toLowerCase(), name };
}

/** The key an entity is stored under: references match it case-insensitively. */
export const entityKey = (kind: string, namespace: string, name: string): string =>
  `${kind.toLowerCase()}:${namespace.toLowerCase()}/${name.toLowerCase()}`;

/** An owner or system reference shown as people write it: `team-x`, not `group:default/team-x`. */
export function displayRef(text: string): string {
  const ref = parseEntityRef(text);
  if (!ref) return text.trim();
  return ref.namespace === DEFAULT_NAMESPACE ? ref.name : `${ref.namespace}/${ref.name}`;
}
