/**
 * Figure 1, ingress: autocannon against a bare fastify route (the baseline) and against
 * Hookline's workflow trigger (bearer auth, ajv input schema, idempotency check, the queued
 * execution durable before the 202), each in its own process, taking turns; and against the
 * bundled contact-form example on the same engine (a Set node's expressions and a sender event).
 * Plus the durability check the group commit must not break: `kill -9` under load loses no
 * request that was answered. And the ceiling: the bare route plus only that promise (the engine's
 * store and group committer writing each request's execution row), in turns with the others.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Pool } from 'undici';
import { startChild, type ChildHandle } from './child.js';
import { runLoad, type LoadResult } from './load.js';
import type { BenchOptions } from './options.js';
import { inTurns, median, ratio } from './stats.js';
import type { Row } from './table.js';
import {
  BENCH_TRIGGER,
  CONTACT_FORM,
  INGRESS_BODY,
  INGRESS_HEADERS,
  startEngineProcess,
  TRIGGER_PATH,
  type EngineProcess,
  type TriggerTarget,
} from './workspace.js';

export interface IngressResult {
  rows: Row[];
  /** Hookline's median accepted requests/s, for the n8n comparison. */
  hooklinePerSec: number;
}

/** One measured load on a server's trigger URL. */
export function loadTrigger(
  baseUrl: string,
  options: BenchOptions,
  target: TriggerTarget = BENCH_TRIGGER,
  beforeMeasured?: () => Promise<void>,
): Promise<LoadResult> {
  const { durationSec, warmupSec, connections, maxRequests } = options.ingress;
  return runLoad({
    beforeMeasured,
    maxRequests,
    url: `${baseUrl}${target.path}`,
    headers: target.headers,
    body: INGRESS_BODY,
    durationSec,
    warmupSec,
    connections,
  });
}

interface Round {
  load: LoadResult;
  /** Server CPU per answered request (µs) in the measured run, engine work after the reply included. */
  cpuUsPerOk: number;
  /** The load generator's CPU per answered request (µs). */
  clientUsPerOk: number;
}

/**
 * One load on a server process, with its CPU cost; `settle` waits for work left after the replies.
 * `target`: the trigger → NoOp workflow unless told.
 */
export async function measureServer(
  child: ChildHandle,
  options: BenchOptions,
  settle?: () => Promise<unknown>,
  target: TriggerTarget = BENCH_TRIGGER,
): Promise<Round> {
  let before = 0;
  const load = await loadTrigger(String(child.info.url), options, target, async () => {
    before = await child.call<number>('cpu');
  });
  await settle?.();
  const ok = Math.max(1, load.ok);
  return { load, cpuUsPerOk: ((await child.call<number>('cpu')) - before) / ok, clientUsPerOk: load.clientCpuUs / ok };
}

export async function benchIngress(options: BenchOptions): Promise<IngressResult> {
  const hookline = await startEngineProcess();
  const fastify = await startChild('fastify-process');
  const ceiling = await startChild('fastify-process', ['durable']);
  let results: Round[][];
  let durable: { acknowledged: number; found: number };
  try {
    // Runs answered with 202 still execute afterwards: let them finish before the other side's round.
    const settle = () => hookline.child.call('idle');
    const { primeSec = 0 } = options.ingress;
    if (primeSec > 0) {
      const prime = { ...options, ingress: { ...options.ingress, durationSec: primeSec, warmupSec: 0 } };
      for (const [server, target] of [
        [hookline.child, BENCH_TRIGGER],
        [fastify, BENCH_TRIGGER],
        [hookline.child, CONTACT_FORM],
        [ceiling, BENCH_TRIGGER],
      ] as const) {
        await loadTrigger(String(server.info.url), prime, target);
        if (server === hookline.child) await settle();
      }
    }
    results = await inTurns(options.ingress.rounds, [
      () => measureServer(hookline.child, options, settle),
      () => measureServer(fastify, options),
      () => measureServer(hookline.child, options, settle, CONTACT_FORM),
      () => measureServer(ceiling, options),
    ]);
    await Promise.all([fastify.close(), ceiling.close()]);
    // The engine of the rounds, idle after them: a fresh one would only add a start-up (the check looks
    // up the answered ids, whatever else the file holds).
    durable = await killDuringLoad(hookline, options);
  } finally {
    await Promise.all([hookline.stop(), fastify.close(), ceiling.close()]);
  }
  const [noOp, bare, contactForm, bareDurable] = results;
  const perSec = (rounds: Round[]) => rounds.map((r) => r.load.okPerSec.toFixed(0)).join(', ');
  options.log(
    `ingress: hookline ${perSec(noOp)}/s; fastify ${perSec(bare)}/s; contact-form ${perSec(contactForm)}/s; fastify + durable row ${perSec(bareDurable)}/s`,
  );
  const rows = [
    ...ingressRows(options, noOp, bare, durable),
    contactFormRow(options, contactForm, bare),
    ceilingRow(bareDurable, bare, noOp),
  ];
  return { hooklinePerSec: rows[0].hookline, rows };
}

/** Medians of a server's rounds: answered requests/s, server CPU per request (µs), p99 (ms). */
function mediansOf(rounds: Round[]): { perSec: number; cpuUs: number; p99: number } {
  return {
    perSec: median(rounds.map((r) => r.load.okPerSec)),
    cpuUs: median(rounds.map((r) => r.cpuUsPerOk)),
    p99: median(rounds.map((r) => r.load.p99Ms)),
  };
}

/** The fields of a row that sets a server's rate against bare fastify's. */
function againstFastify(figure: string, perSec: number, fastify: Round[]): Omit<Row, 'target' | 'pass'> {
  const baseline = mediansOf(fastify).perSec;
  return { figure, hookline: perSec, baseline, unit: 'req/s', ratio: ratio(perSec, baseline) };
}

/** The bundled contact-form example (trigger → Set with three expressions → sender event) against bare fastify. */
function contactFormRow(options: BenchOptions, contactForm: Round[], fastify: Round[]): Row {
  const { perSec, cpuUs, p99 } = mediansOf(contactForm);
  const failed = contactForm.reduce((sum, r) => sum + r.load.failed, 0);
  const row = againstFastify('ingress throughput, contact-form', perSec, fastify);
  return {
    ...row,
    target: '≥ 0.25× bare fastify',
    pass: perSec >= 0.25 * row.baseline,
    note: `The bundled examples/contact-form.json (bearer trigger → Set with three expressions → sender event), same load and rounds as the trigger → NoOp row. Engine CPU per request ${cpuUs.toFixed(0)} µs (run included), p99 ${p99.toFixed(1)} ms${failed > 0 ? `; ${failed} non-2xx/errors` : ''}.`,
    details: { cpuUsPerRequest: cpuUs, p99Ms: p99 },
  };
}

/**
 * The ceiling of any ingress that keeps the durability promise on this machine: bare fastify plus
 * only the engine's durable write of each request's execution row (fastify-process.ts, `durable`).
 */
function ceilingRow(ceiling: Round[], fastify: Round[], hookline: Round[]): Row {
  const { perSec, cpuUs, p99 } = mediansOf(ceiling);
  const ofCeiling = ratio(mediansOf(hookline).perSec, perSec);
  return {
    ...againstFastify('ingress ceiling: bare fastify + the durable execution row', perSec, fastify),
    target: '',
    pass: null,
    note: `The bare route plus only the durability promise: the engine's SQLite store and group committer write each request's finished execution row (the trigger → NoOp row: trigger item as input and output, idempotency key) durable before the 202; no auth, validation or run. Same load and rounds. Server CPU per request ${cpuUs.toFixed(0)} µs, p99 ${p99.toFixed(1)} ms. The engine's trigger → NoOp figure is ${ofCeiling.toFixed(2)}× this ceiling.`,
    details: { cpuUsPerRequest: cpuUs, p99Ms: p99, hooklineOfCeiling: ofCeiling },
  };
}

function ingressRows(
  options: BenchOptions,
  hookline: Round[],
  fastify: Round[],
  durable: { acknowledged: number; found: number },
): Row[] {
  const pick = (rounds: Round[], get: (r: Round) => number) => median(rounds.map(get));
  const perSec = [pick(hookline, (r) => r.load.okPerSec), pick(fastify, (r) => r.load.okPerSec)];
  const p99 = [pick(hookline, (r) => r.load.p99Ms), pick(fastify, (r) => r.load.p99Ms)];
  const cpu = [pick(hookline, (r) => r.cpuUsPerOk), pick(fastify, (r) => r.cpuUsPerOk)].map((us) => us.toFixed(0));
  const client = [pick(hookline, (r) => r.clientUsPerOk), pick(fastify, (r) => r.clientUsPerOk)].map((us) =>
    us.toFixed(0),
  );
  // What the cores allow at the target: half of fastify's rate, server and load generator together.
  const cores = availableParallelism();
  const budgetUs = ((cores * 1e6) / (0.5 * perSec[1])).toFixed(0);
  const failed = hookline.reduce((sum, r) => sum + r.load.failed, 0);
  const load = `${options.ingress.connections} connections, ${options.ingress.durationSec} s × ${options.ingress.rounds} rounds`;
  return [
    {
      figure: 'ingress throughput',
      hookline: perSec[0],
      baseline: perSec[1],
      unit: 'req/s',
      ratio: ratio(perSec[0], perSec[1]),
      target: '≥ 0.5× bare fastify',
      pass: perSec[0] >= 0.5 * perSec[1],
      note: `autocannon, ${load}; Hookline: bearer + ajv + idempotency + durable queued execution, then the run (trigger → NoOp). Server CPU per request: Hookline ${cpu[0]} µs, fastify ${cpu[1]} µs; the load generator's, on the same ${cores} cores: ${client[0]} and ${client[1]} µs. At the target rate the cores leave ${budgetUs} µs per request for server and load generator together${failed > 0 ? `; ${failed} non-2xx/errors` : ''}.`,
    },
    {
      figure: 'ingress p99 latency',
      hookline: p99[0],
      baseline: p99[1],
      unit: 'ms',
      ratio: ratio(p99[0], p99[1]),
      target: '≤ 10 ms',
      pass: p99[0] <= 10,
    },
    {
      figure: 'kill -9 under load: answered requests stored',
      hookline: durable.found,
      baseline: durable.acknowledged,
      unit: 'req',
      ratio: ratio(durable.found, durable.acknowledged),
      target: '0 lost',
      pass: durable.acknowledged > 0 && durable.found === durable.acknowledged,
      note: `SIGKILL after ${options.ingress.killAfterSec} s of load on the engine of the rounds above, at default durability (WAL, synchronous=FULL, group commit); every execution_id answered 202 looked up in the database afterwards.`,
    },
  ];
}

/**
 * Loads the engine with one undici lane per connection, SIGKILLs it mid-load, then opens its database
 * and looks up every execution id that was answered. Counting is not enough: ids prove it.
 */
async function killDuringLoad(
  engine: EngineProcess,
  options: BenchOptions,
): Promise<{ acknowledged: number; found: number }> {
  const { child } = engine;
  const pool = new Pool(engine.url, { connections: options.ingress.connections });
  const acknowledged: string[] = [];
  let alive = true;
  const lane = async (): Promise<void> => {
    while (alive) {
      try {
        const response = await pool.request({
          path: TRIGGER_PATH,
          method: 'POST',
          headers: { ...INGRESS_HEADERS, 'idempotency-key': randomUUID() },
          body: INGRESS_BODY,
        });
        const body = (await response.body.json()) as { execution_id?: string };
        if (response.statusCode === 202 && body.execution_id) acknowledged.push(body.execution_id);
      } catch {
        return; // the engine is gone: this lane is done
      }
    }
  };
  const lanes = Promise.all(Array.from({ length: options.ingress.connections }, lane));
  await new Promise((resolve) => setTimeout(resolve, options.ingress.killAfterSec * 1000));
  // A slow (or busy) machine may not have answered anything yet: kill only once something was
  // acknowledged, or the check proves nothing.
  for (let waited = 0; acknowledged.length === 0 && waited < 15_000; waited += 50)
    await new Promise((resolve) => setTimeout(resolve, 50));
  process.kill(child.pid, 'SIGKILL');
  await child.exited;
  alive = false;
  await lanes;
  await pool.destroy();
  return { acknowledged: acknowledged.length, found: countStored(engine.dbPath, acknowledged) };
}

function countStored(dbPath: string, ids: readonly string[]): number {
  // Opening replays the WAL the killed process left, as the next engine start would.
  const db = new Database(dbPath);
  try {
    const get = db.prepare('SELECT 1 FROM executions WHERE id = ?').pluck();
    return ids.filter((id) => get.get(id) === 1).length;
  } finally {
    db.close();
  }
}
