import { describe, expect, it } from 'vitest';
import { createChangeLog } from './change-log.ts';

const edge = (from: string, to: string) => ({ from, to, kind: 'SYNC', protocol: 'http' });

describe('change log', () => {
  it('answers each name once for everything after a version, and forgets the oldest versions first', () => {
    const log = createChangeLog({ maxVersions: 3, maxNames: 100 });
    const a = edge('web', 'api');
    log.record(1, ['web'], [a]);
    log.record(2, ['web', 'api'], [a]);
    log.record(3, ['db'], []);
    expect(log.since(1, 3)).toEqual({ version: 3, components: ['web', 'api', 'db'], edges: [edge('web', 'api')] });
    expect(log.since(0, 3)?.components).toEqual(['web', 'api', 'db']);
    log.record(4, ['queue'], []);
    // Version 1's changes are forgotten: a client at 0 cannot be told what it missed.
    expect(log.since(0, 4)).toBeUndefined();
    expect(log.since(1, 4)?.components).toEqual(['web', 'api', 'db', 'queue']);
    expect(log.since(5, 4)).toBeUndefined();
  });

  it('bounds the names it holds, and after a reset only newer clients are answered', () => {
    const log = createChangeLog({ maxVersions: 100, maxNames: 3 });
    log.record(1, ['a', 'b'], []);
    log.record(2, ['c', 'd'], []);
    expect(log.since(0, 2)).toBeUndefined();
    expect(log.since(1, 2)?.components).toEqual(['c', 'd']);
    log.reset(7);
    expect(log.since(2, 7)).toBeUndefined();
    expect(log.since(7, 7)).toEqual({ version: 7, components: [], edges: [] });
  });
});
