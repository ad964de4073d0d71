/**
 * The web dashboard at `/dashboard` (and `/` redirects there): the files `npm run build` writes to
 * dist/dashboard, read once when the engine starts and answered from memory.
 *
 * A request names a file of that listing or gets a 404: no path is ever joined onto the folder, so
 * no `..`, encoded slash or symlink can reach outside it. The page loads nothing from elsewhere
 * (the Content-Security-Policy says so too). File names with a content hash are cached for a year;
 * `index.html` is revalidated on every load (ETag) so a new build shows at once.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Errors } from '../errors.js';

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
  immutable: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Only the engine's origin: scripts, styles, API calls and the event stream. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** `[hash]` in esbuild's names: eight upper-case letters or digits after a dash. */
const HASHED_NAME = /-[A-Z0-9]{8}\.[a-z]+$/;

/**
 * The built folder: `dir` when given; else dist/dashboard next to this module, whether it runs
 * compiled (dist/engine/api → dist/dashboard) or from source under a test runner (engine/api →
 * dist/dashboard).
 */
export function dashboardFolder(dir: string): string {
  if (dir) return dir;
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', '..', 'dashboard'), join(here, '..', '..', 'dist', 'dashboard')];
  return candidates.find((candidate) => existsSync(join(candidate, 'index.html'))) ?? candidates[1];
}

/** Every regular file under `root`, by its URL path (forward slashes); empty when `root` is missing. */
export function readStaticFiles(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!existsSync(root)) return files;
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (!statSync(path).isFile()) continue;
    const body = readFileSync(path);
    const name = relative(root, path).split(sep).join('/');
    files.set(name, {
      body,
      type: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
      immutable: HASHED_NAME.test(name),
    });
  }
  return files;
}

export function registerDashboardRoutes(app: FastifyInstance, dir: string): void {
  const root = dashboardFolder(dir);
  const files = readStaticFiles(root);
  const serve = (name: string, ifNoneMatch: string | undefined, reply: FastifyReply) => {
    const file = files.get(name);
    if (!file) {
      if (name === 'index.html')
        throw Errors.NOT_FOUND(`The dashboard is not built (no ${join(root, 'index.html')}): run npm run build`);
      throw Errors.NOT_FOUND(`No dashboard file /dashboard/${name}`);
    }
    void reply
      .header('content-type', file.type)
      .header('etag', file.etag)
      .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer');
    if (file.type.startsWith('text/html')) void reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    if (ifNoneMatch === file.etag) return reply.status(304).send();
    return reply.send(file.body);
  };

  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/dashboard/', 302));
  app.get('/dashboard', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/dashboard/', 301));
  app.get('/dashboard/', { schema: { hide: true } }, async (request, reply) =>
    serve('index.html', request.headers['if-none-match'], reply),
  );
  app.get<{ Params: { '*': string } }>('/dashboard/*', { schema: { hide: true } }, async (request, reply) =>
    serve(request.params['*'], request.headers['if-none-match'], reply),
  );
}
