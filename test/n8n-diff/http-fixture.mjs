/**
 * The HTTP Request node's differential cases need a server that answers the same way when n8n
 * records a case and when Hookline runs it: this one, on 127.0.0.1 at a fixed port the cases'
 * URLs name. Its answers depend only on the request's method, path, query and body (no dates,
 * `connection: close` always), so the goldens are stable. Started by the recorder
 * (scripts/n8n-diff.mjs) and by the Hookline side (test/n8n-diff/hookline-run.ts) when an http/
 * case runs; a second start on a busy port assumes the same fixture already serves it.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';

/** The port in the cases' URLs (`http://127.0.0.1:47611/...`). */
export const HTTP_FIXTURE_PORT = 47611;

const json = (status, body) => ({ status, type: 'application/json; charset=utf-8', body: JSON.stringify(body) });
const text = (status, body, type = 'text/plain; charset=utf-8') => ({ status, type, body });

/** What each path answers; `/echo` describes the request itself (its `x-case` header, not the
 * client's own headers, which differ between n8n and Hookline). */
function answer(method, url, body, header) {
  switch (url.pathname) {
    case '/json-array':
      return json(200, [
        { id: 1, name: 'first' },
        { id: 2, name: 'second' },
      ]);
    case '/json-object':
      return json(200, { ok: true, nested: { list: [1, 2, 3] }, none: null });
    case '/text':
      return text(200, 'plain text body');
    case '/html':
      return text(200, '<p>hello</p>', 'text/html; charset=utf-8');
    case '/empty':
      return text(200, '');
    case '/invalid-json':
      return { status: 200, type: 'application/json', body: '{not json' };
    case '/not-found':
      return json(404, { error: 'missing' });
    case '/unauthorized':
      return json(401, { error: 'who are you' });
    case '/forbidden':
      return text(403, 'no');
    case '/too-many':
      return json(429, { error: 'slow down' });
    case '/server-error':
      return text(500, 'it broke');
    case '/redirect':
      return { status: 302, type: 'text/plain', body: '', location: '/json-object' };
    case '/echo':
      return json(200, { method, path: url.pathname, query: url.search, body, header });
    default:
      return json(404, { error: `no route ${url.pathname}` });
  }
}

/**
 * Starts the fixture (or finds it already serving); resolves with a `close` that stops it when
 * this call started it. The server never keeps a process alive on its own.
 */
export async function startHttpFixture(port = HTTP_FIXTURE_PORT) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fixture');
      // Never answers: the client's timeout decides (the socket goes when the fixture closes).
      if (url.pathname === '/hang') return;
      const header = req.headers['x-case'] ?? null;
      const reply = answer(req.method, url, Buffer.concat(chunks).toString('utf8'), header);
      res.sendDate = false;
      res.writeHead(reply.status, {
        'content-type': reply.type,
        connection: 'close',
        ...(reply.location ? { location: reply.location } : {}),
      });
      res.end(reply.body);
    });
  });
  server.listen(port, '127.0.0.1');
  try {
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error))]);
  } catch (error) {
    if (error.code === 'EADDRINUSE') return { close: async () => undefined };
    throw error;
  }
  server.unref();
  return {
    close: () => {
      const closed = new Promise((resolve) => server.close(() => resolve(undefined)));
      server.closeAllConnections();
      return closed;
    },
  };
}
