import { defineConfig } from 'vitest/config';

/**
 * The real-n8n end-to-end test (`npm run test:n8n`), kept out of `npm test`: the first run installs
 * n8n (about 2 GB, minutes) into the user's cache folder, and every run starts n8n (15–30 s).
 */
export default defineConfig({
  test: {
    include: ['test/n8n/**/*.test.ts'],
    testTimeout: 120_000,
    // beforeAll may install n8n on a cold cache.
    hookTimeout: 20 * 60_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
