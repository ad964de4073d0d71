import { beforeEach, describe, expect, it } from 'vitest';
import { createMatcher, toDelivery, type Matcher } from '../../../engine/delivery/matcher.js';
import { createEvent } from '../../../engine/events/envelope.js';
import { makeSubscription, T0 } from '../../helpers/records.js';

const RETENTION_MS = 86_400_000;

let matcher: Matcher;
beforeEach(() => {
  matcher = createMatcher({ retentionMs: RETENTION_MS });
});

const matchedIds = (type: string, data: unknown = {}) =>
  matcher
    .match(createEvent(type, data))
    .map((entry) => entry.subscription.id)
    .sort();

describe('createMatcher', () => {
  it('matches exact names, group.* by prefix and * for everything', () => {
    matcher.load([
      makeSubscription({ id: 'exact', events: ['workflow.completed'] }),
      makeSubscription({ id: 'group', events: ['agent.*'] }),
      makeSubscription({ id: 'nested', events: ['agent.conversation.*'] }),
      makeSubscription({ id: 'all', events: ['*'] }),
    ]);
    expect(matchedIds('workflow.completed')).toEqual(['all', 'exact']);
    expect(matchedIds('agent.conversation.completed')).toEqual(['all', 'group', 'nested']);
    expect(matchedIds('agent.started')).toEqual(['all', 'group']);
    expect(matchedIds('billing.invoice.paid')).toEqual(['all']);
  });

  it('does not give a webhook the events that happened before it existed', () => {
    const event = createEvent('workflow.completed', {});
    const happenedAtMs = Date.parse(event.timestamp);
    matcher.load([
      makeSubscription({ id: 'older', events: ['*'], createdAtMs: happenedAtMs - 1 }),
      makeSubscription({ id: 'same-ms', events: ['*'], createdAtMs: happenedAtMs }),
      makeSubscription({ id: 'newer', events: ['*'], createdAtMs: happenedAtMs + 1 }),
    ]);
    expect(
      matcher
        .plan(event)
        .map((d) => d.subscriptionId)
        .sort(),
    ).toEqual(['older', 'same-ms']);
  });

  it("gives an organization's webhook only that organization's events, and one without an organization all", () => {
    matcher.load([
      makeSubscription({ id: 'org-123', workspace: 'org-123', events: ['*'] }),
      makeSubscription({ id: 'org-456', workspace: 'org-456', events: ['order.*'] }),
      makeSubscription({ id: 'everyone', events: ['*'] }),
    ]);
    const ids = (metadata?: Record<string, unknown>) =>
      matcher
        .match(createEvent('order.completed', {}, metadata))
        .map((entry) => entry.subscription.id)
        .sort();
    expect(ids({ organization: 'org-123' })).toEqual(['everyone', 'org-123']);
    expect(ids({ organization: 'org-456', source: 'web' })).toEqual(['everyone', 'org-456']);
    // Seed 000's complaint: an event without an organization reached the org-123 webhook.
    expect(ids()).toEqual(['everyone']);
    expect(ids({ organization: '' })).toEqual(['everyone']);
    expect(ids({ organization: 7 })).toEqual(['everyone']);
    expect(ids({ organization: 'org-789' })).toEqual(['everyone']);
    expect(matcher.count(createEvent('order.completed', {}, { organization: 'org-123' }))).toBe(2);
    // A replay to a named webhook keeps to its organization too.
    expect(matcher.planFor('org-123', createEvent('order.completed', {}, { organization: 'org-456' }))).toBeNull();
    expect(matcher.planFor('org-123', createEvent('order.completed', {}, { organization: 'org-123' }))).not.toBeNull();
  });

  it('says which event types some webhook could take, enabled or not, rules aside', () => {
    expect(matcher.hasPatternFor('workflow.completed')).toBe(false);
    matcher.load([
      makeSubscription({ id: 'exact', events: ['workflow.completed'], enabled: false }),
      makeSubscription({ id: 'group', events: ['agent.conversation.*'], conditions: { never: { eq: 1 } } }),
    ]);
    expect(matcher.hasPatternFor('workflow.completed')).toBe(true);
    expect(matcher.hasPatternFor('agent.conversation.completed')).toBe(true);
    expect(matcher.hasPatternFor('workflow.started')).toBe(false);
    expect(matcher.hasPatternFor('agent.completed')).toBe(false);
    matcher.upsert(makeSubscription({ id: 'all', events: ['*'] }));
    expect(matcher.hasPatternFor('workflow.started')).toBe(true);
    matcher.remove('all');
    expect(matcher.hasPatternFor('workflow.started')).toBe(false);
  });

  it('does not match a group on a bare or look-alike name', () => {
    matcher.load([makeSubscription({ id: 'group', events: ['agent.*'] })]);
    expect(matchedIds('agent')).toEqual([]);
    expect(matchedIds('agents.started')).toEqual([]);
    expect(matchedIds('workflow.agent.started')).toEqual([]);
  });

  it('matches a subscription once even when several of its patterns fit', () => {
    matcher.load([makeSubscription({ id: 'many', events: ['order.completed', 'order.*', '*', 'order.completed'] })]);
    expect(matchedIds('order.completed')).toEqual(['many']);
  });

  it('skips disabled and node-owned subscriptions', () => {
    matcher.load([
      makeSubscription({ id: 'off', events: ['*'], enabled: false }),
      makeSubscription({ id: 'node', events: ['*'], kind: 'node' }),
      makeSubscription({ id: 'on', events: ['*'] }),
    ]);
    expect(matchedIds('order.completed')).toEqual(['on']);
  });

  it('applies a patch such as disabling without reloading', () => {
    matcher.load([makeSubscription({ id: 'a', events: ['order.*'] })]);
    matcher.patch('a', { enabled: false, consecutiveFailures: 3 });
    expect(matchedIds('order.completed')).toEqual([]);
    expect(matcher.get('a')?.subscription.consecutiveFailures).toBe(3);
    matcher.patch('missing', { enabled: false });
    expect(matcher.size).toBe(1);
  });

  it('never sends an endpoint the operational events about itself', () => {
    matcher.load([
      makeSubscription({ id: 'ops', events: ['webhook.*'] }),
      makeSubscription({ id: 'b', events: ['*'] }),
    ]);
    expect(matchedIds('webhook.disabled', { webhook_id: 'ops' })).toEqual(['b']);
    expect(matchedIds('webhook.disabled', { webhook_id: 'b' })).toEqual(['ops']);
  });

  it('lets no caller silence a webhook by naming it in the data of any other event', () => {
    matcher.load([makeSubscription({ id: 'b', events: ['*'] })]);
    expect(matchedIds('webhook.received', { webhook_id: 'b' })).toEqual(['b']);
    expect(matchedIds('workflow.completed', { webhook_id: 'b' })).toEqual(['b']);
  });

  it('applies shorthand conditions to the event data', () => {
    matcher.load([
      makeSubscription({
        id: 'unhappy',
        events: ['agent.conversation.completed'],
        conditions: { satisfaction_score: { lt: 3 }, message_count: { gt: 10 } },
      }),
    ]);
    expect(matchedIds('agent.conversation.completed', { satisfaction_score: 4.5, message_count: 12 })).toEqual([]);
    expect(matchedIds('agent.conversation.completed', { satisfaction_score: 2, message_count: 12 })).toEqual([
      'unhappy',
    ]);
  });

  it('applies per-event-type filters', () => {
    matcher.load([
      makeSubscription({
        id: 'filtered',
        events: ['function.executed'],
        filters: {
          'function.executed': { function: { id: ['func-123', 'func-456'] }, execution: { status: ['success'] } },
        },
      }),
    ]);
    const run = (id: string, status: string) => ({ function: { id }, execution: { status } });
    expect(matchedIds('function.executed', run('func-456', 'success'))).toEqual(['filtered']);
    expect(matchedIds('function.executed', run('func-999', 'success'))).toEqual([]);
    expect(matchedIds('function.executed', run('func-123', 'error'))).toEqual([]);
  });

  it('follows upsert and remove', () => {
    matcher.upsert(makeSubscription({ id: 'a', events: ['order.completed'] }));
    expect(matchedIds('order.completed')).toEqual(['a']);
    matcher.upsert(makeSubscription({ id: 'a', events: ['order.refunded'] }));
    expect(matchedIds('order.completed')).toEqual([]);
    expect(matchedIds('order.refunded')).toEqual(['a']);
    matcher.remove('a');
    expect(matchedIds('order.refunded')).toEqual([]);
    expect(matcher.size).toBe(0);
  });

  it('replaces every subscription on load', () => {
    matcher.load([makeSubscription({ id: 'a', events: ['*'] })]);
    matcher.load([makeSubscription({ id: 'b', events: ['*'] })]);
    expect(matchedIds('order.completed')).toEqual(['b']);
    expect(matcher.get('a')).toBeUndefined();
  });

  it('plans one delivery per match, due now and kept for the retention window', () => {
    matcher.load([
      makeSubscription({ id: 'env', events: ['order.completed'] }),
      makeSubscription({ id: 'hook', events: ['order.*'], payloadFormat: 'webhook' }),
    ]);
    const event = createEvent('order.completed', { n: 1 }, undefined, new Date(T0));
    const planned = matcher.plan(event, T0).sort((a, b) => a.subscriptionId.localeCompare(b.subscriptionId));
    expect(planned.map(({ id: _id, payload: _payload, ...rest }) => rest)).toEqual([
      {
        subscriptionId: 'env',
        eventId: event.id,
        eventType: 'order.completed',
        nextAttemptAtMs: T0,
        expiresAtMs: T0 + RETENTION_MS,
      },
      {
        subscriptionId: 'hook',
        eventId: event.id,
        eventType: 'order.completed',
        nextAttemptAtMs: T0,
        expiresAtMs: T0 + RETENTION_MS,
      },
    ]);
    expect(new Set(planned.map((d) => d.id)).size).toBe(2);
    expect(planned[0].id).toMatch(/^del_/);
    expect(JSON.parse(planned[0].payload)).toEqual({
      id: event.id,
      type: 'order.completed',
      timestamp: event.timestamp,
      data: { n: 1 },
    });
    expect(JSON.parse(planned[1].payload)).toEqual({
      event: 'order.completed',
      timestamp: event.timestamp,
      webhook_id: 'hook',
      data: { n: 1 },
    });
  });

  it('shapes each planned payload with its include_fields', () => {
    matcher.load([
      makeSubscription({ id: 'trimmed', events: ['*'], includeFields: ['workflow_id', 'output_data.order_id'] }),
      makeSubscription({ id: 'full', events: ['*'] }),
    ]);
    const data = { workflow_id: 'wf_1', credits_used: 4.5, output_data: { order_id: 'o1', secret: 'x' } };
    const planned = matcher.plan(createEvent('workflow.execution.completed', data), T0);
    const byId = Object.fromEntries(planned.map((d) => [d.subscriptionId, JSON.parse(d.payload).data]));
    expect(byId.trimmed).toEqual({ workflow_id: 'wf_1', output_data: { order_id: 'o1' } });
    expect(byId.full).toEqual(data);
  });

  it('gives each delivery of one event the payload of its own format, projection, organization and project', () => {
    matcher.load([
      makeSubscription({ id: 'env-1', events: ['*'] }),
      makeSubscription({ id: 'env-2', events: ['*'] }),
      makeSubscription({ id: 'trimmed', events: ['*'], includeFields: ['n'] }),
      makeSubscription({ id: 'event-1', events: ['*'], payloadFormat: 'event' }),
      makeSubscription({ id: 'event-2', events: ['*'], payloadFormat: 'event' }),
      makeSubscription({ id: 'hook-1', events: ['*'], payloadFormat: 'webhook' }),
      makeSubscription({ id: 'hook-2', events: ['*'], payloadFormat: 'webhook' }),
      makeSubscription({ id: 'org-a', events: ['*'], payloadFormat: 'organization', workspace: 'org-a' }),
      makeSubscription({
        id: 'org-a-p',
        events: ['*'],
        payloadFormat: 'organization',
        workspace: 'org-a',
        metadata: { project: 'p' },
      }),
      makeSubscription({ id: 'org-none', events: ['*'], payloadFormat: 'organization' }),
    ]);
    const event = createEvent('order.completed', { n: 1, secret: 'x' }, { organization: 'org-a' }, new Date(T0));
    const planned = matcher.plan(event, T0);
    expect(planned).toHaveLength(10);
    // Shared or not, every payload is what serialising for that webhook alone gives.
    for (const delivery of planned) {
      const { subscription, rules } = matcher.get(delivery.subscriptionId)!;
      expect(delivery.payload).toBe(toDelivery(event, subscription, rules, T0, RETENTION_MS).payload);
    }
    const payloadOf = (id: string) => JSON.parse(planned.find((d) => d.subscriptionId === id)!.payload);
    expect(payloadOf('trimmed').data).toEqual({ n: 1 });
    expect(payloadOf('env-2').data).toEqual({ n: 1, secret: 'x' });
    expect([payloadOf('hook-1').webhook_id, payloadOf('hook-2').webhook_id]).toEqual(['hook-1', 'hook-2']);
    expect(
      [payloadOf('org-a'), payloadOf('org-a-p'), payloadOf('org-none')].map((p) => [p.organization, p.project]),
    ).toEqual([
      ['org-a', null],
      ['org-a', 'p'],
      ['org-a', null],
    ]);
  });

  it('plans nothing for an event no one wants', () => {
    matcher.load([makeSubscription({ id: 'a', events: ['order.completed'] })]);
    expect(matcher.plan(createEvent('order.refunded', {}), T0)).toEqual([]);
  });
});

describe('count', () => {
  it('counts the subscriptions an event goes to, as match does, without counting budget stops', () => {
    const matcher = createMatcher({ retentionMs: RETENTION_MS });
    matcher.load([
      makeSubscription({ id: 'a', events: ['order.*'] }),
      makeSubscription({ id: 'b', events: ['order.completed'], conditions: { total: { gt: 10 } } }),
      makeSubscription({ id: 'c', events: ['user.*'] }),
    ]);
    const event = createEvent('order.completed', { total: 12 });
    expect(matcher.count(event)).toBe(matcher.match(event).length);
    expect(matcher.count(event)).toBe(2);
    expect(matcher.budgetExceeded).toBe(0);
  });
});
