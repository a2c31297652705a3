// The static handler over a real HTTP server and a real directory: gzip when asked for and worth
// it, the same bytes either way, a rebuilt file served anew, a removed one forgotten, index.html
// for client routes, and no path out of the root.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, utimesSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticHandler } from './static-files.ts';

const root = mkdtempSync(join(tmpdir(), 'orrery-static-'));
let server: Server;
let port = 0;
let serve: ReturnType<typeof createStaticHandler>;

beforeAll(async () => {
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Orrery</title>');
  writeFileSync(join(root, 'assets', 'page.js'), `export const names = ${JSON.stringify(Array.from({ length: 2000 }, (_, i) => `component-${i}`))};\n`);
  writeFileSync(join(root, 'assets', 'icon.png'), Buffer.from([137, 80, 78, 71, 1, 2, 3]));
  serve = createStaticHandler(root);
  server = createServer((req, res) => void serve(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => {
  server.close();
  rmSync(root, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}

describe('the static files', () => {
  it('gzips code for a browser that takes it, sends the same bytes plain to one that does not, and leaves images alone', async () => {
    const plain = await get('/assets/page.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toContain('component-1999');
    const zipped = await get('/assets/page.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['vary']).toBe('accept-encoding');
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 3);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(zipped.headers['cache-control']).toContain('immutable');
    const png = await get('/assets/icon.png', { 'accept-encoding': 'gzip' });
    expect([png.headers['content-encoding'], png.body.length]).toEqual([undefined, 7]);
  });

  it('serves a rebuilt file anew, index.html for client routes, and nothing outside the root', async () => {
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Orrery, rebuilt</title>');
    utimesSync(join(root, 'index.html'), new Date(), new Date(Date.now() + 5000));
    expect((await get('/', { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBeUndefined(); // too small to gain
    expect((await get('/')).body.toString()).toContain('rebuilt');
    expect((await get('/map/svc-a?window=1h')).body.toString()).toContain('rebuilt');
    expect((await get('/../../etc/passwd')).body.toString()).toContain('rebuilt');
  });

  it('lets the old build go after a rebuild, and answers a removed file\'s path with index.html', async () => {
    writeFileSync(join(root, 'assets', 'old-build.js'), 'export const old = true;\n');
    expect((await get('/assets/old-build.js')).body.toString()).toContain('old = true');
    expect(serve.heldFiles()).toContain(join(root, 'assets', 'old-build.js'));
    // A rebuild: index.html changes and the old asset is gone, never asked for again.
    rmSync(join(root, 'assets', 'old-build.js'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Orrery, built again</title>');
    utimesSync(join(root, 'index.html'), new Date(), new Date(Date.now() + 10_000));
    expect((await get('/')).body.toString()).toContain('built again');
    expect(serve.heldFiles()).toEqual([join(root, 'index.html')]);
    expect((await get('/assets/old-build.js')).body.toString()).toContain('built again');
  });
});
