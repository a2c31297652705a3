// Serves the built web app (web/dist): files by path, index.html for anything else that is not
// a file, so client-side routes survive a reload. Paths are resolved inside the root only.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export function createStaticHandler(root: string) {
  const rootDir = normalize(root) + sep;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    let file = normalize(join(rootDir, path));
    if (!file.startsWith(rootDir)) file = join(rootDir, 'index.html');
    let info = await stat(file).catch(() => undefined);
    if (!info || info.isDirectory()) {
      file = join(rootDir, 'index.html');
      info = await stat(file).catch(() => undefined);
    }
    if (!info) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('The web app is not built: run `npm start`, which builds it.');
      return;
    }
    const immutable = file.includes(`${sep}assets${sep}`);
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(file).pipe(res);
  };
}
