/**
 * Subscription lifecycle: create (secret generated unless given, shown once), update, enable,
 * disable, rotate (the old secret keeps signing through the overlap), delete. Every change is
 * validated and compiled first, exactly as a restart will load it, then written once: a change
 * that fails leaves the stored row as it was.
 */
import { Errors } from '../errors.js';
import { createId } from '../events/ids.js';
import { generateEd25519Keys, generateSecret, publicKeyFromSecret, standardSecretProblem } from '../signing/index.js';
import type { Store } from '../store/types.js';
import type { Matcher } from './matcher.js';
import { parseSubscriptionInput, type SubscriptionChanges } from './subscription-input.js';
import { assertTargetAllowed, type TargetPolicy } from '../message/target-guard.js';
import { checkHeadersFit } from './subscription-headers.js';
import { signingForm } from './request-builder.js';
import type { Subscription, SubscriptionQuery } from '../store/records.js';

export interface SubscriptionSettings extends TargetPolicy {
  maxSubscriptionsPerWorkspace: number;
  deliveryTimeoutMs: number;
  rotationOverlapSec: number;
}

export interface SecretReveal {
  subscription: Subscription;
  /** The signing secret, shown at creation and rotation only. */
  secret: string;
  /** For ed25519 subscriptions: the `whpk_` key receivers verify with. */
  publicKey?: string;
}

export interface Subscriptions {
  create(input: unknown, defaults?: Partial<Subscription>): Promise<SecretReveal>;
  update(id: string, input: unknown, mode: 'replace' | 'merge'): Promise<Subscription>;
  setEnabled(id: string, enabled: boolean): Promise<Subscription>;
  rotateSecret(id: string, newSecret?: string): Promise<SecretReveal>;
  updateFilters(id: string, filters: unknown): Promise<Subscription>;
  remove(id: string): Promise<void>;
  get(id: string): Promise<Subscription>;
  list(query?: SubscriptionQuery): Promise<Subscription[]>;
  /** Stores a subscription made by the engine itself (sender nodes), bypassing the API rules. */
  saveInternal(subscription: Subscription): Promise<void>;
}

/**
 * @param changed called after each change is stored and applied to this process's matcher (the
 * rules sync adopts the version it made).
 */
export function createSubscriptions(
  store: Store,
  matcher: Matcher,
  settings: SubscriptionSettings,
  changed: () => Promise<void> = async () => {},
): Subscriptions {
  /**
   * Compiles the rules from the form the store keeps (after its JSON round trip), so what is
   * saved is exactly what loads at the next start; then writes once. A rule that would not load
   * fails with INVALID_INPUT naming its field, before anything is written.
   */
  async function save(subscription: Subscription): Promise<Subscription> {
    const stored = asStored(subscription);
    const rules = matcher.compile(stored);
    await store.saveSubscription(stored);
    matcher.upsert(stored, rules);
    await changed();
    return stored;
  }

  async function assertRoom(subscription: Subscription, wasEnabled: boolean): Promise<void> {
    if (!subscription.enabled || wasEnabled || subscription.kind !== 'api') return;
    const enabled = await store.countSubscriptions({ workspace: subscription.workspace, enabled: true, kind: 'api' });
    if (enabled >= settings.maxSubscriptionsPerWorkspace) {
      throw Errors.LIMIT_EXCEEDED(
        `Workspace '${subscription.workspace}' already has ${enabled} enabled webhooks ` +
          `(limit ${settings.maxSubscriptionsPerWorkspace}); disable one first`,
      );
    }
  }

  async function get(id: string): Promise<Subscription> {
    const found = await store.getSubscription(id);
    if (!found) throw Errors.NOT_FOUND(`Webhook '${id}' not found`);
    return found;
  }

  function apply(base: Subscription, changes: SubscriptionChanges): Subscription {
    const next = { ...base, ...changes, updatedAtMs: Date.now() } as Subscription;
    assertTargetAllowed(next.url, settings);
    checkHeadersFit(next);
    checkSecretFits(next, changes);
    if (changes.enabled === true) next.disabledReason = null;
    return next;
  }

  return {
    async create(input, defaults = {}) {
      const changes = parseSubscriptionInput(input, { requireAll: true });
      const nowMs = Date.now();
      const keys = changes.signatureScheme === 'ed25519' && !changes.secret ? generateEd25519Keys() : null;
      const secret = changes.secret ?? keys?.secretKey ?? generateSecret();
      const subscription = apply({ ...blankSubscription(nowMs, settings), ...defaults, secret }, changes);
      await assertRoom(subscription, false);
      return reveal(await save(subscription));
    },
    async update(id, input, mode) {
      const current = await get(id);
      const changes = parseSubscriptionInput(input, { requireAll: mode === 'replace', storedHeaders: current.headers });
      if (changes.secret !== undefined)
        throw Errors.INVALID_INPUT('Change the secret with POST /webhooks/{id}/rotate-secret', {
          details: {
            field: 'secret',
            expected: 'absent',
            received: 'present',
          },
        });
      // PUT replaces: fields left out go back to their defaults; identity, secret and health stay.
      const base =
        mode === 'replace'
          ? { ...blankSubscription(Date.now(), settings), ...pick(current, KEPT_ON_REPLACE) }
          : current;
      const next = apply(base, changes);
      await assertRoom(next, current.enabled);
      return save(next);
    },
    async setEnabled(id, enabled) {
      const current = await get(id);
      const next = {
        ...current,
        enabled,
        disabledReason: enabled ? null : 'Disabled by a user',
        consecutiveFailures: enabled ? 0 : current.consecutiveFailures,
        circuitOpenUntilMs: null,
        failingSinceMs: enabled ? null : current.failingSinceMs,
        updatedAtMs: Date.now(),
      };
      await assertRoom(next, current.enabled);
      return save(next);
    },
    async rotateSecret(id, newSecret) {
      const current = await get(id);
      const nowMs = Date.now();
      const keys = current.signatureScheme === 'ed25519' && !newSecret ? generateEd25519Keys() : null;
      const next: Subscription = {
        ...current,
        secret: newSecret ?? keys?.secretKey ?? generateSecret(),
        previousSecret: signingForm(current),
        previousSecretExpiresAtMs: nowMs + settings.rotationOverlapSec * 1000,
        // The new secret follows the spec; the old one signs on in its spec form (`signingForm`).
        legacySecretUtf8: false,
        updatedAtMs: nowMs,
      };
      checkSecretFits(next, { secret: next.secret });
      return reveal(await save(next));
    },
    async updateFilters(id, filters) {
      return this.update(id, { filters }, 'merge');
    },
    async remove(id) {
      if (!(await store.deleteSubscription(id))) throw Errors.NOT_FOUND(`Webhook '${id}' not found`);
      matcher.remove(id);
      await changed();
    },
    get,
    list: (query) => store.listSubscriptions(query),
    saveInternal: async (subscription) => void (await save(subscription)),
  };
}

const KEPT_ON_REPLACE = [
  'id',
  'kind',
  'workspace',
  'secret',
  'previousSecret',
  'previousSecretExpiresAtMs',
  // How the stored secret is read belongs to the secret, which a replace keeps.
  'legacySecretUtf8',
  'consecutiveFailures',
  'failingSinceMs',
  'circuitOpenUntilMs',
  'lastDeliveryAtMs',
  'createdAtMs',
  'enabled',
  'disabledReason',
] as const;

/**
 * A Standard Webhooks secret must be base64 (the spec, and every library that verifies it); a
 * plain secret such as seed 000's `my-webhook-secret` suits the hex schemes only. Checked on the
 * merged subscription, so switching the scheme or profile of a webhook with a plain secret is
 * refused as well, naming the field that made it not fit.
 */
function checkSecretFits(next: Subscription, changes: SubscriptionChanges): void {
  if (next.signatureScheme !== 'standard-webhooks' || next.legacySecretUtf8) return;
  const problem = standardSecretProblem(next.secret);
  if (problem === null) return;
  const field =
    changes.secret !== undefined ? 'secret' : changes.profile !== undefined ? 'profile' : 'signature_scheme';
  throw Errors.INVALID_INPUT(
    `Field '${field}': the secret does not suit signature_scheme 'standard-webhooks'. ${problem}; ` +
      `leave the secret out to have one generated, or use a profile or scheme with plain secrets (hex, sha256, timestamped)`,
    {
      details: {
        field,
        expected: 'base64 secret, optionally whsec_-prefixed',
        received: 'a secret that is not base64',
      },
    },
  );
}

/** The rule fields as the store gives them back: through JSON, as its columns keep them. */
function asStored(subscription: Subscription): Subscription {
  return {
    ...subscription,
    conditions: roundTrip(subscription.conditions),
    filters: roundTrip(subscription.filters),
    includeFields: roundTrip(subscription.includeFields),
  };
}

function roundTrip<T>(value: T): T {
  if (value === undefined || value === null) return null as T;
  const text = JSON.stringify(value) as string | undefined;
  return (text === undefined ? null : JSON.parse(text)) as T;
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, source[key]])) as Pick<T, K>;
}

function reveal(subscription: Subscription): SecretReveal {
  const publicKey = subscription.signatureScheme === 'ed25519' ? publicKeyFromSecret(subscription.secret) : undefined;
  return { subscription, secret: subscription.secret, ...(publicKey ? { publicKey } : {}) };
}

export function blankSubscription(
  nowMs: number,
  settings: Pick<SubscriptionSettings, 'deliveryTimeoutMs'>,
): Subscription {
  return {
    id: createId('wh', nowMs),
    kind: 'api',
    workspace: 'default',
    name: 'Webhook',
    description: null,
    url: '',
    events: [],
    headers: {},
    enabled: true,
    disabledReason: null,
    secret: '',
    previousSecret: null,
    previousSecretExpiresAtMs: null,
    authentication: { type: 'none' },
    profile: null,
    signatureScheme: 'standard-webhooks',
    signatureHeader: null,
    timestampHeader: null,
    timestampUnit: 's',
    legacySecretUtf8: false,
    payloadFormat: 'envelope',
    ordered: true,
    timeoutMs: settings.deliveryTimeoutMs,
    rateLimit: null,
    retryPolicy: null,
    batchSettings: null,
    conditions: null,
    filters: null,
    includeFields: null,
    metadata: null,
    consecutiveFailures: 0,
    failingSinceMs: null,
    circuitOpenUntilMs: null,
    lastDeliveryAtMs: null,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
  };
}
