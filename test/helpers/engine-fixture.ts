/**
 * Per-test engine and receiver as vitest fixtures (`test.extend`): each test that names
 * `receiver`, `startEngine` or `setup` gets its own, started for it and closed after it, so no
 * test reads another's receiver or engine.
 */
import { test as base } from 'vitest';
import type { HooklineConfig } from '../../engine/config.js';
import type { Engine } from '../../engine/index.js';
import { startReceiver, type Receiver, type ReceiverOptions } from '../fixtures/receiver.js';
import { startTestEngine, type TestEngine } from './engine.js';

export type ConfigOverrides = Partial<Record<keyof HooklineConfig, unknown>>;

/** Retries every 50 ms without jitter and a quick outbox poll; the breaker stays closed unless a test opens it. */
export const FAST_DELIVERY: ConfigOverrides = {
  retryScheduleSec: [0.05, 0.05, 0.05, 0.05, 0.05, 0.05],
  retryJitter: 0,
  pollIntervalMs: 20,
  failureThreshold: 1000,
};

export interface EngineFixtures {
  /** This test's receiver on 127.0.0.1 port 0, answering 200 until told otherwise. */
  receiver: Receiver;
  /** Starts an engine for this test (several if needed); all are stopped after it. */
  startEngine: (options?: Parameters<typeof startTestEngine>[0]) => Promise<TestEngine>;
  /**
   * This test's receiver, answering as told, and one engine on `FAST_DELIVERY` plus `config`.
   */
  setup: (
    config?: ConfigOverrides,
    receiverOptions?: ReceiverOptions,
  ) => Promise<{ receiver: Receiver; hookline: Engine; running: TestEngine }>;
}

export const test = base.extend<EngineFixtures>({
  // eslint-disable-next-line no-empty-pattern -- vitest reads the fixture's dependencies from this pattern
  receiver: async ({}, use) => {
    const receiver = await startReceiver();
    await use(receiver);
    await receiver.close();
  },
  // eslint-disable-next-line no-empty-pattern -- as above
  startEngine: async ({}, use) => {
    const started: TestEngine[] = [];
    await use(async (options) => {
      const running = await startTestEngine(options);
      started.push(running);
      return running;
    });
    for (const running of started.reverse()) await running.stop();
  },
  setup: async ({ receiver, startEngine }, use) => {
    await use(async (config = {}, receiverOptions = {}) => {
      if (receiverOptions.behaviour) receiver.respondWith(receiverOptions.behaviour);
      const running = await startEngine({ config: { ...FAST_DELIVERY, ...config } });
      return { receiver, hookline: running.engine, running };
    });
  },
});

export { describe, expect } from 'vitest';

/** The JSON bodies a receiver got, in arrival order. */
export const bodies = (receiver: Receiver) => receiver.requests.map((r) => JSON.parse(r.body));

/** `it` is the fixture-bearing `test`, so test bodies read as before. */
export const it = test;
