import { mount } from 'svelte';
import App from './App.svelte';
import DocsView from './components/DocsView.svelte';
import { createDocsClient, readDocsLocation } from './lib/docs.ts';
import { createFindingActions } from './lib/finding-actions.ts';
import { createPollingGraphSource } from './lib/graph-source.ts';
import { createTimeQueries } from './lib/time-queries.ts';

// Same origin as the API that serves this page (DESIGN.md section 6).
const source = createPollingGraphSource({ endpoint: '/graphql', intervalMs: 2000 });
const actions = createFindingActions({ endpoint: '/graphql' });
const times = createTimeQueries({ endpoint: '/graphql' });
const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

// `?view=docs` is the Docs view (the onboarding docs); anything else the map.
export default readDocsLocation(location.search)
  ? mount(DocsView, { target, props: { client: createDocsClient({ endpoint: '/graphql' }) } })
  : mount(App, { target, props: { source, actions, times } });
