/** The "transform" family: n8n's Split Out, Aggregate, Limit, Remove Duplicates and Sort nodes. */
import type { INodeType } from 'n8n-workflow';
import { Aggregate } from './Aggregate.node.js';
import { Limit } from './Limit.node.js';
import { RemoveDuplicates } from './RemoveDuplicates.node.js';
import { Sort } from './Sort.node.js';
import { SplitOut } from './SplitOut.node.js';

export function transformNodeTypes(): Record<string, INodeType> {
  return {
    'n8n-nodes-base.splitOut': new SplitOut(),
    'n8n-nodes-base.aggregate': new Aggregate(),
    'n8n-nodes-base.limit': new Limit(),
    'n8n-nodes-base.removeDuplicates': new RemoveDuplicates(),
    'n8n-nodes-base.sort': new Sort(),
  };
}
