/**
 * Matches events to subscriptions. Subscriptions are compiled once when they change (rules to
 * JSON-logic closures, include_fields to a projector) and indexed by event type: exact names in a
 * map, `group.*` by prefix, `*` apart, so an event only meets the subscriptions that could want
 * it, never a scan of all of them. A webhook of an organization takes only that organization's
 * events (`events/organization.ts`); one of the default workspace takes every event.
 *
 * Loading never fails: a stored subscription whose rules no longer compile (written by an older
 * version, edited by hand) is kept with rules that match nothing and reported back, so the caller
 * can disable it. A rule stopped by the work budget counts as "no match" and is counted.
 */
import type { EventEnvelope, PayloadContext } from '../events/envelope.js';
import { createId } from '../events/ids.js';
import { eventOrganization, isInOrganization } from '../events/organization.js';
import { serializePayload } from '../message/index.js';
import { HooklineError } from '../errors.js';
import { compileRules, lastEvaluationSteps, matchesEventPattern, type CompiledRules } from '../rules/index.js';
import { TUNING } from '../tuning.js';
import type { NewDelivery } from '../store/types.js';
import type { Subscription } from '../store/records.js';

export interface CompiledSubscription {
  subscription: Subscription;
  readonly rules: CompiledRules;
}

/** A stored subscription whose rules did not compile when loaded; it matches nothing. */
export interface LoadFailure {
  subscription: Subscription;
  /** The compile error's message, naming the bad field. */
  reason: string;
  /** The bad field (`conditions.n.lt`), when the error named one. */
  field: string | null;
}

/** A rule stopped by the work budget while matching one event. */
export interface BudgetReport {
  subscription: Subscription;
  event: EventEnvelope;
  steps: number;
}

export interface Matcher {
  /**
   * Replaces all subscriptions (at start, or after another process changed them). Never throws:
   * subscriptions whose rules do not compile are returned, and match nothing.
   */
  load(subscriptions: readonly Subscription[]): LoadFailure[];
  /** Compiles a subscription's rules as `upsert` would. @throws HooklineError INVALID_INPUT naming the field. */
  compile(subscription: Subscription): CompiledRules;
  /** `rules`: already compiled by `compile`, so they are not compiled twice. */
  upsert(subscription: Subscription, rules?: CompiledRules): void;
  /** New health or state fields only (after attempts): no recompiling, no reindexing. */
  patch(id: string, fields: Partial<Subscription>): void;
  remove(id: string): void;
  get(id: string): CompiledSubscription | undefined;
  /** Every subscription, compiled. */
  entries(): IterableIterator<CompiledSubscription>;
  /**
   * How many subscriptions want this event, rules applied, without counting or reporting a rule
   * stopped by its budget (the fan-out does that when it plans the event).
   */
  count(event: EventEnvelope): number;
  /** The subscriptions that want this event, rules applied. */
  match(event: EventEnvelope): CompiledSubscription[];
  /** One delivery row per matching subscription, payload shaped for each. */
  plan(event: EventEnvelope, nowMs?: number): NewDelivery[];
  /**
   * The delivery row for one named subscription if its patterns and rules want the event, else
   * null. Enabled or not, and events about itself included: a replay is asked for explicitly.
   */
  planFor(id: string, event: EventEnvelope, nowMs?: number): NewDelivery | null;
  /**
   * Whether any webhook (enabled or not, of any organization) has an event pattern that takes this
   * type, rules aside. An event no webhook takes can never be delivered, nor replayed later: a webhook
   * receives (and replays) only events that happen once it exists.
   */
  hasPatternFor(type: string): boolean;
  readonly size: number;
  /** Evaluations stopped by the rule work budget since start (each counted as "no match"). */
  readonly budgetExceeded: number;
}

export interface MatcherOptions {
  retentionMs: number;
  /**
   * Told when a rule runs over its work budget, at most once per subscription per
   * `TUNING.rules.budgetReportEveryMs` (the count in `budgetExceeded` has them all).
   */
  onBudgetExceeded?: (report: BudgetReport) => void;
}

/** Rules that match nothing: what a subscription whose stored rules do not compile runs. */
const NO_MATCH: CompiledRules = Object.freeze({
  logic: null,
  includeFields: null,
  matches: () => false,
  verdict: () => 'no-match' as const,
  project: <T>(data: T) => data,
});

/** Events the delivery layer emits about one webhook's own health. */
const OPERATIONAL_EVENTS = new Set([
  'delivery.failing',
  'delivery.exhausted',
  'delivery.recovered',
  'webhook.disabled',
  'webhook.rule_budget_exceeded',
]);

export function createMatcher(options: MatcherOptions): Matcher {
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
  const compile = (subscription: Subscription): CompiledRules =>
    compileRules({
      conditions: subscription.conditions ?? undefined,
      filters: subscription.filters ?? undefined,
      include_fields: subscription.includeFields ?? undefined,
    });

  let budgetExceeded = 0;
  const reportedAtMs = new Map<string, number>();
  /** The verdict as a boolean, counting (and reporting, rate-limited) a rule over budget. */
  const wants = (entry: CompiledSubscription, event: EventEnvelope): boolean => {
    const verdict = entry.rules.verdict(event);
    if (verdict !== 'over-budget') return verdict === 'match';
    budgetExceeded++;
    const steps = lastEvaluationSteps();
    const nowMs = Date.now();
    const last = reportedAtMs.get(entry.subscription.id);
    if (options.onBudgetExceeded && (last === undefined || nowMs - last >= TUNING.rules.budgetReportEveryMs)) {
      reportedAtMs.set(entry.subscription.id, nowMs);
      options.onBudgetExceeded({ subscription: entry.subscription, event, steps });
    }
    return false;
  };

  /** The enabled subscriptions whose event patterns take this event, before their rules run. */
  const candidatesFor = (event: EventEnvelope): CompiledSubscription[] => {
    const candidates = new Set<CompiledSubscription>(exact.get(event.type));
    for (let dot = event.type.indexOf('.'); dot !== -1; dot = event.type.indexOf('.', dot + 1)) {
      for (const entry of groups.get(event.type.slice(0, dot + 1)) ?? []) candidates.add(entry);
    }
    for (const entry of everything) candidates.add(entry);
    // Only the engine's own operational events name a webhook that must not hear about itself:
    // anywhere else `webhook_id` is caller data and must not silence a webhook.
    const aboutItself = OPERATIONAL_EVENTS.has(event.type)
      ? (event.data as { webhook_id?: unknown } | null)?.webhook_id
      : undefined;
    // A webhook gets the events that happen once it exists: the fan-out may run a moment after an
    // event was written, and a webhook created in that moment must not receive it.
    const happenedAtMs = Date.parse(event.timestamp);
    const organization = eventOrganization(event);
    return [...candidates].filter(
      ({ subscription }) =>
        subscription.enabled &&
        subscription.id !== aboutItself &&
        subscription.createdAtMs <= happenedAtMs &&
        isInOrganization(subscription.workspace, organization),
    );
  };

  const match = (event: EventEnvelope): CompiledSubscription[] =>
    candidatesFor(event).filter((entry) => wants(entry, event));

  const hasPatternFor = (type: string): boolean => {
    if (everything.length > 0 || exact.has(type)) return true;
    for (let dot = type.indexOf('.'); dot !== -1; dot = type.indexOf('.', dot + 1))
      if (groups.has(type.slice(0, dot + 1))) return true;
    return false;
  };

  return {
    hasPatternFor,
    load(subscriptions) {
      byId.clear();
      const failures: LoadFailure[] = [];
      for (const subscription of subscriptions) {
        let rules = NO_MATCH;
        try {
          rules = compile(subscription);
        } catch (error) {
          failures.push({ subscription, ...describeFailure(error) });
        }
        byId.set(subscription.id, { subscription, rules });
      }
      reindex();
      return failures;
    },
    compile,
    upsert(subscription, rules) {
      byId.set(subscription.id, { subscription, rules: rules ?? compile(subscription) });
      reindex();
    },
    patch(id, fields) {
      const entry = byId.get(id);
      // The index holds the entry object, so replacing its subscription updates every list.
      if (entry) entry.subscription = { ...entry.subscription, ...fields };
    },
    remove(id) {
      byId.delete(id);
      reportedAtMs.delete(id);
      reindex();
    },
    get: (id) => byId.get(id),
    count: (event) => candidatesFor(event).filter((entry) => entry.rules.verdict(event) === 'match').length,
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
      if (!isInOrganization(subscription.workspace, eventOrganization(event))) return null;
      if (!wants(entry, event)) return null;
      return toDelivery(event, subscription, rules, nowMs, options.retentionMs);
    },
    get size() {
      return byId.size;
    },
    get budgetExceeded() {
      return budgetExceeded;
    },
  };
}

function describeFailure(error: unknown): { reason: string; field: string | null } {
  if (!(error instanceof HooklineError)) return { reason: String(error), field: null };
  const field = (error.details as { field?: unknown } | undefined)?.field;
  return { reason: error.message, field: typeof field === 'string' ? field : null };
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
    payload: serializePayload(event, subscription.payloadFormat, payloadContext(subscription), data),
    nextAttemptAtMs: nowMs,
    expiresAtMs: nowMs + retentionMs,
  };
}

/** What the payload formats may name besides the event: the webhook, its organization and project. */
function payloadContext(subscription: Subscription): PayloadContext {
  const project = subscription.metadata?.project;
  return {
    webhookId: subscription.id,
    // A sender node's internal subscription belongs to no organization (the node posts it inline as null too).
    organization: subscription.kind === 'node' ? null : subscription.workspace,
    project: typeof project === 'string' ? project : null,
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
