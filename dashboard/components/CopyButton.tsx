/** Copies a value to the clipboard and says so (falls back to selecting it where the API is absent). */
import { useState } from 'preact/hooks';

export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setDone(true);
      setTimeout(() => setDone(false), 1500);
    } catch {
      setDone(false);
    }
  };
  return (
    <button type="button" class="secondary small" onClick={() => void copy()}>
      {done ? 'Copied' : label}
    </button>
  );
}
