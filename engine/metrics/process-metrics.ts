/**
 * prom-client's default metrics (CPU, memory, handles, event-loop lag, GC), which describe the
 * process, not an engine. They are collected once per process into a registry of their own and
 * merged into every engine's output: `collectDefaultMetrics` starts an event-loop monitor and a GC
 * observer that can never be stopped, so one per engine would pile up wherever several engines
 * run in one process (tests, embedders) and each would count the same process again.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

let processRegistry: Registry | undefined;

/** The process's registry, made (and its collectors started) on first use. */
export function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}
