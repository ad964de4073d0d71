/** Types of `scripts/n8n-diff-golden.mjs`, for the harness test. */
import type { Golden, LoadedCase } from './n8n-diff-cases.mjs';
/** One run as scripts/n8n-diff-capture.mjs writes it. */
export interface CapturedRun {
  runData: Record<string, Array<{ main: unknown[][] | null; error?: { message: string } }>>;
  error?: { message: string; description?: string; node?: string };
  lastNodeExecuted?: string;
}
export declare function goldenOf(entry: LoadedCase, capture: CapturedRun): Golden;
export declare function goldenText(golden: Golden, path: string): Promise<string>;
export declare function orphanGoldens(caseIds: Set<string>): string[];
