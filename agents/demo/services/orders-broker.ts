// orders-broker: a tiny message broker over HTTP, started WITHOUT the agent (like a managed
// broker nobody instruments). POST /topics/{topic} publishes; GET /topics/{topic}/messages
// long-polls for a consumer group, which sees every message from when it first polled.
// Each topic keeps a bounded log (BROKER_RETENTION messages); what falls off the end is counted.
import { type Route, envNumber, serve } from '../lib/service.ts';

interface Stored {
  offset: number;
  message: unknown;
}

interface Topic {
  log: Stored[];
  nextOffset: number;
  dropped: number;
  /** Group -> next offset it will read. */
  cursors: Map<string, number>;
  waiters: Set<() => void>;
}

const retention = envNumber('BROKER_RETENTION', 1000);
const topics = new Map<string, Topic>();

function topic(name: string): Topic {
  let t = topics.get(name);
  if (!t) {
    t = { log: [], nextOffset: 0, dropped: 0, cursors: new Map(), waiters: new Set() };
    topics.set(name, t);
  }
  return t;
}

function read(t: Topic, group: string, max: number): unknown[] {
  const from = t.cursors.get(group) ?? t.nextOffset;
  const first = t.log[0]?.offset ?? t.nextOffset;
  const start = Math.max(from, first);
  const batch = t.log.slice(start - first, start - first + max);
  t.cursors.set(group, start + batch.length);
  return batch.map((s) => s.message);
}

const routes: Route[] = [
  {
    method: 'POST',
    template: '/topics/{topic}',
    handle: ({ params, body }) => {
      const t = topic(params[0]!);
      t.log.push({ offset: t.nextOffset++, message: { ...(body as object), topic: params[0] } });
      if (t.log.length > retention) {
        t.log.shift();
        t.dropped++;
      }
      for (const wake of t.waiters) wake();
      return { status: 202, body: { offset: t.nextOffset - 1 } };
    },
  },
  {
    method: 'GET',
    template: '/topics/{topic}/messages',
    handle: async ({ params, url }) => {
      const t = topic(params[0]!);
      const group = url.searchParams.get('group') ?? 'default';
      const max = Math.min(Number(url.searchParams.get('max') ?? 20) || 20, 100);
      const waitMs = Math.min(Number(url.searchParams.get('waitMs') ?? 0) || 0, 30000);
      if (!t.cursors.has(group)) t.cursors.set(group, t.nextOffset);
      let messages = read(t, group, max);
      if (messages.length === 0 && waitMs > 0) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            t.waiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, waitMs);
          t.waiters.add(wake);
        });
        messages = read(t, group, max);
      }
      return { status: 200, body: { messages } };
    },
  },
  {
    method: 'GET',
    template: '/stats',
    handle: () => ({
      status: 200,
      body: Object.fromEntries(
        [...topics].map(([name, t]) => [
          name,
          { published: t.nextOffset, retained: t.log.length, droppedByRetention: t.dropped, groups: Object.fromEntries(t.cursors) },
        ]),
      ),
    }),
  },
];

await serve('orders-broker', routes);
