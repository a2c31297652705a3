// The entry (index.html loads it). It is kept small on purpose: it sends the map's first read at
// once (the whole graph of the range in the address: at 5,000 components the API takes a while to
// answer it), and only then fetches the page's code (page.ts, Svelte, WebGL), which parses while
// the API answers. The live source takes the answer when its first question is the same one.
import { sessionTokenStore } from './lib/api-token.ts';
import { startEarlyRead } from './lib/graph-source.ts';
import { readViewState, windowOf } from './lib/time-range.ts';

const endpoint = '/graphql';
const opensOnMap = new URLSearchParams(location.search).get('view') !== 'docs';
const early = opensOnMap ? startEarlyRead(endpoint, windowOf(readViewState(location.search).range), globalThis.fetch.bind(globalThis), sessionTokenStore().get()) : null;

void import('./page.ts').then((page) => page.start(endpoint, early));
