// Property-based fuzzing of the catalog parser (issue 13, "Bad input, measured"): mutated text of
// the real catalogs, mutated entity values written back as YAML, and generated Backstage-shaped
// entities with fields of every wrong type. parseCatalog never throws: whatever it cannot use
// becomes a CatalogProblem naming the file and saying why, and what it loads is well-formed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { parseCatalog, type Catalog } from './parse-catalog.ts';

const read = (relative: string) => readFileSync(fileURLToPath(new URL(relative, import.meta.url)), 'utf8');
const catalogs = [read('../../../agents/demo/catalog/catalog-info.yaml'), read('../../fixtures-detectors/catalog-with-problems/good-and-bad-documents.yaml')];
const entities: unknown[] = catalogs.flatMap((text) => parseAllDocuments(text).flatMap((doc) => ('toJS' in doc ? [doc.toJS()] : [])).filter((e) => e !== null));

const ENGINE_ERROR = /Cannot read prop|is not a function|is not iterable|undefined is not|null is not|Maximum call stack|Invalid array length|Cannot convert/;

function checkCatalog(files: Array<{ path: string; text: string }>): Catalog {
  let catalog: Catalog;
  try {
    catalog = parseCatalog(files);
  } catch (error) {
    throw new Error(`parseCatalog threw instead of reporting a problem: ${(error as Error)?.stack ?? String(error)}`);
  }
  const paths = new Set(files.map((f) => f.path));
  for (const p of catalog.problems) {
    expect(paths.has(p.file)).toBe(true);
    expect(typeof p.message === 'string' && p.message.length > 0).toBe(true);
    expect(p.message).not.toMatch(ENGINE_ERROR);
  }
  for (const [name, c] of catalog.components) {
    expect(typeof name === 'string' && name.length > 0).toBe(true);
    expect(c.name).toBe(name);
    expect(paths.has(c.source)).toBe(true);
    expect(c.kind === 'Component' || c.kind === 'Resource').toBe(true);
    if (c.intent.tier !== undefined) expect(Number.isInteger(c.intent.tier)).toBe(true);
    if (c.observedAs) for (const o of c.observedAs) expect(typeof o).toBe('string');
  }
  for (const d of catalog.declared) expect(typeof d.from === 'string' && typeof d.to === 'string' && d.from !== d.to).toBe(true);
  return catalog;
}

const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, '', '-1', '1.5', 'NaN', '99999999999999999999', 'component:', ':/', 'component:default/', 'group:team-a', '"', '\u0000', true, 0, -1, 2 ** 53, [], {}),
  fc.string({ maxLength: 30 }),
);

/** A value somewhere in the entity replaced, removed or doubled. */
function mutate(root: unknown, pick: number, action: 'replace' | 'remove' | 'duplicate', value: unknown): unknown {
  const copy = structuredClone(root);
  const slots: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach((child, i) => (slots.push({ parent: node, key: i }), walk(child)));
    else if (node && typeof node === 'object') for (const [k, child] of Object.entries(node)) slots.push({ parent: node as Record<string, unknown>, key: k }), walk(child);
  };
  walk(copy);
  if (slots.length === 0) return value;
  const { parent, key } = slots[pick % slots.length]!;
  if (action === 'replace') (parent as Record<string | number, unknown>)[key] = value;
  else if (action === 'remove') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  } else if (Array.isArray(parent)) parent.push(structuredClone(parent[key as number]));
  return copy;
}

const textEdit = fc.record({
  at: fc.nat(),
  remove: fc.integer({ min: 0, max: 10 }),
  insert: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('\n', '\n  ', ': ', '- ', '---\n', '&a ', '*a', '!!binary ', '{', '[', '"', "'", '\t', '#', '%YAML 1.1\n', '<<: *a\n')),
});

// About 2,000 inputs (a YAML parse of a real catalog costs milliseconds), ~10 s on an idle 2-core
// machine; the timeout leaves room for a loaded one.
describe('catalog parser under fuzzing', { timeout: 60_000 }, () => {
  it('reports an alias to no anchor and an alias bomb as problems (both found by this fuzzing: parseCatalog threw)', () => {
    const unresolved = checkCatalog([{ path: 'x.yaml', text: 'apiVersion: *a\nkind: Component\nmetadata:\n  name: x\n' }]);
    expect(unresolved.problems[0]!.message).toMatch(/invalid YAML in document 1: .*alias/i);
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    const exploded = checkCatalog([{ path: 'bomb.yaml', text: `${bomb}\nkind: Component\nmetadata: { name: bomb }\n` }]);
    expect(exploded.problems[0]!.message).toMatch(/invalid YAML in document 1: .*alias/i);
    expect(exploded.components.size).toBe(0);
  });

  it('mutated text of the real catalogs loads what it can and reports the rest', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: catalogs.length - 1 }), fc.array(textEdit, { minLength: 1, maxLength: 5 }), (i, edits) => {
        let text = catalogs[i]!;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
        }
        checkCatalog([{ path: 'mutated.yaml', text }]);
      }),
      { numRuns: 600 },
    );
  });

  it('entities with a value replaced by anything, written back as YAML, load or are reported', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ entity: fc.integer({ min: 0, max: entities.length - 1 }), pick: fc.nat(), action: fc.constantFrom('replace' as const, 'remove' as const, 'duplicate' as const), value: anyValue }), { minLength: 1, maxLength: 6 }),
        (mutations) => {
          const docs = entities.map((e) => structuredClone(e));
          for (const m of mutations) docs[m.entity] = mutate(docs[m.entity], m.pick, m.action, m.value);
          // The entities mutated and a few neighbours, in two files (a reference may cross files).
          const touched = [...new Set(mutations.flatMap((m) => [m.entity, (m.entity + 1) % docs.length]))].map((i) => docs[i]);
          const half = Math.ceil(touched.length / 2);
          checkCatalog([{ path: 'a.yaml', text: touched.slice(0, half).map((d) => stringify(d)).join('---\n') }, { path: 'b.yaml', text: touched.slice(half).map((d) => stringify(d)).join('---\n') }]);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('generated Backstage-shaped entities with fields of every type load or are reported', () => {
    const annotations = fc.dictionary(
      fc.oneof(fc.constantFrom('orrery.dev/tier', 'orrery.dev/degradable', 'orrery.dev/max-p95', 'orrery.dev/max-error-rate', 'orrery.dev/service-name', 'orrery.dev/observed-as', 'orrery.dev/intent'), fc.string({ maxLength: 12 })),
      anyValue,
      { maxKeys: 4 },
    );
    const entity = fc.record({
      apiVersion: fc.oneof(fc.constant('backstage.io/v1alpha1'), anyValue),
      kind: fc.oneof(fc.constantFrom('Component', 'Resource', 'System', 'API', 'Group', 'component'), anyValue),
      metadata: fc.oneof(fc.record({ name: fc.oneof(fc.constantFrom('checkout', 'orders', 'db'), anyValue), namespace: anyValue, annotations: fc.oneof(annotations, anyValue) }, { requiredKeys: [] }), anyValue),
      spec: fc.oneof(fc.record({
        type: anyValue, owner: anyValue, system: anyValue,
        dependsOn: fc.oneof(fc.array(fc.oneof(fc.constantFrom('component:checkout', 'resource:default/db', 'component:orders', 'checkout'), anyValue), { maxLength: 4 }), anyValue),
        providesApis: fc.oneof(fc.array(anyValue, { maxLength: 3 }), anyValue), consumesApis: fc.oneof(fc.array(anyValue, { maxLength: 3 }), anyValue),
      }, { requiredKeys: [] }), anyValue),
    }, { requiredKeys: [] });
    fc.assert(fc.property(fc.array(entity, { maxLength: 6 }), (list) => void checkCatalog([{ path: 'generated.yaml', text: list.map((e) => stringify(e)).join('---\n') }])), { numRuns: 800 });
  });
});
