/**
 * Subscription rules between the API and the store: whatever is accepted at save time loads at
 * the next start (property-based, over hostile conditions), loading never throws, and a rule
 * over its work budget is counted and reported at most once per webhook per minute.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMatcher, type BudgetReport } from '../../../engine/delivery/matcher.js';
import { createSubscriptions, type Subscriptions } from '../../../engine/delivery/subscriptions.js';
import { HooklineError } from '../../../engine/errors.js';
import { createEvent } from '../../../engine/events/envelope.js';
import { TUNING } from '../../../engine/tuning.js';
import { createTempStore, type TempStore } from '../../helpers/store.js';
import { makeSubscription } from '../../helpers/records.js';

const SETTINGS = {
  allowPrivateTargets: true,
  maxSubscriptionsPerWorkspace: 100_000,
  deliveryTimeoutMs: 10_000,
  rotationOverlapSec: 60,
};

let temp: TempStore;
let subscriptions: Subscriptions;
beforeEach(async () => {
  temp = await createTempStore();
  subscriptions = createSubscriptions(temp.store, createMatcher({ retentionMs: 60_000 }), SETTINGS);
});
afterEach(async () => {
  await temp.close();
});

/** Conditions-like JSON with hostile leaves: non-finite numbers, -0, operator keys in odd places. */
const { node: hostileRule } = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.double(), // Infinity, -Infinity, NaN and -0 included
    fc.integer(),
    fc.string({ maxLength: 8 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(
      fc.constantFrom('n', 'a.b', 'lt', '$gt', 'in', '$in', 'eq', '$not', '$or', 'var', 'all', 'merge', 'cat', '<'),
      tie('node'),
      { maxKeys: 3 },
    ),
  ),
}));
const conditions = fc.dictionary(fc.constantFrom('n', 'a.b', '$or', '$not', 'var', 'some', '<', 'in'), hostileRule, {
  minKeys: 1,
  maxKeys: 3,
});

describe('rules saved through subscriptions', () => {
  it('are refused with INVALID_INPUT, or stored in a form that loads', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(conditions, async (rule) => {
        try {
          await subscriptions.create({ url: 'http://127.0.0.1:9/x', events: ['agent.*'], conditions: rule });
          accepted++;
        } catch (error) {
          expect(error).toBeInstanceOf(HooklineError);
          expect((error as HooklineError).code).toBe('INVALID_INPUT');
          expect(typeof (error as HooklineError).details?.field).toBe('string');
        }
      }),
      { numRuns: 300, seed: 7 },
    );
    expect(accepted).toBeGreaterThan(10);
    // A restart's load: every stored row compiles.
    const stored = await temp.store.listSubscriptions();
    expect(stored).toHaveLength(accepted);
    expect(createMatcher({ retentionMs: 60_000 }).load(stored)).toEqual([]);
  });

  it('keeps the stored row untouched when a change fails', async () => {
    const { subscription } = await subscriptions.create({
      name: 'Before',
      url: 'http://127.0.0.1:9/x',
      events: ['agent.*'],
      conditions: { n: { lt: 3 } },
    });
    const before = await temp.store.getSubscription(subscription.id);
    await expect(
      subscriptions.update(subscription.id, { name: 'After', conditions: { n: { lt: Infinity } } }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { field: 'conditions.n.lt' } });
    await expect(
      subscriptions.update(subscription.id, { name: 'After', filters: { 'agent.*': { n: { gt: {} } } } }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await temp.store.getSubscription(subscription.id)).toEqual(before);
  });
});

describe('matcher load and budget', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('loads every subscription, returning those whose rules do not compile (they match nothing)', () => {
    const matcher = createMatcher({ retentionMs: 60_000 });
    const failures = matcher.load([
      makeSubscription({ id: 'bad', events: ['*'], conditions: { n: { lt: null } } }),
      makeSubscription({ id: 'good', events: ['*'], conditions: { n: { lt: 3 } } }),
      makeSubscription({ id: 'odd', events: ['*'], conditions: 'not an object' }),
    ]);
    expect(failures.map((f) => [f.subscription.id, f.field])).toEqual([
      ['bad', 'conditions.n.lt'],
      ['odd', 'conditions'],
    ]);
    expect(failures[0].reason).toContain('conditions.n.lt');
    expect(matcher.size).toBe(3);
    expect(matcher.match(createEvent('a.b', { n: 1 })).map((e) => e.subscription.id)).toEqual(['good']);
  });

  it('counts every evaluation over budget and reports once per webhook per minute', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const reports: BudgetReport[] = [];
    const matcher = createMatcher({ retentionMs: 60_000, onBudgetExceeded: (report) => reports.push(report) });
    let rule: unknown = { '==': [1, 1] };
    for (let i = 0; i < 6; i++) rule = { all: [{ var: '$event.data.list' }, rule] };
    matcher.load([
      makeSubscription({ id: 'hostile', events: ['*'], conditions: rule, createdAtMs: 0 }),
      makeSubscription({ id: 'plain', events: ['*'], createdAtMs: 0 }),
    ]);
    const event = () => createEvent('a.b', { list: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    for (let i = 0; i < 3; i++) expect(matcher.match(event()).map((e) => e.subscription.id)).toEqual(['plain']);
    expect(matcher.budgetExceeded).toBe(3);
    expect(reports.map((r) => r.subscription.id)).toEqual(['hostile']);
    vi.setSystemTime(Date.now() + TUNING.rules.budgetReportEveryMs);
    expect(matcher.planFor('hostile', event())).toBeNull();
    expect(matcher.budgetExceeded).toBe(4);
    expect(reports).toHaveLength(2);
  });
});
