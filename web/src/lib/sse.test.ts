import { describe, expect, it } from 'vitest';
import { createSseParser, subscribe } from './sse.ts';

describe('createSseParser', () => {
  it('cuts a stream into events, whatever the chunks', () => {
    const parse = createSseParser();
    expect(parse(':\n\nevent: next\ndata: {"data":')).toEqual([]);
    expect(parse('{"a":1}}\n\nevent: next\r\ndata: {"data":2}\r\n\r\nevent: complete\n\n')).toEqual([
      { event: 'next', data: '{"data":{"a":1}}' },
      { event: 'next', data: '{"data":2}' },
      { event: 'complete', data: '' },
    ]);
  });
});

describe('subscribe', () => {
  it('posts the subscription for an event stream and hands over each next payload', async () => {
    const seen: unknown[] = [];
    let init: RequestInit | undefined;
    const body = new ReadableStream({
      start(controller) {
        const encoder = new TextEncoder();
        controller.enqueue(encoder.encode('event: next\ndata: {"data":{"graphUpdated":{"at":"x"}}}\n\n'));
        controller.enqueue(encoder.encode('event: complete\n\n'));
        controller.close();
      },
    });
    let opened = false;
    await subscribe({
      endpoint: '/graphql',
      query: 'subscription { graphUpdated { at } }',
      fetch: (async (_url: string, i: RequestInit) => ((init = i), new Response(body, { status: 200 }))) as typeof fetch,
      signal: new AbortController().signal,
      onOpen: () => (opened = true),
      onNext: (p) => seen.push(p),
    });
    expect((init?.headers as Record<string, string>).accept).toBe('text/event-stream');
    expect(opened).toBe(true);
    expect(seen).toEqual([{ data: { graphUpdated: { at: 'x' } } }]);
  });
});
