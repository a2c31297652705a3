import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OUTCOME_NAMES, SPAN_OUTCOMES } from './span-outcomes.ts';

describe('span outcomes', () => {
  it('are each documented in the rules table of the inference README', () => {
    const readme = readFileSync(join(import.meta.dirname, 'README.md'), 'utf8');
    for (const outcome of OUTCOME_NAMES) expect(readme, outcome).toContain(`\`${outcome}\``);
  });

  it('say for each shape whether it is evidence of an edge', () => {
    const withEdge = OUTCOME_NAMES.filter((o) => SPAN_OUTCOMES[o].edge !== undefined);
    expect(withEdge).toEqual(['pairedCall', 'callToVirtualPeer', 'callToKnownAddress', 'databaseCall', 'aiCall', 'humanStep', 'published', 'consumed', 'parentChildCrossing', 'uninstrumentedCaller']);
  });
});
