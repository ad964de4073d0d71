/**
 * The ingress baselines, each in its own process like the engine:
 * - bare (default): a fastify route that parses the same JSON body and answers, nothing else (no
 *   auth, no validation, no storage);
 * - `durable` (argv[2]): the same route plus only the durability promise, through the engine's own
 *   store and group committer: each request's finished execution row (the engine's row for a
 *   trigger → NoOp run) durable before the 202. No auth, no validation, no run. What any ingress
 *   that keeps the promise can reach on this machine: the ceiling for the engine's figure.
 */
import Fastify, { type RouteHandlerMethod } from 'fastify';
import { DEFAULTS } from '../engine/config.js';
import { createGroupCommitter } from '../engine/store/group-commit.js';
import { newExecution } from '../engine/workflow/execution-record.js';
import { failStart, serveParent } from './child.js';
import { openScratchStore } from './scratch-store.js';

const bare: RouteHandlerMethod = async (request) => ({ success: true, received: typeof request.body === 'object' });

/** The durable route, and what closes its store. */
async function durableRoute(): Promise<{ route: RouteHandlerMethod; close(): Promise<void> }> {
  const scratch = await openScratchStore('ceiling');
  const committer = createGroupCommitter({ store: scratch.store, windowMs: DEFAULTS.commitWindowMs });
  const route: RouteHandlerMethod = async (request, reply) => {
    const item = [{ body: request.body, headers: request.headers, query: request.query, params: request.params }];
    const key = request.headers['idempotency-key'];
    const record = newExecution('bench', 'Hook', 'workflow', item, {
      status: 'succeeded',
      output: item,
      idempotencyKey: typeof key === 'string' ? key : null,
    });
    record.startedAt = record.finishedAt = new Date().toISOString();
    const result = await committer.submit({
      acknowledged: true,
      executions: [{ record, idempotencyWindowSec: DEFAULTS.idempotencyWindowSec }],
    });
    void reply.code(202);
    return { success: true, execution_id: result.executionIds.get(record.id)?.id };
  };
  return {
    route,
    async close() {
      await committer.flush();
      await scratch.close();
    },
  };
}

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  const durable = process.argv[2] === 'durable' ? await durableRoute() : null;
  app.post('/webhooks/workflows/:id', durable?.route ?? bare);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  serveParent({}, { url }, async () => {
    await app.close();
    await durable?.close();
  });
}

main().catch(failStart);
