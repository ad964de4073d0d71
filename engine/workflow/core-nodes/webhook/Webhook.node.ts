/**
 * n8n's Webhook node (`n8n-nodes-base.webhook`, v1, v1.1, v2, v2.1), our implementation of its
 * documented behaviour. Thin, as n8n's: parameters in `description.ts`, caller checks in
 * `webhook-auth.ts`. It turns a request into one item `{ headers, params, query, body, webhookUrl,
 * executionMode }` (plus `jwtPayload` after JWT auth, and the raw body as binary `data` with
 * `rawBody`), on the output of the request's method. How and when the caller is answered
 * (`responseMode`) is the host's job, as in n8n: see `engine/ingress/n8n-webhooks.ts`.
 */
import type {
  IDataObject,
  INodeExecutionData,
  INodeType,
  INodeTypeDescription,
  IWebhookFunctions,
  IWebhookResponseData,
} from 'n8n-workflow';
import { getHooklineTriggerHelpers } from '../../../node-contract/helpers.js';
import { NodeOperationError } from '../../../node-contract/n8n-runtime.js';
import { webhookProperties } from './description.js';
import { checkWebhookCaller } from './webhook-auth.js';
import { readWebhookParameters, RESPOND_TO_WEBHOOK_NODE_TYPE, type WebhookParameters } from './webhook-params.js';

/** The request as the host hands it over (express's `Request` has the same members). */
interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  params?: IDataObject;
  query?: IDataObject;
  body?: unknown;
  rawBody?: Buffer;
  ip?: string;
  method?: string;
}

export class Webhook implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Webhook',
    name: 'webhook',
    group: ['trigger'],
    version: [1, 1.1, 2, 2.1],
    defaultVersion: 2.1,
    description: 'Starts the workflow when a webhook is called',
    defaults: { name: 'Webhook' },
    supportsCORS: true,
    inputs: [],
    outputs: ['main'],
    credentials: [
      { name: 'httpBasicAuth', required: true, displayOptions: { show: { authentication: ['basicAuth'] } } },
      { name: 'httpHeaderAuth', required: true, displayOptions: { show: { authentication: ['headerAuth'] } } },
      { name: 'jwtAuth', required: true, displayOptions: { show: { authentication: ['jwtAuth'] } } },
    ],
    webhooks: [{ name: 'default', httpMethod: 'GET', path: '', isFullPath: true, responseMode: 'onReceived' }],
    properties: webhookProperties,
  };

  async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
    const node = this.getNode();
    const params = readWebhookParameters((name, fallback) => this.getNodeParameter(name, fallback), node.typeVersion);
    if (node.typeVersion >= 2) checkResponseMode(this, params);
    const req = this.getRequestObject() as unknown as WebhookRequest;
    const trigger = getHooklineTriggerHelpers(this.helpers);
    let jwtPayload = trigger?.jwtPayload as IDataObject | undefined;
    if (!trigger?.checksPassed.includes('authentication')) {
      const caller = await checkWebhookCaller(
        { headers: req.headers, ip: req.ip },
        params,
        async (type) => (await this.getCredentials(type)) as Record<string, unknown>,
      );
      if (caller.refusal) {
        const res = this.getResponseObject();
        res.status(caller.refusal.status);
        for (const [name, value] of Object.entries(caller.refusal.headers)) res.setHeader(name, value);
        res.send(caller.refusal.message);
        return { noWebhookResponse: true };
      }
      jwtPayload = caller.jwtPayload as IDataObject | undefined;
    }
    const item = requestItem(this, req, params, jwtPayload);
    const outputs: INodeExecutionData[][] = params.methods.map(() => []);
    const index = params.multipleMethods ? params.methods.indexOf(String(req.method).toUpperCase()) : 0;
    outputs[Math.max(index, 0)] = [item];
    return { webhookResponse: params.options.responseData, workflowData: outputs };
  }
}

/** n8n's item; the test URL runs in n8n's `manual` mode, which the item calls `test`. */
function requestItem(
  context: IWebhookFunctions,
  req: WebhookRequest,
  params: WebhookParameters,
  jwtPayload: IDataObject | undefined,
): INodeExecutionData {
  const executionMode = context.getMode() === 'manual' ? 'test' : 'production';
  let webhookUrl = String(context.getNodeWebhookUrl('default'));
  if (executionMode === 'test') webhookUrl = webhookUrl.replace('/webhook/', '/webhook-test/');
  const json: IDataObject = {
    headers: req.headers as IDataObject,
    params: req.params ?? {},
    query: req.query ?? {},
    // v1 hands on no body when none came; later versions an empty object.
    body: (context.getNode().typeVersion === 1 ? req.body : (req.body ?? {})) as IDataObject,
    webhookUrl,
    executionMode,
  };
  if (jwtPayload) json.jwtPayload = jwtPayload;
  const item: INodeExecutionData = { json };
  if (params.options.rawBody) {
    const contentType = String(req.headers['content-type'] ?? 'application/json').split(';')[0];
    item.binary = {
      [params.options.binaryPropertyName]: {
        data: (req.rawBody ?? Buffer.alloc(0)).toString('base64'),
        mimeType: contentType,
      },
    };
  }
  return item;
}

/** From v2, n8n refuses a Respond to Webhook node the response mode does not use, and the reverse. */
function checkResponseMode(context: IWebhookFunctions, params: WebhookParameters): void {
  const children = context.getChildNodes(context.getNode().name);
  const responds = children.some((child) => child.type === RESPOND_TO_WEBHOOK_NODE_TYPE);
  if (!responds && params.responseMode === 'responseNode')
    throw new NodeOperationError(context.getNode(), 'No Respond to Webhook node found in the workflow');
  if (responds && params.responseMode !== 'responseNode')
    throw new NodeOperationError(context.getNode(), 'Webhook node not correctly configured');
}
