// The generic JSON webhook's body (ORRERY_ALERT_WEBHOOK_URL), one POST per finding event. Kept
// compatible with what it always sent ({ event: 'finding.opened', finding: { id kind severity title
// detail components path } }): fields are only ever added. Pure.
import type { AlertFinding } from './alert-finding.ts';

export type AlertEvent = 'opened' | 'resolved' | 'reminder';

export interface WebhookPayload {
  /** finding.opened, finding.resolved, or finding.reminder (open, unacknowledged, announced again after the route's repeatAfter). */
  event: `finding.${AlertEvent}`;
  /** When Orrery sent it, ISO-8601. */
  at: string;
  finding: {
    id: string;
    kind: string;
    severity: string;
    title: string;
    detail: string;
    components: string[];
    path: string[] | undefined;
    /** The finding on the map. */
    url: string;
    tier: number | null;
    systems: string[];
    owners: string[];
  };
  /** Findings of this route the rate limit held back since the previous post. */
  heldBack?: number;
}

export function webhookPayload(event: AlertEvent, finding: AlertFinding, nowMs: number, heldBack = 0): WebhookPayload {
  const payload: WebhookPayload = {
    event: `finding.${event}`,
    at: new Date(nowMs).toISOString(),
    finding: {
      id: finding.id, kind: finding.kind, severity: finding.severity, title: finding.title, detail: finding.detail,
      components: finding.components, path: finding.path, url: finding.url, tier: finding.tier ?? null, systems: finding.systems, owners: finding.owners,
    },
  };
  if (heldBack > 0) payload.heldBack = heldBack;
  return payload;
}
