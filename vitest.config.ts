import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // DynamoDB Local (a JVM) and the Kubernetes API double are started per test file; two cores only.
    maxWorkers: 2,
    pool: 'forks',
  },
});
