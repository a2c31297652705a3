// The CI gate (`npm run check`) against a real Neo4j holding a graph the real platform ingested:
// a baseline is written and passes, then "this change adds an undocumented dependency on the
// ledger" fails with a readable report and JUnit XML, and every unusable input exits 2 naming it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Platform } from '../../tools/platform.ts';
import { startTestPlatform } from './support/platform.ts';

const dir = mkdtempSync(join(tmpdir(), 'orrery-ci-gate-'));
const catalogDir = join(dir, 'catalog');
mkdirSync(catalogDir);
const entity = (name: string, tier: number, system: string, dependsOn: string[] = []) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  annotations:
    orrery.dev/tier: "${tier}"
spec:
  type: service
  owner: team-${system}
  system: ${system}
  dependsOn: ${JSON.stringify(dependsOn)}
`;
writeFileSync(join(catalogDir, 'catalog-info.yaml'), [entity('checkout', 1, 'shop', ['component:payments']), entity('payments', 1, 'shop'), entity('ledger', 0, 'finance')].join('---\n'));
const baselineFile = join(dir, 'baseline.json');
const checkScript = join(import.meta.dirname, '../../tools/check.ts');

let platform: Platform;
let n = 0;
const hex = (width: number) => (++n).toString(16).padStart(width, '0');
const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** `calls` requests to checkout, each calling `callee` synchronously. */
async function traffic(callee: string, calls: number): Promise<void> {
  const caller: unknown[] = [];
  const served: unknown[] = [];
  const now = BigInt(Date.now()) * 1_000_000n;
  for (let i = 0; i < calls; i++) {
    const [traceId, root, client] = [hex(32), hex(16), hex(16)];
    const t = (ms: number) => String(now + BigInt(i * 10 + ms) * 100_000n);
    const http = [attr('http.request.method', 'POST')];
    caller.push({ traceId, spanId: root, name: 'POST /orders', kind: 2, startTimeUnixNano: t(0), endTimeUnixNano: t(9), attributes: [...http, attr('http.route', '/orders')] });
    caller.push({ traceId, spanId: client, parentSpanId: root, name: 'POST', kind: 3, startTimeUnixNano: t(1), endTimeUnixNano: t(8), attributes: http });
    served.push({ traceId, spanId: hex(16), parentSpanId: client, name: 'POST /entries', kind: 2, startTimeUnixNano: t(2), endTimeUnixNano: t(7), attributes: [...http, attr('http.route', '/entries')] });
  }
  for (const [service, spans] of [['checkout', caller], [callee, served]] as const) {
    const body = { resourceSpans: [{ resource: { attributes: [attr('service.name', service)] }, scopeSpans: [{ spans }] }] };
    const response = await fetch(platform.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
  }
  await platform.collector.flush();
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run check -- ...args` as CI runs it (tools/check.ts under the same Node). */
function check(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [checkScript, ...args], {
      env: { ...process.env, NEO4J_URI: inject('neo4jUri'), ORRERY_CATALOG: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The JUnit file as a real XML parser reads it (Python's ElementTree, as CI reporters parse it). */
function readJunit(file: string): { tests: string; failures: string; failed: string[] } {
  const script = `import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find('testsuite')
print(json.dumps({'tests': root.get('tests'), 'failures': suite.get('failures'), 'failed': [c.find('failure').get('message') for c in suite.iter('testcase') if c.find('failure') is not None]}))`;
  const parsed = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
  if (parsed.status !== 0) throw new Error(`JUnit XML did not parse: ${parsed.stderr}`);
  return JSON.parse(parsed.stdout) as { tests: string; failures: string; failed: string[] };
}

beforeAll(async () => {
  platform = await startTestPlatform(inject('neo4jUri'), { ORRERY_CATALOG: catalogDir });
  await traffic('payments', 30);
});
afterAll(async () => {
  await platform?.stop();
});

describe('npm run check', () => {
  it('writes a baseline of the graph as it is, and passes against it', async () => {
    const written = await check(['--catalog', catalogDir, '--write-baseline', baselineFile]);
    expect(written.stderr).toMatch(/baseline of \d+ findings written/);
    expect(written.code).toBe(0);
    expect(JSON.parse(readFileSync(baselineFile, 'utf8'))).toMatchObject({ format: 'orrery-check-baseline/1', findings: expect.any(Array) });

    const junit = join(dir, 'clean.xml');
    const clean = await check(['--catalog', catalogDir, '--baseline', baselineFile, '--fail-on', 'MEDIUM', '--junit', junit]);
    expect(clean.stdout).toMatch(/^Orrery check passed: no finding new since the baseline at or above MEDIUM\n  observed   2 components, 1 dependency with traffic ever/);
    expect(clean.code).toBe(0);
    expect(readJunit(junit)).toMatchObject({ failures: '0', failed: [] });
  });

  it('fails a change that adds an undocumented dependency on the ledger, with a readable report and JUnit XML', async () => {
    await traffic('ledger', 12);
    const junit = join(dir, 'reports', 'orrery.xml');
    const run = await check(['--catalog', catalogDir, '--baseline', baselineFile, '--fail-on', 'MEDIUM', '--junit', junit]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Orrery check FAILED: 1 finding new since the baseline at or above MEDIUM');
    expect(run.stdout).toMatch(/MEDIUM {3}UNDOCUMENTED_DEPENDENCY {2}checkout depends on ledger, undeclared\n {6}.*ledger \(tier 0.*12 interactions/);
    expect(run.stdout).toContain('components: checkout, ledger');
    expect(readJunit(junit)).toEqual({ tests: expect.any(String), failures: '1', failed: ['MEDIUM: checkout depends on ledger, undeclared'] });

    // At the default threshold (HIGH) the same change passes, and the report still shows it.
    const lenient = await check(['--catalog', catalogDir, '--baseline', baselineFile]);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain('also new since the baseline, below HIGH: 1 (MEDIUM 1)');
  });

  it('exits 2 with a message on input it cannot judge', async () => {
    const badYaml = join(dir, 'bad-catalog.yaml');
    writeFileSync(badYaml, 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: [name: checkout\n');
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"format": "orrery-check-baseline/1", "findings": [');
    const runs = await Promise.all([
      check(['--catalog', join(dir, 'no-such-catalog')]),
      check(['--catalog', badYaml]),
      check(['--catalog', catalogDir, '--baseline', join(dir, 'no-such-baseline.json')]),
      check(['--catalog', catalogDir, '--baseline', corrupt]),
      check(['--fail-on', 'SEVERE']),
      check(['--catalog', catalogDir], { NEO4J_URI: 'bolt://127.0.0.1:1' }),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(runs.map((r) => r.stdout)).toEqual(['', '', '', '', '', '']);
    expect(runs[0]!.stderr).toContain(`orrery check: cannot read the catalog: cannot read ${join(dir, 'no-such-catalog')}: ENOENT`);
    expect(runs[1]!.stderr).toMatch(/the catalog cannot be read as written:\n {2}.*bad-catalog\.yaml: invalid YAML .*\(line \d\)/);
    expect(runs[2]!.stderr).toContain(`cannot read the baseline ${join(dir, 'no-such-baseline.json')}: ENOENT`);
    expect(runs[3]!.stderr).toContain(`${corrupt} is not JSON`);
    expect(runs[4]!.stderr).toContain('--fail-on must be one of CRITICAL, HIGH, MEDIUM, LOW, INFO, got "SEVERE"');
    expect(runs[5]!.stderr).toContain('cannot reach Neo4j at bolt://127.0.0.1:1');
  });
});
