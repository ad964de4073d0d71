/**
 * What an organization-scoped API key may do. It sees and changes only its organization's
 * webhooks and deliveries, publishes and reads only its organization's events, and reads the
 * event catalog; every other route (workflows, executions, erasure, API keys) needs an unscoped
 * key. Another organization's webhook is NOT_FOUND to it, as if it did not exist.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Errors } from '../errors.js';
import type { Store } from '../store/types.js';
import type { ApiPrincipal } from './api-keys.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key the request came with (set by the API's auth hook). */
    principal: ApiPrincipal;
  }
}

/** Routes a scoped key may call, as `METHOD /url-template`; a template ending in `*` covers those below it. */
const SCOPED_ROUTES = [
  '* /api/v1/webhooks',
  '* /api/v1/webhooks/*',
  'GET /api/v1/deliveries',
  'GET /api/v1/events',
  'POST /api/v1/events',
  'GET /api/v1/events/:id',
];

/** The routes whose `:id` is a webhook: for a scoped key, that webhook must be its organization's. */
const WEBHOOK_ID_ROUTE = '/api/v1/webhooks/:id';

function isScopedRoute(method: string, url: string): boolean {
  return SCOPED_ROUTES.some((entry) => {
    const [allowed, template] = entry.split(' ');
    if (allowed !== '*' && allowed !== method) return false;
    return template.endsWith('/*') ? url.startsWith(template.slice(0, -1)) : url === template;
  });
}

/**
 * Adds the auth hook to the API's plugin: every request carries its principal, a scoped key is
 * refused (403) on routes outside its scope, and gets 404 for another organization's webhook.
 */
export function registerScope(
  api: FastifyInstance,
  /** Resolves with the request's principal, or null for a public route (nothing is checked). */
  check: (request: FastifyRequest) => Promise<ApiPrincipal | null>,
  store: Store,
): void {
  // No principal until the hook sets one: a route that skipped the check is never taken for admin.
  api.decorateRequest('principal', null as unknown as ApiPrincipal);
  api.addHook('onRequest', async (request) => {
    const principal = await check(request);
    if (!principal) return;
    request.principal = principal;
    const url = request.routeOptions.url;
    if (url !== undefined && !isScopedRoute(request.method, url)) assertUnscoped(principal);
  });
  // A write the API answers is durable before its answer, as an accepted trigger request is.
  api.addHook('onSend', async (request, _reply, payload) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') await store.durable();
    return payload;
  });
  api.addHook('preHandler', async (request) => {
    const organization = request.principal?.organization ?? null;
    const url = request.routeOptions.url;
    if (organization === null || !url || !(url === WEBHOOK_ID_ROUTE || url.startsWith(`${WEBHOOK_ID_ROUTE}/`))) return;
    const id = (request.params as { id: string }).id;
    const subscription = await store.getSubscription(id);
    if (!subscription || subscription.workspace !== organization) throw Errors.NOT_FOUND(`Webhook '${id}' not found`);
  });
}

/**
 * The organization a request acts in: what it asked for (or nothing) with an unscoped key; the
 * key's own with a scoped key, which may not ask for another (403).
 */
export function organizationFor(request: FastifyRequest, asked: string | undefined): string | undefined {
  const own = request.principal.organization;
  if (own === null) return asked;
  if (asked !== undefined && asked !== own)
    throw Errors.FORBIDDEN(`This API key is scoped to organization '${own}', not '${asked}'`);
  return own;
}

/** For routes only unscoped keys may call outside the API plugin (metrics). */
export function assertUnscoped(principal: ApiPrincipal): void {
  if (principal.organization !== null)
    throw Errors.FORBIDDEN(
      `This API key is scoped to organization '${principal.organization}'; this route needs an unscoped key`,
    );
}
