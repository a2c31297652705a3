import { mount } from 'svelte';
import App from './App.svelte';
import { createFindingActions } from './lib/finding-actions.ts';
import { createPollingGraphSource } from './lib/graph-source.ts';
import { createTimeQueries } from './lib/time-queries.ts';

// Same origin as the API that serves this page (DESIGN.md section 6).
const source = createPollingGraphSource({ endpoint: '/graphql', intervalMs: 2000 });
const actions = createFindingActions({ endpoint: '/graphql' });
const times = createTimeQueries({ endpoint: '/graphql' });
const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target, props: { source, actions, times } });
