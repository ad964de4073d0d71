/** n8n's time-driven core nodes: the Schedule Trigger (workflow/schedules.ts runs it) and the durable Wait. */
import type { INodeType } from 'n8n-workflow';
import { ScheduleTrigger } from './ScheduleTrigger.node.js';
import { Wait } from './Wait.node.js';

export function scheduleNodeTypes(): Record<string, INodeType> {
  return { 'n8n-nodes-base.scheduleTrigger': new ScheduleTrigger(), 'n8n-nodes-base.wait': new Wait() };
}
