/**
 * Hookline's outgoing webhook node, for n8n and the standalone engine alike. Thin, as n8n's own
 * Webhook node: properties live in `description.ts`, the work in `execute.ts` and its helpers.
 * Inside the engine it queues through the durable outbox; inside n8n it posts inline.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { senderCredentials, senderProperties } from './description.js';
import { executeSender } from './execute.js';
import { NodeConnectionTypes } from '../../engine/node-contract/n8n-runtime.js';

export class WebhookSender implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Hookline Webhook Sender',
    name: 'webhookSender',
    icon: 'file:webhookSender.svg',
    group: ['output'],
    version: 1,
    subtitle:
      '={{$parameter["mode"] === "event" ? "Emit " + $parameter["eventType"] : "Post " + $parameter["eventType"]}}',
    description: 'Sends signed webhooks: emit an event to subscriptions, or post to a URL',
    defaults: { name: 'Hookline Webhook Sender' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    usableAsTool: true,
    credentials: senderCredentials,
    properties: senderProperties,
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return executeSender(this);
  }
}
