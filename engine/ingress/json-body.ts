/**
 * JSON is the only body type the engine accepts (anything else is 415). The raw bytes are kept
 * on the request because signatures are computed over them, not over re-serialised JSON.
 * Two kinds of valid JSON are refused with 400 before anything else sees them: nesting deeper
 * than `maxJsonDepth` (thousands of levels overflow `JSON.stringify` later, in a reply or in a
 * stored record that a listing must serialise), and `__proto__` / `constructor.prototype` keys
 * (prototype pollution once a body is merged into another object), as fastify's own parser does.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { Errors } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

export interface JsonBodyOptions {
  /** Deepest nesting of arrays and objects accepted. */
  maxJsonDepth: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether `raw` nests arrays and objects deeper than `maxDepth`, by one pass over the bytes
 * (brackets inside strings do not count; UTF-8 continuation bytes are never ASCII, so bytes are
 * enough). Runs before `JSON.parse`, so a hostile body is refused without building it.
 */
export function exceedsJsonDepth(raw: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) depth--;
  }
  return false;
}

/** Parses a request body's bytes, or throws the 400 that names what is wrong with them. */
export function parseJsonBody(raw: Buffer, options: JsonBodyOptions): unknown {
  const max = options.maxJsonDepth;
  if (exceedsJsonDepth(raw, max))
    throw Errors.INVALID_INPUT(`JSON body is nested deeper than the limit of ${max} levels`, {
      details: { field: '', expected: `at most ${max} levels of nested arrays and objects`, received: `more` },
    });
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw Errors.MALFORMED_JSON((error as Error).message);
  }
  // Walking the parsed value costs a traversal; only a body that could spell such a key pays it.
  if (value !== null && typeof value === 'object' && mayHoldPrototypeKey(raw)) {
    try {
      secureJson.scan(value, { protoAction: 'error', constructorAction: 'error' });
    } catch {
      throw Errors.INVALID_INPUT('JSON body must not contain a __proto__ key or a constructor.prototype key', {
        details: { field: '', expected: 'no __proto__ or constructor.prototype keys', received: 'such a key' },
      });
    }
  }
  return value;
}

/** `__proto__`, `constructor`, or a `\u` escape that could spell either. */
function mayHoldPrototypeKey(raw: Buffer): boolean {
  return raw.includes('__proto__') || raw.includes('constructor') || raw.includes('\\u');
}

export function registerJsonBody(app: FastifyInstance, options: JsonBodyOptions): void {
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
      done(null, parseJsonBody(raw, options));
    } catch (error) {
      done(error as Error, undefined);
    }
  };
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parse);
  app.addContentTypeParser(/^application\/[\w.+-]+\+json$/, { parseAs: 'buffer' }, parse);
}
