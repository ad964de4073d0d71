/**
 * The trigger's parameters, read once per request with their declared defaults. Values outside a
 * parameter's options are kept as given so the checks refuse them (an unknown authentication
 * method answers 401) rather than silently falling back to something more open.
 */
import type { AuthMethod } from './auth.js';
import type { TriggerKind } from './body-validation.js';
import type { SignatureOption } from './signature.js';

/** The `options` collection. */
export interface TriggerOptions {
  /** @defaultValue true */
  validateBody: boolean;
  /** Comma-separated IPs and CIDR ranges; @defaultValue '' (everyone) */
  ipAllowlist: string;
  /** Comma-separated origins; @defaultValue '' (any) */
  allowedOrigins: string;
}

/** Every parameter `webhook()` acts on. */
export interface TriggerParameters {
  /** @defaultValue 'workflow' */
  kind: TriggerKind;
  /** @defaultValue 'urlToken' */
  authentication: AuthMethod;
  /** @defaultValue 'onReceived' */
  responseMode: 'onReceived' | 'lastNode';
  /** @defaultValue 'none' */
  signature: SignatureOption;
  /** @defaultValue 'X-Webhook-Signature' */
  signatureHeader: string;
  /** @defaultValue 300 */
  toleranceSec: number;
  options: TriggerOptions;
}

/** The one method of n8n's webhook context this file needs; the engine's trigger table offers it too. */
export interface ParameterSource {
  getNodeParameter(name: string, fallback: unknown): unknown;
}

function text(source: ParameterSource, name: string, fallback: string): string {
  const value = source.getNodeParameter(name, fallback);
  return typeof value === 'string' ? value : fallback;
}

function readOptions(source: ParameterSource): TriggerOptions {
  const raw = source.getNodeParameter('options', {});
  const options = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    validateBody: options.validateBody !== false,
    ipAllowlist: typeof options.ipAllowlist === 'string' ? options.ipAllowlist : '',
    allowedOrigins: typeof options.allowedOrigins === 'string' ? options.allowedOrigins : '',
  };
}

/** Any value but a missing one is kept (a number becomes text), so `authenticate()` refuses what it does not know. */
function authMethod(source: ParameterSource): AuthMethod {
  const value = source.getNodeParameter('authentication', 'urlToken');
  return (value === null || value === undefined ? 'urlToken' : String(value)) as AuthMethod;
}

/** Reads the parameters through `getNodeParameter(name, fallback)`, the n8n webhook-context form. */
export function readTriggerParameters(source: ParameterSource): TriggerParameters {
  const tolerance = Number(source.getNodeParameter('toleranceSec', 300));
  return {
    kind: text(source, 'kind', 'workflow') === 'agent' ? 'agent' : 'workflow',
    authentication: authMethod(source),
    responseMode: text(source, 'responseMode', 'onReceived') === 'lastNode' ? 'lastNode' : 'onReceived',
    signature: text(source, 'signature', 'none') as SignatureOption,
    signatureHeader: text(source, 'signatureHeader', 'X-Webhook-Signature'),
    // A tolerance of 0 or less would reject every signed request; NaN would accept any age.
    toleranceSec: Number.isFinite(tolerance) && tolerance > 0 ? tolerance : 300,
    options: readOptions(source),
  };
}
