/** The n8n-style nodes of this package, by the type name n8n gives them (`<package>.<name>`). */
import type { INodeType } from 'n8n-workflow';
import { WebhookSender } from '../../nodes/WebhookSender/WebhookSender.node.js';
import { WebhookTrigger } from '../../nodes/WebhookTrigger/WebhookTrigger.node.js';

export const PACKAGE_NAME = 'n8n-nodes-hookline';

export function packageNodeTypes(): Record<string, INodeType> {
  const nodes: INodeType[] = [new WebhookTrigger(), new WebhookSender()];
  return Object.fromEntries(nodes.map((node) => [`${PACKAGE_NAME}.${node.description.name}`, node]));
}
