// A TimeWindow (DESIGN.md §7) resolved to instants, validated once with messages that name the
// field. `last` is a duration before `to` (or `all`: everything retained); `from`/`to` are
// ISO-8601 instants; `sinceVersion`/`untilVersion` (`checkout@2.7.1`) start or end the window when
// that version was first seen. The default is the last hour. Pure: `now` and the version lookup
// are arguments.
import { parseDurationMs } from './duration.ts';

export interface TimeWindowInput {
  last?: string | null;
  from?: string | null;
  to?: string | null;
  sinceVersion?: string | null;
  untilVersion?: string | null;
}

export interface ResolvedWindow {
  fromMs: number;
  /** Exclusive. */
  toMs: number;
  /** `last: all`: lifetime totals are wanted, not only what buckets retain. */
  all: boolean;
}

export const DEFAULT_WINDOW_MS = 3_600_000;

export class TimeWindowError extends Error {
  override name = 'TimeWindowError';
}

/** When `component@version` was first seen, or undefined when it never was. */
export type VersionFirstSeen = (component: string, version: string) => number | undefined;

export function resolveWindow(input: TimeWindowInput | null | undefined, nowMs: number, firstSeen: VersionFirstSeen = () => undefined): ResolvedWindow {
  const w = input ?? {};
  if (w.last?.trim() === 'all') {
    if (w.from || w.to || w.sinceVersion || w.untilVersion) throw new TimeWindowError('window.last "all" cannot be combined with from, to, sinceVersion or untilVersion');
    return { fromMs: 0, toMs: nowMs, all: true };
  }
  const lastMs = w.last != null ? parseDurationMs(w.last) : undefined;
  if (w.last != null && lastMs === undefined) throw new TimeWindowError(`window.last must be a duration such as 15m, 1h or 7d, or "all"; got ${JSON.stringify(w.last)}`);
  if (w.from && w.sinceVersion) throw new TimeWindowError('window.from and window.sinceVersion both set the start; give one');
  if (w.to && w.untilVersion) throw new TimeWindowError('window.to and window.untilVersion both set the end; give one');

  let toMs = w.to ? instant(w.to, 'to') : w.untilVersion ? versionInstant(w.untilVersion, 'untilVersion', firstSeen) : nowMs;
  let fromMs = w.from ? instant(w.from, 'from') : w.sinceVersion ? versionInstant(w.sinceVersion, 'sinceVersion', firstSeen) : undefined;
  if (fromMs === undefined) fromMs = toMs - (lastMs ?? DEFAULT_WINDOW_MS);
  else if (lastMs !== undefined && !w.to && !w.untilVersion) toMs = fromMs + lastMs;
  if (toMs > nowMs) toMs = nowMs;
  if (!(fromMs < toMs)) throw new TimeWindowError(`window starts at ${new Date(fromMs).toISOString()}, not before its end ${new Date(toMs).toISOString()}`);
  return { fromMs, toMs, all: false };
}

function instant(text: string, field: string): number {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}/.test(text.trim())) throw new TimeWindowError(`window.${field} must be an ISO-8601 instant such as 2026-12-01T09:30:00Z; got ${JSON.stringify(text)}`);
  return ms;
}

function versionInstant(text: string, field: string, firstSeen: VersionFirstSeen): number {
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) throw new TimeWindowError(`window.${field} must be component@version, such as checkout@2.7.1; got ${JSON.stringify(text)}`);
  const component = text.slice(0, at);
  const version = text.slice(at + 1);
  const ms = firstSeen(component, version);
  if (ms === undefined) throw new TimeWindowError(`window.${field}: ${component} has never reported service.version ${version}`);
  return ms;
}
