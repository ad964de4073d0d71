/**
 * The matcher's index: every API subscription gets a slot, and what the matcher tests per
 * candidate (enabled, created at, organization, which rules) lives in typed arrays by slot. With
 * 100,000 subscriptions the subscription objects are spread over a hundred megabytes of heap, and
 * touching each candidate's object costs a cache miss; the typed arrays stay a few hundred
 * kilobytes and are read in slot order. Subscriptions with the same rules share one compiled
 * rules object (see matcher.ts), and so one rule code: the matcher evaluates each distinct rule
 * once per event.
 *
 * Candidates per event type (exact names, `group.*` by prefix, `*`) are merged once per type into
 * one sorted, duplicate-free slot list and kept until the subscriptions change.
 */
import { NO_ORGANIZATION } from '../events/organization.js';
import type { CompiledRules } from '../rules/index.js';
import type { CompiledSubscription } from './matcher.js';
import { createRulePlanner, type RulePlanner } from './rule-plans.js';

/** Rule code of a subscription whose rules match every event: nothing to evaluate. */
export const UNCONDITIONAL = -1;
/** Organization code of the default workspace, whose webhooks take every organization's events. */
const DEFAULT_WORKSPACE = 0;
/** Organization code of an event that no webhook's organization could take. */
const NO_WORKSPACE = -1;
/** Event types whose merged candidate lists are kept; past it the cache starts over. */
const MAX_CACHED_TYPES = 1_024;

export interface Candidates {
  readonly slots: Int32Array;
  readonly plans: ReturnType<RulePlanner['plan']>;
}

export interface SubscriptionIndex {
  /** The entry in each slot. */
  readonly entries: readonly CompiledSubscription[];
  readonly enabled: Uint8Array;
  readonly createdAtMs: Float64Array;
  /** Organization code per slot; {@link DEFAULT_WORKSPACE} for the default workspace. */
  readonly workspace: Int32Array;
  /** Index into `rules` per slot, or {@link UNCONDITIONAL}. */
  readonly rule: Int32Array;
  /** The distinct compiled rules, by rule code. */
  readonly rules: readonly CompiledRules[];
  /** Slots whose event patterns take this type, ascending, each once, and their rules planned for it. */
  candidates(type: string): Candidates;
  /** Evaluates the planned rules for one event. */
  readonly planner: RulePlanner;
  /** The organization code an event of this organization is checked against. */
  organizationCode(organization: string | null): number;
  slotOf(id: string): number | undefined;
  /** Re-reads a slot's enabled, createdAtMs and workspace after its subscription was patched. */
  refresh(id: string): void;
  hasPatternFor(type: string): boolean;
}

/** Whether a subscription in a workspace of code `workspace` takes an event of organization `code`. */
export function takesOrganization(workspace: number, code: number): boolean {
  return workspace === DEFAULT_WORKSPACE || workspace === code;
}

export function buildIndex(all: Iterable<CompiledSubscription>): SubscriptionIndex {
  const entries = [...all].filter((entry) => entry.subscription.kind === 'api');
  const n = entries.length;
  const enabled = new Uint8Array(n);
  const createdAtMs = new Float64Array(n);
  const workspace = new Int32Array(n);
  const rule = new Int32Array(n);
  const organizations = new Map<string, number>([[NO_ORGANIZATION, DEFAULT_WORKSPACE]]);
  const ruleCodes = new Map<CompiledRules, number>();
  const slots = new Map<string, number>();
  const exact = new Map<string, number[]>();
  const groups = new Map<string, number[]>();
  const everything: number[] = [];

  const fill = (slot: number): void => {
    const { subscription } = entries[slot];
    enabled[slot] = subscription.enabled ? 1 : 0;
    createdAtMs[slot] = subscription.createdAtMs;
    let code = organizations.get(subscription.workspace);
    if (code === undefined) organizations.set(subscription.workspace, (code = organizations.size));
    workspace[slot] = code;
  };
  entries.forEach(({ subscription, rules }, slot) => {
    slots.set(subscription.id, slot);
    fill(slot);
    let code = rules.unconditional ? UNCONDITIONAL : ruleCodes.get(rules);
    if (code === undefined) ruleCodes.set(rules, (code = ruleCodes.size));
    rule[slot] = code;
    for (const pattern of new Set(subscription.events)) {
      if (pattern === '*') everything.push(slot);
      else if (pattern.endsWith('.*')) push(groups, pattern.slice(0, -1), slot);
      else push(exact, pattern, slot);
    }
  });

  /** The lists that take a type: its exact list, one per group prefix, and `*`. */
  const listsFor = (type: string): number[][] => {
    const lists: number[][] = [];
    const own = exact.get(type);
    if (own) lists.push(own);
    for (let dot = type.indexOf('.'); dot !== -1; dot = type.indexOf('.', dot + 1)) {
      const group = groups.get(type.slice(0, dot + 1));
      if (group) lists.push(group);
    }
    if (everything.length > 0) lists.push(everything);
    return lists;
  };
  const rules = [...ruleCodes.keys()];
  const planner = createRulePlanner(rules);
  const merged = new Map<string, Candidates>();
  const candidates = (type: string): Candidates => {
    let found = merged.get(type);
    if (found) return found;
    const slots = mergeSlots(listsFor(type));
    const codes = new Set<number>();
    for (const slot of slots) if (rule[slot] !== UNCONDITIONAL) codes.add(rule[slot]);
    found = { slots, plans: planner.plan(type, codes) };
    if (merged.size >= MAX_CACHED_TYPES) merged.clear();
    merged.set(type, found);
    return found;
  };

  return {
    entries,
    enabled,
    createdAtMs,
    workspace,
    rule,
    rules,
    candidates,
    planner,
    organizationCode: (organization) =>
      organization === null ? NO_WORKSPACE : (organizations.get(organization) ?? NO_WORKSPACE),
    slotOf: (id) => slots.get(id),
    refresh(id) {
      const slot = slots.get(id);
      if (slot !== undefined) fill(slot);
    },
    hasPatternFor: (type) => listsFor(type).length > 0,
  };
}

/** Ascending slots, each once, of lists that are each ascending already. */
function mergeSlots(lists: readonly number[][]): Int32Array {
  if (lists.length === 1) return Int32Array.from(lists[0]);
  const all = Int32Array.from(lists.flat()).sort();
  let kept = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[kept++] = all[i];
  return all.slice(0, kept);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
