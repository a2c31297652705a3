// For entry points (npm start, the collector or API alone): a configuration error is printed
// with every problem listed and the process exits with status 2, instead of a stack trace.
import { ConfigError, loadConfig, type OrreryConfig } from './config.ts';

export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): OrreryConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(2);
  }
}
