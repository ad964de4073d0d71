/**
 * The workflow definition: n8n's JSON shape, so a workflow moves between n8n and this engine.
 */
import type { INodeType } from 'n8n-workflow';

export interface WorkflowNodeDefinition {
  id: string;
  name: string;
  type: string;
  typeVersion: number;
  position: [number, number];
  parameters: Record<string, unknown>;
  /** Credential references by type: `{ hooklineBearerApi: { id, name } }`; never secret values. */
  credentials?: Record<string, { id?: string; name: string }>;
  disabled?: boolean;
  /** n8n's id for a webhook node: its path when `path` is empty, the prefix of a path with `:name` segments. */
  webhookId?: string;
  /** n8n's error behaviour: stop the run, or pass the error on as an item. */
  onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
  continueOnFail?: boolean;
  /** n8n's "Retry On Fail": run the node again when it throws, up to `maxTries` times in all. */
  retryOnFail?: boolean;
  /** Tries in all with `retryOnFail` (2 to 5). @defaultValue 3 */
  maxTries?: number;
  /** Pause between tries, in ms (0 to 5000). @defaultValue 1000 */
  waitBetweenTries?: number;
  notes?: string;
  /** n8n shows `notes` under the node on the canvas; no effect on a run. */
  notesInFlow?: boolean;
  /** n8n's "Execute Once": the node runs on the first item of each input only. */
  executeOnce?: boolean;
  /** n8n's "Always Output Data": a node that outputs nothing outputs one empty item instead. */
  alwaysOutputData?: boolean;
}

export interface ConnectionTarget {
  node: string;
  type: 'main';
  index: number;
}

/**
 * `connections[sourceName].main[outputIndex]` lists the targets of that output. n8n's other
 * connection types (`ai_tool`, `ai_languageModel`, …: its AI sub-nodes) may appear in an export;
 * the engine runs `main` only and `validate` refuses a workflow that uses the others.
 */
export type WorkflowConnections = Record<string, { main?: Array<ConnectionTarget[] | null> }>;

export interface WorkflowSettings {
  /**
   * When the trigger answers: at once with the queued execution id (`immediately`), or after the
   * run with its output (`when_finished`, n8n's "when last node finishes").
   * @defaultValue 'immediately'
   */
  respond?: 'immediately' | 'when_finished';
  /** Extra JSON Schema the trigger applies to `input_data` (workflow) or the body (agent). */
  inputSchema?: Record<string, unknown>;
  /**
   * The organization its events belong to: only that organization's webhooks (and those without
   * one) receive them. An agent trigger's `options.organization` overrides it for its runs.
   */
  organization?: string;
  [key: string]: unknown;
}

export interface WorkflowDefinition {
  id?: string;
  name: string;
  active?: boolean;
  nodes: WorkflowNodeDefinition[];
  connections: WorkflowConnections;
  settings?: WorkflowSettings;
  meta?: Record<string, unknown>;
  tags?: unknown[];
  /** n8n's pinned test data: used by n8n's manual runs only, so production runs here ignore it too. */
  pinData?: unknown;
  versionId?: string;
  staticData?: unknown;
}

/** A validated workflow ready to run. */
export interface LoadedWorkflow {
  id: string;
  name: string;
  active: boolean;
  definition: WorkflowDefinition;
  sourcePath: string | null;
  hash: string;
  nodesByName: ReadonlyMap<string, WorkflowNodeDefinition>;
}

/** Node types the engine can run, by type name. */
export interface NodeTypeRegistry {
  get(type: string): INodeType | undefined;
  has(type: string): boolean;
  names(): string[];
}
