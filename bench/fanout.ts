/**
 * Figure 3, fan-out matching: one event against many subscriptions (exact types, `group.*`
 * patterns, a few `*`; 30 % with conditions and/or per-type filters). Hookline's matcher
 * (compiled rules, indexed by event type) versus the naive way: scan every subscription's
 * patterns and apply json-logic-js to every subscription that has rules.
 */
import { blankSubscription } from '../engine/delivery/subscriptions.js';
import { createMatcher } from '../engine/delivery/matcher.js';
import type { Subscription } from '../engine/store/records.js';
import { createEvent, type EventEnvelope } from '../engine/events/envelope.js';
import { compileRules, matchesEventPattern } from '../engine/rules/index.js';
import { jsonLogic, truthy } from '../engine/rules/json-logic.js';
import type { BenchOptions } from './options.js';
import { alternate, median, ratio } from './stats.js';
import type { Row } from './table.js';

const GROUPS = ['order', 'payment', 'user', 'workflow', 'agent', 'invoice', 'shipment', 'ticket', 'function', 'file'];
const ACTIONS = ['created', 'updated', 'deleted', 'completed', 'failed'];

/** Deterministic, so every run and both sides see the same subscriptions. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function eventPatterns(random: () => number): string[] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const roll = random();
  if (roll < 0.02) return ['*'];
  if (roll < 0.22) return [`${pick(GROUPS)}.*`];
  return Array.from({ length: 1 + Math.floor(random() * 3) }, () => `${pick(GROUPS)}.${pick(ACTIONS)}`);
}

/** Conditions (shorthand), per-type filters, or both, on 30 % of the subscriptions. */
function rulesFor(random: () => number, events: string[]): Pick<Subscription, 'conditions' | 'filters'> {
  const roll = random();
  if (roll >= 0.3) return { conditions: null, filters: null };
  const conditions = {
    amount: { gt: Math.floor(random() * 200) },
    'customer.tier': random() < 0.5 ? ['gold', 'vip'] : ['basic'],
  };
  const filters = { [events[0]]: { status: random() < 0.7 ? 'paid' : 'open', currency: { in: ['EUR', 'USD'] } } };
  if (roll < 0.1) return { conditions, filters: null };
  if (roll < 0.2) return { conditions: null, filters };
  return { conditions, filters };
}

export function makeSubscriptions(count: number): Subscription[] {
  const random = seededRandom(7);
  // Made an hour ago: a webhook only gets events that happen after it exists.
  const nowMs = Date.now() - 3_600_000;
  return Array.from({ length: count }, (_, i) => {
    const events = eventPatterns(random);
    return {
      ...blankSubscription(nowMs, { deliveryTimeoutMs: 10_000 }),
      id: `wh_bench_${i}`,
      url: `https://example.com/hooks/${i}`,
      events,
      ...rulesFor(random, events),
    };
  });
}

export const BENCH_EVENT: EventEnvelope = createEvent('order.created', {
  amount: 120,
  currency: 'EUR',
  status: 'paid',
  customer: { id: 'cus_1', tier: 'gold', country: 'DE' },
  items: [
    { sku: 'a', qty: 2 },
    { sku: 'b', qty: 1 },
  ],
});

/** The naive matcher: every subscription's patterns, json-logic-js on every subscription with rules. */
function createNaiveMatcher(subscriptions: readonly Subscription[]) {
  const entries = subscriptions.map((subscription) => ({
    subscription,
    logic: compileRules({
      conditions: subscription.conditions ?? undefined,
      filters: subscription.filters ?? undefined,
    }).logic,
  }));
  return (event: EventEnvelope): number => {
    const context = { ...(event.data as object), $event: event };
    let matched = 0;
    for (const { subscription, logic } of entries) {
      const wanted = logic === null || truthy(jsonLogic.apply(logic as never, context));
      if (wanted && subscription.events.some((pattern) => matchesEventPattern(pattern, event.type))) matched++;
    }
    return matched;
  };
}

/** The issue's target for 100,000 subscriptions of this mix (it was 1 ms at 10,000). */
const TARGET_MS = 0.5;

/** Median milliseconds per call over `iterations` calls. */
function timeCalls(iterations: number, call: () => number): { ms: number; matched: number } {
  const samples: number[] = [];
  let matched = 0;
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    matched = call();
    samples.push(performance.now() - started);
  }
  return { ms: median(samples), matched };
}

export async function benchFanout(options: BenchOptions): Promise<Row[]> {
  const { rounds, subscriptions: count, iterations } = options.matcher;
  const subscriptions = makeSubscriptions(count);
  const matcher = createMatcher({ retentionMs: 86_400_000 });
  matcher.load(subscriptions);
  const naive = createNaiveMatcher(subscriptions);
  // The first event of a type merges its candidates and plans its rules: not what each event costs.
  matcher.match(BENCH_EVENT);
  const { a, b } = await alternate(
    rounds,
    async () => timeCalls(iterations, () => matcher.match(BENCH_EVENT).length),
    // The naive scan takes about a thousand times as long: a few calls give its median.
    async () => timeCalls(Math.max(3, Math.ceil(iterations / 100)), () => naive(BENCH_EVENT)),
  );
  const hookline = median(a.map((r) => r.ms));
  const baseline = median(b.map((r) => r.ms));
  const agree = a[0].matched === b[0].matched;
  options.log(
    `fan-out match: hookline ${hookline.toFixed(4)} ms, naive ${baseline.toFixed(3)} ms, matched ${a[0].matched}/${b[0].matched}`,
  );
  return [
    {
      figure: `fan-out match: 1 event vs ${count.toLocaleString('en-US')} subscriptions`,
      hookline,
      baseline,
      unit: 'ms',
      ratio: ratio(hookline, baseline),
      target: `≤ ${TARGET_MS} ms`,
      pass: hookline <= TARGET_MS && agree,
      note: `Median per event; baseline = naive json-logic-js over every subscription. Speed-up ${(baseline / hookline).toFixed(0)}×; both matched ${a[0].matched}${agree ? '' : ` vs ${b[0].matched} (DISAGREE)`} subscriptions.`,
    },
  ];
}
