// The API token (ORRERY_API_TOKEN) as the web app holds it: asked for once, when GraphQL first
// answers 401, and kept in the tab's sessionStorage (gone when the tab closes; never in
// localStorage or a cookie). Every GraphQL request goes through `authorizedFetch`, which sends
// the token as `Authorization: Bearer` and, on a 401, asks again (saying the token was refused)
// and retries. Requests that meet a 401 while the question is open wait for the same answer.

export type TokenReason = 'missing' | 'refused';

export interface TokenRequest {
  reason: TokenReason;
  submit(token: string): void;
}

/** What the page shows (TokenPrompt.svelte): one question at a time. */
export interface TokenPrompter {
  ask(reason: TokenReason): Promise<string>;
  /** The question being asked now (null: none); called at once and on every change. */
  onRequest(listener: (request: TokenRequest | null) => void): () => void;
}

export function createTokenPrompter(): TokenPrompter {
  let current: TokenRequest | null = null;
  const listeners = new Set<(request: TokenRequest | null) => void>();
  const tell = () => { for (const listener of listeners) listener(current); };
  return {
    ask(reason) {
      return new Promise((resolve) => {
        const request: TokenRequest = {
          reason,
          submit(token) {
            if (current !== request) return;
            current = null;
            tell();
            resolve(token);
          },
        };
        current = request;
        tell();
      });
    },
    onRequest(listener) {
      listeners.add(listener);
      listener(current);
      return () => listeners.delete(listener);
    },
  };
}

export const TOKEN_STORAGE_KEY = 'orrery.apiToken';

export interface TokenStore {
  get(): string | null;
  set(token: string): void;
}

/** sessionStorage when the browser allows it; in memory otherwise (private modes that refuse storage). */
export function sessionTokenStore(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = globalThis.sessionStorage): TokenStore {
  let memory: string | null = null;
  return {
    get() {
      try {
        return storage?.getItem(TOKEN_STORAGE_KEY) ?? memory;
      } catch {
        return memory;
      }
    },
    set(token) {
      memory = token;
      try {
        storage?.setItem(TOKEN_STORAGE_KEY, token);
      } catch {
        // kept in memory for this page only
      }
    },
  };
}

export function authorizedFetch(options: { store: TokenStore; prompter: TokenPrompter; fetch?: typeof globalThis.fetch }): typeof globalThis.fetch {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let asking: Promise<void> | null = null;

  /** After a 401 with `used`: a new token, asked for once however many requests were refused. */
  const newToken = (used: string | null): Promise<void> => {
    if (options.store.get() !== used) return Promise.resolve(); // another request already has a newer one
    asking ??= options.prompter.ask(used === null ? 'missing' : 'refused')
      .then((token) => options.store.set(token.trim()))
      .finally(() => { asking = null; });
    return asking;
  };

  return async (input, init = {}) => {
    for (;;) {
      const token = options.store.get();
      const headers = new Headers(init.headers);
      if (token) headers.set('authorization', `Bearer ${token}`);
      const response = await doFetch(input, { ...init, headers });
      if (response.status !== 401) return response;
      await response.body?.cancel();
      await newToken(token);
      init.signal?.throwIfAborted();
    }
  };
}
