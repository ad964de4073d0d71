import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real-n8n end-to-end test runs on its own: `npm run test:n8n` (vitest.n8n.config.ts).
    exclude: [...configDefaults.exclude, 'test/n8n/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two shared cores: a couple of forks keeps socket tests from starving each other.
    pool: 'forks',
    maxWorkers: 2,
  },
});
