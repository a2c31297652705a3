// `npm start`: the whole platform with its demo estate (ORRERY_DEMO=0 for none), until Ctrl-C.
import { loadConfigOrExit } from '../collector/src/load-config-or-exit.ts';

const startedAt = performance.now();
// The configuration first: a start it refuses (ORRERY_HOST off loopback without its tokens, a bad
// value) says so at once, before the platform's modules are loaded.
const config = loadConfigOrExit();
const { startPlatform } = await import('./platform.ts');
const { startApiRole, startCollectorRole } = await import('./roles.ts');

if (config.role !== 'all') {
  // One part of a split platform (DESIGN.md §8 Roles): until SIGINT/SIGTERM. The stdout line says
  // where it listens, for whoever started it.
  const log = (line: string) => console.error(`[orrery ${config.role}] ${line}`);
  try {
    const running = config.role === 'api' ? await startApiRole(config, log) : await startCollectorRole(config, log);
    const where = running.role === 'api' ? `api=${running.apiUrl}` : `otlp=${running.otlpUrl} grpc=${running.otlpGrpcAddress}${config.kafka ? ` kafka=${config.kafka.topic}` : ''}`;
    console.log(`orrery ${running.role} ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s ${where}`);
    let stopping = false;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (stopping) return;
        stopping = true;
        void running.stop().then(() => process.exit(0));
      });
    }
  } catch (error) {
    console.error(`[orrery ${config.role}] could not start: ${(error as Error).message}`);
    process.exit(1);
  }
} else try {
  const platform = await startPlatform({ config });
  console.error(
    [
      '',
      `Orrery is up in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`,
      `  map and GraphQL   ${platform.apiUrl}/  ${platform.apiUrl}/graphql`,
      `  OTLP/HTTP traces  ${platform.otlpUrl}`,
      `  OTLP/gRPC traces  ${platform.otlpGrpcAddress}`,
      `  Neo4j             ${platform.neo4jUri}${config.neo4j.uri ? '' : ` (embedded, data in ${config.dataDir})`}`,
      `  demo estate       ${config.demo ? platform.demoServices.join(', ') : 'off (ORRERY_DEMO=0)'}`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.error('\n[orrery] stopping…');
      void platform.stop().then(() => process.exit(0));
    });
  }
} catch (error) {
  console.error(`[orrery] could not start: ${(error as Error).message}`);
  process.exit(1);
}
