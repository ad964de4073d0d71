/**
 * n8n's Wait node (v1, 1.1), resuming after a time interval or at a specified time. The wait is
 * durable: the node asks the engine to park the execution (`this.putExecutionToWait`), the engine
 * writes its state to the store and resumes it when due, after a restart or in another process
 * (workflow/wait-resumer.ts). Unlike n8n, which sleeps in memory through waits under 65 seconds,
 * every wait is parked: a short wait then survives a crash too, and a stop request ends it at once.
 * A time already past does not wait. Resuming on a webhook call or a form is refused at load.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeOperationError, tryToParseDateTime } from '../../../node-contract/n8n-runtime.js';
import { nodeLabel, type CheckedNodeType } from '../../node-checks.js';
import type { WorkflowNodeDefinition } from '../../types.js';
import { waitDescription } from './description.js';

const UNIT_MS: Record<string, number> = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
const SUPPORTED_RESUME = ['timeInterval', 'specificTime'];

/** n8n's defaults changed in v1.1: 1 hour before, 5 seconds since. */
function versionDefault(version: number, name: 'amount' | 'unit'): number | string {
  if (name === 'amount') return version >= 1.1 ? 5 : 1;
  return version >= 1.1 ? 'seconds' : 'hours';
}

export class Wait implements INodeType, CheckedNodeType {
  description = waitDescription;

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const waitTill = resumeTime(this);
    if (waitTill.getTime() > Date.now()) await this.putExecutionToWait(waitTill);
    return [items];
  }

  checkNode(node: WorkflowNodeDefinition): string[] {
    const resume = node.parameters.resume ?? 'timeInterval';
    if (typeof resume === 'string' && !SUPPORTED_RESUME.includes(resume))
      return [
        `${nodeLabel(node)}: resume '${resume}' is not supported; Hookline resumes a Wait node ` +
          `after a time interval (timeInterval) or at a specified time (specificTime)`,
      ];
    const { amount, unit } = node.parameters;
    if (typeof amount === 'number' && !(amount >= 0))
      return [`${nodeLabel(node)}: Invalid wait amount. Please enter a number that is 0 or greater.`];
    if (typeof unit === 'string' && !unit.startsWith('=') && !(unit in UNIT_MS))
      return [`${nodeLabel(node)}: unknown wait unit '${unit}' (one of ${Object.keys(UNIT_MS).join(', ')})`];
    return [];
  }
}

/** When the execution resumes, from the node's parameters (expressions evaluated for the first item). */
function resumeTime(context: IExecuteFunctions): Date {
  const node = context.getNode();
  const resume = context.getNodeParameter('resume', 0) as string;
  if (resume === 'specificTime') {
    const value = context.getNodeParameter('dateTime', 0) as unknown;
    try {
      if (value === '' || value === null || value === undefined) throw new Error('empty');
      return tryToParseDateTime(value, context.getTimezone()).toUTC().toJSDate();
    } catch {
      throw new NodeOperationError(
        node,
        'Cannot put execution to wait because `dateTime` parameter is not a valid date. Please pick a specific date and time to wait until.',
      );
    }
  }
  if (resume !== 'timeInterval')
    throw new NodeOperationError(node, `The Wait node's resume '${resume}' is not supported by Hookline`);
  const given = (name: 'amount' | 'unit') =>
    name in node.parameters ? context.getNodeParameter(name, 0) : versionDefault(node.typeVersion, name);
  const amount = Number(given('amount'));
  const unitMs = UNIT_MS[String(given('unit'))];
  if (!(amount >= 0))
    throw new NodeOperationError(node, 'Invalid wait amount. Please enter a number that is 0 or greater.');
  if (!unitMs)
    throw new NodeOperationError(node, "Invalid wait unit. Valid units are 'seconds', 'minutes', 'hours', or 'days'.");
  return new Date(Date.now() + amount * unitMs);
}
