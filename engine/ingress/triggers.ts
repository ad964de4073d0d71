/**
 * Incoming webhooks: `/webhooks/workflows/{id}`, `/webhooks/agents/{id}` and custom
 * `/webhook/{path}`. Each request's source and credentials are checked before its body is read,
 * then it is handed to the trigger node's `webhook()` (signature, seed format), checked against
 * the workflow's own input schema, de-duplicated by `Idempotency-Key`/`webhook-id`, stored as a
 * queued execution (group commit: durable before the reply), answered, then run. n8n's Webhook
 * node is served at n8n's `/webhook/{path}` and `/webhook-test/{path}` (see n8n-webhooks.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { INodeExecutionData, IWebhookResponseData } from 'n8n-workflow';
import { Errors, isHooklineError } from '../errors.js';
import type { ExecutionOutcome, Executor } from '../workflow/executor.js';
import type { GroupCommitter } from '../store/group-commit.js';
import type { Store } from '../store/types.js';
import type { CredentialResolver } from '../workflow/node-context.js';
import { CALLER_CHECKS } from '../trigger-checks/index.js';
import { acceptExecution } from './accept-execution.js';
import { checkCaller } from './caller-checks.js';
import { answerN8nWebhook, checkN8nWebhookCaller, corsHeaders, registerN8nBodyParsers } from './n8n-webhooks.js';
import { createWebhookContext } from './webhook-context.js';
import { checkInputSchema } from './input-schema.js';
import type { FailedAuthLimiter } from './failed-auth.js';
import { createRateLimiter } from './rate-limit.js';
import type { TriggerBinding, TriggerTable } from './trigger-table.js';

export interface TriggerRouteOptions {
  table: TriggerTable;
  store: Store;
  committer: GroupCommitter;
  executor: Executor;
  resolveCredential: CredentialResolver;
  rateLimitPerMinute: number;
  /** Throttles addresses that keep failing authentication (shared with the API-key check). */
  failedAuth: FailedAuthLimiter;
  idempotencyWindowSec: number;
  respondTimeoutMs: number;
  baseUrl(): string;
  /** Seconds to tell a caller to wait while the delivery backlog is over its mark, else 0. */
  shedSeconds(): number;
  maxBacklog: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    trigger?: TriggerBinding;
  }
}

const ACCEPTED_MESSAGE = 'Webhook processed successfully';

export function registerTriggerRoutes(app: FastifyInstance, options: TriggerRouteOptions): void {
  const limiter = createRateLimiter({ perMinute: options.rateLimitPerMinute, counters: options.store.counters });
  const durations = new Map<string, number>();

  // Runs before the body is read: a caller without valid credentials costs us no parsing.
  async function onRequest(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    if (request.method === 'OPTIONS') return answerPreflight(request, reply);
    const shedSec = options.shedSeconds();
    if (shedSec > 0)
      throw Errors.BACKLOG_FULL(options.maxBacklog, shedSec, { headers: { 'retry-after': String(shedSec) } });
    await options.failedAuth.assertAllowed(request.ip);
    const { binding, callerKey } = await findAuthenticated(request, reply);
    if (!binding.workflow.active) throw Errors.WORKFLOW_INACTIVE(binding.workflow.id);
    const waitSec = await limiter.take(callerKey);
    if (waitSec > 0)
      throw Errors.RATE_LIMITED(waitSec, {
        details: { retry_after_seconds: waitSec },
        headers: { 'retry-after': String(waitSec) },
      });
    request.trigger = binding;
    return undefined;
  }

  /** n8n answers a CORS preflight to a webhook path with 204 and its CORS headers, before any check. */
  async function answerPreflight(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const path = request.url.split('?')[0];
    const methods = options.table.methodsAt(path);
    if (methods.length === 0) throw Errors.NOT_FOUND(`No trigger listens on ${path.slice(0, 200)}`);
    const requested = String(request.headers['access-control-request-method'] ?? methods[0]).toUpperCase();
    const binding = options.table.find(methods.includes(requested) ? requested : methods[0], path);
    return reply
      .status(204)
      .headers(corsHeaders(binding, request, methods))
      .send();
  }

  /**
   * The trigger and the caller's key, once its source and credentials pass. Before that, an unknown
   * trigger, a known one and an inactive one all answer the same 404 (no `WWW-Authenticate`), and
   * each counts as a failed authentication: nothing tells a caller without credentials which ids exist.
   */
  async function findAuthenticated(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ binding: TriggerBinding; callerKey: string }> {
    const path = request.url.split('?')[0];
    const notFound = async () => {
      await options.failedAuth.recordFailure(request.ip);
      return Errors.NOT_FOUND(`No trigger listens on ${request.method} ${path.slice(0, 200)}`);
    };
    const binding = options.table.find(request.method, path);
    if (!binding) throw await notFound();
    if (binding.webhookParams) return findN8nAuthenticated(request, reply, binding, path);
    try {
      return { binding, callerKey: await checkCaller(binding, request, options.resolveCredential) };
    } catch (error) {
      if (isHooklineError(error) && (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN'))
        throw await notFound();
      throw error;
    }
  }

  /**
   * n8n's Webhook node answers refused callers as n8n does (401, 403, with its challenge), not with
   * the 404 of Hookline's trigger; each refusal still counts as a failed authentication.
   */
  async function findN8nAuthenticated(
    request: FastifyRequest,
    reply: FastifyReply,
    binding: TriggerBinding,
    path: string,
  ): Promise<{ binding: TriggerBinding; callerKey: string }> {
    void reply.headers(corsHeaders(binding, request, options.table.methodsAt(path)));
    try {
      return { binding, callerKey: await checkN8nWebhookCaller(binding, request, options.resolveCredential) };
    } catch (error) {
      if (isHooklineError(error) && error.status < 500) await options.failedAuth.recordFailure(request.ip);
      throw error;
    }
  }

  async function handler(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const binding = request.trigger!;
    if (binding.webhookParams) return answerN8nWebhook(options, request, reply, binding, {});
    const { context, response } = createWebhookContext({
      request,
      workflow: binding.workflow,
      node: binding.node,
      nodeType: binding.nodeType,
      resolveCredential: options.resolveCredential,
      baseUrl: options.baseUrl(),
      path: binding.route.path,
      checksPassed: CALLER_CHECKS,
    });
    const result = (await binding.nodeType.webhook!.call(context)) as IWebhookResponseData;
    if (response.sent) return reply.status(response.statusCode).headers(response.headers).send(response.body);
    const items: INodeExecutionData[] = result.workflowData?.[0] ?? [];
    checkInputSchema(binding, items[0]?.json.body);
    const { execution, duplicateOf, outcome } = await acceptExecution(
      options,
      binding,
      request,
      [items],
      (items[0]?.json.body as Record<string, unknown> | undefined)?.trigger_source,
    );
    if (duplicateOf) {
      const first = await options.store.getExecution(duplicateOf);
      return reply.status(200).send({
        success: true,
        message: 'Duplicate request: returning the first execution',
        execution_id: duplicateOf,
        status: first?.status ?? 'queued',
        duplicate: true,
      });
    }
    const run = outcome
      ? Promise.resolve(outcome)
      : options.executor.run({ workflow: binding.workflow, execution, startOutput: [items], agentId: binding.agentId });
    const startedMs = Date.now();
    void run.then(
      () => durations.set(binding.workflow.id, Date.now() - startedMs),
      (error) => request.log.error({ err: error, executionId: execution.id }, 'execution crashed'),
    );
    if (binding.respondWhenFinished) return answerWhenFinished(reply, run, execution.id, options.respondTimeoutMs);
    const estimateMs = durations.get(binding.workflow.id) ?? 1000;
    return reply.status(202).send({
      success: true,
      message: ACCEPTED_MESSAGE,
      execution_id: execution.id,
      status: 'queued',
      estimated_completion: new Date(Date.now() + estimateMs).toISOString(),
    });
  }

  const route = { onRequest, handler };
  app.route({ method: ['POST', 'PUT', 'PATCH'], url: '/webhooks/:kind/:id', ...route });
  // n8n's URLs take every method n8n serves, and the body types its Webhook node reads.
  void app.register(async (scope) => {
    registerN8nBodyParsers(scope);
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
    for (const url of ['/webhook/*', '/webhook-test/*'])
      scope.route({ method: methods, url, exposeHeadRoute: false, ...route });
  });
}

async function answerWhenFinished(
  reply: FastifyReply,
  run: Promise<ExecutionOutcome>,
  executionId: string,
  timeoutMs: number,
): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Errors.EXECUTION_TIMEOUT(timeoutMs, { details: { execution_id: executionId } })),
      timeoutMs,
    );
  });
  try {
    const outcome = await Promise.race([run, timeout]);
    if (outcome.response)
      return reply
        .status(outcome.response.statusCode)
        .headers(outcome.response.headers ?? {})
        .send(outcome.response.body);
    const { result } = outcome;
    if (result.status === 'failed') {
      throw Errors.NODE_EXECUTION_FAILED(String(result.error?.node), String(result.error?.message), {
        details: { execution_id: executionId, node: result.error?.node },
      });
    }
    const output = result.output.length === 1 ? result.output[0] : result.output;
    // A run stopped through the API answers with what it had produced when it stopped; one a Wait
    // node parked, with what it had produced until then (it resumes later, see wait-resumer.ts).
    const message =
      result.status === 'stopped'
        ? 'Workflow stopped'
        : result.status === 'waiting'
          ? 'Workflow waiting'
          : 'Workflow finished';
    return reply.status(200).send({ success: true, message, execution_id: executionId, status: result.status, output });
  } finally {
    clearTimeout(timer);
  }
}
