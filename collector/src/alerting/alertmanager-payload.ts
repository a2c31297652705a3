// Alertmanager API v2 bodies (ORRERY_ALERTMANAGER_URL): POST /api/v2/alerts takes postable alerts
// (labels identify an alert, annotations describe it, startsAt/endsAt bound it, generatorURL links
// back to its source), POST /api/v2/silences a silence. Pure.
//
// Alertmanager treats an alert whose endsAt has passed as resolved, and one it stops hearing about
// as resolved once its endsAt arrives; so firing alerts are sent again before endsAt (as Prometheus
// does), with endsAt a few refreshes ahead, and resolving is one more post with endsAt = now.
import type { AlertFinding } from './alert-finding.ts';

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

export interface AlertmanagerSilence {
  /** Set to update a silence in place. */
  id?: string;
  matchers: Array<{ name: string; value: string; isRegex: boolean; isEqual: boolean }>;
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

/** Who Orrery's silences say created them (and how Orrery finds its own again). */
export const SILENCE_AUTHOR = 'orrery';

/** CASCADING_RISK_PATH -> OrreryCascadingRiskPath: Prometheus-style alert names, one per finding kind. */
export function alertName(kind: string): string {
  return `Orrery${kind.toLowerCase().split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}`;
}

/**
 * The labels that identify a finding's alert. Values a route in Alertmanager may match on: kind,
 * severity (lower case, as Alertmanager configurations usually write it), tier, system, owner and
 * the first component. A change of any of them makes it another alert to Alertmanager.
 */
export function alertmanagerLabels(f: AlertFinding): Record<string, string> {
  const labels: Record<string, string> = {
    alertname: alertName(f.kind), source: 'orrery', finding_id: f.id, kind: f.kind, severity: f.severity.toLowerCase(),
  };
  if (f.components[0]) labels.component = f.components[0];
  if (f.tier !== undefined) labels.tier = String(f.tier);
  if (f.systems.length > 0) labels.system = f.systems.join(',');
  if (f.owners.length > 0) labels.owner = f.owners.join(',');
  return labels;
}

/** A stable key for a label set (sorted names), to notice when a finding's labels changed. */
export function labelsKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

export function alertmanagerAlert(f: AlertFinding, window: { startsAtMs: number; endsAtMs: number }, acknowledgement?: string, labels = alertmanagerLabels(f)): AlertmanagerAlert {
  const annotations: Record<string, string> = { summary: f.title, description: f.detail, components: f.components.join(', ') };
  if (f.path && f.path.length > 1) annotations.path = f.path.join(' → ');
  if (acknowledgement) annotations.acknowledgement = acknowledgement;
  return { labels, annotations, startsAt: new Date(window.startsAtMs).toISOString(), endsAt: new Date(window.endsAtMs).toISOString(), generatorURL: f.url };
}

/** An acknowledgement in Orrery as a silence of that finding's alert in Alertmanager. */
export function acknowledgementSilence(findingId: string, note: string, nowMs: number, untilMs: number): AlertmanagerSilence {
  return {
    matchers: [
      { name: 'source', value: 'orrery', isRegex: false, isEqual: true },
      { name: 'finding_id', value: findingId, isRegex: false, isEqual: true },
    ],
    startsAt: new Date(nowMs).toISOString(),
    endsAt: new Date(untilMs).toISOString(),
    createdBy: SILENCE_AUTHOR,
    comment: `Acknowledged in Orrery: ${note}`,
  };
}
