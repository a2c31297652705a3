import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { startEmbeddedNeo4j } from './neo4j.ts';

// Bolt handshake: magic preamble, then four 4-byte proposals, each 00 RANGE MINOR MAJOR.
// 0x00080805 proposes 5.8 down to 5.0; 0x00000404 proposes 4.4.
const boltMagic = 0x6060b017;
const boltProposals = [0x00080805, 0x00000404, 0, 0];

/** Resolves with the version the server agreed to (0 means none of ours). */
function boltHandshake(port: number): Promise<{ major: number; minor: number; raw: number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const request = Buffer.alloc(20);
    request.writeUInt32BE(boltMagic, 0);
    boltProposals.forEach((proposal, i) => request.writeUInt32BE(proposal, 4 + i * 4));
    let received = Buffer.alloc(0);
    socket.setTimeout(10_000, () => socket.destroy(new Error('Bolt handshake timed out')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4) {
        const raw = received.readUInt32BE(0);
        socket.destroy();
        resolve({ raw, major: raw & 0xff, minor: (raw >> 8) & 0xff });
      }
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'orrery-neo4j-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('startEmbeddedNeo4j', () => {
  it('serves Bolt on loopback until stopped', async () => {
    await withTempDir(async (dir) => {
      const port = await freePort();
      const neo4j = await startEmbeddedNeo4j({ dataDir: path.join(dir, 'neo4j'), boltPort: port, heapMb: 512 });
      try {
        expect(neo4j.uri).toBe(`bolt://127.0.0.1:${port}`);
        const agreed = await boltHandshake(port);
        expect(agreed.raw).not.toBe(0);
        expect(agreed.major).toBe(5);
      } finally {
        await neo4j.stop();
      }
      await neo4j.stop(); // idempotent
      expect(await portIsFree(port)).toBe(true);
      const { signal, code } = await neo4j.exited;
      // A clean shutdown: the JVM ran its shutdown hook rather than being killed.
      expect(signal === 'SIGKILL').toBe(false);
      expect([0, 143]).toContain(code);
    });
  });

  it('refuses a port that is already taken, naming it and the way out', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as net.AddressInfo;
    try {
      await withTempDir(async (dir) => {
        await expect(startEmbeddedNeo4j({ dataDir: path.join(dir, 'neo4j'), boltPort: port })).rejects.toThrow(
          `127.0.0.1:${port} is already in use — another Neo4j? Stop it, or set NEO4J_URI to use it`,
        );
      });
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('reports invalid options all at once', async () => {
    await expect(startEmbeddedNeo4j({ dataDir: '', boltPort: 70_000, heapMb: 0 })).rejects.toThrow(
      /dataDir must be a non-empty path[\s\S]*boltPort must be an integer from 1 to 65535, got 70000[\s\S]*heapMb/,
    );
  });
});
