import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeOperationError } from '../../../node-contract/n8n-runtime.js';
import { nodeLabel, type CheckedNodeType } from '../../node-checks.js';
import type { WorkflowNodeDefinition } from '../../types.js';
import { combineByFields } from './merge-by-fields.js';
import { mergeDescription } from './merge-description.js';
import { append, chooseBranch, combineAll, combineByPosition, type Inputs } from './merge-modes.js';

/**
 * n8n's Merge node (v3–3.2): runs once with the items of all its inputs (the runner waits for them,
 * see `run-order.ts`) and merges them by the chosen mode.
 */
export class Merge implements INodeType, CheckedNodeType {
  description: INodeTypeDescription = mergeDescription;

  /** Refuses at load what the engine does not run: n8n's SQL Query mode, or a mode it does not know. */
  checkNode(node: WorkflowNodeDefinition): string[] {
    const { mode = 'append', combineBy = 'combineByFields' } = node.parameters;
    const unsupported = (name: string, value: unknown, allowed: string[]) =>
      typeof value === 'string' && !value.startsWith('=') && !allowed.includes(value)
        ? [`${nodeLabel(node)}: ${name} '${value}' is not supported; the engine runs ${allowed.join(', ')}`]
        : [];
    return [
      ...unsupported('mode', mode, ['append', 'combine', 'chooseBranch']),
      ...(mode === 'combine'
        ? unsupported('combineBy', combineBy, ['combineByFields', 'combineByPosition', 'combineAll'])
        : []),
    ];
  }

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const mode = this.getNodeParameter('mode', 0) as string;
    const combineBy = mode === 'combine' ? (this.getNodeParameter('combineBy', 0) as string) : undefined;
    const inputs = inputsOf(this, combineBy === undefined || combineBy === 'combineByPosition');
    if (mode === 'append') return [append(inputs)];
    if (mode === 'chooseBranch') return [chooseBranch(this, inputs)];
    if (combineBy === 'combineByFields') return combineByFields(this, inputs);
    if (combineBy === 'combineByPosition') return [combineByPosition(this, inputs)];
    if (combineBy === 'combineAll') return [combineAll(this, inputs)];
    throw new NodeOperationError(this.getNode(), `The merge mode '${combineBy ?? mode}' is not supported`);
  }
}

/** The items of each input the node has: `numberInputs` of them where the mode offers it, else 2. */
function inputsOf(context: IExecuteFunctions, hasNumberInputs: boolean): Inputs {
  const count = hasNumberInputs ? Number(context.getNodeParameter('numberInputs', 0, 2)) || 2 : 2;
  return Array.from({ length: count }, (_, index) => context.getInputData(index) ?? []);
}
