import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Safety nets against hangs, never speed bounds: the machines are shared and may be heavily loaded.
    testTimeout: 300_000,
    hookTimeout: 600_000,
    // DynamoDB Local (a JVM) and the Kubernetes API double are started per test file; two cores only.
    maxWorkers: 2,
    pool: 'forks',
    // Lambda runs nodejs22.x; the SDK's warning about this machine's Node 20 is noise in test output.
    // Powertools Metrics would print an EMF document per handler call; the test that checks them enables it.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_METRICS_DISABLED: 'true' },
  },
});
