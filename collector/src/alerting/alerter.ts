// Alerting's wiring: after each detector pass it reads which findings are acknowledged (and what
// resolved ones were), lets the planner (alert-planner.ts) decide, and hands the work to one
// delivery queue per receiver. onPass never waits and never throws: a slow Neo4j read or a dead
// receiver holds up alerting, not detection. Passes that arrive while one is being handled are
// folded into the next (their opened and resolved ids kept, the latest findings used).
import type { Driver } from 'neo4j-driver';
import type { ComponentNode, DeclaredComponent, RaisedFinding } from '../model/graph-snapshot.ts';
import { componentIndex, toAlertFinding, type AlertFinding } from './alert-finding.ts';
import { createAlertPlanner, type Plan } from './alert-planner.ts';
import { describeRules, type AlertRules, type ReceiverType } from './alert-rules.ts';
import { readFindingStatus } from './finding-status.ts';
import { createDeliveryQueue, type DeliveryQueue, type DeliveryStats } from './http-delivery.ts';
import { alertmanagerAlertsJob, alertmanagerSilenceJob, alertmanagerUnsilenceJob, slackJob, webhookJob } from './senders.ts';

export interface AlerterOptions {
  rules: AlertRules;
  /** Where the map is reached (ORRERY_PUBLIC_URL): links in alerts point there. */
  publicUrl: string;
  driver: Driver;
  database: string;
  clock: () => number;
  log: (line: string) => void;
  /** How often firing alerts are posted to Alertmanager again. Default 60 s. */
  alertmanagerRefreshMs?: number;
  /** How often reminders and refreshes are looked for between passes. Default 5 s. */
  tickMs?: number;
  /** Delivery tuning (tests). */
  delivery?: { attempts?: number; backoffMs?: number };
}

export interface DetectorPass {
  nowMs: number;
  findings: readonly RaisedFinding[];
  opened: readonly string[];
  resolved: readonly string[];
  components: readonly ComponentNode[];
  declaredOnly: readonly DeclaredComponent[];
}

export interface ReceiverStatus extends DeliveryStats {
  receiver: string;
  type: ReceiverType;
  /** Findings it currently knows as firing. */
  firing: number;
  /** Findings its routes' rate limits held back, in total. */
  heldBack: number;
}

export function createAlerter(options: AlerterOptions) {
  const { rules, log } = options;
  const planner = createAlertPlanner({ rules, startedAtMs: options.clock(), alertmanagerRefreshMs: options.alertmanagerRefreshMs });
  const queues = new Map<string, DeliveryQueue>();
  for (const receiver of rules.receivers.values()) {
    queues.set(receiver.name, createDeliveryQueue({ name: receiver.name, log, ...options.delivery }));
  }
  /** The last raised form of each open finding, for its resolution. */
  const lastRaised = new Map<string, AlertFinding>();
  let pending: DetectorPass | undefined;
  let handling: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let acknowledged = new Map<string, string>();
  let statusReadFailures = 0;

  function dispatch(plan: Plan, nowMs: number): void {
    for (const n of plan.notifications) {
      const queue = queues.get(n.receiver.name)!;
      if (n.receiver.type === 'slack') {
        queue.send(`${n.event} ${n.findings.map((f) => f.id).join(',')}`, slackJob(n.receiver, n.event, n.findings, n.groupLabel, n.heldBack));
      } else {
        for (const f of n.findings) queue.send(`${n.event} ${f.id}`, webhookJob(n.receiver, n.event, f, nowMs, n.heldBack));
      }
    }
    for (const w of plan.alertmanager) {
      const queue = queues.get(w.receiver.name)!;
      if (w.kind === 'alerts') queue.send(`${w.alerts.length} alert(s)`, alertmanagerAlertsJob(w.receiver, w.alerts));
      else if (w.kind === 'silence') queue.send(`silence of ${w.findingId}`, alertmanagerSilenceJob(w.receiver, w.findingId, w.silence));
      else queue.send(`expiry of the silence of ${w.findingId}`, alertmanagerUnsilenceJob(w.receiver, w.findingId));
    }
  }

  async function handle(pass: DetectorPass): Promise<void> {
    const index = componentIndex(pass.components, pass.declaredOnly);
    const raised = pass.findings.map((f) => toAlertFinding(f, index, options.publicUrl));
    let stored = new Map<string, AlertFinding & { firstSeenMs?: number | undefined }>();
    try {
      const status = await readFindingStatus(options.driver, options.database, pass.resolved);
      acknowledged = status.acknowledged;
      for (const [id, s] of status.stored) stored.set(id, { ...toAlertFinding(s, index, options.publicUrl), firstSeenMs: s.firstSeenMs });
      statusReadFailures = 0;
    } catch (error) {
      // Acknowledgements as last read; resolutions from what this process saw raised.
      if (statusReadFailures++ % 10 === 0) log(`alerting: reading finding status failed (last acknowledgements kept): ${(error as Error).message}`);
      stored = new Map();
    }
    const resolved: AlertFinding[] = [];
    for (const id of pass.resolved) {
      const seen = lastRaised.get(id);
      const found = stored.get(id);
      const f = seen ? { ...seen, firstSeenMs: found?.firstSeenMs } : found;
      if (f) resolved.push(f);
      lastRaised.delete(id);
    }
    for (const f of raised) lastRaised.set(f.id, f);
    if (lastRaised.size > 50_000) {
      // Findings never resolved while this process watched (a cleared database): forget the oldest.
      for (const id of [...lastRaised.keys()].slice(0, lastRaised.size - 50_000)) lastRaised.delete(id);
    }
    dispatch(planner.pass({ nowMs: pass.nowMs, raised, opened: pass.opened, resolved, acknowledged }), pass.nowMs);
  }

  function next(): void {
    if (handling || !pending) return;
    const pass = pending;
    pending = undefined;
    handling = handle(pass)
      .catch((error: Error) => log(`alerting: a pass could not be handled: ${error.stack ?? error.message}`))
      .finally(() => {
        handling = undefined;
        next();
      });
  }

  return {
    start(): void {
      timer = setInterval(() => {
        const now = options.clock();
        dispatch(planner.tick(now), now);
      }, options.tickMs ?? 5000);
      timer.unref();
      log(`alerting: receivers ${[...rules.receivers.values()].map((r) => `${r.name} (${r.type})`).join(', ')}`);
      for (const line of describeRules(rules)) log(`alerting: route ${line}`);
    },
    /** After every detector pass; returns at once. */
    onPass(pass: DetectorPass): void {
      if (pending) {
        pending = {
          ...pass,
          opened: [...new Set([...pending.opened, ...pass.opened])],
          resolved: [...new Set([...pending.resolved.filter((id) => !pass.opened.includes(id)), ...pass.resolved])],
        };
      } else {
        pending = pass;
      }
      next();
    },
    /** Resolves when every pass handed over so far was handled and its deliveries were made or given up. */
    async idle(): Promise<void> {
      while (handling || pending) await handling;
      for (const q of queues.values()) await q.idle();
    },
    /** Shutdown: handles what was handed over, then gives deliveries a few seconds. */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      while (handling || pending) await handling;
      await Promise.all([...queues.values()].map((q) => q.stop()));
    },
    stats(): ReceiverStatus[] {
      const planned = planner.stats();
      return [...rules.receivers.values()].map((r) => ({
        receiver: r.name, type: r.type, ...queues.get(r.name)!.stats(), firing: planned.firing[r.name] ?? 0, heldBack: planned.heldBack[r.name] ?? 0,
      }));
    },
  };
}

export type Alerter = ReturnType<typeof createAlerter>;
