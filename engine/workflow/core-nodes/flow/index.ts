/** The "flow" family: Merge, No Operation, Sticky Note and Manual Trigger, under n8n's type names. */
import type { INodeType } from 'n8n-workflow';
import { ManualTrigger } from './ManualTrigger.node.js';
import { Merge } from './Merge.node.js';
import { NoOp } from './NoOp.node.js';
import { StickyNote } from './StickyNote.node.js';

export function flowNodeTypes(): Record<string, INodeType> {
  return {
    'n8n-nodes-base.merge': new Merge(),
    'n8n-nodes-base.noOp': new NoOp(),
    'n8n-nodes-base.stickyNote': new StickyNote(),
    'n8n-nodes-base.manualTrigger': new ManualTrigger(),
  };
}
