/** Sign-in: the API key is checked against the API and kept in session storage only. */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { Field } from '../components/Field.js';

export function SignIn({ onSignedIn }: { onSignedIn(key: string): void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('GET', '/webhooks?limit=1', undefined, key.trim());
      onSignedIn(key.trim());
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="sign-in">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Hookline</h1>
        <p class="muted">Sign in with an API key (HOOKLINE_API_KEY, or one made with hookline api-key create).</p>
        <Field id="api-key" label="API key" error={error}>
          {(describedBy, invalid) => (
            <input
              id="api-key"
              type="password"
              autocomplete="current-password"
              required
              value={key}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onInput={(e) => setKey(e.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit" disabled={busy || !key.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
