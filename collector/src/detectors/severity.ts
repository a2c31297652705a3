// Severity is derived from the declared intent of the components a finding touches.
//
// Each finding kind has a ceiling: the severity it gets when a tier-0 component is involved.
// Every tier below the most critical one involved lowers it a step (tier 1: one step, tier 2:
// two, tier 3: three), down to INFO. A component with no declared tier counts as tier 2
// ("important"): unknown intent is neither promised critical nor allowed to degrade. When every
// component touched is declared degradable, one more step down.
import type { Intent, Severity } from '../model/graph-snapshot.ts';

export const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'];
const UNKNOWN_TIER = 2;

export function lowerSeverity(severity: Severity, steps = 1): Severity {
  return SEVERITIES[Math.min(SEVERITIES.length - 1, SEVERITIES.indexOf(severity) + Math.max(0, steps))]!;
}

/** Lower rank is more severe: CRITICAL 0 .. INFO 4. */
export const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity);

export function severityFromIntent(touched: ReadonlyArray<Intent | undefined>, ceiling: Severity): Severity {
  if (touched.length === 0) return lowerSeverity(ceiling, UNKNOWN_TIER);
  let mostCritical = 3;
  let allDegradable = true;
  for (const intent of touched) {
    mostCritical = Math.min(mostCritical, intent?.tier ?? UNKNOWN_TIER);
    if (intent?.degradable !== true) allDegradable = false;
  }
  return lowerSeverity(ceiling, mostCritical + (allDegradable ? 1 : 0));
}
