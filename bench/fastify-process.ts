/**
 * The ingress baseline: a bare fastify route that parses the same JSON body and answers 200,
 * nothing else (no auth, no validation, no storage). Its own process, like the engine's.
 */
import Fastify from 'fastify';
import { failStart, serveParent } from './child.js';

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.post('/webhooks/workflows/:id', async (request) => ({
    success: true,
    received: typeof request.body === 'object',
  }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  serveParent({}, { url }, () => app.close());
}

main().catch(failStart);
