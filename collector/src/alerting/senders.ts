// The routes' requests, as jobs for a receiver's delivery queue (http-delivery.ts). Each job is
// safe to run twice (a retry after a lost answer): Alertmanager merges alerts by labels, and
// silences are looked up before one is made or expired.
import type { AlertFinding } from './alert-finding.ts';
import type { Receiver } from './alert-rules.ts';
import { SILENCE_AUTHOR, type AlertmanagerAlert, type AlertmanagerSilence } from './alertmanager-payload.ts';
import type { Request } from './http-delivery.ts';
import { slackMessage } from './slack-payload.ts';
import { webhookPayload, type AlertEvent } from './webhook-payload.ts';

export type Job = (request: Request) => Promise<void>;

export function webhookJob(receiver: Receiver, event: AlertEvent, finding: AlertFinding, nowMs: number, heldBack: number): Job {
  const body = webhookPayload(event, finding, nowMs, heldBack);
  return async (request) => void (await request('POST', receiver.url, body));
}

export function slackJob(receiver: Receiver, event: AlertEvent, findings: AlertFinding[], groupLabel: string | undefined, heldBack: number): Job {
  const body = slackMessage(event, findings, { groupLabel, heldBack });
  return async (request) => void (await request('POST', receiver.url, body));
}

export function alertmanagerAlertsJob(receiver: Receiver, alerts: AlertmanagerAlert[]): Job {
  return async (request) => void (await request('POST', `${receiver.url}/api/v2/alerts`, alerts));
}

interface GettableSilence {
  id: string;
  startsAt: string;
  createdBy: string;
  status: { state: 'active' | 'pending' | 'expired' };
}

/** Orrery's silences of one finding that are still in force. */
async function silencesOf(request: Request, receiver: Receiver, findingId: string): Promise<GettableSilence[]> {
  const filter = `filter=${encodeURIComponent(`finding_id="${findingId}"`)}&filter=${encodeURIComponent('source="orrery"')}`;
  const { body } = await request('GET', `${receiver.url}/api/v2/silences?${filter}`);
  return (Array.isArray(body) ? (body as GettableSilence[]) : []).filter((s) => s.createdBy === SILENCE_AUTHOR && s.status?.state !== 'expired');
}

/** Creates the finding's silence, or moves the end of the one in force (Alertmanager updates a silence posted with its id). */
export function alertmanagerSilenceJob(receiver: Receiver, findingId: string, silence: AlertmanagerSilence): Job {
  return async (request) => {
    const [existing] = await silencesOf(request, receiver, findingId);
    await request('POST', `${receiver.url}/api/v2/silences`, existing ? { ...silence, id: existing.id, startsAt: existing.startsAt } : silence);
  };
}

export function alertmanagerUnsilenceJob(receiver: Receiver, findingId: string): Job {
  return async (request) => {
    for (const s of await silencesOf(request, receiver, findingId)) {
      await request('DELETE', `${receiver.url}/api/v2/silence/${encodeURIComponent(s.id)}`);
    }
  };
}
