/** The API's JSON as the page reads it; fields added by newer engines are optional. */
export interface Webhook {
  id: string;
  name: string;
  description: string | null;
  url: string;
  events: string[];
  enabled: boolean;
  status: 'active' | 'disabled';
  disabled_reason: string | null;
  organization?: string | null;
  last_delivery: string | null;
  delivery_stats: {
    total_deliveries: number;
    successful_deliveries: number;
    failed_deliveries: number;
    pending_deliveries: number;
  };
  [field: string]: unknown;
}

export interface Delivery {
  id: string;
  webhook_id: string;
  event_id: string;
  event: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  payload?: unknown;
  attempt_log?: Attempt[];
}

export interface Attempt {
  id: string;
  attempt: number;
  timestamp: string;
  response_code: number | null;
  response_time_ms: number;
  response_body: string | null;
  error_code: string | null;
  error: string | null;
  request_headers?: Record<string, string> | null;
  response_headers?: Record<string, string> | null;
}

export interface DeliveryPage {
  deliveries: Delivery[];
  limit: number;
  offset: number;
  next_cursor?: string | null;
}

export interface LogRow {
  id: string;
  timestamp: string;
  event: string;
  status: string;
  response_code: number | null;
  response_time_ms: number | null;
}

export interface Execution {
  execution_id: string;
  workflow_id: string;
  kind: string;
  status: string;
  input: unknown;
  output: unknown;
  error: { node?: string; message?: string; code?: string } | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface WorkflowNode {
  id?: string;
  name: string;
  type: string;
  position?: [number, number];
  disabled?: boolean;
}

export interface WorkflowSummary {
  id: string;
  name: string;
  active: boolean;
  nodes: number;
}

export interface WorkflowDetail {
  id: string;
  name: string;
  active: boolean;
  definition: {
    nodes: WorkflowNode[];
    connections: Record<string, Record<string, ({ node: string; index?: number }[] | null)[]>>;
  };
  triggers?: { node: string; method: string; path: string; kind: string; authentication: string }[];
}

export interface CatalogEvent {
  type: string;
  group: string;
  description?: string;
  schema?: unknown;
  [field: string]: unknown;
}
