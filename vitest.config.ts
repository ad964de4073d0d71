import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { postgresAvailable } from './test/helpers/postgres.js';

const ALL_TESTS = ['test/**/*.test.ts'];

/**
 * The tests that exercise the store, run a second time on PostgreSQL (project `postgres`): the temp
 * store (test/helpers/store.ts) and the test engine (test/helpers/engine.ts) follow
 * HOOKLINE_TEST_STORE, so no test is written twice. Parts that only make sense on SQLite (its
 * planner, its file) are marked `skipIf` in their file.
 */
const STORE_TESTS = [
  'test/unit/store/**/*.test.ts',
  'test/unit/delivery/backlog.test.ts',
  'test/unit/delivery/subscription-rules.test.ts',
  'test/integration/delivery-*.test.ts',
  'test/integration/api.test.ts',
  'test/integration/seed-profiles.test.ts',
  'test/integration/api-keys.test.ts',
  'test/integration/incoming-webhooks.test.ts',
  'test/integration/engine-run.test.ts',
  'test/integration/subscription-headers.test.ts',
  'test/integration/retention.test.ts',
  'test/integration/erasure.test.ts',
  'test/integration/metrics.test.ts',
  'test/integration/event-*.test.ts',
  'test/integration/executions-stop.test.ts',
  'test/integration/wait-node.test.ts',
  'test/integration/schedule-trigger.test.ts',
  'test/integration/lifecycle-data.test.ts',
  'test/integration/run-before-store.test.ts',
  'test/integration/dashboard-serving.test.ts',
  'test/integration/n8n-webhook-*.test.ts',
];

/**
 * What a developer's `npm test` runs on PostgreSQL: the store contract and the PostgreSQL-specific
 * paths (claims across processes, ordering, migrations). `HOOKLINE_TEST_POSTGRES=all` (CI sets it)
 * runs every file of STORE_TESTS there too, about doubling the suite's time.
 */
const POSTGRES_QUICK_TESTS = [
  'test/unit/store/**/*.test.ts',
  'test/integration/delivery-ordering.test.ts',
  'test/integration/delivery-retries.test.ts',
  'test/integration/api.test.ts',
  'test/integration/executions-stop.test.ts',
];

/** PostgreSQL's own tests (several processes, shared counters) whatever the run's store: once is enough. */
const POSTGRES_ONLY_TESTS = ['test/unit/store/pg-*.test.ts'];

/** A project on the root settings with its own files, on the store it is named after. */
const project = (
  name: 'sqlite' | 'postgres',
  include: string[],
  exclude: string[] = [],
): TestProjectInlineConfiguration => ({
  extends: true,
  // `exclude` is added to the root's.
  test: { name, include, exclude, env: { HOOKLINE_TEST_STORE: name } },
});

// Without a server the PostgreSQL project is left out with a printed warning, unless
// HOOKLINE_REQUIRE_POSTGRES=1 (CI), where this throws and the run fails.
const withPostgres = await postgresAvailable();

export default defineConfig({
  test: {
    // The real-n8n end-to-end test runs on its own: `npm run test:n8n` (vitest.n8n.config.ts).
    exclude: [...configDefaults.exclude, 'test/n8n/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two shared cores: a couple of forks keeps socket tests from starving each other.
    pool: 'forks',
    maxWorkers: 2,
    // Each project names its own files (a project's `include` would be appended to a root one).
    projects: [
      project('sqlite', ALL_TESTS),
      ...(withPostgres
        ? [
            project(
              'postgres',
              process.env.HOOKLINE_TEST_POSTGRES === 'all' ? STORE_TESTS : POSTGRES_QUICK_TESTS,
              POSTGRES_ONLY_TESTS,
            ),
          ]
        : []),
    ],
  },
});
