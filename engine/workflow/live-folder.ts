/**
 * The workflow folder as the engine serves it: loaded at start and, with `--watch`, reloaded when a
 * file in it changes. Each load syncs the store (`workflow.created`, `.updated`, `.deleted` events)
 * and swaps the served set. A file that is refused (invalid JSON, schema, clashing id or path) is
 * logged with its JSON pointer and listed in `problems` (`GET /api/v1/workflows`); the version that
 * served before it broke keeps serving until the file is fixed or deleted.
 *
 * Watching uses chokidar rather than `fs.watch`: editors save by writing a temp file and renaming
 * it, which `fs.watch` reports as bare `rename` events (sometimes without a name, sometimes twice)
 * that differ by platform; chokidar turns them into add/change/unlink and is already the
 * ecosystem's answer to that. Any change reloads the whole folder after `debounceMs` of quiet,
 * because ids and trigger paths must be unique across files.
 */
import { EventEmitter } from 'node:events';
import { basename, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { GroupCommitter } from '../store/group-commit.js';
import type { Store } from '../store/types.js';
import type { Logger } from '../logger.js';
import { loadWorkflowDir } from './loader.js';
import { syncWorkflows, type SyncSummary } from './sync.js';
import type { LoadedWorkflow, NodeTypeRegistry } from './types.js';
import type { WorkflowProblem } from './validate.js';

export interface ReloadSummary extends SyncSummary {
  /** Files refused by this load, each with its JSON pointer and message. */
  problems: WorkflowProblem[];
}

export interface WorkflowFolder {
  /** Loads the folder now (serialized with any reload in progress). */
  load(): Promise<ReloadSummary>;
  /** Starts watching; resolves once the watcher is ready to see changes. */
  watch(): Promise<void>;
  close(): Promise<void>;
  /** Emits `reload` with a {@link ReloadSummary} after each load, `reloadFailed` with the error when one fails. */
  readonly events: EventEmitter;
}

export interface WorkflowFolderOptions {
  dir: string;
  registry: NodeTypeRegistry;
  store: Store;
  committer: GroupCommitter;
  /** The served workflows, replaced in place by each load. */
  workflows: Map<string, LoadedWorkflow>;
  /** The current problems, replaced in place by each load. */
  problems: WorkflowProblem[];
  /** Called after the served set changed (rebuild the trigger routes). */
  onServed(workflows: Iterable<LoadedWorkflow>): void;
  debounceMs: number;
  log: Logger;
}

export function createWorkflowFolder(options: WorkflowFolderOptions): WorkflowFolder {
  const dir = resolve(options.dir);
  const events = new EventEmitter();
  let chain: Promise<unknown> = Promise.resolve();
  let watcher: FSWatcher | null = null;
  let timer: NodeJS.Timeout | null = null;

  async function loadNow(): Promise<ReloadSummary> {
    const loaded = await loadWorkflowDir(dir, options.registry);
    const served = new Map(loaded.workflows.map((w) => [w.id, w]));
    const refusedFiles = new Set(loaded.problems.map((p) => p.file));
    // A refused file keeps its previous version, unless a valid file now holds that id.
    for (const previous of options.workflows.values())
      if (refusedFiles.has(previous.sourcePath ?? undefined) && !served.has(previous.id))
        served.set(previous.id, previous);
    for (const problem of loaded.problems)
      options.log.error({ file: problem.file, pointer: problem.pointer }, `workflow problem: ${problem.message}`);
    for (const warning of loaded.warnings)
      options.log.warn({ file: warning.file, pointer: warning.pointer }, `workflow warning: ${warning.message}`);
    const summary = await syncWorkflows(options.store, options.committer, [...served.values()], dir);
    options.workflows.clear();
    for (const workflow of served.values()) options.workflows.set(workflow.id, workflow);
    options.problems.splice(0, options.problems.length, ...loaded.problems);
    options.onServed(options.workflows.values());
    options.log.info({ workflows: served.size, ...summary, refused: loaded.problems.length }, 'workflows loaded');
    return { ...summary, problems: loaded.problems };
  }

  function load(): Promise<ReloadSummary> {
    const next = chain.then(loadNow);
    chain = next.catch(() => undefined);
    return next;
  }

  function scheduleReload(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      load().then(
        (summary) => events.emit('reload', summary),
        (error: unknown) => {
          // Not 'error': an EventEmitter throws an 'error' nobody listens to, which would end the
          // process over a reload that the next change retries. The previous workflows keep serving.
          options.log.error({ err: error }, 'reloading the workflow folder failed');
          events.emit('reloadFailed', error);
        },
      );
    }, options.debounceMs);
  }

  return {
    load,
    events,
    async watch() {
      if (watcher) return;
      const current = watch(dir, {
        ignoreInitial: true,
        depth: 0,
        ignored: (path, stats) => Boolean(stats?.isFile()) && !basename(path).endsWith('.json'),
      });
      watcher = current;
      current.on('all', (event, path) => {
        options.log.debug({ event, path }, 'workflow folder changed');
        scheduleReload();
      });
      // chokidar drops a file's second change within 50 ms of its first (its change throttle), so a
      // file saved twice in quick succession would keep its first version. The raw events are not
      // throttled: any on a workflow file schedules the (debounced, idempotent) reload as well.
      current.on('raw', (_event, path) => {
        if (typeof path === 'string' && path.endsWith('.json')) scheduleReload();
      });
      current.on('error', (error) => options.log.error({ err: error }, 'watching the workflow folder failed'));
      await new Promise<void>((ready) => current.once('ready', ready));
      options.log.info({ dir }, 'watching the workflow folder');
    },
    async close() {
      if (timer) clearTimeout(timer);
      timer = null;
      await watcher?.close();
      watcher = null;
      await chain;
    },
  };
}
