/**
 * Runtime values of n8n-workflow for this node. Its ESM build uses extension-less imports that
 * Node's ESM loader cannot resolve, so they come from the CommonJS build, typed as the package
 * itself (as `engine/workflow/n8n-runtime.ts` does). The n8n package's bundling step
 * (`scripts/build-n8n.mjs`) aliases this import to n8n-workflow proper, n8n's peer dependency.
 */
import type * as N8nWorkflow from 'n8n-workflow';
import n8nWorkflowCjs from 'n8n-workflow/dist/cjs/index.js';

const runtime = n8nWorkflowCjs as unknown as typeof N8nWorkflow;

export const { NodeConnectionTypes, NodeOperationError } = runtime;
