/**
 * Events, workflows and executions: the catalog with a JSON schema per type, publishing custom
 * events, workflow activation, and polling an execution by the id a trigger returned.
 */
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { Errors } from '../errors.js';
import { EVENT_CATALOG, EVENT_TYPE_PATTERN, getEventSpec } from '../events/catalog.js';
import type { ExecutionStatus } from '../store/types.js';
import type { ApiContext } from './context.js';
import {
  errorResponses,
  eventDataSchema,
  eventEnvelopeSchema,
  executionPageSchema,
  executionSchema,
  idParams,
  listExecutionsQuery,
  publishEventBody,
  publishResultSchema,
  workflowSchema,
} from './schemas.js';
import { compileJsonSchema } from '../validation.js';
import { executionJson } from './serialize.js';
import { triggerRoute } from '../workflow/routes.js';
import type { LoadedWorkflow, NodeTypeRegistry } from '../workflow/types.js';

const validateData = compileJsonSchema(eventDataSchema);

export function registerCatalogRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/events',
    { schema: { tags: ['events'], summary: 'The event catalog, with a JSON schema per type' } },
    async () => ({
      events: EVENT_CATALOG.map((spec) => ({
        ...spec,
        group: spec.type.split('.')[0],
        schema: eventEnvelopeSchema(spec.type),
      })),
    }),
  );

  app.post<{ Body: { type: string; data: unknown; metadata?: Record<string, unknown> } }>(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Publish an event to every matching webhook',
        body: publishEventBody,
        response: { 202: publishResultSchema, ...errorResponses },
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
      if (getEventSpec(type) && !validateData(data))
        throw Errors.INVALID_INPUT(`Field 'data' of '${type}' must be an object`, {
          details: {
            field: 'data',
            expected: 'object',
            received: Array.isArray(data) ? 'array' : typeof data,
          },
        });
      const { event, deliveries } = await ctx.publishEvent(type, data, metadata);
      return reply.status(202).send({ success: true, event_id: event.id, type, deliveries });
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
