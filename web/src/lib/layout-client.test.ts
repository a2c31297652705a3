import { describe, expect, it } from 'vitest';
import { createLayoutClient, type LayoutFrame, type LayoutPort } from './layout-client.ts';
import type { LayoutFrameMessage, LayoutRequest } from './layout-protocol.ts';

function fakeWorker() {
  const sent: LayoutRequest[] = [];
  let listener: ((event: MessageEvent<LayoutFrameMessage>) => void) | null = null;
  const port: LayoutPort = {
    postMessage: (m) => sent.push(m),
    addEventListener: (_type, l) => (listener = l),
    terminate: () => {},
  };
  const reply = (version: number, xy: number[]) =>
    listener!({ data: { type: 'frame', version, xy: new Float32Array(xy), alpha: 0.1, running: true, tickMs: 1 } } as MessageEvent<LayoutFrameMessage>);
  return { port, sent, reply };
}

const immediately = { requestFrame: (run: () => void) => run(), setTimer: (run: () => void) => run(), now: () => 0 };

describe('createLayoutClient', () => {
  it('reads each frame with the node order it was computed for', () => {
    const w = fakeWorker();
    const frames: LayoutFrame[] = [];
    const client = createLayoutClient(w.port, (f) => frames.push(f), immediately);
    client.setGraph([{ name: 'a', radius: 10 }, { name: 'b', radius: 10 }], [['a', 'b']]);
    client.setGraph([{ name: 'c', radius: 10 }, { name: 'a', radius: 10 }, { name: 'b', radius: 10 }], [['a', 'b']]);
    w.reply(1, [1, 1, 2, 2]);
    expect(frames[0]?.order.index.get('b')).toBe(1);
    w.reply(2, [3, 3, 1, 1, 2, 2]);
    expect(frames[1]?.order.index.get('b')).toBe(2);
    // A late frame of the first version is stale once the second has been shown.
    w.reply(1, [9, 9, 9, 9]);
    expect(frames).toHaveLength(2);
  });

  it('sends the graph with names the worker can match positions by', () => {
    const w = fakeWorker();
    const client = createLayoutClient(w.port, () => {}, immediately);
    client.setGraph([{ name: 'a', radius: 10 }], []);
    client.pin('a', 5, 6);
    expect(w.sent).toEqual([
      { type: 'graph', version: 1, nodes: [{ name: 'a', radius: 10 }], links: [], layout: 'force' },
      { type: 'pin', name: 'a', x: 5, y: 6 },
    ]);
  });
});
