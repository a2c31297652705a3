// Neo4j goes away while traffic keeps coming: the collector keeps accepting (200), holds what it
// accepted in its bounded aggregate, and writes all of it once Neo4j is back. Real Neo4j,
// really stopped and restarted on the same port and store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import neo4jDriver from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../collector/src/config.ts';
import { startEmbeddedNeo4j, type EmbeddedNeo4j } from '../../neo4j-embedded/neo4j.ts';
import { startPlatform, type Platform } from '../../tools/platform.ts';
import { freePort } from './support/free-port.ts';
import { eventually, graphql } from './support/platform.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'orrery-outage-'));
let boltPort: number;
let neo4j: EmbeddedNeo4j;
let platform: Platform;
let n = 0;

function calls(count: number) {
  const hex = (width: number) => (++n).toString(16).padStart(width, '0');
  const attr = [{ key: 'http.request.method', value: { stringValue: 'GET' } }];
  const now = BigInt(Date.now()) * 1_000_000n;
  const clients: unknown[] = [];
  const servers: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const traceId = hex(32);
    const clientId = hex(16);
    clients.push({ traceId, spanId: clientId, name: 'GET', kind: 3, startTimeUnixNano: String(now), endTimeUnixNano: String(now + 3_000_000n), attributes: attr });
    servers.push({ traceId, spanId: hex(16), parentSpanId: clientId, name: 'GET /x', kind: 2, startTimeUnixNano: String(now), endTimeUnixNano: String(now + 2_000_000n), attributes: attr });
  }
  const request = (service: string, spans: unknown[]) => ({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ spans }] }] });
  return [request('outage-caller', clients), request('outage-callee', servers)];
}

async function send(count: number): Promise<void> {
  for (const body of calls(count)) {
    const response = await fetch(platform.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
  }
}

async function observedCalls(): Promise<number | undefined> {
  const data = await graphql<{ dependencies: Array<{ from: string; calls: number }> }>(platform.apiUrl, '{ dependencies { from calls } }');
  return data.dependencies.find((d) => d.from === 'outage-caller')?.calls;
}

beforeAll(async () => {
  boltPort = await freePort();
  neo4j = await startEmbeddedNeo4j({ dataDir, boltPort, heapMb: 512, log: () => {} });
  const config = loadConfig({
    NEO4J_URI: neo4j.uri,
    ORRERY_OTLP_PORT: String(await freePort()),
    ORRERY_OTLP_GRPC_PORT: String(await freePort()),
    ORRERY_API_PORT: String(await freePort()),
    ORRERY_DEMO: '0',
    ORRERY_FLUSH_MS: '200',
    ORRERY_WRITE_MS: '200',
  });
  platform = await startPlatform({ config, log: () => {} });
});
afterAll(async () => {
  await platform?.stop();
  await neo4j?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('when Neo4j is away', () => {
  it('keeps accepting spans and writes every accepted call once Neo4j is back', async () => {
    await send(10);
    await eventually(async () => expect(await observedCalls()).toBe(10));

    await neo4j.stop();
    await send(15);
    await send(5);
    await eventually(async () => {
      const flush = platform.collector.stats().flush;
      expect(flush.degraded).toBe(true);
      expect(flush.failedFlushes).toBeGreaterThan(0);
    }, 40_000);
    expect(platform.collector.stats().aggregator.droppedInteractions).toBe(0);
    // The map stays live meanwhile: what was accepted is published to the read model, and waits
    // for Neo4j in the write buffer.
    await eventually(async () => expect(await observedCalls()).toBe(30));
    expect(platform.collector.stats().flush.unwritten).toBe(true);

    neo4j = await startEmbeddedNeo4j({ dataDir, boltPort, heapMb: 512, log: () => {} });
    await eventually(async () => {
      const flush = platform.collector.stats().flush;
      expect([flush.degraded, flush.unwritten]).toEqual([false, false]);
    }, 90_000, 500);
    expect(await observedCalls()).toBe(30);
    // In Neo4j itself: the lifetime total and the minute buckets both hold every call, once.
    const driver = neo4jDriver.driver(neo4j.uri);
    try {
      const { records } = await driver.executeQuery(
        `MATCH (:Component {name: 'outage-caller'})-[r:DEPENDS_ON]->() WITH sum(r.calls) AS lifetime
         MATCH (b:Bucket {from: 'outage-caller'}) RETURN lifetime, sum(b.calls) AS bucketed`,
      );
      expect([Number(records[0]!.get('lifetime')), Number(records[0]!.get('bucketed'))]).toEqual([30, 30]);
    } finally {
      await driver.close();
    }
  });
});
