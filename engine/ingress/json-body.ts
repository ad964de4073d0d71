/**
 * JSON is the only body type the engine accepts (anything else is 415). The raw bytes are kept
 * on the request because signatures are computed over them, not over re-serialised JSON.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Errors } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

export function registerJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const parse = (
    request: FastifyRequest,
    body: string | Buffer,
    done: (error: Error | null, value?: unknown) => void,
  ): void => {
    const raw = body as Buffer;
    request.rawBody = raw;
    // An empty body is no body (curl -H 'Content-Type: application/json' -X POST …); the route's
    // schema decides whether one was needed.
    if (raw.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(raw.toString('utf8')));
    } catch (error) {
      done(Errors.MALFORMED_JSON((error as Error).message), undefined);
    }
  };
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parse);
  app.addContentTypeParser(/^application\/[\w.+-]+\+json$/, { parseAs: 'buffer' }, parse);
}
