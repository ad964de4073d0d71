/**
 * What this engine's API offers, read once from its OpenAPI document: the webhook input schema
 * (the form shows every field it has), the delivery list's filters, and optional routes (stopping
 * an execution). An older engine simply gets fewer controls.
 */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  description?: string;
  minimum?: number;
  maximum?: number;
  [keyword: string]: unknown;
}

export interface Capabilities {
  webhookInput: JsonSchema;
  /** Query parameters `GET /api/v1/deliveries` accepts. */
  deliveryFilters: Set<string>;
  /** The per-webhook list's query parameters. */
  webhookDeliveryFilters: Set<string>;
  /** `status=undelivered` (and comma lists) are taken by the delivery lists. */
  undeliveredFilter: boolean;
  canStopExecutions: boolean;
}

interface OpenApi {
  paths: Record<
    string,
    Record<string, { parameters?: { name: string; in: string; schema?: JsonSchema }[]; requestBody?: unknown }>
  >;
}

let loading: Promise<Capabilities> | null = null;

export function capabilities(): Promise<Capabilities> {
  loading ??= fetch('/api/v1/openapi.json', { credentials: 'omit' })
    .then((response) => response.json() as Promise<OpenApi>)
    .then(readCapabilities)
    .catch((error: unknown) => {
      loading = null;
      throw error;
    });
  return loading;
}

function readCapabilities(doc: OpenApi): Capabilities {
  const queryNames = (path: string) =>
    new Set((doc.paths[path]?.get?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
  const body = doc.paths['/api/v1/webhooks']?.post?.requestBody as
    { content?: { 'application/json'?: { schema?: JsonSchema } } } | undefined;
  const status = doc.paths['/api/v1/deliveries']?.get?.parameters?.find((p) => p.name === 'status')?.schema;
  return {
    undeliveredFilter: Boolean(status && (!status.enum || status.enum.includes('undelivered'))),
    webhookInput: body?.content?.['application/json']?.schema ?? { properties: {} },
    deliveryFilters: queryNames('/api/v1/deliveries'),
    webhookDeliveryFilters: queryNames('/api/v1/webhooks/{id}/deliveries'),
    canStopExecutions: Boolean(doc.paths['/api/v1/executions/{id}/stop']?.post),
  };
}
