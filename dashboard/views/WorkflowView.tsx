/** One workflow: its graph, and for each trigger the URL, how callers authenticate, and a curl. */
import { api } from '../api.js';
import { CopyButton } from '../components/CopyButton.js';
import { Problem } from '../components/Problem.js';
import { Status } from '../components/Status.js';
import { WorkflowGraph } from '../components/WorkflowGraph.js';
import { useLoad } from '../hooks.js';
import type { WorkflowDetail } from '../types.js';

type Trigger = NonNullable<WorkflowDetail['triggers']>[number];

const AUTH_LABELS: Record<string, string> = {
  none: 'None: anyone with the URL',
  bearer: 'Bearer token (Authorization header)',
  basic: 'Basic auth (user and password)',
  urlToken: 'URL token (?token=…)',
};

export function curlFor(trigger: Trigger, origin: string): string {
  const url = `${origin}${trigger.path}${trigger.authentication === 'urlToken' ? '?token=YOUR_TOKEN' : ''}`;
  const lines = [`curl -X ${trigger.method} '${url}'`, `  -H 'Content-Type: application/json'`];
  if (trigger.authentication === 'bearer') lines.push(`  -H 'Authorization: Bearer YOUR_TOKEN'`);
  if (trigger.authentication === 'basic') lines.push(`  -u 'USER:PASSWORD'`);
  // The seeds' request formats: a workflow takes `input_data`, an agent a `message`.
  const body =
    trigger.kind === 'agent' ? '{"message": "Hello", "user_id": "user_1"}' : '{"input_data": {"hello": "world"}}';
  if (trigger.method !== 'GET') lines.push(`  -d '${body}'`);
  return lines.join(' \\\n');
}

export function WorkflowView({ id }: { id: string }) {
  const { data, error } = useLoad(() => api<WorkflowDetail>('GET', `/workflows/${encodeURIComponent(id)}`), id);
  if (error) return <Problem error={error} />;
  if (!data) return <p aria-busy="true">Loading…</p>;
  return (
    <section aria-labelledby="workflow-title">
      <p>
        <a href="#/workflows">← Workflows</a>
      </p>
      <div class="title-row">
        <h1 id="workflow-title">{data.name}</h1>
        <Status value={data.active ? 'active' : 'disabled'} />
        <a href={`#/executions?workflow_id=${encodeURIComponent(id)}`}>Executions</a>
      </div>
      <WorkflowGraph workflow={data} />
      <h2>Triggers</h2>
      {(data.triggers ?? []).length === 0 && <p>No webhook trigger: this workflow runs manually or from another.</p>}
      {(data.triggers ?? []).map((trigger) => {
        const curl = curlFor(trigger, location.origin);
        return (
          <div class="trigger" key={trigger.node}>
            <h3>{trigger.node}</h3>
            <dl class="facts">
              <dt>Trigger URL</dt>
              <dd class="url">
                {trigger.method} {location.origin}
                {trigger.path}
              </dd>
              <dt>Authentication</dt>
              <dd>{AUTH_LABELS[trigger.authentication] ?? trigger.authentication}</dd>
            </dl>
            <div class="curl">
              <pre tabIndex={0} aria-label={`curl example for ${trigger.node}`}>
                {curl}
              </pre>
              <CopyButton value={curl} label="Copy curl" />
            </div>
          </div>
        );
      })}
    </section>
  );
}
