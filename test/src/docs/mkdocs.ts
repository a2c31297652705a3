// MkDocs for the onboarding-docs test: a venv under .tools/mkdocs with MkDocs and Backstage
// TechDocs' core plugin from PyPI (pinned in requirements.txt beside this file), installed once
// per machine (about 40 s) and reused while its stamp matches, serialised across processes by a lock.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { withFileLock } from '../../../tools/file-lock.ts';

const run = promisify(execFile);
const here = import.meta.dirname;
const repoRoot = path.resolve(here, '../../..');
const requirements = path.join(here, 'requirements.txt');
const venv = path.join(repoRoot, '.tools', 'mkdocs');
const python = path.join(venv, 'bin', 'python');
const stamp = path.join(venv, '.orrery-stamp');

/** The venv's python, with mkdocs and mkdocs-techdocs-core importable. */
export async function ensureMkdocs(): Promise<string> {
  const wanted = createHash('sha1').update(await readFile(requirements)).digest('hex');
  const ready = async () => existsSync(python) && (await readFile(stamp, 'utf8').catch(() => '')).trim() === wanted;
  if (await ready()) return python;
  await mkdir(path.dirname(venv), { recursive: true });
  await withFileLock(`${venv}.lock`, 'install of MkDocs', async () => {
    if (await ready()) return;
    process.stderr.write(`[docs] installing MkDocs and mkdocs-techdocs-core into ${venv} (pinned in ${path.relative(repoRoot, requirements)})\n`);
    await rm(venv, { recursive: true, force: true });
    await run('python3', ['-m', 'venv', venv]).catch((error: Error) => {
      throw new Error(`creating a Python venv failed (${error.message}); Debian and Ubuntu ship venv separately: apt-get install python3-venv`);
    });
    await run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-q', '-r', requirements], { maxBuffer: 16 * 1024 * 1024 });
    await writeFile(stamp, `${wanted}\n`);
  });
  return python;
}

/** `mkdocs build --strict` of a tree; resolves with its output, rejects with it on failure. */
export async function mkdocsBuild(pythonPath: string, configFile: string, siteDir: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(pythonPath, ['-m', 'mkdocs', 'build', '--strict', '--config-file', configFile, '--site-dir', siteDir], { maxBuffer: 16 * 1024 * 1024 });
    return `${stdout}${stderr}`;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`mkdocs build --strict failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}
