/**
 * Runtime values of n8n-workflow, for the engine and the nodes alike. Its ESM build uses
 * extension-less imports that Node's ESM loader cannot resolve, so runtime values come from its
 * CommonJS build, typed as the package itself. This is the one place that knows: the n8n
 * package's bundling step (`scripts/build-n8n.mjs`) turns this import into n8n-workflow proper,
 * the peer dependency n8n provides.
 */
import type * as N8nWorkflow from 'n8n-workflow';
import n8nWorkflowCjs from 'n8n-workflow/dist/cjs/index.js';

const runtime = n8nWorkflowCjs as unknown as typeof N8nWorkflow;

export const { Workflow, WorkflowDataProxy, NodeApiError, NodeConnectionTypes, NodeOperationError, deepCopy, sleep } =
  runtime;
/**
 * n8n's condition model (If, Filter, Switch): the filter evaluator and the type validation it rests
 * on; its errors; and the node helpers that count a node's outputs (its error output included).
 */
export const {
  ApplicationError,
  ExpressionError,
  NodeHelpers,
  executeFilter,
  executeFilterCondition,
  isFilterValue,
  validateFieldType,
} = runtime;
/** n8n's value descriptions and JSON parsing (with repair), as the data-transformation core nodes use them. */
export const { getValueDescription, jsonParse } = runtime;

/** n8n's date parsing (the Wait node's `dateTime`): ISO, SQL, HTTP and RFC 2822 dates, in a zone. */
export const { tryToParseDateTime } = runtime;
