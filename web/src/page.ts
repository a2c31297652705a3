import { mount } from 'svelte';
import App from './App.svelte';
import DocsView from './components/DocsView.svelte';
import TokenPrompt from './components/TokenPrompt.svelte';
import { authorizedFetch, createTokenPrompter, sessionTokenStore } from './lib/api-token.ts';
import { createDocsClient, readDocsLocation } from './lib/docs.ts';
import { createFindingActions } from './lib/finding-actions.ts';
import { createLiveGraphSource, type EarlyRead } from './lib/graph-source.ts';
import { createTimeQueries } from './lib/time-queries.ts';
import { createWhatIfQueries } from './lib/what-if.ts';

// The page, loaded by main.ts once it has sent the map's first read. Same origin as the API that
// serves this page (DESIGN.md section 6). Every GraphQL request carries the API token once the API
// has asked for one (ORRERY_API_TOKEN; lib/api-token.ts).
export function start(endpoint: string, early: EarlyRead | null) {
  const prompter = createTokenPrompter();
  const fetch = authorizedFetch({ store: sessionTokenStore(), prompter });
  const promptTarget = document.body.appendChild(document.createElement('div'));
  mount(TokenPrompt, { target: promptTarget, props: { prompter } });

  // The map listens to graphUpdated and asks only for what changed (lib/graph-source.ts).
  const source = createLiveGraphSource({ endpoint, intervalMs: 2000, fetch, early });
  const actions = createFindingActions({ endpoint, fetch });
  const times = createTimeQueries({ endpoint, fetch });
  const whatIfs = createWhatIfQueries({ endpoint, fetch });
  const target = document.getElementById('app');
  if (!target) throw new Error('index.html has no #app element');

  // `?view=docs` is the Docs view (the onboarding docs); anything else the map.
  return readDocsLocation(location.search)
    ? mount(DocsView, { target, props: { client: createDocsClient({ endpoint, fetch }) } })
    : mount(App, { target, props: { source, actions, times, whatIfs } });
}
