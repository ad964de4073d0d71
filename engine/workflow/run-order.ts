/**
 * n8n's v1 execution order (`settings.executionOrder: 'v1'`, the default of every workflow n8n's
 * editor makes, and the only order this engine runs; an export that still says `v0` runs in v1
 * order too, which `validate` reports as a warning). Observed from n8n 2.8's behaviour and docs:
 *
 * - Depth first: a node's children go to the front of the stack, so one branch runs to its end
 *   before the next branch starts.
 * - Among the children of one node, the one placed highest on the canvas runs first, then the one
 *   further left (`position` `[x, y]`; a node without one counts as `[0, 0]`). Children on the same
 *   spot run last-connected first, as n8n's sort then stack leaves them.
 * - A child runs only when the output feeding it has items.
 * - A node with several connected inputs (Merge) waits until every connected input has data, then
 *   runs once with all of them. When nothing else is left to run, a waiting node whose ancestors are
 *   not waiting themselves runs with what it has (the missing inputs empty), unless its type's
 *   `requiredInputs` says it needs more (Merge's "choose branch" needs both, so it then never runs).
 * - A node fed twice on the same input runs twice (a waiting node opens a second entry).
 */
import type { INodeExecutionData, INodeType, ISourceData, Workflow as N8nWorkflow } from 'n8n-workflow';
import type { LoadedWorkflow, NodeTypeRegistry } from './types.js';

/** One run of one node: its data by input index (`null` where that input got nothing). */
export interface RunTask {
  node: string;
  inputs: Array<INodeExecutionData[] | null>;
  /**
   * Where each input's items came from (n8n's `source`): the node, its output and its run. What
   * `$('Node').item` walks back along, through each item's `pairedItem`.
   */
  sources?: Array<ISourceData | null>;
}

interface ChildLink {
  node: string;
  inputIndex: number;
  outputIndex: number;
  position: readonly [number, number];
  source: ISourceData;
}

const ORIGIN: readonly [number, number] = [0, 0];

/**
 * What is left to run, as plain JSON: the stack, and the multi-input nodes still waiting with
 * their entries. A run parked by a Wait node keeps it to resume from, in this process or another.
 */
export interface ExecutionOrderState {
  stack: RunTask[];
  waiting: Array<[node: string, entries: WaitingEntry[]]>;
}

/** A multi-input node's data so far, by input index, and where each came from. */
interface WaitingEntry {
  inputs: Array<INodeExecutionData[] | null>;
  sources: Array<ISourceData | null>;
}

/**
 * n8n's comparator for the children of one node (bottom, then right, first: they are stacked one
 * by one, so the top-left one ends up running first). Kept as n8n has it, ties included, so
 * V8's sort gives the same order here as there.
 */
function bottomRightFirst(a: ChildLink, b: ChildLink): number {
  if (a.position[1] < b.position[1]) return 1;
  if (a.position[1] > b.position[1]) return -1;
  if (a.position[0] > b.position[0]) return -1;
  return 0;
}

/** The stack and the waiting room of one run. */
export class ExecutionOrder {
  private readonly stack: RunTask[] = [];
  /** Multi-input nodes still missing data, each with its open entries, oldest first. */
  private readonly waiting = new Map<string, WaitingEntry[]>();

  constructor(
    private readonly workflow: LoadedWorkflow,
    private readonly registry: NodeTypeRegistry,
    private readonly n8nWorkflow: N8nWorkflow,
    saved?: ExecutionOrderState,
  ) {
    if (saved) {
      this.stack.push(...saved.stack);
      for (const [node, entries] of saved.waiting) this.waiting.set(node, entries);
    }
  }

  /** The state to resume from (see {@link ExecutionOrderState}). */
  state(): ExecutionOrderState {
    return { stack: [...this.stack], waiting: [...this.waiting] };
  }

  /** The next node to run, or undefined when the run is over. */
  next(): RunTask | undefined {
    if (this.stack.length === 0 && this.waiting.size > 0) this.releaseWaiting();
    return this.stack.shift();
  }

  /** Schedules the children of `source` (its run `runIndex`) that its outputs feed with items. */
  addChildren(source: string, outputs: ReadonlyArray<INodeExecutionData[] | null | undefined>, runIndex = 0): void {
    const connections = this.workflow.definition.connections[source]?.main;
    if (!connections) return;
    const links: ChildLink[] = [];
    for (let outputIndex = 0; outputIndex < connections.length; outputIndex++) {
      const items = outputs[outputIndex];
      if (!items || items.length === 0) continue;
      for (const target of connections[outputIndex] ?? []) {
        const position = this.workflow.nodesByName.get(target.node)?.position ?? ORIGIN;
        links.push({
          node: target.node,
          inputIndex: target.index ?? 0,
          outputIndex,
          position,
          source: { previousNode: source, previousNodeOutput: outputIndex, previousNodeRun: runIndex },
        });
      }
    }
    if (links.length > 1) links.sort(bottomRightFirst);
    for (const link of links) this.add(link, outputs[link.outputIndex]!);
  }

  private add(link: ChildLink, items: INodeExecutionData[]): void {
    const inputCount = this.n8nWorkflow.connectionsByDestinationNode[link.node]?.main?.length ?? 1;
    if (inputCount <= 1) {
      this.stack.unshift({ node: link.node, inputs: [items], sources: [link.source] });
      return;
    }
    let entries = this.waiting.get(link.node);
    if (!entries) this.waiting.set(link.node, (entries = []));
    let entry = entries.find((open) => open.inputs[link.inputIndex] === null);
    if (!entry) {
      entry = { inputs: new Array(inputCount).fill(null), sources: new Array(inputCount).fill(null) };
      entries.push(entry);
    }
    entry.inputs[link.inputIndex] = items;
    entry.sources[link.inputIndex] = link.source;
    if (entry.inputs.some((input) => input === null)) return;
    entries.splice(entries.indexOf(entry), 1);
    if (entries.length === 0) this.waiting.delete(link.node);
    this.stack.unshift({ node: link.node, inputs: entry.inputs, sources: entry.sources });
  }

  /** Nothing left to run: the first waiting node that may run with partial data goes next. */
  private releaseWaiting(): void {
    let names = [...this.waiting.keys()];
    for (let index = 0; index < names.length; index++) {
      const name = names[index];
      if (this.n8nWorkflow.getParentNodes(name).some((parent) => names.includes(parent))) continue;
      const entries = this.waiting.get(name)!;
      const entry = entries[0];
      if (!this.hasRequiredInputs(name, entry.inputs)) continue;
      const inputs = entry.inputs.map((input) => input ?? []);
      const hasData = inputs.some((input) => input.length > 0);
      if (hasData) this.stack.push({ node: name, inputs, sources: entry.sources });
      entries.shift();
      if (entries.length === 0) this.waiting.delete(name);
      if (hasData) return;
      names = [...this.waiting.keys()];
      index = -1;
    }
  }

  /** n8n's `requiredInputs`: a count of inputs with data, or the input indexes that must have data. */
  private hasRequiredInputs(name: string, entry: Array<INodeExecutionData[] | null>): boolean {
    const node = this.workflow.nodesByName.get(name)!;
    const nodeType: INodeType | undefined = this.registry.get(node.type);
    let required = nodeType?.description.requiredInputs;
    if (required === undefined) return true;
    if (typeof required === 'string')
      required = this.n8nWorkflow.expression.getSimpleParameterValue(node as never, required, 'webhook', {
        $version: node.typeVersion,
      }) as number | number[] | undefined;
    if (Array.isArray(required)) return required.every((input) => entry[input] != null);
    return typeof required !== 'number' || entry.filter((input) => input !== null).length >= required;
  }
}
