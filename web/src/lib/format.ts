// Numbers as an operator reads them: compact counts, latencies with their unit, rates as percent.

export function formatCount(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1e6) return `${trim(n / 1e3)}k`;
  if (n < 1e9) return `${trim(n / 1e6)}M`;
  return `${trim(n / 1e9)}G`;
}

function trim(n: number): string {
  return n >= 100 ? String(Math.round(n)) : n.toFixed(1).replace(/\.0$/, '');
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** A ratio in 0..1 as a percentage; small but non-zero ratios are not rounded away to 0%. */
export function formatRatio(ratio: number | null): string {
  if (ratio === null) return '—';
  if (ratio === 0) return '0%';
  if (ratio < 0.001) return '<0.1%';
  if (ratio < 0.1) return `${(ratio * 100).toFixed(1)}%`;
  return `${Math.round(ratio * 100)}%`;
}

/** HH:MM:SS, local time, 24 hours. Written out, not through Intl: its first use costs a page a tenth of a second. */
export function formatClock(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}
