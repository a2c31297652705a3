// Delivery to one receiver over HTTP: jobs wait in a bounded queue (the oldest is dropped and
// counted when full) and run one at a time, in order, so a resolution never overtakes its firing.
// A job that fails on the network, a timeout, 429 or 5xx is run again with exponential backoff
// (429's Retry-After is honoured, up to the backoff cap); any other 4xx is the receiver refusing
// it, and is not retried. Every outcome is counted; nothing here throws to the caller or waits
// for a receiver: the detection loop hands work over and moves on.

export interface DeliveryStats {
  /** Jobs delivered. */
  sent: number;
  /** Jobs given up on (refused, or still failing after every attempt). */
  failed: number;
  /** Attempts after the first. */
  retried: number;
  /** Jobs dropped unsent because the queue was full. */
  dropped: number;
  queued: number;
  lastError: string | undefined;
}

export interface HttpAnswer {
  status: number;
  body: unknown;
}

/** What a job calls to make a request; resolves with 2xx answers only (others throw). */
export type Request = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) => Promise<HttpAnswer>;

export interface DeliveryQueueOptions {
  /** Receiver name, for log lines. */
  name: string;
  log: (line: string) => void;
  maxQueued?: number;
  /** Tries per job, the first included. Default 5 (waits 0.5, 1, 2 and 4 s between them). */
  attempts?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  timeoutMs?: number;
}

class HttpError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryable: boolean, retryAfterMs?: number) {
    super(message);
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }
}

const requestWithin = (timeoutMs: number): Request => async (method, url, body) => {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    throw new HttpError(`${method} ${url}: ${cause?.message ?? (error as Error).message}`, true);
  }
  const text = await response.text().catch(() => '');
  if (response.ok) {
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Slack answers `ok` as plain text.
    }
    return { status: response.status, body: parsed };
  }
  const retryAfterS = Number(response.headers.get('retry-after'));
  const retryable = response.status === 429 || response.status >= 500;
  throw new HttpError(`${method} ${url}: HTTP ${response.status}${text ? ` ${text.slice(0, 200).trim()}` : ''}${retryable ? '' : ' (not retried)'}`, retryable, Number.isFinite(retryAfterS) && retryAfterS > 0 ? retryAfterS * 1000 : undefined);
};

export function createDeliveryQueue(options: DeliveryQueueOptions) {
  const maxQueued = options.maxQueued ?? 1000;
  const attempts = options.attempts ?? 5;
  const backoffMs = options.backoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const request = requestWithin(options.timeoutMs ?? 10_000);
  const queue: Array<{ what: string; job: (request: Request) => Promise<void> }> = [];
  const stats: DeliveryStats = { sent: 0, failed: 0, retried: 0, dropped: 0, queued: 0, lastError: undefined };
  let draining: Promise<void> | undefined;
  let stopped = false;
  let wake: (() => void) | undefined;

  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });

  async function run(what: string, job: (request: Request) => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await job(request);
        stats.sent++;
        return;
      } catch (error) {
        const e = error instanceof HttpError ? error : new HttpError((error as Error).message, false);
        if (!e.retryable || attempt >= attempts || stopped) {
          stats.failed++;
          stats.lastError = e.message;
          options.log(`alert receiver ${options.name}: ${what} not delivered${attempt > 1 ? ` after ${attempt} attempts` : ''}: ${e.message}`);
          return;
        }
        stats.retried++;
        await sleep(Math.min(maxBackoffMs, Math.max(e.retryAfterMs ?? 0, backoffMs * 2 ** (attempt - 1))));
      }
    }
  }

  async function drain(): Promise<void> {
    for (let next = queue.shift(); next; next = queue.shift()) await run(next.what, next.job);
  }

  return {
    /** Queues a job (`what` names it in logs); never throws, never waits. */
    send(what: string, job: (request: Request) => Promise<void>): void {
      if (stopped) return;
      if (queue.length >= maxQueued) {
        const oldest = queue.shift()!;
        stats.dropped++;
        options.log(`alert receiver ${options.name}: queue full (${maxQueued}), dropped ${oldest.what}`);
      }
      queue.push({ what, job });
      draining ??= drain().finally(() => {
        draining = undefined;
      });
    },
    /** Resolves once everything queued so far was delivered or given up. */
    async idle(): Promise<void> {
      while (draining) await draining;
    },
    /**
     * Shutdown: no more retries; what is queued gets one attempt each until `deadlineMs` has
     * passed, and the rest is dropped (counted).
     */
    async stop(deadlineMs = 5000): Promise<void> {
      stopped = true;
      wake?.();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
      await Promise.race([(async () => { while (draining) await draining; })(), late]);
      clearTimeout(timer);
      if (queue.length > 0) {
        stats.dropped += queue.length;
        options.log(`alert receiver ${options.name}: ${queue.length} deliveries dropped at shutdown`);
        queue.length = 0;
      }
    },
    stats: (): DeliveryStats => ({ ...stats, queued: queue.length }),
  };
}

export type DeliveryQueue = ReturnType<typeof createDeliveryQueue>;
