// Readers for single OTEL_* environment values. Each returns either a normalised value or a
// problem naming what was wrong, never throws: the agent runs inside someone else's process and
// a bad variable must cost a warning and a default, not the host (opentelemetry-js does the same).

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(problem: string): Parsed<T> => ({ ok: false, problem });

/** Unset and blank mean the same thing in the OTel spec: use the default. */
export function isBlank(raw: string | undefined): raw is undefined | '' {
  return raw === undefined || raw.trim() === '';
}

/** The spec's boolean: only a case-insensitive "true" is true; "false" is false; anything else is reported. */
export function parseBoolean(raw: string): Parsed<boolean> {
  const value = raw.trim().toLowerCase();
  if (value === 'true') return ok(true);
  if (value === 'false') return ok(false);
  return bad(`expected "true" or "false", got "${raw}"`);
}

/** A whole number of at least `min` (milliseconds, sizes). Decimals and units are refused, not rounded. */
export function parseInteger(raw: string, min = 0): Parsed<number> {
  const value = raw.trim();
  if (!/^[+]?\d+$/.test(value)) return bad(`expected a whole number, got "${raw}"`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) return bad(`"${raw}" is too large`);
  if (n < min) return bad(`expected at least ${min}, got ${n}`);
  return ok(n);
}

/** An absolute http(s) URL. */
export function parseHttpUrl(raw: string): Parsed<URL> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return bad(`"${raw}" is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return bad(`"${raw}" is not an http:// or https:// URL`);
  return ok(url);
}

export interface KeyValueList {
  entries: Array<[string, string]>;
  /** Entries that were skipped, each described; the rest of the list still counts. */
  problems: string[];
}

/**
 * `key1=value1,key2=value2` as in OTEL_RESOURCE_ATTRIBUTES: values are percent-decoded (W3C
 * Baggage octet rules), surrounding spaces trimmed. A malformed entry is skipped and reported on
 * its own rather than discarding the whole list, so one typo does not lose service.namespace.
 */
export function parseKeyValueList(raw: string): KeyValueList {
  const entries: Array<[string, string]> = [];
  const problems: string[] = [];
  for (const part of raw.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) {
      problems.push(`"${part.trim()}" is not key=value`);
      continue;
    }
    const key = part.slice(0, eq).trim();
    const encoded = part.slice(eq + 1).trim();
    if (key === '') {
      problems.push(`"${part.trim()}" has an empty key`);
      continue;
    }
    let value: string;
    try {
      value = decodeURIComponent(encoded);
    } catch {
      problems.push(`the value of "${key}" is not valid percent-encoding`);
      continue;
    }
    entries.push([key, value]);
  }
  return { entries, problems };
}

export const DIAG_LEVELS = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'] as const;
export type DiagLevelName = (typeof DIAG_LEVELS)[number];

export function parseDiagLevel(raw: string): Parsed<DiagLevelName> {
  const value = raw.trim().toLowerCase();
  const level = DIAG_LEVELS.find((l) => l === value);
  return level ? ok(level) : bad(`expected one of ${DIAG_LEVELS.join(', ')}, got "${raw}"`);
}
