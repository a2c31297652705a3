// GraphQL subscriptions over server-sent events, read with fetch (EventSource cannot send the API
// token header): a POST with `accept: text/event-stream`, as graphql-yoga serves them, and the
// stream cut into events. The parser is pure and tested; the reader only moves bytes into it.

export interface SseEvent {
  event: string;
  data: string;
}

/** Feeds text in, gets whole events out (`event:` and `data:` lines, a blank line ends an event). */
export function createSseParser(): (chunk: string) => SseEvent[] {
  let buffer = '';
  return (chunk) => {
    buffer += chunk.replace(/\r\n?/g, '\n');
    const events: SseEvent[] = [];
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0 || event !== 'message') events.push({ event, data: data.join('\n') });
    }
    return events;
  };
}

export interface SubscriptionOptions {
  endpoint: string;
  query: string;
  fetch: typeof globalThis.fetch;
  signal: AbortSignal;
  /** The stream is open: events will come as the server sends them. */
  onOpen?(): void;
  /** Each `next` event's payload (GraphQL's `{ data }`). */
  onNext(payload: unknown): void;
}

/** Resolves when the server ends the stream; rejects when it cannot be opened or breaks. */
export async function subscribe(options: SubscriptionOptions): Promise<void> {
  const response = await options.fetch(options.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query: options.query }),
    signal: options.signal,
  });
  if (!response.ok || !response.body) throw new Error(`${options.endpoint} answered HTTP ${response.status} to a subscription`);
  options.onOpen?.();
  const parse = createSseParser();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    for (const e of parse(value)) {
      if (e.event === 'next') options.onNext(JSON.parse(e.data) as unknown);
      else if (e.event === 'complete') return;
    }
  }
}
