// `npm run typecheck`: TypeScript in strict mode over every package, svelte-check over the web app.
import { join } from 'node:path';
import { node } from './run.ts';

const root = join(import.meta.dirname, '..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

export async function typecheck(): Promise<void> {
  for (const project of ['collector', 'api', 'agents', 'test', 'tools', 'neo4j-embedded']) {
    await node([tsc, '-p', join(root, project, 'tsconfig.json')]);
  }
  await node([join(root, 'web/node_modules/svelte-check/bin/svelte-check'), '--tsconfig', './tsconfig.json', '--threshold', 'error', '--output', 'human'], { cwd: join(root, 'web') });
  console.error('[orrery] typecheck passed');
}

if (import.meta.main) {
  typecheck().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
