/** n8n's condition nodes: If, Filter and Switch, on n8n's condition model (the `filter` parameter). */
import type { INodeType } from 'n8n-workflow';
import { Filter } from './Filter.node.js';
import { If } from './If.node.js';
import { Switch } from './Switch.node.js';

export function conditionNodeTypes(): Record<string, INodeType> {
  return {
    'n8n-nodes-base.if': new If(),
    'n8n-nodes-base.filter': new Filter(),
    'n8n-nodes-base.switch': new Switch(),
  };
}
