/**
 * Compiled rules shared between subscriptions with the same rules. Webhooks are often made from a
 * few templates, so 100,000 subscriptions may hold a few hundred distinct rules: one compiled
 * copy each saves memory, reloads compile each once, and the matcher evaluates each once per
 * event. Sharing is safe because compiled rules are frozen and their verdict depends on the event
 * alone.
 */
import { compileRules, type CompiledRules } from '../rules/index.js';
import type { Subscription } from '../store/records.js';

export interface RulesCache {
  /** The subscription's compiled rules, shared with every subscription whose rules are the same. @throws as compileRules */
  compile(subscription: Subscription): CompiledRules;
  /** Forgets the rules none of these entries hold any more. */
  keepOnly(entries: Iterable<{ rules: CompiledRules }>): void;
}

export function createRulesCache(): RulesCache {
  let byKey = new Map<string, CompiledRules>();
  const keyOf = new WeakMap<CompiledRules, string>();
  return {
    compile(subscription) {
      const input = {
        conditions: subscription.conditions ?? undefined,
        filters: subscription.filters ?? undefined,
        include_fields: subscription.includeFields ?? undefined,
      };
      // JSON text as the key: stored rules are JSON, so equal text means equal rules.
      const key = JSON.stringify([input.conditions, input.filters, input.include_fields]);
      let rules = byKey.get(key);
      if (rules === undefined) {
        rules = compileRules(input);
        byKey.set(key, rules);
        keyOf.set(rules, key);
      }
      return rules;
    },
    keepOnly(entries) {
      const kept = new Map<string, CompiledRules>();
      for (const { rules } of entries) {
        const key = keyOf.get(rules);
        if (key !== undefined) kept.set(key, rules);
      }
      byKey = kept;
    },
  };
}
