// `npm run check -- ...` arguments, validated at once with a usage line. Pure.
import type { Severity } from '../model/graph-snapshot.ts';
import { parseDurationMs } from '../timeline/duration.ts';
import { SEVERITIES } from './gate.ts';

export interface CheckOptions {
  /** Backstage catalog file or folder; default ORRERY_CATALOG; none: documentation findings are not raised. */
  catalog: string | undefined;
  baseline: string | undefined;
  writeBaseline: string | undefined;
  failOn: Severity;
  junit: string | undefined;
  /** `all` (lifetime totals, the default) or a duration before now (`1h`), as GraphQL windows are. */
  window: string;
  help: boolean;
}

export const USAGE = `usage: npm run check -- [--catalog FILE] [--baseline FILE] [--write-baseline FILE] [--fail-on SEVERITY] [--junit FILE] [--window all|DURATION]
  Runs Orrery's detectors over the observed graph in Neo4j (NEO4J_URI, or the embedded Neo4j's data in ORRERY_DATA_DIR)
  against the catalog, and compares the findings with the baseline.
  --catalog FILE         Backstage catalog-info.yaml file or folder (default: ORRERY_CATALOG)
  --baseline FILE        findings already accepted: only new ones (or ones whose severity rose) fail
  --write-baseline FILE  write the findings found now as a baseline (the check then exits 0)
  --fail-on SEVERITY     CRITICAL, HIGH (default), MEDIUM, LOW or INFO
  --junit FILE           also write the result as JUnit XML
  --window all|DURATION  the traffic judged: all of it (default) or the last 15m, 1h, 7d...
  exit 0: nothing new at or above --fail-on · 1: new findings at or above it · 2: unusable input`;

export class CheckUsageError extends Error {
  override name = 'CheckUsageError';
}

const VALUED = { '--catalog': 'catalog', '--baseline': 'baseline', '--write-baseline': 'writeBaseline', '--fail-on': 'failOn', '--junit': 'junit', '--window': 'window' } as const;

export function parseCheckArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): CheckOptions {
  const given: Partial<Record<(typeof VALUED)[keyof typeof VALUED], string>> = {};
  const problems: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const key = VALUED[name as keyof typeof VALUED];
    if (!key) {
      problems.push(`unknown argument ${JSON.stringify(arg)}`);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) {
      problems.push(`${name} needs a value`);
      if (eq < 0 && value?.startsWith('--')) i--;
      continue;
    }
    if (given[key] !== undefined) problems.push(`${name} is given twice`);
    given[key] = value;
  }
  const failOn = (given.failOn ?? 'HIGH').toUpperCase() as Severity;
  if (!SEVERITIES.includes(failOn)) problems.push(`--fail-on must be one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(given.failOn)}`);
  const window = given.window ?? 'all';
  if (window !== 'all' && parseDurationMs(window) === undefined) problems.push(`--window must be all or a duration such as 15m, 1h or 7d, got ${JSON.stringify(window)}`);
  if (problems.length > 0 && !help) throw new CheckUsageError(`${problems.join('\n')}\n${USAGE}`);
  return {
    catalog: given.catalog ?? (env.ORRERY_CATALOG?.trim() || undefined),
    baseline: given.baseline, writeBaseline: given.writeBaseline, failOn, junit: given.junit, window, help,
  };
}
