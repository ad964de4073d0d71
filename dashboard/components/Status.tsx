/** A coloured status word; colour is never the only signal (the word is always there). */
const TONES: Record<string, string> = {
  active: 'ok',
  succeeded: 'ok',
  success: 'ok',
  disabled: 'muted',
  stopped: 'muted',
  pending: 'wait',
  queued: 'wait',
  in_flight: 'wait',
  running: 'wait',
  waiting: 'wait',
  retrying: 'warn',
  failed: 'bad',
  expired: 'bad',
};

export function Status({ value }: { value: string }) {
  return <span class={`status ${TONES[value] ?? 'muted'}`}>{value.replace('_', ' ')}</span>;
}

export function Code({ code }: { code: number | null }) {
  if (code === null) return <span class="status muted">no answer</span>;
  return <span class={`status ${code >= 200 && code < 300 ? 'ok' : 'bad'}`}>{code}</span>;
}
