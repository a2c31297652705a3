import { describe, expect, it } from 'vitest';
import {
  beforeWindowOf,
  formatDuration,
  formatWindow,
  fromDateTimeLocal,
  readViewState,
  rangeMs,
  refreshMs,
  seriesStep,
  sameComparison,
  sameRange,
  toDateTimeLocal,
  windowOf,
  writeViewState,
  type ViewState,
} from './time-range.ts';

const from = Date.parse('2026-03-03T10:00:00.000Z');
const to = Date.parse('2026-03-03T11:00:00.000Z');

describe('windowOf', () => {
  it('asks for the last 15 minutes when live, the preset otherwise, and instants for a custom range', () => {
    expect(windowOf({ kind: 'live' })).toEqual({ last: '15m' });
    expect(windowOf({ kind: 'last', last: '24h' })).toEqual({ last: '24h' });
    expect(windowOf({ kind: 'custom', fromMs: from, toMs: to })).toEqual({ from: '2026-03-03T10:00:00.000Z', to: '2026-03-03T11:00:00.000Z' });
  });
});

describe('rangeMs', () => {
  it('is 15 minutes live, the preset, or the custom instants apart', () => {
    expect(rangeMs({ kind: 'live' })).toBe(900_000);
    expect(rangeMs({ kind: 'last', last: '7d' })).toBe(604_800_000);
    expect(rangeMs({ kind: 'custom', fromMs: from, toMs: to })).toBe(3_600_000);
  });
});

describe('refreshMs', () => {
  it('polls live every 2 s, presets more slowly, and a past custom range never', () => {
    expect(refreshMs({ kind: 'live' }, to)).toBe(2000);
    expect(refreshMs({ kind: 'last', last: '1h' }, to)).toBeGreaterThan(2000);
    expect(refreshMs({ kind: 'last', last: '7d' }, to)).toBeGreaterThan(refreshMs({ kind: 'last', last: '15m' }, to)!);
    expect(refreshMs({ kind: 'custom', fromMs: from, toMs: to }, to + 1)).toBeNull();
    // Still reaching past now: it fills as time passes.
    expect(refreshMs({ kind: 'custom', fromMs: from, toMs: to }, to - 60_000)).not.toBeNull();
  });
});

describe('the view in the URL', () => {
  const views: [string, ViewState][] = [
    ['', { range: { kind: 'live' }, compare: null }],
    ['?range=1h', { range: { kind: 'last', last: '1h' }, compare: null }],
    ['?from=2026-03-03T10%3A00%3A00.000Z&to=2026-03-03T11%3A00%3A00.000Z', { range: { kind: 'custom', fromMs: from, toMs: to }, compare: null }],
    ['?range=24h&compare=previous', { range: { kind: 'last', last: '24h' }, compare: { kind: 'previous' } }],
    [
      '?compare=custom&compareFrom=2026-03-03T10%3A00%3A00.000Z&compareTo=2026-03-03T11%3A00%3A00.000Z',
      { range: { kind: 'live' }, compare: { kind: 'custom', fromMs: from, toMs: to } },
    ],
  ];

  it('writes each view and reads it back', () => {
    for (const [search, view] of views) {
      expect(writeViewState(view)).toBe(search);
      expect(readViewState(search)).toEqual(view);
    }
  });

  it('keeps parameters that are not the view', () => {
    expect(writeViewState({ range: { kind: 'last', last: '7d' }, compare: null }, '?debug=1&range=1h')).toBe('?debug=1&range=7d');
    expect(writeViewState({ range: { kind: 'live' }, compare: null }, '?range=1h&compare=previous')).toBe('');
  });

  it('reads anything malformed as live, and a malformed custom comparison as the previous period', () => {
    expect(readViewState('?range=3w').range).toEqual({ kind: 'live' });
    expect(readViewState('?from=yesterday&to=today').range).toEqual({ kind: 'live' });
    expect(readViewState('?from=2026-03-03T11:00:00Z&to=2026-03-03T10:00:00Z').range).toEqual({ kind: 'live' });
    expect(readViewState('?compare=custom&compareFrom=x').compare).toEqual({ kind: 'previous' });
    expect(readViewState('?compare=sideways').compare).toBeNull();
  });
});

describe('beforeWindowOf', () => {
  it('is the period of the same length just before, or the custom instants', () => {
    expect(beforeWindowOf({ kind: 'previous' }, { fromMs: from, toMs: to })).toEqual({ fromMs: from - 3_600_000, toMs: from });
    expect(beforeWindowOf({ kind: 'custom', fromMs: 1, toMs: 2 }, { fromMs: from, toMs: to })).toEqual({ fromMs: 1, toMs: 2 });
  });
});

describe('seriesStep', () => {
  it('cuts a window into at most 60 round steps, never finer than its buckets', () => {
    expect(seriesStep(900_000)).toEqual({ step: '1m', stepMs: 60_000 });
    expect(seriesStep(3_600_000)).toEqual({ step: '1m', stepMs: 60_000 });
    expect(seriesStep(86_400_000)).toEqual({ step: '30m', stepMs: 1_800_000 });
    expect(seriesStep(604_800_000, 3600)).toEqual({ step: '3h', stepMs: 10_800_000 });
    expect(seriesStep(3_600_000, 3600).step).toBe('1h');
    expect(seriesStep(90 * 86_400_000, 86_400).step).toBe('1d');
  });
});

describe('comparing choices', () => {
  it('tells ranges and comparisons apart by value', () => {
    expect(sameRange({ kind: 'last', last: '1h' }, { kind: 'last', last: '1h' })).toBe(true);
    expect(sameRange({ kind: 'last', last: '1h' }, { kind: 'live' })).toBe(false);
    expect(sameRange({ kind: 'custom', fromMs: 1, toMs: 2 }, { kind: 'custom', fromMs: 1, toMs: 3 })).toBe(false);
    expect(sameComparison(null, null)).toBe(true);
    expect(sameComparison({ kind: 'previous' }, null)).toBe(false);
    expect(sameComparison({ kind: 'custom', fromMs: 1, toMs: 2 }, { kind: 'custom', fromMs: 1, toMs: 2 })).toBe(true);
  });
});

describe('words and inputs', () => {
  it('words durations as the picker shows them', () => {
    expect(formatDuration(900_000)).toBe('15 min');
    expect(formatDuration(3_600_000)).toBe('1 h');
    expect(formatDuration(5_400_000)).toBe('1 h 30 min');
    expect(formatDuration(604_800_000)).toBe('7 d');
    expect(formatDuration(90_000_000)).toBe('1 d 1 h');
  });

  it('writes a window with the day only when it is not today', () => {
    const a = new Date(2026, 2, 3, 10, 5).getTime();
    const b = new Date(2026, 2, 3, 11, 5).getTime();
    const c = new Date(2026, 2, 10, 10, 5).getTime();
    expect(formatWindow({ fromMs: a, toMs: b }, b)).toBe('10:05 – 11:05');
    expect(formatWindow({ fromMs: a, toMs: b }, c)).toBe('3 Mar 10:05 – 11:05');
    expect(formatWindow({ fromMs: a, toMs: c }, c)).toBe('3 Mar 10:05 – 10 Mar 10:05');
  });

  it('round-trips datetime-local values in local time and refuses other text', () => {
    const at = new Date(2026, 2, 3, 9, 7).getTime();
    expect(toDateTimeLocal(at)).toBe('2026-03-03T09:07');
    expect(fromDateTimeLocal('2026-03-03T09:07')).toBe(at);
    expect(fromDateTimeLocal('2026-03-03T09:07:30')).toBe(at + 30_000);
    expect(fromDateTimeLocal('soon')).toBeNull();
  });
});
