/**
 * Hookline's outcome of a case against n8n's golden: per case node, the item JSON of each output
 * (in order), then the error that stopped the run (node and message). A node that did not run and
 * a node whose outputs were all empty compare the same: in both engines nothing follows either.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Golden, LoadedCase } from '../../scripts/n8n-diff-cases.mjs';
import type { HooklineOutcome } from './hookline-run.js';

type Outputs = unknown[][];

/** Output lists without trailing empty outputs; null when nothing came out at all. */
function trimmed(outputs: Outputs | undefined): Outputs | null {
  const list = [...(outputs ?? [])];
  while (list.length > 0 && list[list.length - 1].length === 0) list.pop();
  return list.length === 0 ? null : list;
}

const show = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
};

/** The first difference, in words, or null when Hookline's outcome equals n8n's. */
export function compareOutcome(loaded: LoadedCase, golden: Golden, outcome: HooklineOutcome | Error): string | null {
  if (outcome instanceof Error) return `Hookline could not run it: ${outcome.message}`;
  for (const { name } of loaded.spec.nodes) {
    const expected = trimmed(golden.outputs[name]?.map((items) => items.map((item) => item.json)));
    const actual = trimmed(outcome.outputs[name]);
    if (isDeepStrictEqual(expected, actual)) continue;
    if (expected === null) return `'${name}' output ${show(actual)}, but in n8n it output nothing`;
    if (actual === null) return `'${name}' output nothing, but in n8n ${show(expected)}`;
    const index = Array.from({ length: Math.max(expected.length, actual.length) }, (_, i) => i).find(
      (i) => !isDeepStrictEqual(expected[i] ?? [], actual[i] ?? []),
    )!;
    return `'${name}' output ${index}: n8n ${show(expected[index] ?? [])}, Hookline ${show(actual[index] ?? [])}`;
  }
  const expectedError = golden.error ? { node: golden.error.node, message: golden.error.message } : null;
  const actualError = outcome.error ?? null;
  if (isDeepStrictEqual(expectedError, actualError)) return null;
  if (!expectedError) return `Hookline failed at '${actualError!.node}': ${actualError!.message}; n8n did not fail`;
  if (!actualError) return `n8n failed at '${expectedError.node}' (${expectedError.message}); Hookline did not fail`;
  return `error: n8n ${show(expectedError)}, Hookline ${show(actualError)}`;
}
