/**
 * Publishers' event type schemas as this process uses them: the stored registrations, each compiled
 * once (by type and version) and checked against the data of every `POST /api/v1/events` of its type.
 *
 * Several processes may share a PostgreSQL store, and a registration made by one must hold in all.
 * It is kept in step the way the subscription rules are (delivery/rules-sync.ts, both through
 * store/version-sync.ts): every change moves the store's event types version in its own
 * transaction, and a process compares that version with the one it loaded before it uses the
 * schemas, reloading when they differ. The comparison is
 * one single-row read per publish, so a registration that committed before a publish started applies
 * to it in whichever process it lands, with no signal to wait for.
 */
import type { ValidateFunction } from 'ajv';
import { Errors } from '../errors.js';
import { getEventSpec } from '../events/catalog.js';
import { compilePublisherSchema } from '../events/schema-guard.js';
import type { Logger } from '../logger.js';
import type { EventTypeRecord, EventTypeStore } from '../store/types.js';
import { createVersionSync } from '../store/version-sync.js';
import { toInvalidInput } from '../validation.js';

export interface EventTypeRegistry {
  /** The registrations as of now, by type. */
  current(): Promise<ReadonlyMap<string, EventTypeRecord>>;
  /** Throws INVALID_INPUT naming the path inside `data` when it breaks its type's schema. */
  validate(type: string, data: unknown): Promise<void>;
  /** Compiles the schema (400 naming the problem) and stores it as the type's new version. */
  register(type: string, description: string | null, schema: unknown): Promise<EventTypeRecord>;
  remove(type: string): Promise<boolean>;
}

/** Compiled validators kept at most: older ones are compiled again when asked for. */
const MAX_COMPILED = 1_000;

export interface EventTypeRegistryOptions {
  store: EventTypeStore;
  log: Logger;
  /** Types that may have a registered schema at once: each process holds every one in memory. */
  maxEventTypes: number;
}

export function createEventTypeRegistry(options: EventTypeRegistryOptions): EventTypeRegistry {
  const { store, log } = options;
  let records = new Map<string, EventTypeRecord>();
  /** By `type@version`: a new registration gets a new version, so an entry never goes stale. */
  const compiled = new Map<string, ValidateFunction>();
  // The version is read before the list: a change in between makes the next sync reload again.
  const { syncTo } = createVersionSync(async () => {
    records = new Map((await store.listEventTypes()).map((record) => [record.type, record]));
  });
  const sync = async (): Promise<void> => syncTo(await store.eventTypesVersion());

  function validatorOf(record: EventTypeRecord): ValidateFunction {
    const key = `${record.type}@${record.version}`;
    let validate = compiled.get(key);
    if (validate) return validate;
    try {
      validate = compilePublisherSchema(record.schema);
    } catch (error) {
      // Stored by an engine with other limits: refuse its events until the publisher registers again.
      log.warn(
        { type: record.type, version: record.version, err: error },
        'a registered event schema does not compile',
      );
      throw Errors.INVALID_INPUT(`The registered schema of '${record.type}' no longer compiles; register it again`, {
        details: { field: 'type', expected: 'a type whose schema compiles', received: record.type },
      });
    }
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, validate);
    return validate;
  }

  return {
    async current() {
      await sync();
      return records;
    },
    async validate(type, data) {
      await sync();
      const record = records.get(type);
      if (!record) return checkCatalogData(type, data);
      const validate = validatorOf(record);
      if (validate(data)) return;
      const issue = validate.errors?.[0];
      throw toInvalidInput(issue && { ...issue, instancePath: `/data${issue.instancePath}` }, 'body');
    },
    async register(type, description, schema) {
      const spec = getEventSpec(type);
      if (spec && spec.source !== 'custom')
        throw Errors.INVALID_INPUT(`'${type}' is emitted by Hookline itself; its schema is the catalog's`, {
          details: { field: 'type', expected: 'a type the publisher sends itself', received: type },
        });
      const validate = compilePublisherSchema(schema);
      await sync();
      if (!records.has(type) && records.size >= options.maxEventTypes)
        throw Errors.LIMIT_EXCEEDED(`At most ${options.maxEventTypes} event types may have a registered schema`, {
          details: { limit: options.maxEventTypes },
        });
      const record = await store.putEventType({ type, description, schema: schema as Record<string, unknown> });
      compiled.set(`${record.type}@${record.version}`, validate);
      await sync();
      return record;
    },
    async remove(type) {
      const removed = await store.deleteEventType(type);
      await sync();
      return removed;
    },
  };
}

/** A catalog type with no registration: its data is an object (the envelope's promise), as before. */
function checkCatalogData(type: string, data: unknown): void {
  if (!getEventSpec(type) || (data !== null && typeof data === 'object' && !Array.isArray(data))) return;
  throw Errors.INVALID_INPUT(`Field 'data' of '${type}' must be an object`, {
    details: { field: 'data', expected: 'object', received: Array.isArray(data) ? 'array' : typeof data },
  });
}
