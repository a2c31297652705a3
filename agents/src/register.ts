// Entry point for `node --import /abs/path/agents/src/register.ts app.js`: tracing for any
// Node system with one flag and no code change. Loaded once per process even if imported twice.
import { startAgent } from './agent.ts';

const STARTED = Symbol.for('orrery.agent.started');
const registry = globalThis as { [STARTED]?: boolean };

if (!registry[STARTED]) {
  registry[STARTED] = true;
  try {
    startAgent();
  } catch (error) {
    // startAgent already catches; this guards the guard, because a preload that throws stops
    // the host before its first line runs.
    try {
      process.stderr.write(`[orrery-agent] tracing could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    } catch {
      // stderr closed: nothing left to tell.
    }
  }
}
