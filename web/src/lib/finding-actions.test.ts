import { describe, expect, it } from 'vitest';
import { createFindingActions } from './finding-actions.ts';
import { wireFinding } from './test-builders.ts';

function api(status: number, body: unknown) {
  const requests: { query: string; variables: Record<string, unknown> }[] = [];
  const fetch = (async (_url: string, init: RequestInit) => {
    requests.push(JSON.parse(String(init.body)) as (typeof requests)[number]);
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
  }) as typeof globalThis.fetch;
  return { actions: createFindingActions({ fetch }), requests };
}

describe('acknowledge', () => {
  it('sends the id and the trimmed note, and returns the finding as the API now holds it', async () => {
    const h = api(200, { data: { acknowledgeFinding: wireFinding('f1', { status: 'ACKNOWLEDGED', acknowledgement: 'known, fix in Q3', evidence: { calls: 3 } }) } });
    const f = await h.actions.acknowledge('f1', '  known, fix in Q3 ');
    expect(h.requests[0]?.query).toMatch(/acknowledgeFinding\(id: \$id, note: \$note\)/);
    expect(h.requests[0]?.variables).toEqual({ id: 'f1', note: 'known, fix in Q3' });
    expect(f.status).toBe('ACKNOWLEDGED');
    expect(f.acknowledgement).toBe('known, fix in Q3');
    expect(f.evidence).toEqual({ calls: 3 });
  });

  it("rejects with the API's own message, whatever the HTTP status", async () => {
    const h = api(404, { errors: [{ message: 'no open finding with id "f9"', extensions: { code: 'NOT_FOUND' } }], data: { acknowledgeFinding: null } });
    await expect(h.actions.acknowledge('f9', 'seen')).rejects.toThrow('no open finding with id "f9"');
  });

  it('refuses an empty note without calling the API', async () => {
    const h = api(200, {});
    await expect(h.actions.acknowledge('f1', '   ')).rejects.toThrow(/note/);
    expect(h.requests).toHaveLength(0);
  });

  it('says which status came back when the body is not JSON', async () => {
    const h = api(502, 'Bad Gateway');
    await expect(h.actions.acknowledge('f1', 'seen')).rejects.toThrow(/HTTP 502/);
  });
});
