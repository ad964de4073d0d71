/**
 * Matches events to subscriptions. Subscriptions are compiled once when they change (rules to
 * JSON-logic closures, include_fields to a projector) and indexed by event type: exact names in a
 * map, `group.*` by prefix, `*` apart, so an event only meets the subscriptions that could want
 * it, never a scan of all of them.
 */
import type { EventEnvelope } from '../events/envelope.js';
import { createId } from '../events/ids.js';
import { serializePayload } from '../message/index.js';
import { compileRules, matchesEventPattern, type CompiledRules } from '../rules/index.js';
import type { NewDelivery } from '../store/types.js';
import type { Subscription } from '../store/records.js';

export interface CompiledSubscription {
  subscription: Subscription;
  readonly rules: CompiledRules;
}

export interface Matcher {
  /** Replaces all subscriptions (at start, or after another process changed them). */
  load(subscriptions: readonly Subscription[]): void;
  upsert(subscription: Subscription): void;
  /** New health or state fields only (after attempts): no recompiling, no reindexing. */
  patch(id: string, fields: Partial<Subscription>): void;
  remove(id: string): void;
  get(id: string): CompiledSubscription | undefined;
  /** Every subscription, compiled. */
  entries(): IterableIterator<CompiledSubscription>;
  /** The subscriptions that want this event, rules applied. */
  match(event: EventEnvelope): CompiledSubscription[];
  /** One delivery row per matching subscription, payload shaped for each. */
  plan(event: EventEnvelope, nowMs?: number): NewDelivery[];
  /**
   * The delivery row for one named subscription if its patterns and rules want the event, else
   * null. Enabled or not, and events about itself included: a replay is asked for explicitly.
   */
  planFor(id: string, event: EventEnvelope, nowMs?: number): NewDelivery | null;
  readonly size: number;
}

export function createMatcher(options: { retentionMs: number }): Matcher {
  const byId = new Map<string, CompiledSubscription>();
  let exact = new Map<string, CompiledSubscription[]>();
  let groups = new Map<string, CompiledSubscription[]>();
  let everything: CompiledSubscription[] = [];

  const reindex = (): void => {
    exact = new Map();
    groups = new Map();
    everything = [];
    for (const entry of byId.values()) {
      if (entry.subscription.kind !== 'api') continue;
      for (const pattern of new Set(entry.subscription.events)) {
        if (pattern === '*') everything.push(entry);
        else if (pattern.endsWith('.*')) push(groups, pattern.slice(0, -1), entry);
        else push(exact, pattern, entry);
      }
    }
  };
  const compile = (subscription: Subscription): CompiledSubscription => ({
    subscription,
    rules: compileRules({
      conditions: subscription.conditions ?? undefined,
      filters: subscription.filters ?? undefined,
      include_fields: subscription.includeFields ?? undefined,
    }),
  });

  const match = (event: EventEnvelope): CompiledSubscription[] => {
    const candidates = new Set<CompiledSubscription>(exact.get(event.type));
    for (let dot = event.type.indexOf('.'); dot !== -1; dot = event.type.indexOf('.', dot + 1)) {
      for (const entry of groups.get(event.type.slice(0, dot + 1)) ?? []) candidates.add(entry);
    }
    for (const entry of everything) candidates.add(entry);
    const aboutItself = (event.data as { webhook_id?: unknown } | null)?.webhook_id;
    // A webhook gets the events that happen once it exists: the fan-out may run a moment after an
    // event was written, and a webhook created in that moment must not receive it.
    const happenedAtMs = Date.parse(event.timestamp);
    const matched: CompiledSubscription[] = [];
    for (const entry of candidates) {
      const { subscription } = entry;
      // An endpoint never receives the operational events about its own failures.
      if (!subscription.enabled || subscription.id === aboutItself) continue;
      if (subscription.createdAtMs > happenedAtMs) continue;
      if (entry.rules.matches(event)) matched.push(entry);
    }
    return matched;
  };

  return {
    load(subscriptions) {
      byId.clear();
      for (const subscription of subscriptions) byId.set(subscription.id, compile(subscription));
      reindex();
    },
    upsert(subscription) {
      byId.set(subscription.id, compile(subscription));
      reindex();
    },
    patch(id, fields) {
      const entry = byId.get(id);
      // The index holds the entry object, so replacing its subscription updates every list.
      if (entry) entry.subscription = { ...entry.subscription, ...fields };
    },
    remove(id) {
      byId.delete(id);
      reindex();
    },
    get: (id) => byId.get(id),
    entries: () => byId.values(),
    match,
    plan(event, nowMs = Date.now()) {
      return match(event).map(({ subscription, rules }) =>
        toDelivery(event, subscription, rules, nowMs, options.retentionMs),
      );
    },
    planFor(id, event, nowMs = Date.now()) {
      const entry = byId.get(id);
      if (!entry) return null;
      const { subscription, rules } = entry;
      if (!subscription.events.some((pattern) => matchesEventPattern(pattern, event.type))) return null;
      if (!rules.matches(event)) return null;
      return toDelivery(event, subscription, rules, nowMs, options.retentionMs);
    },
    get size() {
      return byId.size;
    },
  };
}

export function toDelivery(
  event: EventEnvelope,
  subscription: Subscription,
  rules: CompiledRules | null,
  nowMs: number,
  retentionMs: number,
): NewDelivery {
  const data = rules ? rules.project(event.data) : event.data;
  return {
    id: createId('del', nowMs),
    subscriptionId: subscription.id,
    eventId: event.id,
    eventType: event.type,
    payload: serializePayload(event, subscription.payloadFormat, subscription.id, data),
    nextAttemptAtMs: nowMs,
    expiresAtMs: nowMs + retentionMs,
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
