import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { nextEvent, until, untilValue } from '../../helpers/wait.js';

describe('test wait helpers', () => {
  it('untilValue returns the first accepted value, checking between quiet points', async () => {
    let reads = 0;
    let quietPoints = 0;
    const value = await untilValue(
      () => ++reads,
      (n) => n === 3,
      'the third read',
      { between: async () => void quietPoints++ },
    );
    expect([value, reads, quietPoints]).toEqual([3, 3, 2]);
  });

  it('until names what it waited for when the deadline passes', async () => {
    await expect(until(() => false, 'a condition that never holds', 30)).rejects.toThrow(
      'timed out after 30 ms waiting for a condition that never holds',
    );
  });

  it('nextEvent resolves with the arguments of the next event', async () => {
    const emitter = new EventEmitter();
    const next = nextEvent(emitter, 'settled');
    emitter.emit('settled', 'del_1', 200);
    expect(await next).toEqual(['del_1', 200]);
  });

  it('nextEvent names the event it missed', async () => {
    await expect(nextEvent(new EventEmitter(), 'settled', 30)).rejects.toThrow(
      "timed out after 30 ms waiting for 'settled'",
    );
  });
});
