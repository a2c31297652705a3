import { describe, expect, it } from 'vitest';
import { formatDuration, parseDurationMs } from './duration.ts';
import { resolveWindow } from './time-window.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('durations', () => {
  it('reads what people write and refuses the rest', () => {
    expect([parseDurationMs('15m'), parseDurationMs('1h30m'), parseDurationMs('7d'), parseDurationMs('500ms'), parseDurationMs(' 2w ')]).toEqual([900_000, 5_400_000, 604_800_000, 500, 1_209_600_000]);
    for (const bad of ['', '15', 'm', '1x', '1h 30m', '-1h', '0m']) expect(parseDurationMs(bad), bad).toBeUndefined();
    expect(formatDuration(5_430_000)).toBe('1h30m30s');
  });
});

describe('time windows', () => {
  it('is the last hour by default, and `last` before now otherwise', () => {
    expect(resolveWindow(undefined, NOW)).toEqual({ fromMs: NOW - 3_600_000, toMs: NOW, all: false });
    expect(resolveWindow({ last: '15m' }, NOW)).toEqual({ fromMs: NOW - 900_000, toMs: NOW, all: false });
    expect(resolveWindow({ last: 'all' }, NOW)).toEqual({ fromMs: 0, toMs: NOW, all: true });
  });

  it('takes ISO instants, `last` after a `from`, and never ends in the future', () => {
    const w = resolveWindow({ from: '2026-12-01T09:00:00Z', to: '2026-12-01T10:00:00Z' }, NOW);
    expect([iso(w.fromMs), iso(w.toMs)]).toEqual(['2026-12-01T09:00:00.000Z', '2026-12-01T10:00:00.000Z']);
    const after = resolveWindow({ from: '2026-12-01T09:00:00Z', last: '30m' }, NOW);
    expect(iso(after.toMs)).toBe('2026-12-01T09:30:00.000Z');
    expect(resolveWindow({ from: '2026-12-01T11:30:00Z', last: '2h' }, NOW).toMs).toBe(NOW);
  });

  it('starts or ends a window at a rollout', () => {
    const firstSeen = (c: string, v: string) => (c === 'checkout' && v === '2.7.1' ? Date.parse('2026-12-01T08:00:00Z') : undefined);
    expect(iso(resolveWindow({ sinceVersion: 'checkout@2.7.1' }, NOW, firstSeen).fromMs)).toBe('2026-12-01T08:00:00.000Z');
    const before = resolveWindow({ untilVersion: 'checkout@2.7.1', last: '1h' }, NOW, firstSeen);
    expect([iso(before.fromMs), iso(before.toMs)]).toEqual(['2026-12-01T07:00:00.000Z', '2026-12-01T08:00:00.000Z']);
    expect(() => resolveWindow({ sinceVersion: 'checkout@9.9' }, NOW, firstSeen)).toThrow(/never reported service.version 9.9/);
  });

  it('names the field in every refusal', () => {
    expect(() => resolveWindow({ last: 'an hour' }, NOW)).toThrow(/window.last must be a duration/);
    expect(() => resolveWindow({ from: 'yesterday' }, NOW)).toThrow(/window.from must be an ISO-8601 instant/);
    expect(() => resolveWindow({ from: '2026-12-01T11:00:00Z', to: '2026-12-01T10:00:00Z' }, NOW)).toThrow(/not before its end/);
    expect(() => resolveWindow({ last: 'all', from: '2026-12-01T11:00:00Z' }, NOW)).toThrow(/cannot be combined/);
    expect(() => resolveWindow({ sinceVersion: 'checkout' }, NOW)).toThrow(/component@version/);
  });
});
