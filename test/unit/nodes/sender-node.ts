/** The sender node as its unit tests run it: one instance, its workflow node record, its parameter defaults. */
import type { INodeProperties } from 'n8n-workflow';
import { WebhookSender } from '../../../nodes/WebhookSender/WebhookSender.node.js';

export const node = new WebhookSender();

export const NODE = {
  id: 'node-1',
  name: 'Send Order',
  type: 'n8n-nodes-hookline.webhookSender',
  typeVersion: 1,
  position: [0, 0] as [number, number],
  parameters: {},
};

/** Each property's declared default, as n8n fills parameters the workflow leaves out. */
export const DEFAULTS: Record<string, unknown> = Object.fromEntries(
  node.description.properties.map((p: INodeProperties) => [p.name, p.default]),
);
