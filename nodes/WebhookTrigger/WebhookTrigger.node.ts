/**
 * Hookline's incoming webhook trigger, for n8n and the standalone engine alike. Thin, as n8n's
 * own Webhook node: properties live in `description.ts`, the checks in `engine/trigger-checks`,
 * which the engine's ingress shares.
 */
import type {
  IHookFunctions,
  INodeType,
  INodeTypeDescription,
  IWebhookFunctions,
  IWebhookResponseData,
} from 'n8n-workflow';
import { getHooklineTriggerHelpers } from '../../engine/node-contract/helpers.js';
import { NodeConnectionTypes, NodeOperationError } from '../../engine/node-contract/n8n-runtime.js';
import {
  BODY_CHECKS,
  CALLER_CHECKS,
  readTriggerParameters,
  runTriggerChecks,
  TRIGGER_CHECKS,
  type TriggerCheck,
  type TriggerRequest,
} from '../../engine/trigger-checks/index.js';
import { testHooklineCredential } from './credential-test.js';
import { CREDENTIAL_TEST_NAME, triggerProperties } from './description.js';
import { credentialFetcher } from './load-credentials.js';
import { acceptRequest, rejectRequest } from './respond.js';

/** The host's request with n8n's lazy raw-body reader, which must run before `rawBody` is set. */
type HostRequest = TriggerRequest & { readRawBody?: () => Promise<void> };

export class WebhookTrigger implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Hookline Webhook Trigger',
    name: 'webhookTrigger',
    icon: 'file:webhookTrigger.svg',
    group: ['trigger'],
    version: 1,
    subtitle:
      '={{($parameter["httpMethod"] || "POST") + " · " + ($parameter["kind"] === "agent" ? "agent " + $parameter["agentId"] : "workflow")}}',
    description: 'Starts an agent or a workflow when an authenticated webhook is called',
    eventTriggerDescription: 'Waiting for you to call the Test URL',
    activationMessage: 'You can now make calls to your production webhook URL.',
    defaults: { name: 'Hookline Webhook Trigger' },
    inputs: [],
    outputs: [NodeConnectionTypes.Main],
    // One slot per method, each shown only where it is used; all four are checked by this node's
    // credential test (`testedBy` is CREDENTIAL_TEST_NAME, written out because n8n's lint reads literals).
    credentials: [
      {
        name: 'hooklineTokenApi',
        required: true,
        testedBy: 'hooklineCredentialFormat',
        displayOptions: { show: { authentication: ['urlToken'] } },
      },
      {
        name: 'hooklineBearerApi',
        required: true,
        testedBy: 'hooklineCredentialFormat',
        displayOptions: { show: { authentication: ['bearer'] } },
      },
      {
        name: 'hooklineBasicAuthApi',
        required: true,
        testedBy: 'hooklineCredentialFormat',
        displayOptions: { show: { authentication: ['basic'] } },
      },
      {
        name: 'hooklineSigningSecretApi',
        required: true,
        testedBy: 'hooklineCredentialFormat',
        displayOptions: { show: { signature: ['standard-webhooks', 'github', 'stripe', 'hex'] } },
      },
    ],
    webhooks: [
      {
        name: 'default',
        httpMethod: '={{$parameter["httpMethod"] || "POST"}}',
        path: '={{$parameter["path"] || ($parameter["kind"] === "agent" ? "agents/" + $parameter["agentId"] : "workflows/" + $workflow.id)}}',
        responseMode: '={{$parameter["responseMode"]}}',
        // Empty for onReceived so n8n sends webhookResponse, not the literal 'firstEntryJson';
        // for lastNode, n8n's usual answer: the first item's JSON.
        responseData: '={{$parameter["responseMode"] === "lastNode" ? "firstEntryJson" : ""}}',
        isFullPath: true,
      },
    ],
    properties: triggerProperties,
  };

  methods = {
    credentialTest: { [CREDENTIAL_TEST_NAME]: testHooklineCredential },
  };

  /** Nothing is registered with a third party, so the webhook always "exists" and setup is a no-op. */
  webhookMethods = {
    default: {
      async checkExists(this: IHookFunctions): Promise<boolean> {
        return true;
      },
      async create(this: IHookFunctions): Promise<boolean> {
        return true;
      },
      async delete(this: IHookFunctions): Promise<boolean> {
        return true;
      },
    },
  };

  async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
    try {
      return await answerWebhook(this);
    } catch (error) {
      // Turned-away requests are answers, not errors; what lands here is a fault, shown with the node.
      throw new NodeOperationError(this.getNode(), error as Error);
    }
  }
}

/** The checks this node still has to run: all of them, less those the host says it already ran. */
function pendingChecks(context: IWebhookFunctions): TriggerCheck[] {
  const passed = getHooklineTriggerHelpers(context.helpers)?.checksPassed ?? [];
  return TRIGGER_CHECKS.filter((check) => !passed.includes(check));
}

/** Checks the request in order (source, authentication, signature, body), less what the host ran, and answers it. */
async function answerWebhook(context: IWebhookFunctions): Promise<IWebhookResponseData> {
  const params = readTriggerParameters(context);
  const req = context.getRequestObject() as unknown as HostRequest;
  const pending = pendingChecks(context);
  const input = { request: req, params, fetchCredential: credentialFetcher(context) };
  const caller = await runTriggerChecks(
    pending.filter((check) => CALLER_CHECKS.includes(check)),
    input,
  );
  if (caller.rejection) return rejectRequest(context.getResponseObject(), caller.rejection);

  // n8n reads the raw bytes lazily; signatures are over those bytes, never the re-serialised JSON.
  if (params.signature !== 'none' && req.rawBody === undefined && typeof req.readRawBody === 'function')
    await req.readRawBody();
  const body: unknown = context.getBodyData();
  const { rejection } = await runTriggerChecks(
    pending.filter((check) => BODY_CHECKS.includes(check)),
    { ...input, body },
  );
  if (rejection) return rejectRequest(context.getResponseObject(), rejection);

  return acceptRequest({
    body,
    headers: req.headers,
    query: req.query,
    params: context.getParamsData(),
    responseMode: params.responseMode,
    redactHeaders: params.signature === 'hex' ? [params.signatureHeader] : [],
  });
}
