/** `client.deliveries`, `client.events`, `client.eventTypes`, `client.workflows` and `client.executions`. */
import type {
  DeliveryPage,
  EventErasure,
  EventTypeInfo,
  EventTypeSchema,
  Execution,
  ListDeliveriesOptions,
  ListExecutionsOptions,
  PublishEventInput,
  PublishOptions,
  PublishResult,
  RegisterEventTypeInput,
  StoredEvent,
  Workflow,
  WorkflowProblem,
} from './delivery-types.js';
import { deliveryQuery, segment } from './query.js';
import type { Transport } from './transport.js';

/** Deliveries across every webhook, so nothing undelivered is invisible. */
export class DeliveriesApi {
  constructor(private readonly send: Transport) {}

  /** E.g. `list({ status: 'failed' })`: everything that gave up, on any webhook. */
  list(options: ListDeliveriesOptions = {}): Promise<DeliveryPage> {
    return this.send('GET', '/deliveries', { query: deliveryQuery(options) });
  }
}

/** The event catalog, custom events, and stored events by id. */
export class EventsApi {
  constructor(private readonly send: Transport) {}

  /** Every catalog event type with the JSON schema of its envelope. */
  async list(): Promise<EventTypeInfo[]> {
    const { events } = await this.send<{ events: EventTypeInfo[] }>('GET', '/events');
    return events;
  }

  /**
   * Publishes an event to every matching webhook, its data checked against the type's registered
   * schema when it has one (`INVALID_INPUT` naming the path otherwise).
   */
  publish(input: PublishEventInput, options: PublishOptions = {}): Promise<PublishResult> {
    const headers = options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : undefined;
    return this.send('POST', '/events', { body: input, headers });
  }

  /** One stored event by id (e.g. the `event_id` of `publish` or of a delivery). */
  get(eventId: string): Promise<StoredEvent> {
    return this.send('GET', `/events/${segment(eventId)}`);
  }

  /**
   * Erases an event's content everywhere Hookline stores it: the event's data and metadata, its
   * deliveries' payloads and their attempts' response excerpts. The records stay, marked erased;
   * deliveries not sent yet are closed as failed. Repeating it is harmless; an unknown id is `NOT_FOUND`.
   */
  eraseContent(eventId: string): Promise<EventErasure> {
    return this.send('DELETE', `/events/${segment(eventId)}/content`);
  }
}

/** Publishers' JSON Schemas for the data of their own event types. */
export class EventTypesApi {
  constructor(private readonly send: Transport) {}

  /** The types with a registered schema. */
  async list(): Promise<EventTypeSchema[]> {
    const { event_types } = await this.send<{ event_types: EventTypeSchema[] }>('GET', '/event-types');
    return event_types;
  }

  get(type: string): Promise<EventTypeSchema> {
    return this.send('GET', `/event-types/${segment(type)}`);
  }

  /**
   * Registers or replaces the schema of `type`'s data; later publishes of the type are checked
   * against it. A schema the server will not run (remote `$ref`, recursion, a pattern that needs
   * backtracking …) is `INVALID_INPUT` naming the problem.
   */
  register(type: string, input: RegisterEventTypeInput): Promise<EventTypeSchema> {
    return this.send('PUT', `/event-types/${segment(type)}`, { body: input });
  }

  remove(type: string): Promise<{ success: boolean; type: string }> {
    return this.send('DELETE', `/event-types/${segment(type)}`);
  }
}

/** Loaded workflows and their active flag. */
export class WorkflowsApi {
  constructor(private readonly send: Transport) {}

  async list(): Promise<Workflow[]> {
    const { workflows } = await this.send<{ workflows: Workflow[] }>('GET', '/workflows');
    return workflows;
  }

  /** Workflow files the engine refused when it last loaded the folder, by file and JSON pointer. */
  async problems(): Promise<WorkflowProblem[]> {
    const { problems } = await this.send<{ problems: WorkflowProblem[] }>('GET', '/workflows');
    return problems;
  }

  /** One workflow with its definition. */
  get(id: string): Promise<Workflow> {
    return this.send('GET', `/workflows/${segment(id)}`);
  }

  activate(id: string): Promise<Workflow> {
    return this.send('POST', `/workflows/${segment(id)}/activate`);
  }

  deactivate(id: string): Promise<Workflow> {
    return this.send('POST', `/workflows/${segment(id)}/deactivate`);
  }
}

/** Workflow executions: poll one by the `execution_id` a trigger returned. */
export class ExecutionsApi {
  constructor(private readonly send: Transport) {}

  /** Executions, newest first. */
  async list(options: ListExecutionsOptions = {}): Promise<Execution[]> {
    const query = {
      workflow_id: options.workflowId,
      status: options.status,
      limit: options.limit,
      offset: options.offset,
    };
    const { executions } = await this.send<{ executions: Execution[] }>('GET', '/executions', { query });
    return executions;
  }

  /** One execution's status, output and error. */
  get(executionId: string): Promise<Execution> {
    return this.send('GET', `/executions/${segment(executionId)}`);
  }

  /**
   * Stops a queued or running execution; the engine emits `workflow.stopped` (and `agent.stopped`
   * for an agent). Resolves with the execution: `status: 'stopped'`, or still `running` with
   * `stop_requested_at` set when another engine process runs it and stops it at its next node.
   * A finished execution rejects with `CONFLICT`, an unknown id with `NOT_FOUND`.
   */
  stop(executionId: string): Promise<Execution> {
    return this.send('POST', `/executions/${segment(executionId)}/stop`);
  }
}
