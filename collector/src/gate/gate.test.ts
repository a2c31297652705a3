import { describe, expect, it } from 'vitest';
import type { RaisedFinding } from '../model/graph-snapshot.ts';
import { BaselineError, parseBaseline, toBaseline } from './baseline.ts';
import { CheckUsageError, parseCheckArgs } from './check-options.ts';
import { evaluateGate, formatReport } from './gate.ts';
import { escapeXml, junitXml } from './junit.ts';

const finding = (id: string, kind: RaisedFinding['kind'], severity: RaisedFinding['severity'], components: string[] = ['checkout', id]): RaisedFinding => ({
  id, kind, severity, title: `${components.join(' -> ')} ${kind.toLowerCase()}`, detail: `Evidence for ${id}: 40 calls & more.`, components, path: components, evidence: { traceIds: [] },
});

const ledger = finding('u-ledger', 'UNDOCUMENTED_DEPENDENCY', 'MEDIUM', ['checkout', 'ledger']);
const risk = finding('risk', 'CASCADING_RISK_PATH', 'HIGH', ['checkout', 'reco']);
const cycle = finding('cycle', 'CYCLE', 'LOW', ['a', 'b']);
const T = Date.UTC(2030, 0, 1);

describe('evaluateGate', () => {
  it('without a baseline, fails on every finding at or above the threshold', () => {
    const result = evaluateGate([cycle, ledger, risk], undefined, 'HIGH');
    expect(result.exitCode).toBe(1);
    expect(result.failing.map((j) => j.finding.id)).toEqual(['risk']);
    expect(result.judged.map((j) => `${j.finding.id}:${j.verdict}`)).toEqual(['risk:new', 'u-ledger:new', 'cycle:new']);
    expect(evaluateGate([cycle, ledger], undefined, 'HIGH').exitCode).toBe(0);
    expect(evaluateGate([], undefined, 'INFO').exitCode).toBe(0);
  });

  it('with a baseline, fails only on what is new or got worse, and lists what went away', () => {
    const baseline = toBaseline([risk, { ...cycle, severity: 'INFO' }, finding('gone', 'CYCLE', 'HIGH', ['x', 'y'])], T);
    const result = evaluateGate([risk, cycle, ledger], baseline, 'LOW');
    expect(result.judged.map((j) => `${j.finding.id}:${j.verdict}:${j.failing}`)).toEqual(['u-ledger:new:true', 'cycle:escalated:true', 'risk:known:false']);
    expect(result.gone.map((f) => f.id)).toEqual(['gone']);
    expect(evaluateGate([risk], baseline, 'LOW').exitCode).toBe(0);
  });

  it('knows a baselined finding by kind and components when its id scheme changed', () => {
    const baseline = toBaseline([{ ...risk, id: 'old-id' }], T);
    expect(evaluateGate([risk], baseline, 'INFO').judged[0]!.verdict).toBe('known');
  });
});

describe('formatReport', () => {
  it('says what failed and why, then what else there is', () => {
    const baseline = toBaseline([risk], T);
    const text = formatReport(evaluateGate([risk, ledger, cycle], baseline, 'MEDIUM'), {
      observed: '3 components, 2 dependencies with traffic ever', catalog: 'catalog/: 3 components', baseline: 'base.json: 1 findings', warnings: ['catalog-info.yaml component:default/x metadata.annotations.orrery.dev/tier: must be 0-3'],
    });
    expect(text).toBe(`Orrery check FAILED: 1 finding new since the baseline at or above MEDIUM
  observed   3 components, 2 dependencies with traffic ever
  catalog    catalog/: 3 components
  baseline   base.json: 1 findings
  warning    catalog-info.yaml component:default/x metadata.annotations.orrery.dev/tier: must be 0-3

  MEDIUM   UNDOCUMENTED_DEPENDENCY  checkout -> ledger undocumented_dependency
      Evidence for u-ledger: 40 calls & more.
      components: checkout, ledger · path: checkout -> ledger · id u-ledger

  also new since the baseline, below MEDIUM: 1 (LOW 1)
  already in the baseline: 1 (HIGH 1) · in the baseline, no longer raised: 0
  exit 1
`);
    expect(formatReport(evaluateGate([], undefined, 'HIGH'), { observed: 'o', catalog: 'c' })).toMatch(/^Orrery check passed: no finding found at or above HIGH\n[\s\S]*exit 0\n$/);
  });
});

describe('junitXml', () => {
  it('gives one case per finding, failures for those failing the gate, in the shape CI reporters read', () => {
    const xml = junitXml(evaluateGate([ledger, cycle], toBaseline([cycle], T), 'MEDIUM'), T, 1.25);
    expect(xml).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="orrery check" tests="2" failures="1" errors="0" time="1.250">
  <testsuite name="orrery findings (fail on MEDIUM)" tests="2" failures="1" errors="0" skipped="0" time="1.250" timestamp="2030-01-01T00:00:00">
    <testcase classname="orrery.UNDOCUMENTED_DEPENDENCY" name="checkout -&gt; ledger undocumented_dependency [u-ledger]" time="0">
      <failure message="MEDIUM: checkout -&gt; ledger undocumented_dependency" type="MEDIUM">Evidence for u-ledger: 40 calls &amp; more.
components: checkout, ledger
path: checkout -&gt; ledger
id: u-ledger</failure>
    </testcase>
    <testcase classname="orrery.CYCLE" name="a -&gt; b cycle [cycle]" time="0">
      <system-out>LOW, already in the baseline
Evidence for cycle: 40 calls &amp; more.
components: a, b
path: a -&gt; b
id: cycle</system-out>
    </testcase>
  </testsuite>
</testsuites>
`);
    expect(junitXml(evaluateGate([], undefined, 'HIGH'), T)).toContain('<testcase classname="orrery" name="no findings at or above HIGH" time="0"/>');
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXml(`<a href="x">'&'</a>\u0000\u001b ok`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt; ok');
  });
});

describe('baseline file', () => {
  it('round-trips, sorted by kind then id', () => {
    const text = JSON.stringify(toBaseline([risk, ledger, cycle], T));
    const back = parseBaseline(text, 'base.json');
    expect(back.findings.map((f) => f.id)).toEqual(['risk', 'cycle', 'u-ledger']);
    expect(back).toMatchObject({ format: 'orrery-check-baseline/1', writtenAt: '2030-01-01T00:00:00.000Z' });
  });

  it('names what is wrong with an unusable one', () => {
    expect(() => parseBaseline('{"format":', 'base.json')).toThrow(BaselineError);
    expect(() => parseBaseline('{"format":', 'base.json')).toThrow(/^base\.json is not JSON/);
    expect(() => parseBaseline('[]', 'b.json')).toThrow('b.json: the file must be an object with format and findings (write one with --write-baseline)');
    expect(() => parseBaseline('{"format":"orrery-check-baseline/1","findings":[{"id":"x","kind":"CYCLE","severity":"BAD","components":[]}]}', 'b.json')).toThrow('b.json: findings[0].severity must be one of CRITICAL, HIGH, MEDIUM, LOW, INFO');
  });
});

describe('parseCheckArgs', () => {
  it('reads every option, both spellings, with defaults', () => {
    expect(parseCheckArgs(['--catalog', 'cat/', '--baseline=base.json', '--fail-on', 'medium', '--junit', 'out/junit.xml', '--window', '1h'])).toEqual({
      catalog: 'cat/', baseline: 'base.json', writeBaseline: undefined, failOn: 'MEDIUM', junit: 'out/junit.xml', window: '1h', help: false,
    });
    expect(parseCheckArgs([], { ORRERY_CATALOG: 'from-env/' })).toMatchObject({ catalog: 'from-env/', failOn: 'HIGH', window: 'all' });
  });

  it('reports every problem at once, with the usage', () => {
    let error: Error | undefined;
    try {
      parseCheckArgs(['--fail-on', 'SEVERE', '--junit', '--catalog', 'x', '--verbose', '--window', 'soon']);
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(CheckUsageError);
    expect(error!.message.split('\n').slice(0, 4)).toEqual([
      '--junit needs a value', 'unknown argument "--verbose"', '--fail-on must be one of CRITICAL, HIGH, MEDIUM, LOW, INFO, got "SEVERE"', '--window must be all or a duration such as 15m, 1h or 7d, got "soon"',
    ]);
    expect(error!.message).toContain('usage: npm run check --');
  });
});
