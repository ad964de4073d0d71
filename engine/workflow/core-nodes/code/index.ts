/** n8n's Code node (JavaScript), run in worker threads: see `sandbox-pool.ts`. */
import type { INodeType } from 'n8n-workflow';
import { Code } from './Code.node.js';

export function codeNodeTypes(): Record<string, INodeType> {
  return { 'n8n-nodes-base.code': new Code() };
}
