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

export const { Workflow, NodeApiError, NodeConnectionTypes, NodeOperationError, deepCopy, sleep } = runtime;
/** Type validation and safe property helpers the data-transformation core nodes use (as n8n's own nodes do). */
export const { validateFieldType, getValueDescription, isSafeObjectProperty, jsonParse, ApplicationError } = runtime;
