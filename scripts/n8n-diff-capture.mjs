/**
 * Preloaded into n8n's CLI (`node --import ./scripts/n8n-diff-capture.mjs n8n execute-batch …`) by
 * the differential recorder (scripts/n8n-diff.mjs). `n8n execute-batch` runs many workflows in one
 * process but keeps only the run data of the ones that succeed (its `--snapshot`); the recorder needs
 * every node's output and, for a run that failed, the failing node and message. This wraps two
 * methods of n8n's own classes as n8n loads them, and appends one JSON line per finished run to the
 * file named by HOOKLINE_DIFF_CAPTURE: `{ workflowId, runData, error, lastNodeExecuted }`.
 *
 * It reads n8n's results only; it changes nothing n8n does.
 */
import { appendFileSync } from 'node:fs';
import Module from 'node:module';

const target = process.env.HOOKLINE_DIFF_CAPTURE;
const workflowOf = new Map();
let runnerWrapped = false;
let executionsWrapped = false;

const originalLoad = Module._load;
Module._load = function load(...args) {
  const exported = originalLoad.apply(this, args);
  if (target && exported && typeof exported === 'object') {
    if (!runnerWrapped && typeof exported.WorkflowRunner?.prototype?.run === 'function') wrapRunner(exported);
    if (!executionsWrapped && typeof exported.ActiveExecutions?.prototype?.getPostExecutePromise === 'function')
      wrapExecutions(exported);
  }
  return exported;
};

/** Remembers which workflow each execution id belongs to. */
function wrapRunner({ WorkflowRunner }) {
  runnerWrapped = true;
  const run = WorkflowRunner.prototype.run;
  WorkflowRunner.prototype.run = async function (data, ...rest) {
    const executionId = await run.call(this, data, ...rest);
    workflowOf.set(String(executionId), String(data.workflowData.id));
    return executionId;
  };
}

/** Writes each finished run's data once, when execute-batch awaits it. */
function wrapExecutions({ ActiveExecutions }) {
  executionsWrapped = true;
  const getPostExecutePromise = ActiveExecutions.prototype.getPostExecutePromise;
  ActiveExecutions.prototype.getPostExecutePromise = async function (executionId, ...rest) {
    const run = await getPostExecutePromise.call(this, executionId, ...rest);
    const workflowId = workflowOf.get(String(executionId));
    if (run && workflowId !== undefined) {
      workflowOf.delete(String(executionId));
      appendFileSync(target, `${serialise(workflowId, run)}\n`);
    }
    return run;
  };
}

/** A run whose data JSON cannot hold (a circular item, say) is reported as such, not lost. */
function serialise(workflowId, run) {
  try {
    return JSON.stringify(summarise(workflowId, run));
  } catch (error) {
    return JSON.stringify({ workflowId, captureError: `n8n's run data is not JSON: ${error.message}` });
  }
}

function summarise(workflowId, run) {
  const { resultData } = run.data;
  const runData = {};
  for (const [node, tasks] of Object.entries(resultData.runData ?? {})) {
    runData[node] = tasks.map((task) => ({
      main: task.data?.main ?? null,
      error: task.error ? errorOf(task.error) : undefined,
    }));
  }
  return {
    workflowId,
    status: run.status,
    runData,
    error: resultData.error ? errorOf(resultData.error) : undefined,
    lastNodeExecuted: resultData.lastNodeExecuted,
  };
}

/** n8n's errors keep `message` non-enumerable, so JSON.stringify alone would drop it. */
function errorOf(error) {
  return {
    message: error.message,
    description: error.description ?? undefined,
    node: error.node?.name,
  };
}
