/** Node types built into the engine, under the `hookline.` prefix (and n8n's name for NoOp). */
import type { INodeType } from 'n8n-workflow';
import { coreNodeTypes } from '../core-nodes/index.js';
import { If } from './If.node.js';
import { ManualTrigger } from './ManualTrigger.node.js';
import { NoOp } from './NoOp.node.js';
import { Respond } from './Respond.node.js';
import { Set } from './Set.node.js';

export function builtinNodeTypes(): Record<string, INodeType> {
  const noOp = new NoOp();
  return {
    ...coreNodeTypes(),
    'hookline.noOp': noOp,
    'n8n-nodes-base.noOp': noOp,
    'hookline.manualTrigger': new ManualTrigger(),
    'n8n-nodes-base.manualTrigger': new ManualTrigger(),
    'hookline.set': new Set(),
    'hookline.if': new If(),
    'hookline.respond': new Respond(),
  };
}
