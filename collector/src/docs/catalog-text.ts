// What the docs quote from the catalog besides what catalog/parse-catalog.ts reads for matching:
// each entity's description, and the System entities (description, owner). Pure: the caller
// reads the files. A document that does not parse is skipped here; parse-catalog reports it.
import { parseAllDocuments } from 'yaml';
import type { CatalogFile } from '../catalog/parse-catalog.ts';
import { displayRef } from '../catalog/entity-ref.ts';

export interface CatalogEntityText {
  /** Lower case: component, resource, system, api, ... */
  kind: string;
  name: string;
  namespace: string;
  description: string | undefined;
  owner: string | undefined;
  system: string | undefined;
  source: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

export function readCatalogText(files: readonly CatalogFile[]): CatalogEntityText[] {
  const out: CatalogEntityText[] = [];
  for (const file of files) {
    for (const document of parseAllDocuments(file.text)) {
      if (document.errors.length > 0) continue;
      const value: unknown = document.toJS();
      if (!isRecord(value) || !isRecord(value.metadata)) continue;
      const kind = text(value.kind)?.toLowerCase();
      const name = text(value.metadata.name);
      if (!kind || !name) continue;
      const spec = isRecord(value.spec) ? value.spec : {};
      const owner = text(spec.owner);
      const system = text(spec.system);
      out.push({
        kind, name, namespace: text(value.metadata.namespace) ?? 'default', description: text(value.metadata.description),
        owner: owner ? displayRef(owner) : undefined, system: system ? displayRef(system) : undefined, source: file.path,
      });
    }
  }
  return out;
}
