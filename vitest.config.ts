import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two shared cores: a couple of forks keeps socket tests from starving each other.
    pool: 'forks',
    maxWorkers: 2,
  },
});
