// The catalog's only I/O: ORRERY_CATALOG names a file or a folder searched recursively for
// *.yaml / *.yml. A missing path is a configuration error (thrown at start-up); an unreadable
// file inside a folder is a problem like any other, and the rest still loads.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Catalog, type CatalogFile, type CatalogProblem, parseCatalog } from './parse-catalog.ts';

const isDescriptor = (name: string) => /\.ya?ml$/i.test(name);

export async function readCatalogFiles(path: string): Promise<{ files: CatalogFile[]; problems: CatalogProblem[] }> {
  const files: CatalogFile[] = [];
  const problems: CatalogProblem[] = [];
  const root = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`ORRERY_CATALOG: cannot read ${path}: ${error.code ?? error.message}`);
  });
  const paths = root.isDirectory() ? await descriptorPaths(path, problems) : [path];
  for (const file of paths.sort()) {
    try {
      files.push({ path: file, text: await readFile(file, 'utf8') });
    } catch (error) {
      problems.push({ file, entity: undefined, field: undefined, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
    }
  }
  return { files, problems };
}

async function descriptorPaths(folder: string, problems: CatalogProblem[]): Promise<string[]> {
  const out: string[] = [];
  const pending = [folder];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    try {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) pending.push(full);
        } else if (entry.isFile() && isDescriptor(entry.name)) {
          out.push(full);
        }
      }
    } catch (error) {
      problems.push({ file: dir, entity: undefined, field: undefined, message: `cannot list folder: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
    }
  }
  return out;
}

/** Read and parse ORRERY_CATALOG; read problems come first in `problems`. */
export async function loadCatalog(path: string): Promise<Catalog> {
  const { files, problems } = await readCatalogFiles(path);
  const catalog = parseCatalog(files);
  return { ...catalog, problems: [...problems, ...catalog.problems] };
}
