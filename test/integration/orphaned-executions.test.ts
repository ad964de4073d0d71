/**
 * An execution left queued by a process that died is run by another live process on the same
 * PostgreSQL store, not only by its own next start: the dead one stopped heartbeating.
 */
import { createPostgresStore } from '../../engine/store/postgres/pg-store.js';
import { createSecretBox } from '../../engine/store/secret-box.js';
import { FAST_DELIVERY, describe, expect, it } from '../helpers/engine-fixture.js';
import { createTestSchema, postgresAvailable } from '../helpers/postgres.js';
import { until } from '../helpers/wait.js';

const available = await postgresAvailable();

describe.skipIf(!available)('orphaned executions on a shared store', () => {
  it('a live process runs the queued execution of one that stopped heartbeating', async ({ startEngine }) => {
    const schema = await createTestSchema('orphans');
    const dead = createPostgresStore({
      connectionString: schema.url,
      schema: schema.schema,
      secretBox: createSecretBox('test-key'),
      owner: 'dead-process',
      poolSize: 2,
    });
    try {
      await dead.migrate();
      const { credentials, incomingWorkflows } = await import('../fixtures/incoming.js');
      // The dead process accepted it, said it was alive a minute ago, and was never heard of again.
      await dead.heartbeat(Date.now() - 60_000);
      await dead.commit({
        acknowledged: true,
        executions: [
          {
            record: {
              id: 'exec_orphan',
              workflowId: 'orders',
              kind: 'workflow',
              triggerNode: 'Hook',
              status: 'queued',
              input: { body: { input_data: { name: 'Ada' } } },
              output: null,
              error: null,
              idempotencyKey: null,
              metadata: null,
              createdAt: new Date().toISOString(),
              startedAt: null,
              finishedAt: null,
            },
          },
        ],
      });
      const live = await startEngine({
        workflows: { orders: incomingWorkflows.orders },
        credentials,
        config: { ...FAST_DELIVERY, databaseUrl: schema.urlWithSchema, executionLeaseSec: 3 },
      });
      await until(
        async () => (await live.engine.store.getExecution('exec_orphan'))?.status === 'succeeded',
        'the orphan to run',
      );
      expect((await live.engine.store.getExecution('exec_orphan'))?.output).toEqual([{ greeting: 'hello Ada' }]);
      await live.stop();
    } finally {
      await dead.close();
      await schema.drop();
    }
  });
});
