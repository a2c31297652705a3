// What to send, and to whom, after each detector pass and as time passes: the alerting lifecycle,
// pure (no I/O, time from the caller). The alerter (alerter.ts) feeds it the pass and sends what it
// plans through the senders.
//
// - Firing goes out when the finding store opens a finding (so a finding raised pass after pass, or
//   across a restart, is announced once: deduplicated by finding id); resolved when the store
//   resolves it, to every receiver that heard it fire.
// - Chat and webhook receivers: a route's `repeatAfter` announces an open finding again while nobody
//   has acknowledged it; acknowledged findings are never announced again. `groupBy` folds a pass's
//   findings into one Slack message per group; `rateLimit` caps messages per route and receiver,
//   most severe first, and counts what it held back (a held-back finding's resolution is not sent
//   either: the receiver never heard of it).
// - Alertmanager receivers: every open finding routed there is posted again every refresh with
//   endsAt a few refreshes ahead (so Alertmanager resolves it by itself if Orrery goes away), and
//   resolved with endsAt = now. Alertmanager does its own grouping, repeating and rate limiting;
//   an acknowledgement becomes a silence of that finding's alert, expired when it resolves. The
//   silence is renewed with each refresh and ends a few refreshes ahead, like the alert itself, so a
//   silence Orrery could not expire (Alertmanager away at the time) cannot outlive it for long and
//   hide the finding when it fires again.
//
// Bounds: state is kept per open finding per receiver; entries for findings not raised for
// forgetAfterMs (the store resolved them while this process missed it) are dropped and counted.
import type { AlertFinding } from './alert-finding.ts';
import { factsOf } from './alert-finding.ts';
import { routeFinding, SEVERITIES, type AlertRules, type GroupField, type Receiver, type Route } from './alert-rules.ts';
import { acknowledgementSilence, alertmanagerAlert, alertmanagerLabels, labelsKey, type AlertmanagerAlert, type AlertmanagerSilence } from './alertmanager-payload.ts';
import type { AlertEvent } from './webhook-payload.ts';

export interface PlannerOptions {
  rules: AlertRules;
  /** When this process started: a finding first seen before it may have been announced by an earlier one. */
  startedAtMs: number;
  /** How often firing alerts are posted to Alertmanager again. Default 60 s. */
  alertmanagerRefreshMs?: number;
  /** State of a finding not raised for this long is dropped. Default 24 h. */
  forgetAfterMs?: number;
}

export interface PassInput {
  nowMs: number;
  /** Every finding this pass raised. */
  raised: readonly AlertFinding[];
  /** Of those, the ids the finding store opened in this pass. */
  opened: readonly string[];
  /** Findings the store resolved in this pass. */
  resolved: readonly AlertFinding[];
  /** Open findings a person acknowledged, with their note. */
  acknowledged: ReadonlyMap<string, string>;
}

/** A message to a webhook or Slack receiver: one finding, or a Slack group. */
export interface Notification {
  receiver: Receiver;
  event: AlertEvent;
  findings: AlertFinding[];
  /** The group's values ("system shop"), when the route groups. */
  groupLabel: string | undefined;
  /** Findings of this route the rate limit held back since its last message to this receiver. */
  heldBack: number;
  /** Where the route is written. */
  route: string;
}

export type AlertmanagerWork =
  | { receiver: Receiver; kind: 'alerts'; alerts: AlertmanagerAlert[] }
  | { receiver: Receiver; kind: 'silence'; findingId: string; silence: AlertmanagerSilence }
  | { receiver: Receiver; kind: 'unsilence'; findingId: string };

export interface Plan {
  notifications: Notification[];
  alertmanager: AlertmanagerWork[];
}

export interface PlannerStats {
  /** Per receiver: findings it currently knows as firing. */
  firing: Record<string, number>;
  /** Per receiver: findings the rate limit held back, in total. */
  heldBack: Record<string, number>;
  /** State dropped for findings not raised for forgetAfterMs. */
  forgotten: number;
}

interface ChatEntry {
  receiver: Receiver;
  route: Route;
  finding: AlertFinding;
  lastNotifiedMs: number;
  lastRaisedMs: number;
}

interface AlertmanagerEntry {
  finding: AlertFinding;
  labels: Record<string, string>;
  key: string;
  startsAtMs: number;
  silenced: boolean;
  lastRaisedMs: number;
}

interface Candidate {
  receiver: Receiver;
  route: Route;
  event: AlertEvent;
  finding: AlertFinding;
}

const rank = (f: AlertFinding) => SEVERITIES.indexOf(f.severity);
/** Alerts per POST /api/v2/alerts: a flood is sent in pieces a receiver's queue and Alertmanager take in stride. */
const ALERTS_PER_POST = 500;

function groupValue(f: AlertFinding, field: GroupField): string {
  switch (field) {
    case 'kind': return f.kind;
    case 'severity': return f.severity;
    case 'tier': return f.tier === undefined ? 'unknown' : String(f.tier);
    case 'system': return f.systems.join(',') || 'none';
    case 'owner': return f.owners.join(',') || 'none';
  }
}

export function createAlertPlanner(options: PlannerOptions) {
  const { rules } = options;
  const refreshMs = options.alertmanagerRefreshMs ?? 60_000;
  // Prometheus sends endsAt four resend intervals ahead: a missed refresh or two never resolves an alert.
  const aheadMs = 4 * refreshMs;
  const forgetAfterMs = options.forgetAfterMs ?? 86_400_000;

  const chat = new Map<string, Map<string, ChatEntry>>();
  const heldIds = new Map<string, Set<string>>();
  const alertmanager = new Map<string, Map<string, AlertmanagerEntry>>();
  const lastRefreshMs = new Map<string, number>();
  const sentAt = new Map<string, number[]>();
  const heldSinceLast = new Map<string, number>();
  const stats: PlannerStats = { firing: {}, heldBack: {}, forgotten: 0 };
  let acknowledged: ReadonlyMap<string, string> = new Map();
  /** Findings this process has seen raised (and when last), so a rise in severity is told from a restart. */
  const known = new Map<string, number>();

  const mapOf = <V>(maps: Map<string, Map<string, V>>, name: string): Map<string, V> => {
    let m = maps.get(name);
    if (!m) maps.set(name, (m = new Map()));
    return m;
  };
  const heldOf = (name: string): Set<string> => {
    let s = heldIds.get(name);
    if (!s) heldIds.set(name, (s = new Set()));
    return s;
  };
  const rateKey = (route: Route, receiver: Receiver) => `${route.source}\u0000${receiver.name}`;

  /** True when the route may send one more message to the receiver now (and counts it). */
  function allow(route: Route, receiver: Receiver, nowMs: number): boolean {
    if (!route.rateLimit) return true;
    const key = rateKey(route, receiver);
    const recent = (sentAt.get(key) ?? []).filter((t) => t > nowMs - route.rateLimit!.perMs);
    if (recent.length >= route.rateLimit.max) {
      sentAt.set(key, recent);
      return false;
    }
    recent.push(nowMs);
    sentAt.set(key, recent);
    return true;
  }

  /** Groups candidates into messages, most severe first, and applies each route's rate limit. */
  function notify(candidates: Candidate[], nowMs: number): Notification[] {
    candidates.sort((a, b) => rank(a.finding) - rank(b.finding) || (a.finding.id < b.finding.id ? -1 : 1));
    const groups = new Map<string, Candidate[]>();
    for (const c of candidates) {
      const by = c.receiver.type === 'slack' ? c.route.groupBy : undefined;
      const group = by === undefined ? c.finding.id : JSON.stringify(by.map((field) => groupValue(c.finding, field)));
      const key = JSON.stringify([c.receiver.name, c.route.source, c.event, group]);
      const list = groups.get(key);
      if (list) list.push(c);
      else groups.set(key, [c]);
    }
    const out: Notification[] = [];
    for (const list of groups.values()) {
      const { receiver, route, event } = list[0]!;
      const findings = list.map((c) => c.finding);
      const key = rateKey(route, receiver);
      // A resolution pairs with an announcement already let through: never held back.
      if (event !== 'resolved' && !allow(route, receiver, nowMs)) {
        heldSinceLast.set(key, (heldSinceLast.get(key) ?? 0) + findings.length);
        stats.heldBack[receiver.name] = (stats.heldBack[receiver.name] ?? 0) + findings.length;
        if (event === 'opened') for (const f of findings) heldOf(receiver.name).add(f.id);
        continue;
      }
      if (event === 'opened') {
        const m = mapOf(chat, receiver.name);
        for (const f of findings) m.set(f.id, { receiver, route, finding: f, lastNotifiedMs: nowMs, lastRaisedMs: nowMs });
      }
      const by = receiver.type === 'slack' ? route.groupBy : undefined;
      const groupLabel = by && by.length > 0 ? by.map((field) => `${field} ${groupValue(findings[0]!, field)}`).join(' · ') : undefined;
      out.push({ receiver, event, findings, groupLabel, heldBack: heldSinceLast.get(key) ?? 0, route: route.source });
      heldSinceLast.delete(key);
    }
    return out;
  }

  /** Posts of at most ALERTS_PER_POST alerts each (none when there is nothing to say). */
  function post(receiver: Receiver, entries: Iterable<AlertmanagerEntry>, nowMs: number, resolved: boolean): AlertmanagerWork[] {
    const alerts: AlertmanagerAlert[] = [];
    for (const e of entries) {
      alerts.push(alertmanagerAlert(e.finding, { startsAtMs: e.startsAtMs, endsAtMs: resolved ? nowMs : nowMs + aheadMs }, acknowledged.get(e.finding.id), e.labels));
    }
    const out: AlertmanagerWork[] = [];
    for (let i = 0; i < alerts.length; i += ALERTS_PER_POST) out.push({ receiver, kind: 'alerts', alerts: alerts.slice(i, i + ALERTS_PER_POST) });
    return out;
  }

  /** Time-driven work: reminders due, Alertmanager refreshes due, state to forget. */
  function timed(nowMs: number, plan: Plan, candidates: Candidate[]): void {
    for (const m of chat.values()) {
      for (const [id, e] of m) {
        if (nowMs - e.lastRaisedMs > forgetAfterMs) {
          m.delete(id);
          stats.forgotten++;
          continue;
        }
        if (e.route.repeatAfterMs === undefined || acknowledged.has(id) || nowMs - e.lastNotifiedMs < e.route.repeatAfterMs) continue;
        e.lastNotifiedMs = nowMs;
        candidates.push({ receiver: e.receiver, route: e.route, event: 'reminder', finding: e.finding });
      }
    }
    for (const [name, m] of alertmanager) {
      const receiver = rules.receivers.get(name)!;
      for (const [id, e] of m) {
        if (nowMs - e.lastRaisedMs > forgetAfterMs) {
          m.delete(id);
          stats.forgotten++;
          continue;
        }
        if (acknowledged.has(id) && !e.silenced) {
          e.silenced = true;
          plan.alertmanager.push({ receiver, kind: 'silence', findingId: id, silence: acknowledgementSilence(id, acknowledged.get(id)!, nowMs, nowMs + aheadMs) });
        }
      }
      if (nowMs - (lastRefreshMs.get(name) ?? -Infinity) >= refreshMs) {
        lastRefreshMs.set(name, nowMs);
        plan.alertmanager.push(...post(receiver, m.values(), nowMs, false));
        for (const [id, e] of m) {
          const note = acknowledged.get(id);
          if (e.silenced && note !== undefined) plan.alertmanager.push({ receiver, kind: 'silence', findingId: id, silence: acknowledgementSilence(id, note, nowMs, nowMs + aheadMs) });
        }
      }
    }
    plan.notifications.push(...notify(candidates, nowMs));
    for (const [name, m] of chat) stats.firing[name] = m.size;
    for (const [name, m] of alertmanager) stats.firing[name] = m.size;
  }

  return {
    /** After a detector pass: what its opened, raised and resolved findings call for. */
    pass(input: PassInput): Plan {
      const { nowMs } = input;
      acknowledged = input.acknowledged;
      const plan: Plan = { notifications: [], alertmanager: [] };
      const candidates: Candidate[] = [];
      const opened = new Set(input.opened);
      const raised = new Map(input.raised.map((f) => [f.id, f]));

      for (const [id, at] of known) if (nowMs - at > forgetAfterMs) known.delete(id);
      for (const m of chat.values()) {
        for (const [id, e] of m) {
          const f = raised.get(id);
          if (f) {
            e.finding = f;
            e.lastRaisedMs = nowMs;
          }
        }
      }

      // Alertmanager: what each receiver should hold as firing after this pass.
      const wanted = new Map<string, Map<string, AlertFinding>>();
      for (const f of input.raised) {
        for (const { receiver, route } of routeFinding(rules, factsOf(f))) {
          if (receiver.type === 'alertmanager') {
            mapOf(wanted, receiver.name).set(f.id, f);
            continue;
          }
          if (mapOf(chat, receiver.name).has(f.id) || heldOf(receiver.name).has(f.id)) continue;
          // Opened now, or open and seen before by this process but routed here only now (its
          // severity rose): announced. One open since before this process started was announced
          // by the process before it.
          if (opened.has(f.id) || known.has(f.id)) candidates.push({ receiver, route, event: 'opened', finding: f });
        }
      }
      for (const receiver of rules.receivers.values()) {
        if (receiver.type !== 'alertmanager') continue;
        const m = mapOf(alertmanager, receiver.name);
        if (!lastRefreshMs.has(receiver.name)) lastRefreshMs.set(receiver.name, nowMs); // what is new is posted below
        const want = wanted.get(receiver.name) ?? new Map<string, AlertFinding>();
        const fresh: AlertmanagerEntry[] = [];
        const gone: AlertmanagerEntry[] = [];
        for (const [id, f] of want) {
          const labels = alertmanagerLabels(f);
          const key = labelsKey(labels);
          const e = m.get(id);
          if (e && e.key === key) {
            e.finding = f;
            e.lastRaisedMs = nowMs;
            continue;
          }
          // New, or its labels changed (a new severity): to Alertmanager that is another alert,
          // and the one under the old labels is resolved.
          if (e) gone.push(e);
          const entry: AlertmanagerEntry = { finding: f, labels, key, startsAtMs: e?.startsAtMs ?? f.firstSeenMs ?? nowMs, silenced: e?.silenced ?? false, lastRaisedMs: nowMs };
          m.set(id, entry);
          fresh.push(entry);
        }
        // Raised but no longer routed here (its severity fell below the route's): resolved here.
        for (const [id, e] of m) {
          if (raised.has(id) && !want.has(id)) {
            gone.push(e);
            m.delete(id);
            if (e.silenced) plan.alertmanager.push({ receiver, kind: 'unsilence', findingId: id });
          }
        }
        plan.alertmanager.push(...post(receiver, gone, nowMs, true), ...post(receiver, fresh, nowMs, false));
      }

      // Per Alertmanager receiver: what resolves (posted together), then the silences to expire.
      const resolvedHere = new Map<string, AlertmanagerEntry[]>();
      const unsilence: AlertmanagerWork[] = [];
      for (const f of input.resolved) {
        const before = f.firstSeenMs !== undefined && f.firstSeenMs < options.startedAtMs;
        const routed = routeFinding(rules, factsOf(f));
        for (const { receiver, route } of routed) {
          if (receiver.type === 'alertmanager') continue;
          const e = chat.get(receiver.name)?.get(f.id);
          const held = heldOf(receiver.name).delete(f.id);
          // Announced by this process, or possibly by the one before it.
          if (!e && !held && before) candidates.push({ receiver, route, event: 'resolved', finding: f });
        }
        for (const m of chat.values()) {
          const e = m.get(f.id);
          if (!e) continue;
          m.delete(f.id);
          candidates.push({ receiver: e.receiver, route: e.route, event: 'resolved', finding: f });
        }
        for (const h of heldIds.values()) h.delete(f.id);
        for (const receiver of rules.receivers.values()) {
          if (receiver.type !== 'alertmanager') continue;
          const m = mapOf(alertmanager, receiver.name);
          const e = m.get(f.id);
          let entry: AlertmanagerEntry | undefined;
          if (e) {
            // Resolved under the labels Alertmanager knows it by.
            m.delete(f.id);
            entry = { ...e, finding: f };
            if (e.silenced) unsilence.push({ receiver, kind: 'unsilence', findingId: f.id });
          } else if (before && routed.some((r) => r.receiver.name === receiver.name)) {
            const labels = alertmanagerLabels(f);
            entry = { finding: f, labels, key: labelsKey(labels), startsAtMs: f.firstSeenMs!, silenced: false, lastRaisedMs: nowMs };
            unsilence.push({ receiver, kind: 'unsilence', findingId: f.id });
          }
          if (entry) {
            const list = resolvedHere.get(receiver.name);
            if (list) list.push(entry);
            else resolvedHere.set(receiver.name, [entry]);
          }
        }
      }
      for (const [name, entries] of resolvedHere) plan.alertmanager.push(...post(rules.receivers.get(name)!, entries, nowMs, true));
      plan.alertmanager.push(...unsilence);
      for (const f of input.raised) known.set(f.id, nowMs);
      for (const f of input.resolved) known.delete(f.id);
      timed(nowMs, plan, candidates);
      return plan;
    },
    /** Between passes: reminders and Alertmanager refreshes that have come due. */
    tick(nowMs: number): Plan {
      const plan: Plan = { notifications: [], alertmanager: [] };
      timed(nowMs, plan, []);
      return plan;
    },
    stats: (): PlannerStats => ({ firing: { ...stats.firing }, heldBack: { ...stats.heldBack }, forgotten: stats.forgotten }),
  };
}

export type AlertPlanner = ReturnType<typeof createAlertPlanner>;
