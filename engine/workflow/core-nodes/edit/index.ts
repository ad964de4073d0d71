/** The "edit" family: n8n's Edit Fields (Set) node. */
import type { INodeType } from 'n8n-workflow';
import { Set } from './Set.node.js';

export function editNodeTypes(): Record<string, INodeType> {
  return { 'n8n-nodes-base.set': new Set() };
}
