// The MkDocs / Backstage TechDocs tree for a DocSet: `mkdocs.yml` beside a `docs/` folder with the
// pages. Plain MkDocs builds it as it is (`mkdocs build --strict`); Backstage's TechDocs generator
// adds its `techdocs-core` plugin to a mkdocs.yml that does not name it, and draws the ```mermaid
// blocks with the Mermaid addon. Pure: tools/docs.ts writes the files.
import type { DocSet } from './doc-input.ts';

const yamlString = (text: string): string => JSON.stringify(text);

export interface TreeFile {
  /** Relative to the tree's root. */
  path: string;
  text: string;
}

export function mkdocsTree(docs: DocSet, options: { siteDescription?: string } = {}): TreeFile[] {
  const section = (name: string, kind: string) => {
    const pages = docs.pages.filter((p) => p.section === kind && p.path !== 'index.md').sort((a, b) => a.title.localeCompare(b.title));
    return pages.length === 0 ? [] : [`  - ${yamlString(name)}:`, ...pages.map((p) => `      - ${yamlString(p.title)}: ${yamlString(p.path)}`)];
  };
  const index = docs.pages.find((p) => p.path === 'index.md');
  const yml = [
    '# Written by `npm run docs` from observed traffic; regenerate rather than edit.',
    `site_name: ${yamlString(docs.title)}`,
    ...(options.siteDescription ? [`site_description: ${yamlString(options.siteDescription)}`] : []),
    'docs_dir: docs',
    'nav:',
    `  - ${yamlString(index?.title ?? 'Overview')}: index.md`,
    ...section('Systems', 'system'),
    ...section('Services', 'service'),
    ...section('Workflows', 'workflow'),
    'markdown_extensions:',
    '  - toc:',
    '      permalink: true',
    '  - tables',
    '  - fenced_code',
    '',
  ];
  return [{ path: 'mkdocs.yml', text: yml.join('\n') }, ...docs.pages.map((p) => ({ path: `docs/${p.path}`, text: `${p.markdown.trimEnd()}\n` }))];
}
