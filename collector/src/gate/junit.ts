// The CI gate's result as JUnit XML (`--junit FILE`), the report format CI systems read (Jenkins,
// GitLab, GitHub Actions reporters, Azure Pipelines): one test case per finding, failed when the
// finding fails the gate, passed (with a note) when it is known or below the threshold, and one
// passed case when there is nothing at all. Pure.
import type { GateResult } from './gate.ts';

/** XML 1.0 allows tab, newline, carriage return and these ranges; anything else is dropped. */
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/gu;

export function escapeXml(text: string): string {
  return text.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function junitXml(result: GateResult, nowMs: number, durationS = 0): string {
  const cases: string[] = [];
  for (const j of result.judged) {
    const f = j.finding;
    const head = `    <testcase classname="orrery.${escapeXml(f.kind)}" name="${escapeXml(`${f.title} [${f.id}]`)}" time="0">`;
    const body = `${f.detail}\ncomponents: ${f.components.join(', ')}${f.path && f.path.length > 1 ? `\npath: ${f.path.join(' -> ')}` : ''}\nid: ${f.id}`;
    if (j.failing) {
      const why = j.verdict === 'escalated' ? `${f.severity} (was ${j.baselineSeverity})` : f.severity;
      cases.push(`${head}\n      <failure message="${escapeXml(`${why}: ${f.title}`)}" type="${f.severity}">${escapeXml(body)}</failure>\n    </testcase>`);
    } else {
      const note = j.verdict === 'known' ? 'already in the baseline' : `new, below --fail-on ${result.failOn}`;
      cases.push(`${head}\n      <system-out>${escapeXml(`${f.severity}, ${note}\n${body}`)}</system-out>\n    </testcase>`);
    }
  }
  if (cases.length === 0) cases.push(`    <testcase classname="orrery" name="${escapeXml(`no findings at or above ${result.failOn}`)}" time="0"/>`);
  const tests = cases.length;
  const failures = result.failing.length;
  const time = durationS.toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="orrery check" tests="${tests}" failures="${failures}" errors="0" time="${time}">`,
    `  <testsuite name="orrery findings (fail on ${result.failOn})" tests="${tests}" failures="${failures}" errors="0" skipped="0" time="${time}" timestamp="${new Date(nowMs).toISOString().slice(0, 19)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
