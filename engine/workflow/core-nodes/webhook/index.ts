/** n8n's Webhook and Respond to Webhook nodes, by type name. */
import type { INodeType } from 'n8n-workflow';
import { RespondToWebhook } from './RespondToWebhook.node.js';
import { Webhook } from './Webhook.node.js';
import { RESPOND_TO_WEBHOOK_NODE_TYPE, WEBHOOK_NODE_TYPE } from './webhook-params.js';

export function webhookNodeTypes(): Record<string, INodeType> {
  return { [WEBHOOK_NODE_TYPE]: new Webhook(), [RESPOND_TO_WEBHOOK_NODE_TYPE]: new RespondToWebhook() };
}
