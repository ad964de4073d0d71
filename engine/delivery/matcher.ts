/**
 * Matches events to subscriptions. Subscriptions are compiled once when they change (rules to
 * JSON-logic closures, include_fields to a projector; equal rules share one copy, see
 * shared-rules.ts) and indexed by event type (matcher-index.ts): exact names, `group.*` by
 * prefix, `*` apart, so an event only meets the subscriptions that could want it, never a scan of
 * all of them, and each distinct rule runs once per event. A webhook of an organization takes only
 * that organization's events (`events/organization.ts`); one of the default workspace takes every
 * event.
 *
 * Loading never fails: a stored subscription whose rules no longer compile (written by an older
 * version, edited by hand) is kept with rules that match nothing and reported back, so the caller
 * can disable it. A rule stopped by the work budget counts as "no match" and is counted.
 */
import { payloadContextKey, type EventEnvelope, type PayloadContext } from '../events/envelope.js';
import { createId } from '../events/ids.js';
import { eventOrganization, isInOrganization } from '../events/organization.js';
import { serializePayload } from '../message/index.js';
import { HooklineError } from '../errors.js';
import { lastEvaluationSteps, matchesEventPattern, type CompiledRules } from '../rules/index.js';
import { TUNING } from '../tuning.js';
import type { NewDelivery } from '../store/types.js';
import type { Subscription } from '../store/records.js';
import { buildIndex, takesOrganization, UNCONDITIONAL, type SubscriptionIndex } from './matcher-index.js';
import { MATCH, OVER_BUDGET } from './rule-plans.js';
import { createRulesCache } from './shared-rules.js';

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
  unconditional: false,
  logicFor: () => false,
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
  const rules = createRulesCache();
  // Built on the first match after a change, so loading or upserting many costs one rebuild.
  let built: SubscriptionIndex | null = null;
  const index = (): SubscriptionIndex => (built ??= buildIndex(byId.values()));
  const changed = (): void => {
    built = null;
  };

  let budgetExceeded = 0;
  const reportedAtMs = new Map<string, number>();
  /** Counts (and reports, rate-limited) a rule stopped by its budget, which counts as "no match". */
  const overBudget = (entry: CompiledSubscription, event: EventEnvelope, steps: number): void => {
    budgetExceeded++;
    const nowMs = Date.now();
    const last = reportedAtMs.get(entry.subscription.id);
    if (options.onBudgetExceeded && (last === undefined || nowMs - last >= TUNING.rules.budgetReportEveryMs)) {
      reportedAtMs.set(entry.subscription.id, nowMs);
      options.onBudgetExceeded({ subscription: entry.subscription, event, steps });
    }
  };
  const wants = (entry: CompiledSubscription, event: EventEnvelope): boolean => {
    const verdict = entry.rules.verdict(event);
    if (verdict === 'over-budget') overBudget(entry, event, lastEvaluationSteps());
    return verdict === 'match';
  };

  /**
   * The enabled subscriptions whose patterns, organization and rules take this event. `report`:
   * count and report rules stopped by their budget (match), or not (count).
   */
  const select = (event: EventEnvelope, report: boolean): CompiledSubscription[] => {
    const lookup = index();
    const { entries, enabled, createdAtMs, workspace, rule } = lookup;
    const { slots, plans } = lookup.candidates(event.type);
    // A webhook gets the events that happen once it exists: the fan-out may run a moment after an
    // event was written, and a webhook created in that moment must not receive it.
    const happenedAtMs = Date.parse(event.timestamp);
    const organization = lookup.organizationCode(eventOrganization(event));
    const itself = aboutItself(event);
    const skip = itself === undefined ? -1 : (lookup.slotOf(itself) ?? -1);
    const verdicts = lookup.planner.verdicts(plans, event);
    const matched: CompiledSubscription[] = [];
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i];
      if (enabled[slot] === 0 || createdAtMs[slot] > happenedAtMs || slot === skip) continue;
      if (!takesOrganization(workspace[slot], organization)) continue;
      const code = rule[slot];
      const verdict = code === UNCONDITIONAL ? MATCH : verdicts.of(code);
      if (verdict === MATCH) matched.push(entries[slot]);
      else if (verdict === OVER_BUDGET && report) overBudget(entries[slot], event, verdicts.steps(code));
    }
    return matched;
  };

  return {
    hasPatternFor: (type) => index().hasPatternFor(type),
    load(subscriptions) {
      byId.clear();
      const failures: LoadFailure[] = [];
      for (const subscription of subscriptions) {
        let compiled = NO_MATCH;
        try {
          compiled = rules.compile(subscription);
        } catch (error) {
          failures.push({ subscription, ...describeFailure(error) });
        }
        byId.set(subscription.id, { subscription, rules: compiled });
      }
      rules.keepOnly(byId.values());
      changed();
      return failures;
    },
    compile: (subscription) => rules.compile(subscription),
    upsert(subscription, compiled) {
      byId.set(subscription.id, { subscription, rules: compiled ?? rules.compile(subscription) });
      changed();
    },
    patch(id, fields) {
      const entry = byId.get(id);
      if (!entry) return;
      // The index holds the entry object, so replacing its subscription updates every list.
      entry.subscription = { ...entry.subscription, ...fields };
      built?.refresh(id);
    },
    remove(id) {
      byId.delete(id);
      reportedAtMs.delete(id);
      changed();
    },
    get: (id) => byId.get(id),
    count: (event) => select(event, false).length,
    entries: () => byId.values(),
    match: (event) => select(event, true),
    plan(event, nowMs = Date.now()) {
      const payloads = new Map<string, string>();
      return select(event, true).map(({ subscription, rules: compiled }) =>
        toDelivery(event, subscription, compiled, nowMs, options.retentionMs, payloads),
      );
    },
    planFor(id, event, nowMs = Date.now()) {
      const entry = byId.get(id);
      if (!entry) return null;
      const { subscription } = entry;
      if (!subscription.events.some((pattern) => matchesEventPattern(pattern, event.type))) return null;
      if (!isInOrganization(subscription.workspace, eventOrganization(event))) return null;
      if (!wants(entry, event)) return null;
      return toDelivery(event, subscription, entry.rules, nowMs, options.retentionMs);
    },
    get size() {
      return byId.size;
    },
    get budgetExceeded() {
      return budgetExceeded;
    },
  };
}

/**
 * The webhook an operational event is about, which must not hear about itself. Only the engine's
 * own operational events name one: anywhere else `webhook_id` is caller data and must not silence
 * a webhook.
 */
function aboutItself(event: EventEnvelope): string | undefined {
  if (!OPERATIONAL_EVENTS.has(event.type)) return undefined;
  const id = (event.data as { webhook_id?: unknown } | null)?.webhook_id;
  return typeof id === 'string' ? id : undefined;
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
  /**
   * This event's payloads so far, by format and what it reads of its webhook: the deliveries of
   * one event that are not projected and share a key share the serialised bytes (an event's data
   * may be a whole execution's input, and it has a delivery per webhook).
   */
  payloads?: Map<string, string>,
): NewDelivery {
  const data = rules ? rules.project(event.data) : event.data;
  const context = payloadContext(subscription);
  const key = payloads && data === event.data ? payloadContextKey(subscription.payloadFormat, context) : null;
  const shared = key === null ? undefined : payloads?.get(key);
  const payload = shared ?? serializePayload(event, subscription.payloadFormat, context, data);
  if (key !== null && shared === undefined) payloads?.set(key, payload);
  return {
    id: createId('del', nowMs),
    subscriptionId: subscription.id,
    eventId: event.id,
    eventType: event.type,
    payload,
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
