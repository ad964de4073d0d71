import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

/**
 * Sets what a `when_finished` trigger answers (n8n's "Respond to Webhook"): the incoming items,
 * the first item, or a JSON body (expressions allowed), with a status code.
 */
export class Respond implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Respond to Webhook',
    name: 'respond',
    group: ['transform'],
    version: 1,
    description: 'Sets the response of a trigger that answers when the workflow finishes',
    defaults: { name: 'Respond to Webhook' },
    inputs: ['main'],
    outputs: ['main'],
    properties: [
      {
        displayName: 'Respond With',
        name: 'respondWith',
        type: 'options',
        options: [
          { name: 'All Incoming Items', value: 'allIncomingItems' },
          { name: 'First Incoming Item', value: 'firstIncomingItem' },
          { name: 'JSON', value: 'json' },
        ],
        default: 'firstIncomingItem',
      },
      {
        displayName: 'Response Body',
        name: 'responseBody',
        type: 'json',
        default: '{}',
        displayOptions: { show: { respondWith: ['json'] } },
      },
      { displayName: 'Response Code', name: 'responseCode', type: 'number', default: 200 },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const respondWith = this.getNodeParameter('respondWith', 0) as string;
    let body: unknown = items[0]?.json ?? {};
    if (respondWith === 'allIncomingItems') body = items.map((item) => item.json);
    if (respondWith === 'json') {
      const raw = this.getNodeParameter('responseBody', 0);
      body = typeof raw === 'string' ? JSON.parse(raw) : raw;
    }
    const statusCode = this.getNodeParameter('responseCode', 0, 200) as number;
    (
      this.helpers as unknown as { hookline?: { setResponse?: (r: { statusCode: number; body: unknown }) => void } }
    ).hookline?.setResponse?.({ statusCode, body });
    return [items];
  }
}
