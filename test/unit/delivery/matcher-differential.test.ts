/**
 * The indexed matcher (slots by event type, rules shared between subscriptions, free conditions
 * split and decided once per event) against the plainest reading of the rules: every
 * subscription, its patterns scanned, its own freshly compiled rules evaluated whole. Random
 * subscriptions and events; both must pick the same subscriptions and count the same budget stops.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMatcher } from '../../../engine/delivery/matcher.js';
import { createEvent, type EventEnvelope } from '../../../engine/events/envelope.js';
import { eventOrganization, isInOrganization } from '../../../engine/events/organization.js';
import { compileRules, matchesEventPattern } from '../../../engine/rules/index.js';
import type { Subscription } from '../../../engine/store/records.js';
import { makeSubscription, T0 } from '../../helpers/records.js';

const TYPES = ['order.created', 'order.paid', 'order.item.added', 'user.created', 'webhook.disabled'];
const PATTERNS = [...TYPES, 'order.*', 'order.item.*', 'user.*', 'webhook.*', '*'];
const ORGANIZATIONS = ['default', 'org-a', 'org-b'];

const field = fc.constantFrom('amount', 'tier', 'status', 'customer.tier', 'tags', 'absent', '$event.type');
const scalar = fc.oneof(
  fc.integer({ min: 0, max: 5 }),
  fc.constantFrom('gold', 'basic', 'paid', 'open', 'order.paid', ''),
  fc.boolean(),
  fc.constant(null),
);

/** One field condition in the shorthand (free ones, and `contains`, which is charged). */
const fieldCondition = fc.oneof(
  scalar,
  fc.array(scalar, { minLength: 1, maxLength: 3 }),
  fc.record({ gt: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ lte: fc.integer({ min: 0, max: 5 }), ne: scalar }),
  fc.record({ exists: fc.boolean() }),
  fc.record({ startsWith: fc.constantFrom('go', 'pa', '') }),
  fc.record({ contains: fc.constantFrom('vip', 'a') }),
  fc.record({ $not: fc.record({ in: fc.array(scalar, { minLength: 1, maxLength: 2 }) }) }),
);
const shorthand = fc.dictionary(field, fieldCondition, { minKeys: 1, maxKeys: 3 });

/** Raw JSON-logic, including shapes that cannot be split and one that runs over budget on long lists. */
const jsonLogic = fc.oneof(
  fc.constant({ and: [] }),
  fc.constant({ or: [{ '>': [{ var: 'amount' }, 2] }, { '===': [{ var: 'tier' }, 'gold'] }] }),
  fc.constant({ and: [{ '<': [1, { var: 'amount' }, 4] }, { '!!': [{ var: 'status' }] }] }),
  fc.constant({ '>': [{ '+': [{ var: 'amount' }, 1] }, 3] }),
  fc.constant({ all: [{ var: 'tags' }, { all: [{ var: '$event.data.tags' }, { '==': [1, 1] }] }] }),
  fc.constant({ and: [{ '===': [{ var: 'status' }, 'paid'] }, { and: [{ in: [{ var: 'tier' }, ['gold']] }] }] }),
);

const conditions = fc.oneof(fc.constant(null), shorthand, jsonLogic);
const filters = fc.oneof(
  fc.constant(null),
  fc.dictionary(fc.constantFrom(...PATTERNS), shorthand, { minKeys: 1, maxKeys: 2 }),
);

const subscriptionFields = fc.record({
  events: fc.uniqueArray(fc.constantFrom(...PATTERNS), { minLength: 1, maxLength: 3 }),
  workspace: fc.constantFrom(...ORGANIZATIONS),
  enabled: fc.boolean(),
  kind: fc.constantFrom('api', 'api', 'api', 'node') as fc.Arbitrary<Subscription['kind']>,
  createdAtMs: fc.constantFrom(T0 - 1000, T0, T0 + 1),
  conditions,
  filters,
});

const eventFields = fc.record({
  type: fc.constantFrom(...TYPES),
  amount: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(null), fc.constant('3')),
  tier: fc.constantFrom('gold', 'basic', undefined),
  status: fc.constantFrom('paid', 'open', undefined),
  customer: fc.option(fc.record({ tier: fc.constantFrom('gold', 'vip') }), { nil: undefined }),
  tags: fc.oneof(fc.constant(undefined), fc.constant(['vip', 'a']), fc.constant(Array.from({ length: 200 }, () => 1))),
  webhookId: fc.constantFrom('wh_0', 'wh_1', undefined),
  organization: fc.constantFrom('org-a', 'org-b', 'org-c', undefined),
});

type EventFields = typeof eventFields extends fc.Arbitrary<infer T> ? T : never;

function toEvent({ type, organization, webhookId, ...data }: EventFields): EventEnvelope {
  const metadata = organization === undefined ? undefined : { organization };
  return createEvent(type, { ...data, webhook_id: webhookId }, metadata, new Date(T0));
}

/** The verdicts the plainest reading gives: who gets the event, and how many rules ran over budget. */
function naive(subscriptions: readonly Subscription[], event: EventEnvelope) {
  const ids: string[] = [];
  let overBudget = 0;
  for (const subscription of subscriptions) {
    if (subscription.kind !== 'api' || !subscription.enabled) continue;
    if (!subscription.events.some((pattern) => matchesEventPattern(pattern, event.type))) continue;
    if (subscription.createdAtMs > Date.parse(event.timestamp)) continue;
    if (!isInOrganization(subscription.workspace, eventOrganization(event))) continue;
    const operational = event.type === 'webhook.disabled';
    if (operational && (event.data as { webhook_id?: string }).webhook_id === subscription.id) continue;
    const verdict = compileRules({
      conditions: subscription.conditions ?? undefined,
      filters: subscription.filters ?? undefined,
    }).verdict(event);
    if (verdict === 'match') ids.push(subscription.id);
    if (verdict === 'over-budget') overBudget++;
  }
  return { ids: ids.sort(), overBudget };
}

describe('indexed matcher', () => {
  it('picks the same subscriptions as scanning every one and evaluating its rules whole', () => {
    fc.assert(
      fc.property(
        fc.array(subscriptionFields, { minLength: 1, maxLength: 40 }),
        fc.array(eventFields, { minLength: 1, maxLength: 8 }),
        (fields, events) => {
          const subscriptions = fields.map((f, i) => makeSubscription({ ...f, id: `wh_${i}` }));
          const matcher = createMatcher({ retentionMs: 60_000 });
          expect(matcher.load(subscriptions)).toEqual([]);
          for (const event of events.map(toEvent)) {
            const expected = naive(subscriptions, event);
            const before = matcher.budgetExceeded;
            const ids = matcher.match(event).map((entry) => entry.subscription.id);
            expect(ids.sort()).toEqual(expected.ids);
            expect(matcher.budgetExceeded - before).toBe(expected.overBudget);
            expect(matcher.count(event)).toBe(expected.ids.length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays equal through upserts, patches and removals', () => {
    fc.assert(
      fc.property(
        fc.array(subscriptionFields, { minLength: 2, maxLength: 20 }),
        fc.array(fc.tuple(fc.nat(19), subscriptionFields, fc.boolean()), { maxLength: 10 }),
        eventFields,
        (fields, changes, eventInput) => {
          const event = toEvent(eventInput);
          let subscriptions = fields.map((f, i) => makeSubscription({ ...f, id: `wh_${i}` }));
          const matcher = createMatcher({ retentionMs: 60_000 });
          matcher.load(subscriptions);
          matcher.match(event);
          for (const [at, change, disable] of changes) {
            const id = `wh_${at % fields.length}`;
            if (disable) {
              matcher.patch(id, { enabled: false });
              subscriptions = subscriptions.map((s) => (s.id === id ? { ...s, enabled: false } : s));
            } else if (change.kind === 'node') {
              matcher.remove(id);
              subscriptions = subscriptions.filter((s) => s.id !== id);
            } else {
              const replaced = makeSubscription({ ...change, id });
              matcher.upsert(replaced);
              subscriptions = [...subscriptions.filter((s) => s.id !== id), replaced];
            }
            const ids = matcher.match(event).map((entry) => entry.subscription.id);
            expect(ids.sort()).toEqual(naive(subscriptions, event).ids);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('shares one compiled copy of equal rules', () => {
    const rules = { conditions: { amount: { gt: 2 } }, filters: { 'order.*': { status: 'paid' } } };
    const matcher = createMatcher({ retentionMs: 60_000 });
    matcher.load([makeSubscription({ id: 'a', ...rules }), makeSubscription({ id: 'b', ...rules })]);
    expect(matcher.get('a')?.rules).toBe(matcher.get('b')?.rules);
  });
});
