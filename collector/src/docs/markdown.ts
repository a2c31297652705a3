// Markdown text the way Python-Markdown (MkDocs, TechDocs) and the web app's renderer both read
// it: names from traffic are data, never markup, so every name is escaped before it lands in a
// sentence, a table cell or a link text. Numbers and instants are written one way everywhere.

/** Escapes text for a Markdown sentence or table cell: HTML is shown as text, markup characters literally. */
const PLAIN = /^[A-Za-z0-9 .,:;/()'+=@?-]*$/;

export function md(text: string): string {
  if (PLAIN.test(text)) return text;
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|#{}!]/g, (c) => `\\${c}`)
    .replace(/~/g, '&#126;') // Python-Markdown cannot backslash-escape a tilde; GFM strikes through with it
    .replace(/\r?\n/g, ' ');
}

/** A link whose text is escaped; the target is a relative page path or an absolute URL we built. */
export function link(text: string, href: string): string {
  return `[${md(text)}](${href.replace(/ /g, '%20').replace(/\(/g, '%28').replace(/\)/g, '%29')})`;
}

export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Thousands separated by commas; not toLocaleString, which is slow in bulk. */
export function count(n: number): string {
  if (Number.isInteger(n) && n > -1000 && n < 1000) return String(n);
  const rounded = Number.isInteger(n) ? n : Math.round(n * 10) / 10;
  const [whole = '0', fraction] = String(rounded).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

export function percent(ratio: number): string {
  const p = ratio * 100;
  if (p > 0 && p < 1) return `${p.toFixed(1)}%`;
  return `${Math.round(p)}%`;
}

export function millis(value: number | undefined): string {
  if (value === undefined) return '–';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return `${count(Math.round(value))} ms`;
}

/** `2026-05-01 12:00 UTC`. */
export function instant(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `7 days`, `5 minutes`: the largest whole unit. */
export function duration(valueMs: number): string {
  const units: Array<[number, string]> = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']];
  for (const [size, unit] of units) if (valueMs >= size) return plural(Math.floor(valueMs / size), unit);
  return `${Math.round(valueMs)} ms`;
}

/** A rate per minute, or per hour when it is below one a minute. */
export function rate(perMinute: number): string {
  if (perMinute >= 1 || perMinute === 0) return `${count(Math.round(perMinute * 10) / 10)}/min`;
  return `${count(Math.round(perMinute * 600) / 10)}/h`;
}
