// Builds web/dist with Vite when any source is newer than the last build, so a second start
// serves the existing build at once.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const webDir = join(import.meta.dirname, '..', 'web');

function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

export async function ensureWebBuilt(log: (line: string) => void = console.error): Promise<string> {
  const dist = join(webDir, 'dist');
  const stamp = join(dist, '.built');
  const sources = Math.max(
    newestMtimeMs(join(webDir, 'src')),
    ...['index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'].map((f) => newestMtimeMs(join(webDir, f))),
  );
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= sources) return dist;
  log('building the web app (vite build)');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [join(webDir, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: webDir, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed with exit code ${code}`))));
  });
  writeFileSync(stamp, new Date().toISOString());
  return dist;
}
