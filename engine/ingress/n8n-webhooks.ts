/**
 * n8n's Webhook node served at n8n's URLs (`/webhook/{path}`, `/webhook-test/{path}`) with every
 * ingress guarantee of Hookline's own trigger: caller checks before the body is read, limits, an
 * execution stored durably before any reply, idempotency keys. How it answers follows n8n:
 *
 * - `onReceived`: once the queued execution is durable, at once; the run follows.
 * - `lastNode`: after the run, once its result is durable (the executor's outcome), with the last
 *   node's output.
 * - `responseNode`: as soon as a Respond to Webhook node runs, as in n8n, while the run goes on.
 *   The execution itself was durable before the run started, so the promise still holds: an
 *   accepted request is never lost, and a run cut short by a crash is recovered like any other.
 *
 * Refusals before a run (authentication, IP allowlist, bots) keep n8n's statuses and its
 * `WWW-Authenticate` header, with n8n's message in Hookline's error shape.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parse as parseQueryString } from 'node:querystring';
import type { INodeExecutionData, IWebhookResponseData } from 'n8n-workflow';
import { Errors, type HooklineError } from '../errors.js';
import type { HooklineResponse } from '../node-contract/helpers.js';
import type { Store } from '../store/types.js';
import { CALLER_CHECKS } from '../trigger-checks/index.js';
import { checkWebhookCaller, type WebhookRefusal } from '../workflow/core-nodes/webhook/webhook-auth.js';
import type { ExecutionOutcome, Executor } from '../workflow/executor.js';
import type { CredentialResolver } from '../workflow/node-context.js';
import { acceptExecution, type AcceptOptions } from './accept-execution.js';
import {
  lastNodeAnswer,
  onReceivedAnswer,
  responseNodeAnswer,
  sendAnswer,
  type N8nAnswer,
} from './n8n-webhook-responses.js';
import type { TriggerBinding } from './trigger-table.js';
import { createWebhookContext } from './webhook-context.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Claims of the JWT the caller checks verified (n8n's `jwtAuth`). */
    webhookJwtPayload?: Record<string, unknown>;
  }
}

export interface N8nWebhookOptions extends AcceptOptions {
  store: Store;
  executor: Executor;
  resolveCredential: CredentialResolver;
  respondTimeoutMs: number;
  baseUrl(): string;
}

function refusalError(refusal: WebhookRefusal): HooklineError {
  const options = { headers: refusal.headers };
  if (refusal.status === 401) return Errors.UNAUTHORIZED(refusal.message, options);
  if (refusal.status === 403) return Errors.FORBIDDEN(refusal.message, options);
  return Errors.INVALID_CONFIG(refusal.message, options);
}

/**
 * The Webhook node's caller checks (IP, bots, authentication), before the body is read.
 *
 * @returns the rate-limit key of the caller: its credential method, or its address when open.
 * @throws {@link HooklineError} with n8n's status (401, 403, 500) and headers.
 */
export async function checkN8nWebhookCaller(
  binding: TriggerBinding,
  request: FastifyRequest,
  resolve: CredentialResolver,
): Promise<string> {
  const params = binding.webhookParams!;
  const { refusal, jwtPayload } = await checkWebhookCaller(
    { headers: request.headers, ip: request.ip },
    params,
    (type) => {
      const reference = binding.node.credentials?.[type];
      return reference ? resolve(type, reference) : Promise.resolve(null);
    },
  );
  if (refusal) throw refusalError(refusal);
  request.webhookJwtPayload = jwtPayload;
  const caller = params.authentication === 'none' ? request.ip : params.authentication;
  return `${binding.workflow.id}:${binding.node.name}:${caller}`;
}

/**
 * n8n's CORS headers for a browser caller (`Origin` set): the methods served at the path, and the
 * allowed origin (the caller's when `allowedOrigins` is `*` or lists it, else the first listed).
 */
export function corsHeaders(
  binding: TriggerBinding | undefined,
  request: FastifyRequest,
  methods: string[],
): Record<string, string> {
  const origin = request.headers.origin;
  if (!origin || !binding?.webhookParams) return {};
  const headers: Record<string, string> = { 'access-control-allow-methods': ['OPTIONS', ...methods].join(', ') };
  const allowed = binding.webhookParams.options.allowedOrigins;
  const list = allowed.split(',').map((entry) => entry.trim());
  headers['access-control-allow-origin'] = allowed === '*' || list.includes(origin) ? origin : list[0];
  if (request.method === 'OPTIONS') {
    headers['access-control-max-age'] = '300';
    const requested = request.headers['access-control-request-headers'];
    if (requested) headers['access-control-allow-headers'] = String(requested);
  }
  return headers;
}

/** Children of `name`, transitively (n8n's `getChildNodes`). */
function childNodes(binding: TriggerBinding, name: string) {
  const { connections } = binding.workflow.definition;
  const seen = new Set<string>();
  const queue = [name];
  while (queue.length > 0) {
    for (const targets of connections[queue.shift()!]?.main ?? [])
      for (const target of targets ?? [])
        if (!seen.has(target.node) && target.node !== name) queue.push((seen.add(target.node), target.node));
  }
  return [...seen].map((child) => {
    const node = binding.workflow.nodesByName.get(child);
    return { name: child, type: node?.type ?? '', typeVersion: node?.typeVersion ?? 1, disabled: node?.disabled };
  });
}

/** Resolves with the first value, or rejects with EXECUTION_TIMEOUT after `timeoutMs`. */
async function withTimeout<T>(work: Promise<T>, timeoutMs: number, executionId: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Errors.EXECUTION_TIMEOUT(timeoutMs, { details: { execution_id: executionId } })),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Calls the node's `webhook()`; a fault in it (a misconfigured node) is a 500 naming the node. */
async function callWebhook(binding: TriggerBinding, request: FastifyRequest, options: N8nWebhookOptions) {
  const n8n = binding.route.n8n!;
  const { context, response } = createWebhookContext({
    request,
    workflow: binding.workflow,
    node: binding.node,
    nodeType: binding.nodeType,
    resolveCredential: options.resolveCredential,
    baseUrl: options.baseUrl(),
    path: n8n.productionPath,
    checksPassed: CALLER_CHECKS,
    mode: n8n.test ? 'manual' : 'webhook',
    params: binding.pathParams ?? {},
    jwtPayload: request.webhookJwtPayload,
    childNodes: (name) => childNodes(binding, name),
  });
  try {
    return { result: (await binding.nodeType.webhook!.call(context)) as IWebhookResponseData, response };
  } catch (error) {
    throw Errors.NODE_EXECUTION_FAILED(binding.node.name, error instanceof Error ? error.message : String(error));
  }
}

/** Handles a request to an n8n Webhook node whose caller checks passed. */
export async function answerN8nWebhook(
  options: N8nWebhookOptions,
  request: FastifyRequest,
  reply: FastifyReply,
  binding: TriggerBinding,
  extraHeaders: Record<string, string>,
): Promise<unknown> {
  const params = binding.webhookParams!;
  const headers = { ...params.options.responseHeaders, ...extraHeaders };
  const { result, response } = await callWebhook(binding, request, options);
  if (response.sent) return reply.status(response.statusCode).headers(response.headers).send(response.body);
  const outputs: INodeExecutionData[][] = result.workflowData ?? [];
  const { execution, duplicateOf, outcome } = await acceptExecution(options, binding, request, outputs, null);
  if (duplicateOf) return answerDuplicate(options, reply, binding, duplicateOf, headers);
  let responded: (value: HooklineResponse) => void = () => {};
  const fromNode = new Promise<HooklineResponse>((resolve) => (responded = resolve));
  const run = outcome
    ? Promise.resolve(outcome)
    : options.executor.run({ workflow: binding.workflow, execution, startOutput: outputs, onResponse: responded });
  void run.catch((error: unknown) => request.log.error({ err: error, executionId: execution.id }, 'execution crashed'));
  let answer: N8nAnswer;
  if (params.responseMode === 'lastNode')
    answer = lastNodeAnswer(params, await withTimeout(run, options.respondTimeoutMs, execution.id));
  else if (params.responseMode === 'responseNode') {
    const first = await withTimeout(
      Promise.race([fromNode, run.then((outcome) => ({ outcome }))]),
      options.respondTimeoutMs,
      execution.id,
    );
    answer =
      'outcome' in first ? responseNodeAnswer(params, null, first.outcome) : responseNodeAnswer(params, first, null);
  } else answer = onReceivedAnswer(params);
  return sendAnswer(reply, answer, headers);
}

/**
 * A repeated idempotency key: `onReceived` answers as the first time (nothing ran for it); the
 * other modes answer with the first execution's outcome while it runs here, else with its id.
 */
async function answerDuplicate(
  options: N8nWebhookOptions,
  reply: FastifyReply,
  binding: TriggerBinding,
  firstId: string,
  headers: Record<string, string>,
): Promise<unknown> {
  const params = binding.webhookParams!;
  void reply.header('x-hookline-duplicate', firstId);
  if (params.responseMode === 'onReceived') return sendAnswer(reply, onReceivedAnswer(params), headers);
  const running: Promise<ExecutionOutcome> | null = options.executor.outcome(firstId);
  if (running && params.responseMode === 'lastNode')
    return sendAnswer(reply, lastNodeAnswer(params, await running), headers);
  const first = await options.store.getExecution(firstId);
  return reply.status(200).send({
    success: true,
    message: 'Duplicate request: returning the first execution',
    execution_id: firstId,
    status: first?.status ?? 'queued',
    duplicate: true,
  });
}

/**
 * The body types n8n's Webhook node reads besides JSON: form-urlencoded (as n8n, node's
 * `querystring`, at most 1000 keys), `text/plain` (a string), and anything else kept as raw bytes
 * with an empty body. Only for n8n Webhook nodes: Hookline's own trigger still answers 415.
 */
export function registerN8nBodyParsers(scope: FastifyInstance): void {
  const parser =
    (parse: (raw: Buffer) => unknown) =>
    (request: FastifyRequest, body: string | Buffer, done: (error: Error | null, value?: unknown) => void): void => {
      if (!request.trigger?.webhookParams)
        return done(Errors.UNSUPPORTED_MEDIA_TYPE(String(request.headers['content-type'] ?? '').slice(0, 200)));
      const raw = body as Buffer;
      request.rawBody = raw;
      done(null, raw.length === 0 ? undefined : parse(raw));
    };
  // Own properties only, so a `__proto__` field stays a field.
  const form = (raw: Buffer) =>
    Object.fromEntries(Object.entries(parseQueryString(raw.toString('utf8'), undefined, undefined, { maxKeys: 1000 })));
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, parser(form));
  scope.addContentTypeParser(
    'text/plain',
    { parseAs: 'buffer' },
    parser((raw) => raw.toString('utf8')),
  );
  scope.addContentTypeParser(
    '*',
    { parseAs: 'buffer' },
    parser(() => undefined),
  );
}
