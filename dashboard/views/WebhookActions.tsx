/**
 * A webhook's buttons: send a test event (the receiver's answer is shown), enable or disable,
 * rotate the secret (the new one shown once), and replay a range, optionally only the failed.
 */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Problem } from '../components/Problem.js';
import { SecretOnce } from '../components/SecretOnce.js';
import { Code } from '../components/Status.js';
import { isoToLocal, localToIso } from '../format.js';
import type { Webhook } from '../types.js';

interface TestResult {
  success: boolean;
  status_code: number | null;
  response_time_ms: number;
  error: string | null;
  event: string;
}

export function WebhookActions({ webhook, onChanged }: { webhook: Webhook; onChanged(): void }) {
  const path = `/webhooks/${encodeURIComponent(webhook.id)}`;
  const [problem, setProblem] = useState<Error | null>(null);
  const [test, setTest] = useState<TestResult | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const run = async (name: string, work: () => Promise<void>) => {
    setBusy(name);
    setProblem(null);
    try {
      await work();
    } catch (failure) {
      setProblem(failure as Error);
    } finally {
      setBusy(null);
    }
  };
  const sendTest = () =>
    run('test', async () => {
      const event = webhook.events.find((type) => !type.includes('*'));
      setTest(await api<TestResult>('POST', `${path}/test`, event ? { event } : {}));
    });
  const toggle = () =>
    run('toggle', async () => {
      await api('POST', `${path}/${webhook.enabled ? 'disable' : 'enable'}`);
      onChanged();
    });
  const rotate = () =>
    run('rotate', async () => {
      if (!confirm('Rotate the signing secret? The old one keeps signing for the overlap period.')) return;
      setSecret((await api<{ secret: string }>('POST', `${path}/rotate-secret`)).secret);
      onChanged();
    });
  return (
    <div class="webhook-actions">
      <div class="actions">
        <button type="button" onClick={() => void sendTest()} disabled={busy !== null}>
          {busy === 'test' ? 'Sending…' : 'Send test event'}
        </button>
        <button type="button" class="secondary" onClick={() => void toggle()} disabled={busy !== null}>
          {webhook.enabled ? 'Disable' : 'Enable'}
        </button>
        <button type="button" class="secondary" onClick={() => void rotate()} disabled={busy !== null}>
          Rotate secret
        </button>
        <a class="button secondary" href={`#/webhooks/${encodeURIComponent(webhook.id)}/edit`}>
          Edit
        </a>
      </div>
      {test && (
        <p class="test-result" role="status">
          Test event <code>{test.event}</code>: <Code code={test.status_code} /> in {Math.round(test.response_time_ms)}{' '}
          ms
          {test.error ? ` — ${test.error}` : ''}
        </p>
      )}
      {secret && <SecretOnce secret={secret} />}
      <Problem error={problem} />
      <Replay path={path} />
    </div>
  );
}

function Replay({ path }: { path: string }) {
  const [since, setSince] = useState(isoToLocal(new Date(Date.now() - 86_400_000).toISOString()));
  const [until, setUntil] = useState('');
  const [onlyFailed, setOnlyFailed] = useState(true);
  const [result, setResult] = useState<string | null>(null);
  const [problem, setProblem] = useState<Error | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    try {
      const body = { since: localToIso(since), until: localToIso(until), only_failed: onlyFailed };
      const outcome = await api<{ replayed: number }>('POST', `${path}/replay`, body);
      setResult(`${outcome.replayed} event${outcome.replayed === 1 ? '' : 's'} queued again`);
    } catch (failure) {
      setProblem(failure as Error);
    }
  };
  return (
    <details class="replay">
      <summary>Replay a range</summary>
      <form class="filters" onSubmit={(e) => void submit(e)}>
        <label>
          Since
          <input type="datetime-local" value={since} onInput={(e) => setSince(e.currentTarget.value)} />
        </label>
        <label>
          Until
          <input type="datetime-local" value={until} onInput={(e) => setUntil(e.currentTarget.value)} />
        </label>
        <label class="inline">
          <input type="checkbox" checked={onlyFailed} onChange={(e) => setOnlyFailed(e.currentTarget.checked)} />
          Only failed
        </label>
        <button type="submit">Replay</button>
      </form>
      {result && <p role="status">{result}</p>}
      <Problem error={problem} />
    </details>
  );
}
