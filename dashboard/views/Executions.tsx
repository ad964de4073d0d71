/** Workflow and agent executions, newest first: status, duration, the node that failed, output. */
import { useCallback, useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { capabilities } from '../capabilities.js';
import { Json } from '../components/Json.js';
import { Problem } from '../components/Problem.js';
import { Status } from '../components/Status.js';
import { dateTime, duration } from '../format.js';
import { useLoad } from '../hooks.js';
import { useLive, type Notice } from '../live.js';
import { setParams } from '../router.js';
import type { Execution } from '../types.js';

const STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'stopped'];

async function load(status: string | undefined, workflowId: string | undefined) {
  const [page, caps] = await Promise.all([
    api<{ executions: Execution[] }>('GET', `/executions${query({ status, workflow_id: workflowId, limit: 100 })}`),
    capabilities(),
  ]);
  return { executions: page.executions, canStop: caps.canStopExecutions };
}

export function Executions({ params }: { params: URLSearchParams }) {
  const status = params.get('status') ?? undefined;
  const workflowId = params.get('workflow_id') ?? undefined;
  const { data, error, loading, reload } = useLoad(() => load(status, workflowId), `${status}:${workflowId}`);
  useLive(
    reload,
    useCallback((notice: Notice) => notice.kind === 'executions', []),
  );
  const [problem, setProblem] = useState<Error | null>(null);
  const stop = async (id: string) => {
    setProblem(null);
    try {
      await api('POST', `/executions/${encodeURIComponent(id)}/stop`);
      reload();
    } catch (failure) {
      setProblem(failure as Error);
    }
  };
  return (
    <section aria-labelledby="executions-title">
      <h1 id="executions-title">Executions</h1>
      <form class="filters" aria-label="Filter executions" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select value={status ?? ''} onChange={(e) => setParams({ status: e.currentTarget.value || undefined })}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {workflowId && (
          <button type="button" class="secondary" onClick={() => setParams({ workflow_id: undefined })}>
            Show all workflows
          </button>
        )}
      </form>
      <Problem error={error ?? problem} />
      {data && data.executions.length === 0 && <p>No executions.</p>}
      {data && data.executions.length > 0 && (
        <div class="table-wrap">
          <table class="list" aria-labelledby="executions-title" aria-busy={loading}>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Workflow</th>
                <th scope="col">Status</th>
                <th scope="col">Duration</th>
                <th scope="col">Error node</th>
                <th scope="col">Output</th>
              </tr>
            </thead>
            <tbody>
              {data.executions.map((e) => (
                <tr key={e.execution_id} data-execution={e.execution_id}>
                  <td>{dateTime(e.started_at ?? e.created_at)}</td>
                  <td>
                    <a href={`#/workflows/${encodeURIComponent(e.workflow_id)}`}>{e.workflow_id}</a>
                    <div class="muted small">{e.kind}</div>
                  </td>
                  <td>
                    <Status value={e.status} />
                    {data.canStop && (e.status === 'queued' || e.status === 'running' || e.status === 'waiting') && (
                      <button type="button" class="secondary small" onClick={() => void stop(e.execution_id)}>
                        Stop<span class="sr-only"> {e.execution_id}</span>
                      </button>
                    )}
                  </td>
                  <td>{duration(e.started_at, e.finished_at)}</td>
                  <td>
                    {e.error?.node || '—'}
                    {e.error?.message && <div class="muted small">{e.error.message}</div>}
                  </td>
                  <td>
                    <details>
                      <summary>Output</summary>
                      <Json value={e.output} label={`Output of ${e.execution_id}`} />
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
