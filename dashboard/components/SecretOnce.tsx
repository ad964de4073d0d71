/** A signing secret shown once (at create and rotation), with a copy button. */
import { CopyButton } from './CopyButton.js';

export function SecretOnce({ secret }: { secret: string }) {
  return (
    <div class="secret" role="status">
      <p>
        <strong>Signing secret</strong> (shown only now; store it where your receiver can read it):
      </p>
      <div class="secret-row">
        <code aria-label="Signing secret">{secret}</code>
        <CopyButton value={secret} label="Copy secret" />
      </div>
    </div>
  );
}
