/**
 * The engine services n8n's core nodes need beyond n8n's function context: the Code node's
 * worker threads and the HTTP Request node's guarded requests, bound to the engine's config.
 * The engine makes one set (`createCoreNodeServices`) and hands it to nodes on
 * `this.helpers.hookline.core`; a host that does not (a test running a graph directly) gets a
 * default set on first use, with the config's defaults: SSRF guard on, default limits.
 */
import { DEFAULTS, type HooklineConfig } from '../../config.js';
import { createLogger, type Logger } from '../../logger.js';
import type { TargetPolicy } from '../../message/target-guard.js';
import { guardedRequest, type GuardedRequest, type GuardedResponse } from '../../pool/http-request.js';
import { getHooklineHelpers } from '../../node-contract/helpers.js';
import { createCodeSandbox, type CodeSandbox } from './code/sandbox-pool.js';

export interface CoreNodeServices {
  /** The Code node's worker threads (started on first use). */
  readonly codeSandbox: CodeSandbox;
  /** An HTTP request through the SSRF guard, under the engine's target policy. */
  httpRequest(request: GuardedRequest): Promise<GuardedResponse>;
  /** Ends the Code node's threads (engine stop). */
  close(): Promise<void>;
}

type ServiceConfig = Pick<
  HooklineConfig,
  'codeTimeoutMs' | 'codeMemoryMb' | 'codeWorkers' | 'allowPrivateTargets' | 'httpsOnly'
>;

export function createCoreNodeServices(config: ServiceConfig, log: Logger): CoreNodeServices {
  const targets: TargetPolicy = { allowPrivateTargets: config.allowPrivateTargets, httpsOnly: config.httpsOnly };
  let sandbox: CodeSandbox | undefined;
  const codeSandbox: CodeSandbox = {
    // Made on first use: a workflow without Code nodes never starts a thread.
    run: (task, logContext) => {
      sandbox ??= createCodeSandbox({
        timeoutMs: config.codeTimeoutMs,
        memoryMb: config.codeMemoryMb,
        maxWorkers: config.codeWorkers,
        log,
      });
      return sandbox.run(task, logContext);
    },
    close: async () => sandbox?.close(),
  };
  return {
    codeSandbox,
    httpRequest: (request) => guardedRequest(request, targets),
    close: () => codeSandbox.close(),
  };
}

let fallback: CoreNodeServices | undefined;

/** The services the host handed the node, or the default set. */
export function coreServicesOf(helpers: unknown): CoreNodeServices {
  const given = getHooklineHelpers(helpers)?.core as CoreNodeServices | undefined;
  if (given) return given;
  fallback ??= createCoreNodeServices(DEFAULTS, createLogger(DEFAULTS.logLevel));
  return fallback;
}
