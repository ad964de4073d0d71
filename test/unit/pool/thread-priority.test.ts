/**
 * Pool threads yield the CPU to the thread that answers requests: each runs at TUNING.pool.threadNice
 * (Linux keeps a nice value per thread), while the main thread keeps its own.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher, type Dispatcher } from '../../../engine/pool/dispatcher.js';
import { TUNING } from '../../../engine/tuning.js';
import { startReceiver, type Receiver } from '../../fixtures/receiver.js';
import { OPEN_TARGETS, makeRequest } from './requests.js';

/** Nice value of each thread of this process, by thread id (field 19 of /proc/self/task/<tid>/stat). */
function threadNices(): Map<number, number> {
  const nices = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // The command name may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    nices.set(Number(tid), Number(fields[16]));
  }
  return nices;
}

let dispatcher: Dispatcher | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await dispatcher?.close();
  await receiver?.close();
});

describe.skipIf(process.platform !== 'linux')('pool thread priority', () => {
  it('runs pool threads at the tuned nice value and leaves the main thread alone', async () => {
    const before = threadNices();
    receiver = await startReceiver();
    dispatcher = createDispatcher({ threads: 2 });
    const result = await dispatcher.send({
      targets: OPEN_TARGETS,
      mode: 'parallel',
      requests: [makeRequest(`${receiver.url}/ok`)],
    });
    expect(result.results[0].statusCode).toBe(200);
    const after = threadNices();
    expect(after.get(process.pid)).toBe(before.get(process.pid));
    const lowered = [...after.entries()].filter(([tid, nice]) => !before.has(tid) && nice === TUNING.pool.threadNice);
    expect(lowered.length).toBeGreaterThanOrEqual(1);
  });
});
