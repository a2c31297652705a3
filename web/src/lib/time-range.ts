// The range the map shows and the range it is compared with: as the page holds them, as the URL
// spells them (so a link opens the same view) and as GraphQL's `TimeWindow` takes them
// (DESIGN.md section 7). Pure: the clock is an argument.
import type { ResolvedWindow } from './model.ts';

export const RANGE_PRESETS = ['15m', '1h', '24h', '7d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

/**
 * Live is the last 15 minutes, refreshed every poll. A preset is the last 15 min, hour, day or
 * week before now, refreshed more slowly (its numbers move little between two polls); a custom
 * range is two instants and, once wholly past, is fetched once.
 */
export type TimeRange =
  | { kind: 'live' }
  | { kind: 'last'; last: RangePreset }
  | { kind: 'custom'; fromMs: number; toMs: number };

/** What a diff compares the range with: the period of the same length just before it, or two instants. */
export type Comparison = { kind: 'previous' } | { kind: 'custom'; fromMs: number; toMs: number };

export interface ViewState {
  range: TimeRange;
  /** Null outside diff mode. */
  compare: Comparison | null;
}

/** GraphQL `input TimeWindow` (the fields the page uses). */
export interface TimeWindowInput {
  last?: string;
  from?: string;
  to?: string;
}

export const LIVE: TimeRange = { kind: 'live' };
export const LIVE_LAST = '15m';
export const LIVE_REFRESH_MS = 2000;

const PRESET_MS: Readonly<Record<RangePreset, number>> = { '15m': 900_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000 };
/** A preset's numbers are summed from minute (or hour) buckets: polling faster than this shows nothing new. */
const PRESET_REFRESH_MS: Readonly<Record<RangePreset, number>> = { '15m': 15_000, '1h': 30_000, '24h': 60_000, '7d': 300_000 };
/** A custom range that still reaches past now fills as time passes. */
const OPEN_CUSTOM_REFRESH_MS = 30_000;

export function presetMs(preset: RangePreset): number {
  return PRESET_MS[preset];
}

export function windowOf(range: TimeRange): TimeWindowInput {
  switch (range.kind) {
    case 'live':
      return { last: LIVE_LAST };
    case 'last':
      return { last: range.last };
    case 'custom':
      return { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString() };
  }
}

/** How long the range is (a custom range's instants apart). */
export function rangeMs(range: TimeRange): number {
  if (range.kind === 'live') return PRESET_MS['15m'];
  if (range.kind === 'last') return PRESET_MS[range.last];
  return range.toMs - range.fromMs;
}

/** How often the map asks again; null for a range wholly in the past, which cannot change. */
export function refreshMs(range: TimeRange, nowMs: number): number | null {
  switch (range.kind) {
    case 'live':
      return LIVE_REFRESH_MS;
    case 'last':
      return PRESET_REFRESH_MS[range.last];
    case 'custom':
      return range.toMs > nowMs ? OPEN_CUSTOM_REFRESH_MS : null;
  }
}

/** Steps a sparkline is cut into, for round durations: one bucket width up to a week in 3-hour steps. */
const STEPS: readonly [string, number][] = [
  ['1m', 60_000],
  ['2m', 120_000],
  ['5m', 300_000],
  ['10m', 600_000],
  ['15m', 900_000],
  ['30m', 1_800_000],
  ['1h', 3_600_000],
  ['3h', 10_800_000],
  ['6h', 21_600_000],
  ['12h', 43_200_000],
  ['1d', 86_400_000],
];

/**
 * The step of a window's sparklines: the smallest round duration that cuts it into at most 60
 * steps, never finer than the buckets the window is summed from. Named by the page rather than
 * left to the API, so the page knows it and can draw an empty step as a zero.
 */
export function seriesStep(windowMs: number, resolutionSeconds = 60): { step: string; stepMs: number } {
  const floor = resolutionSeconds * 1000;
  for (const [step, stepMs] of STEPS) if (stepMs >= floor && windowMs / stepMs <= 60) return { step, stepMs };
  return { step: '1d', stepMs: 86_400_000 };
}

/** The before window of a diff whose after window resolved to `after`. */
export function beforeWindowOf(compare: Comparison, after: Pick<ResolvedWindow, 'fromMs' | 'toMs'>): { fromMs: number; toMs: number } {
  if (compare.kind === 'custom') return { fromMs: compare.fromMs, toMs: compare.toMs };
  const length = after.toMs - after.fromMs;
  return { fromMs: after.fromMs - length, toMs: after.fromMs };
}

export function instantsWindow(w: { fromMs: number; toMs: number }): TimeWindowInput {
  return { from: new Date(w.fromMs).toISOString(), to: new Date(w.toMs).toISOString() };
}

export function sameRange(a: TimeRange, b: TimeRange): boolean {
  if (a.kind === 'live' || b.kind === 'live') return a.kind === b.kind;
  if (a.kind === 'last' || b.kind === 'last') return a.kind === 'last' && b.kind === 'last' && a.last === b.last;
  return a.fromMs === b.fromMs && a.toMs === b.toMs;
}

export function sameComparison(a: Comparison | null, b: Comparison | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind !== b.kind) return false;
  return a.kind === 'previous' || (b.kind === 'custom' && a.fromMs === b.fromMs && a.toMs === b.toMs);
}

/** A stable key for a range (to restart whatever depends on it only when it really changed). */
export function rangeKey(range: TimeRange): string {
  return range.kind === 'custom' ? `custom:${range.fromMs}-${range.toMs}` : range.kind === 'live' ? 'live' : range.last;
}

// URL: `?range=1h`; a custom range as `?from=<ISO>&to=<ISO>`; diff mode adds `compare=previous`
// or `compare=custom&compareFrom=<ISO>&compareTo=<ISO>`. Live, the default, writes nothing.
const KEYS = ['range', 'from', 'to', 'compare', 'compareFrom', 'compareTo'] as const;

function isoMs(text: string | null): number | null {
  if (text === null || !/^\d{4}-\d{2}-\d{2}T/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** Reads the view from a query string; anything malformed reads as the default (live, no diff). */
export function readViewState(search: string): ViewState {
  const params = new URLSearchParams(search);
  let range: TimeRange = LIVE;
  const name = params.get('range');
  const fromMs = isoMs(params.get('from'));
  const toMs = isoMs(params.get('to'));
  if ((name === null || name === 'custom') && fromMs !== null && toMs !== null && fromMs < toMs) {
    range = { kind: 'custom', fromMs, toMs };
  } else if (name !== null && (RANGE_PRESETS as readonly string[]).includes(name)) {
    range = { kind: 'last', last: name as RangePreset };
  }
  let compare: Comparison | null = null;
  const c = params.get('compare');
  if (c === 'previous') compare = { kind: 'previous' };
  else if (c === 'custom') {
    const cf = isoMs(params.get('compareFrom'));
    const ct = isoMs(params.get('compareTo'));
    compare = cf !== null && ct !== null && cf < ct ? { kind: 'custom', fromMs: cf, toMs: ct } : { kind: 'previous' };
  }
  return { range, compare };
}

/** The query string for a view, keeping parameters that are not the view's; "" when nothing is left. */
export function writeViewState(state: ViewState, search = ''): string {
  const params = new URLSearchParams(search);
  for (const key of KEYS) params.delete(key);
  const { range, compare } = state;
  if (range.kind === 'last') params.set('range', range.last);
  if (range.kind === 'custom') {
    params.set('from', new Date(range.fromMs).toISOString());
    params.set('to', new Date(range.toMs).toISOString());
  }
  if (compare?.kind === 'previous') params.set('compare', 'previous');
  if (compare?.kind === 'custom') {
    params.set('compare', 'custom');
    params.set('compareFrom', new Date(compare.fromMs).toISOString());
    params.set('compareTo', new Date(compare.toMs).toISOString());
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

const PRESET_LABELS: Readonly<Record<RangePreset, string>> = { '15m': '15 min', '1h': '1 h', '24h': '24 h', '7d': '7 d' };

export function presetLabel(preset: RangePreset): string {
  return PRESET_LABELS[preset];
}

/** What the picker's current choice is called in sentences ("Last 1 h", "Live", "Custom range"). */
export function rangeLabel(range: TimeRange): string {
  if (range.kind === 'live') return 'Live';
  if (range.kind === 'last') return `Last ${PRESET_LABELS[range.last]}`;
  return 'Custom range';
}

/** A length of time as the picker words it: `15 min`, `1 h`, `1 h 30 min`, `7 d`. */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (minutes < 60) return `${minutes} min`;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0 && minutes % 1440 === 0) return `${days} d`;
  if (days > 0) return `${days} d ${hours} h`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');
const clock = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
const day = (d: Date) => `${d.getDate()} ${MONTHS[d.getMonth()]}`;
const sameDay = (a: Date, b: Date) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/** `10:05 – 11:05` today, `3 Mar 10:05 – 11:05` another day, `3 Mar 10:05 – 10 Mar 10:05` across days (local time). */
export function formatWindow(w: { fromMs: number; toMs: number }, nowMs: number): string {
  const from = new Date(w.fromMs);
  const to = new Date(w.toMs);
  const now = new Date(nowMs);
  if (sameDay(from, to)) return sameDay(from, now) ? `${clock(from)} – ${clock(to)}` : `${day(from)} ${clock(from)} – ${clock(to)}`;
  return `${day(from)} ${clock(from)} – ${day(to)} ${clock(to)}`;
}

/** An instant as an `<input type="datetime-local">` value, in local time, to the minute. */
export function toDateTimeLocal(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${clock(d)}`;
}

/** A `datetime-local` value (local time) as epoch ms; null when it is not one. */
export function fromDateTimeLocal(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const ms = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)).getTime();
  return Number.isFinite(ms) ? ms : null;
}
