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
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS } from '../engine/config.js';
import { createGroupCommitter } from '../engine/store/group-commit.js';
import { createSecretBox } from '../engine/store/secret-box.js';
import { createSqliteStore } from '../engine/store/sqlite-store.js';
import { newExecution } from '../engine/workflow/execution-record.js';
import { failStart, serveParent } from './child.js';

const bare: RouteHandlerMethod = async (request) => ({ success: true, received: typeof request.body === 'object' });

/** The durable route, and what closes its store. */
function durableRouteHandlerMethod(): { route: RouteHandlerMethod; close(): Promise<void> } {
  const folder = mkdtempSync(join(tmpdir(), 'hookline-ceiling-'));
  const store = createSqliteStore({
    path: join(folder, 'ceiling.db'),
    secretBox: createSecretBox(randomBytes(32).toString('base64')),
    owner: 'ceiling',
  });
  const committer = createGroupCommitter({ store, windowMs: DEFAULTS.commitWindowMs });
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
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  const durable = process.argv[2] === 'durable' ? durableRouteHandlerMethod() : null;
  app.post('/webhooks/workflows/:id', durable?.route ?? bare);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  serveParent({}, { url }, async () => {
    await app.close();
    await durable?.close();
  });
}

main().catch(failStart);
