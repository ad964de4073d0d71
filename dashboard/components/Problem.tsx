/** An API error or other failure, announced to screen readers. */
export function Problem({ error }: { error: Error | null | undefined }) {
  if (!error) return null;
  return (
    <p class="problem" role="alert">
      {error.message}
    </p>
  );
}
