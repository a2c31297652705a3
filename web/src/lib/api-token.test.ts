import { describe, expect, it } from 'vitest';
import { authorizedFetch, createTokenPrompter, sessionTokenStore, TOKEN_STORAGE_KEY, type TokenRequest } from './api-token.ts';

function memoryStorage() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items };
}

/** An API that wants `Bearer right`; records the Authorization header of each request. */
function api() {
  const seen: Array<string | null> = [];
  const fetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
    const authorization = new Headers(init?.headers).get('authorization');
    seen.push(authorization);
    return authorization === 'Bearer right' ? new Response('{"data":{}}', { status: 200 }) : new Response('{"errors":[]}', { status: 401 });
  }) as typeof globalThis.fetch;
  return { fetch, seen };
}

describe('authorizedFetch', () => {
  it('sends nothing until the API answers 401, then asks once, keeps the token and sends it on every request', async () => {
    const storage = memoryStorage();
    const prompter = createTokenPrompter();
    const requests: TokenRequest[] = [];
    prompter.onRequest((r) => { if (r) requests.push(r); });
    const server = api();
    const fetch = authorizedFetch({ store: sessionTokenStore(storage), prompter, fetch: server.fetch });

    const first = fetch('/graphql', { method: 'POST', body: '{}' });
    const second = fetch('/graphql', { method: 'POST', body: '{}' });
    await new Promise((r) => setTimeout(r, 0));
    expect(requests.map((r) => r.reason)).toEqual(['missing']);
    requests[0]!.submit(' right ');
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(storage.items.get(TOKEN_STORAGE_KEY)).toBe('right');
    expect((await fetch('/graphql')).status).toBe(200);
    expect(requests).toHaveLength(1);
    expect(server.seen).toEqual([null, null, 'Bearer right', 'Bearer right', 'Bearer right']);
  });

  it('asks again, saying the token was refused, when the API refuses the one given', async () => {
    const prompter = createTokenPrompter();
    const reasons: string[] = [];
    prompter.onRequest((r) => {
      if (!r) return;
      reasons.push(r.reason);
      queueMicrotask(() => r.submit(reasons.length === 1 ? 'wrong' : 'right'));
    });
    const fetch = authorizedFetch({ store: sessionTokenStore(memoryStorage()), prompter, fetch: api().fetch });
    expect((await fetch('/graphql')).status).toBe(200);
    expect(reasons).toEqual(['missing', 'refused']);
  });

  it('starts from a token already in the session, asking nothing', async () => {
    const storage = memoryStorage();
    storage.setItem(TOKEN_STORAGE_KEY, 'right');
    const prompter = createTokenPrompter();
    let asked = false;
    prompter.onRequest((r) => { if (r) asked = true; });
    expect((await authorizedFetch({ store: sessionTokenStore(storage), prompter, fetch: api().fetch })('/graphql')).status).toBe(200);
    expect(asked).toBe(false);
  });

  it('keeps the token in memory when storage refuses it', () => {
    const store = sessionTokenStore({ getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } });
    store.set('t');
    expect(store.get()).toBe('t');
  });
});
