// A lock file for one-time installs and builds that several processes may start at once (the
// test run's global setup and a suite, or two terminals). Only node: builtins, so anything in
// the repository can use it before dependencies are installed.
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A lock older than this is taken to be left behind by a killed install. */
const STALE_MS = 15 * 60_000;

/** Holds `lockPath` (created exclusively, holding our pid) while `work` runs. */
export async function withFileLock<T>(lockPath: string, what: string, work: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + STALE_MS;
  // On a fresh clone the lock's folder (a build's target/, .tools/) does not exist yet.
  await mkdir(dirname(lockPath), { recursive: true });
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await isAbandoned(lockPath)) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > giveUpAt) throw new Error(`Timed out waiting for another ${what} to finish (lock ${lockPath})`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function isAbandoned(lockPath: string): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    if (Date.now() - info.mtimeMs > STALE_MS) return true;
    const pid = Number.parseInt(text, 10);
    if (!Number.isInteger(pid)) return false; // being written right now
    process.kill(pid, 0);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOENT: released meanwhile (retry the open); ESRCH: its owner died.
    return code === 'ENOENT' || code === 'ESRCH';
  }
}
