// A DiagLogger that says each distinct thing once. The agent lives in a host process whose
// stderr belongs to its owner: a collector that is down must not turn into a line every
// export interval. Bounded: after `maxDistinct` distinct messages the rest are counted only.
import type { DiagLogger } from '@opentelemetry/api';

export interface OnceDiagLoggerOptions {
  /** Receives one finished line, without the trailing newline. */
  write: (line: string) => void;
  /** Put before every line, e.g. `[orrery-agent checkout]`. */
  prefix: string;
  maxDistinct?: number;
}

export interface OnceDiagLogger extends DiagLogger {
  /** Messages not written because they repeated one already written or the bound was reached. */
  suppressed(): number;
}

export function createOnceDiagLogger(options: OnceDiagLoggerOptions): OnceDiagLogger {
  const maxDistinct = options.maxDistinct ?? 200;
  const seen = new Set<string>();
  let suppressed = 0;

  const log = (level: string) => (message: string, ...args: unknown[]) => {
    const text = [readable(message), ...args.map(describe)].join(' ');
    // Ids, ports, counts and timings vary between repeats of the same problem.
    const key = `${level} ${firstLine(text).replace(/\d+/g, '#')}`;
    if (seen.has(key) || seen.size >= maxDistinct) {
      suppressed++;
      return;
    }
    seen.add(key);
    options.write(`${options.prefix} ${level}: ${text}${seen.size === maxDistinct ? ' (further agent messages suppressed)' : ''}`);
  };

  return {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    verbose: log('verbose'),
    suppressed: () => suppressed,
  };
}

/**
 * The SDK's global error handler logs errors as JSON with the stack inside (an export that
 * failed, for one); keep the message and code, which are what the host's owner can act on.
 */
function readable(message: string): string {
  if (!message.startsWith('{')) return message;
  try {
    const error = JSON.parse(message) as { message?: unknown; code?: unknown };
    if (typeof error.message !== 'string') return message;
    return typeof error.code === 'string' && !error.message.includes(error.code) ? `${error.message} (${error.code})` : error.message;
  } catch {
    return message;
  }
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return (end === -1 ? text : text.slice(0, end)).slice(0, 240);
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
