// Keeps the declared catalog current without a restart: the files under ORRERY_CATALOG are
// re-read on each detector pass and re-parsed only when their text changed. Problems are logged
// once per distinct catalog text, naming the file, the entity and the field.
import { createHash } from 'node:crypto';
import type { Catalog } from './parse-catalog.ts';
import { parseCatalog } from './parse-catalog.ts';
import { readCatalogFiles } from './read-catalog-files.ts';

export function createCatalogSource(path: string | undefined, log: (line: string) => void) {
  let lastHash: string | undefined;
  let catalog: Catalog | undefined;
  let lastReadError: string | undefined;

  return {
    /** The catalog as it is on disk now, or undefined when none is configured. */
    async current(): Promise<Catalog | undefined> {
      if (!path) return undefined;
      let read;
      try {
        read = await readCatalogFiles(path);
        lastReadError = undefined;
      } catch (error) {
        const message = (error as Error).message;
        if (message !== lastReadError) log(`catalog: ${message}; keeping the last catalog read`);
        lastReadError = message;
        return catalog;
      }
      const hash = createHash('sha1');
      for (const file of read.files) hash.update(file.path).update('\0').update(file.text).update('\0');
      const digest = hash.digest('hex');
      if (digest === lastHash && catalog) return catalog;
      const parsed = parseCatalog(read.files);
      catalog = { ...parsed, problems: [...read.problems, ...parsed.problems] };
      lastHash = digest;
      log(`catalog: ${catalog.components.size} components and ${catalog.declared.length} declared dependencies from ${read.files.length} file(s)`);
      for (const p of catalog.problems) log(`catalog problem: ${p.file}${p.entity ? ` ${p.entity}` : ''}${p.field ? ` ${p.field}` : ''}: ${p.message}`);
      return catalog;
    },
    problems: () => catalog?.problems ?? [],
  };
}
