/**
 * Reads workflow JSON files from a folder (the kind people check into repos), validates each,
 * and returns the runnable ones plus every problem found, by file and JSON pointer.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { LoadedWorkflow, NodeTypeRegistry, WorkflowDefinition } from './types.js';
import { checkTriggerClashes, validateWorkflow, workflowWarnings, type WorkflowProblem } from './validate.js';

export interface LoadResult {
  workflows: LoadedWorkflow[];
  /** Why files were refused; a refused file loads nothing. */
  problems: WorkflowProblem[];
  /** What loaded but runs differently from what the file asks (`workflowWarnings`). */
  warnings: WorkflowProblem[];
}

/** Files in the workflows folder that are not workflows. */
const NOT_WORKFLOWS = new Set(['credentials.json', 'package.json']);
const isNotWorkflow = (name: string): boolean => NOT_WORKFLOWS.has(name) || name.endsWith('.credentials.json');

export async function loadWorkflowDir(dir: string, registry: NodeTypeRegistry): Promise<LoadResult> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json') && !isNotWorkflow(name)).sort();
  return loadWorkflowFiles(
    names.map((name) => join(dir, name)),
    registry,
  );
}

export async function loadWorkflowFiles(files: readonly string[], registry: NodeTypeRegistry): Promise<LoadResult> {
  const workflowFiles = files.filter((file) => !isNotWorkflow(basename(file)));
  const parsed = await Promise.all(workflowFiles.map(async (file) => ({ file, text: await readFile(file, 'utf8') })));
  return loadWorkflowTexts(parsed, registry);
}

export function loadWorkflowTexts(
  sources: ReadonlyArray<{ file: string; text: string }>,
  registry: NodeTypeRegistry,
): LoadResult {
  const problems: WorkflowProblem[] = [];
  const warnings: WorkflowProblem[] = [];
  const workflows: LoadedWorkflow[] = [];
  for (const { file, text } of sources) {
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch (error) {
      problems.push({ file, pointer: '/', message: `not valid JSON: ${(error as Error).message}` });
      continue;
    }
    const found = validateWorkflow(input, registry).map((problem) => ({ ...problem, file }));
    if (found.length > 0) {
      problems.push(...found);
      continue;
    }
    warnings.push(...workflowWarnings(input as WorkflowDefinition, registry).map((warning) => ({ ...warning, file })));
    workflows.push(toLoaded(input as WorkflowDefinition, file, text));
  }
  const seenIds = new Map<string, string>();
  for (const workflow of workflows) {
    const other = seenIds.get(workflow.id);
    if (other)
      problems.push({
        file: workflow.sourcePath ?? undefined,
        pointer: '/id',
        message: `workflow id '${workflow.id}' is also used by ${other}`,
      });
    seenIds.set(workflow.id, workflow.sourcePath ?? workflow.id);
  }
  problems.push(
    ...checkTriggerClashes(
      workflows.map((w) => ({ file: w.sourcePath ?? undefined, id: w.id, definition: w.definition })),
      registry,
    ),
  );
  const bad = new Set(problems.map((problem) => problem.file));
  return { workflows: workflows.filter((w) => !bad.has(w.sourcePath ?? undefined)), problems, warnings };
}

/** A workflow without an `id` takes its file name (`order-intake.json` → `order-intake`). */
export function toLoaded(
  definition: WorkflowDefinition,
  sourcePath: string | null,
  text = JSON.stringify(definition),
): LoadedWorkflow {
  const id =
    definition.id !== undefined
      ? String(definition.id)
      : basename(sourcePath ?? definition.name, '.json').replace(/[^A-Za-z0-9_-]/g, '-');
  return {
    id,
    name: definition.name,
    active: definition.active ?? true,
    definition: { ...definition, id },
    sourcePath,
    hash: createHash('sha256').update(text).digest('hex'),
    nodesByName: new Map(definition.nodes.map((node) => [node.name, node])),
  };
}
