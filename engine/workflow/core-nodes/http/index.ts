/** n8n's HTTP Request node, through the engine's SSRF guard. */
import type { INodeType } from 'n8n-workflow';
import { HttpRequest } from './HttpRequest.node.js';

export function httpNodeTypes(): Record<string, INodeType> {
  return { 'n8n-nodes-base.httpRequest': new HttpRequest() };
}
