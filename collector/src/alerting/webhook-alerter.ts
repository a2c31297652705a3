// Sends alerts as JSON POSTs to ORRERY_ALERT_WEBHOOK_URL. A slow or failing receiver never holds
// up detection: alerts wait in a bounded queue (the oldest is dropped and counted when full),
// each is retried with backoff, and every outcome is counted.
import type { Alert } from './select-alerts.ts';

export interface WebhookAlerterOptions {
  url: string;
  log: (line: string) => void;
  maxQueued?: number;
  attempts?: number;
  fetch?: typeof globalThis.fetch;
}

export function createWebhookAlerter(options: WebhookAlerterOptions) {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const maxQueued = options.maxQueued ?? 1000;
  const attempts = options.attempts ?? 4;
  const queue: Alert[] = [];
  const stats = { sent: 0, failed: 0, dropped: 0 };
  let sending: Promise<void> | undefined;

  async function deliver(alert: Alert): Promise<void> {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const response = await doFetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(alert),
          signal: AbortSignal.timeout(10_000),
        });
        await response.body?.cancel();
        if (response.ok) {
          stats.sent++;
          return;
        }
        if (response.status < 500 && response.status !== 429) throw new Error(`HTTP ${response.status} (not retried)`);
        throw new Error(`HTTP ${response.status}`);
      } catch (error) {
        const message = (error as Error).message;
        if (attempt === attempts || message.includes('not retried')) {
          stats.failed++;
          options.log(`alert for finding ${alert.finding.id} not delivered to ${options.url}: ${message}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** (attempt - 1)));
      }
    }
  }

  async function drain(): Promise<void> {
    for (let alert = queue.shift(); alert; alert = queue.shift()) await deliver(alert);
  }

  return {
    /** Queues alerts for delivery; never throws, never waits. */
    send(alerts: readonly Alert[]): void {
      for (const alert of alerts) {
        if (queue.length >= maxQueued) {
          queue.shift();
          stats.dropped++;
        }
        queue.push(alert);
      }
      sending ??= drain().finally(() => {
        sending = undefined;
      });
    },
    /** Resolves once everything queued so far was delivered or given up (tests, shutdown). */
    async idle(): Promise<void> {
      while (sending) await sending;
    },
    stats: () => ({ ...stats, queued: queue.length }),
  };
}
