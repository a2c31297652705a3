import { defineConfig } from 'vitest/config';


// Unit tests sit beside the code they test; suites that start Neo4j, servers or a browser live
// in test/ and run one file at a time so they do not fight over ports and the graph.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['collector/src/**/*.test.ts', 'api/src/**/*.test.ts', 'agents/**/*.test.ts', 'web/src/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/src/**/*.test.ts', 'neo4j-embedded/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['test/src/support/neo4j.global.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
