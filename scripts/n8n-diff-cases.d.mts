/** Types of `scripts/n8n-diff-cases.mjs`, for the comparison test (test/n8n-diff/diff.test.ts). */
export interface CaseNode {
  name: string;
  type: string;
  typeVersion: number;
  parameters?: Record<string, unknown>;
  position?: [number, number];
  [key: string]: unknown;
}
export interface CaseItem {
  json: Record<string, unknown>;
  [key: string]: unknown;
}
export interface Feed {
  node: string;
  input: number;
  items: CaseItem[];
}
export interface CaseSpec {
  name: string;
  input?: CaseItem[];
  feeds?: Feed[];
  nodes: CaseNode[];
  /** Why Hookline still differs from n8n here; the test then expects a difference. */
  knownDifference?: string;
  connections?: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }> | null> }>;
}
export interface LoadedCase {
  /** Its path under cases/ without `.json`: `set/typed`. */
  id: string;
  family: string;
  file: string;
  spec: CaseSpec;
  feeds: Feed[];
  hash: string;
}
export interface CaseWorkflow {
  id: string;
  name: string;
  active: boolean;
  nodes: Array<CaseNode & { id: string; position: [number, number]; parameters: Record<string, unknown> }>;
  connections: NonNullable<CaseSpec['connections']>;
  settings: Record<string, unknown>;
  pinData: Record<string, unknown>;
}
export interface Golden {
  n8n: string;
  /** The hash of the case it was recorded from. */
  case: string;
  outputs: Record<string, Array<Array<{ json: Record<string, unknown> }>>>;
  runs?: Record<string, number>;
  error?: { node: string; message: string; description?: string };
}
export declare const DIFF_DIR: string;
export declare const CASES_DIR: string;
export declare const GOLDEN_DIR: string;
export declare const TRIGGER_NAME: string;
export declare function feedName(index: number): string;
export declare function listJsonFiles(dir: string): string[];
export declare function listCaseFiles(): string[];
export declare function caseProblem(spec: unknown): string | null;
export declare function readCase(relativePath: string): LoadedCase;
export declare function feedsOf(spec: CaseSpec): Feed[];
export declare function caseHash(spec: CaseSpec): string;
export declare function caseWorkflow(
  loaded: LoadedCase,
  options: {
    id: string;
    sourceNode: (name: string, items: CaseItem[], position: [number, number]) => CaseNode;
    triggerType?: string;
  },
): CaseWorkflow;
export declare function goldenPath(caseId: string): string;
export declare function readGolden(caseId: string): Golden | null;
