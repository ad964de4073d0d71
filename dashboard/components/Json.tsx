/** A JSON value or text, preformatted and scrollable; keyboard users can focus it to scroll. */
import { pretty } from '../format.js';

export function Json({ value, label }: { value: unknown; label: string }) {
  return (
    <pre class="json" tabIndex={0} aria-label={label}>
      {value === undefined || value === null ? '—' : pretty(value)}
    </pre>
  );
}

/** Header names and values as a small table. */
export function HeaderTable({ headers, label }: { headers: Record<string, string>; label: string }) {
  const entries = Object.entries(headers);
  if (entries.length === 0) return <p class="muted">No headers</p>;
  return (
    <table class="headers" aria-label={label}>
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
