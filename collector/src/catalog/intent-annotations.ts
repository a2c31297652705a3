// The orrery.dev/* intent annotations (DESIGN.md §4), validated once here so detectors receive
// typed values. YAML may give a number or boolean where Backstage expects a string; both are
// accepted. An invalid value is reported and left undefined, never guessed.
import type { Intent, Tier } from '../model/graph-snapshot.ts';

export const ANNOTATIONS = {
  serviceName: 'orrery.dev/service-name',
  observedAs: 'orrery.dev/observed-as',
  tier: 'orrery.dev/tier',
  degradable: 'orrery.dev/degradable',
  maxP95Ms: 'orrery.dev/max-p95-ms',
  maxErrorRate: 'orrery.dev/max-error-rate',
} as const;

export interface AnnotationProblem {
  field: string;
  message: string;
}

export function readIntent(annotations: Record<string, unknown>): { intent: Intent; problems: AnnotationProblem[] } {
  const problems: AnnotationProblem[] = [];
  const field = (key: string) => `metadata.annotations.${key}`;
  const text = (key: string): string | undefined => {
    const value = annotations[key];
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? value.trim() : String(value);
  };

  let tier: Tier | undefined;
  const tierText = text(ANNOTATIONS.tier);
  if (tierText !== undefined) {
    if (tierText === '0' || tierText === '1' || tierText === '2' || tierText === '3') tier = Number(tierText) as Tier;
    else problems.push({ field: field(ANNOTATIONS.tier), message: `must be 0, 1, 2 or 3, got "${tierText}"` });
  }

  let degradable: boolean | undefined;
  const degradableText = text(ANNOTATIONS.degradable);
  if (degradableText !== undefined) {
    const lower = degradableText.toLowerCase();
    if (lower === 'true' || lower === 'false') degradable = lower === 'true';
    else problems.push({ field: field(ANNOTATIONS.degradable), message: `must be true or false, got "${degradableText}"` });
  }

  let maxP95Ms: number | undefined;
  const p95Text = text(ANNOTATIONS.maxP95Ms);
  if (p95Text !== undefined) {
    const value = Number(p95Text);
    if (p95Text !== '' && Number.isFinite(value) && value > 0) maxP95Ms = value;
    else problems.push({ field: field(ANNOTATIONS.maxP95Ms), message: `must be a positive number of milliseconds, got "${p95Text}"` });
  }

  let maxErrorRate: number | undefined;
  const rateText = text(ANNOTATIONS.maxErrorRate);
  if (rateText !== undefined) {
    const value = Number(rateText);
    if (rateText !== '' && Number.isFinite(value) && value >= 0 && value <= 1) maxErrorRate = value;
    else problems.push({ field: field(ANNOTATIONS.maxErrorRate), message: `must be a ratio between 0 and 1 (0.01 is 1%), got "${rateText}"` });
  }

  return { intent: { tier, degradable, maxP95Ms, maxErrorRate }, problems };
}

export const NO_INTENT: Intent = Object.freeze({ tier: undefined, degradable: undefined, maxP95Ms: undefined, maxErrorRate: undefined });
