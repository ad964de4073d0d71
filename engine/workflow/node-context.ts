/**
 * The engine as an n8n host: what every function context it hands a node shares (the node, its
 * workflow, credentials, continue-on-fail, the `returnJsonArray` helpers), whether the node runs
 * (`execute-context.ts`) or answers a webhook (`ingress/webhook-context.ts`). A context is a
 * stand-in at the node boundary; calls a node makes outside it fail loudly rather than silently
 * doing nothing.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';
import { Errors } from '../errors.js';
import { NodeOperationError } from '../node-contract/n8n-runtime.js';
import type { LoadedWorkflow, WorkflowNodeDefinition } from './types.js';

/** Looks a credential up by type and the node's reference (id, then name). */
export type CredentialResolver = (
  type: string,
  reference: { id?: string; name: string },
) => Promise<Record<string, unknown> | null>;

/** What every context is built from. */
export interface BaseContextOptions {
  workflow: LoadedWorkflow;
  node: WorkflowNodeDefinition;
  resolveCredential: CredentialResolver;
}

/**
 * n8n's continue-on-fail: `onError` set to continue (regular or error output), or the legacy
 * `continueOnFail: true`. The one predicate for `this.continueOnFail()` and the runner alike.
 */
export function isContinueOnFail(node: Pick<WorkflowNodeDefinition, 'onError' | 'continueOnFail'>): boolean {
  return (
    node.continueOnFail === true || node.onError === 'continueRegularOutput' || node.onError === 'continueErrorOutput'
  );
}

/** The helpers every context has, whatever its node: each kind of context adds its own. */
export const BASE_HELPERS = {
  returnJsonArray: (data: IDataObject | IDataObject[]): INodeExecutionData[] =>
    (Array.isArray(data) ? data : [data]).map((json) => ({ json })),
  constructExecutionMetaData: (
    data: INodeExecutionData[],
    meta: { itemData: { item: number } | Array<{ item: number }> },
  ) => data.map((item) => ({ ...item, pairedItem: meta.itemData })),
};

/**
 * The members every context has, added to `members` (the context's own), which is returned.
 * Assigned one by one rather than spread into an object literal: contexts are built per node run
 * and per request, and a literal with spreads is built on V8's slow path.
 */
export function withBaseContext<T extends object>(members: T, options: BaseContextOptions): T & BaseContext {
  const base = createBaseContext(options);
  const context = members as Partial<BaseContext>;
  context.getNode = base.getNode;
  context.getWorkflow = base.getWorkflow;
  context.continueOnFail = base.continueOnFail;
  context.getCredentials = base.getCredentials;
  context.getMode ??= base.getMode;
  return context as T & BaseContext;
}

type BaseContext = Omit<ReturnType<typeof createBaseContext>, 'helpers'>;

/** The members every context has; `helpers` is extended by each kind of context. */
export function createBaseContext(options: BaseContextOptions) {
  const { node, workflow } = options;
  return {
    getNode: () => ({ ...node }),
    getWorkflow: () => ({ id: workflow.id, name: workflow.name, active: workflow.active }),
    getMode: () => 'webhook',
    continueOnFail: () => isContinueOnFail(node),
    async getCredentials(type: string): Promise<ICredentialDataDecryptedObject> {
      const reference = node.credentials?.[type];
      if (!reference)
        throw new NodeOperationError(node as never, `Node '${node.name}' has no credential of type '${type}'`);
      const data = await options.resolveCredential(type, reference);
      if (!data) throw Errors.CREDENTIAL_NOT_FOUND(reference.name, type);
      return data as ICredentialDataDecryptedObject;
    },
    helpers: BASE_HELPERS,
  };
}

/** The context as n8n's type `T`, failing loudly on any member the engine does not provide. */
export function hostContext<T>(node: WorkflowNodeDefinition, members: object): T {
  return new Proxy(members, {
    get(target, property, receiver) {
      if (property in target || typeof property === 'symbol' || property === 'then')
        return Reflect.get(target, property, receiver);
      throw new NodeOperationError(
        node as never,
        `The engine does not provide this.${String(property)}() to nodes yet`,
      );
    },
  }) as T;
}
