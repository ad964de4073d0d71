/**
 * Node types built into the engine under the `hookline.` prefix, plus n8n's core node types
 * (`core-nodes/`). `hookline.noOp` and `hookline.manualTrigger` are the same nodes as n8n's.
 */
import type { INodeType } from 'n8n-workflow';
import { coreNodeTypes } from '../core-nodes/index.js';
import { If } from './If.node.js';
import { Respond } from './Respond.node.js';
import { Set } from './Set.node.js';

export function builtinNodeTypes(): Record<string, INodeType> {
  const core = coreNodeTypes();
  return {
    ...core,
    'hookline.noOp': core['n8n-nodes-base.noOp'],
    'hookline.manualTrigger': core['n8n-nodes-base.manualTrigger'],
    'hookline.set': new Set(),
    'hookline.if': new If(),
    'hookline.respond': new Respond(),
  };
}
