/**
 * Events, workflows and executions: the catalog with a JSON schema per type, publishing custom
 * events, workflow activation, and polling an execution by the id a trigger returned.
 */
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { Errors } from '../errors.js';
import { EVENT_CATALOG, EVENT_TYPE_PATTERN, getEventSpec, type EventSpec } from '../events/catalog.js';
import type { EventTypeRecord, ExecutionStatus } from '../store/types.js';
import type { ApiContext } from './context.js';
import {
  errorResponses,
  eventEnvelopeSchema,
  executionPageSchema,
  executionSchema,
  idParams,
  listExecutionsQuery,
  publishEventBody,
  publishEventHeaders,
  publishResultSchema,
  workflowSchema,
} from './schemas.js';
import { executionJson } from './serialize.js';
import { publisherMetadata } from './event-organization.js';
import { hashRequest } from './request-hash.js';
import { triggerRoute } from '../workflow/routes.js';
import type { LoadedWorkflow, NodeTypeRegistry } from '../workflow/types.js';

/**
 * The catalog's types, then the types only publishers registered; a registration replaces the
 * catalog's schema (and, when it has one, the description) of a type publishers send.
 */
function catalogEntries(registered: ReadonlyMap<string, EventTypeRecord>) {
  const entry = (spec: Omit<EventSpec, 'dataSchema'>, dataSchema: object, record?: EventTypeRecord) => ({
    type: spec.type,
    description: record?.description ?? spec.description,
    source: spec.source,
    group: spec.type.split('.')[0],
    schema: eventEnvelopeSchema(spec.type, dataSchema),
    ...(record ? { registered: { version: record.version, updated_at: record.updatedAt } } : {}),
  });
  const known = EVENT_CATALOG.map((spec) => {
    const record = registered.get(spec.type);
    return entry(spec, record?.schema ?? spec.dataSchema, record);
  });
  const own = [...registered.values()]
    .filter((record) => !getEventSpec(record.type))
    .map((record) => entry({ type: record.type, description: '', source: 'custom' }, record.schema, record));
  return [...known, ...own];
}

export function registerCatalogRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/events',
    { schema: { tags: ['events'], summary: 'The event catalog, with a JSON schema per type' } },
    async () => ({ events: catalogEntries(await ctx.eventTypes.current()) }),
  );

  app.post<{ Body: { type: string; data: unknown; metadata?: Record<string, unknown>; organization?: string } }>(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Publish an event to every matching webhook (Idempotency-Key: a repeat answers with the first)',
        headers: publishEventHeaders,
        body: publishEventBody,
        response: { 200: publishResultSchema, 202: publishResultSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { type, data, metadata } = request.body;
      if (!EVENT_TYPE_PATTERN.test(type))
        throw Errors.INVALID_INPUT(`Event type '${type}' is not a valid name`, {
          details: {
            field: 'type',
            expected: 'lower-case dotted name like order.completed',
            received: type,
          },
        });
      await ctx.eventTypes.validate(type, data);
      const key = request.headers['idempotency-key'];
      const idempotency =
        typeof key === 'string' ? { idempotencyKey: key, requestHash: hashRequest(request.body) } : undefined;
      const { event, deliveries, duplicate } = await ctx.publishEvent(
        type,
        data,
        publisherMetadata(request, metadata),
        idempotency,
      );
      const answer = { success: true, event_id: event.id, type: event.type, deliveries };
      // As the triggers answer a repeated key: 200 with the first result, marked as a duplicate.
      if (duplicate) return reply.status(200).send({ ...answer, duplicate: true });
      return reply.status(202).send(answer);
    },
  );

  app.get('/workflows', { schema: { tags: ['workflows'], summary: 'Loaded workflows' } }, async () => ({
    workflows: [...ctx.workflows.values()].map((w) => ({
      id: w.id,
      name: w.name,
      active: w.active,
      nodes: w.definition.nodes.length,
      source_path: w.sourcePath,
    })),
    // Files the last load refused; a refused file's previous version, if any, is still listed above.
    problems: ctx.problems.map((p) => ({ file: p.file ?? null, pointer: p.pointer, message: p.message })),
  }));

  app.get<{ Params: { id: string } }>(
    '/workflows/:id',
    {
      schema: {
        tags: ['workflows'],
        summary: 'One workflow with its definition',
        params: idParams,
        response: { 200: workflowSchema, ...errorResponses },
      },
    },
    async (request) => {
      const workflow = ctx.workflows.get(request.params.id);
      if (!workflow) throw Errors.NOT_FOUND(`Workflow '${request.params.id}' not found`);
      return {
        id: workflow.id,
        name: workflow.name,
        active: workflow.active,
        source_path: workflow.sourcePath,
        definition: workflow.definition,
        triggers: triggersOf(workflow, ctx.registry),
      };
    },
  );

  for (const action of ['activate', 'deactivate'] as const) {
    app.post<{ Params: { id: string } }>(
      `/workflows/:id/${action}`,
      {
        schema: {
          tags: ['workflows'],
          summary: `${action === 'activate' ? 'Activate' : 'Deactivate'} a workflow`,
          params: idParams,
          response: { 200: workflowSchema, ...errorResponses },
        },
      },
      async (request) => {
        const workflow = await ctx.setWorkflowActive(request.params.id, action === 'activate');
        return { id: workflow.id, name: workflow.name, active: workflow.active };
      },
    );
  }

  app.get<{ Querystring: { workflow_id?: string; status?: ExecutionStatus; limit: number; offset: number } }>(
    '/executions',
    {
      schema: {
        tags: ['executions'],
        summary: 'Executions, newest first',
        querystring: listExecutionsQuery,
        response: { 200: executionPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      return {
        executions: (
          await ctx.store.listExecutions({
            workflowId: q.workflow_id,
            status: q.status,
            limit: q.limit,
            offset: q.offset,
          })
        ).map(executionJson),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/executions/:id',
    {
      schema: {
        tags: ['executions'],
        summary: 'One execution: status, output and error',
        params: idParams,
        response: { 200: executionSchema, ...errorResponses },
      },
    },
    async (request) => {
      const execution = await ctx.store.getExecution(request.params.id);
      if (!execution) throw Errors.NOT_FOUND(`Execution '${request.params.id}' not found`);
      return executionJson(execution);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/executions/:id/stop',
    {
      schema: {
        tags: ['executions'],
        summary: 'Stop a queued or running execution',
        description:
          'Emits workflow.stopped (and agent.stopped for an agent). 200: it is stopped. 202: another engine ' +
          'process runs it and stops it at its next node boundary. 409: it already finished.',
        params: idParams,
        response: { 200: executionSchema, 202: executionSchema, 409: { $ref: 'Error#' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { execution, pending } = await ctx.stopExecution(request.params.id);
      return reply.status(pending ? 202 : 200).send({ success: true, ...executionJson(execution) });
    },
  );
}

/**
 * Where each trigger node of a workflow listens and how a caller authenticates there (the node's
 * `authentication` parameter, else its declared default).
 */
function triggersOf(workflow: LoadedWorkflow, registry: NodeTypeRegistry): Record<string, string>[] {
  const triggers: Record<string, string>[] = [];
  for (const node of workflow.definition.nodes) {
    const route = triggerRoute(node, workflow.id, registry);
    if (!route) continue;
    const declared = registry.get(node.type)?.description.properties.find((p) => p.name === 'authentication');
    const authentication = node.parameters.authentication ?? declared?.default ?? 'none';
    triggers.push({
      node: node.name,
      method: route.method,
      path: route.path,
      kind: route.kind,
      authentication: String(authentication),
    });
  }
  return triggers;
}
