/**
 * The request of one item, built from the HTTP Request node's parameters as n8n v4 reads them:
 * query and headers from fields or JSON, a JSON, form-urlencoded, multipart (text fields) or raw
 * body, and generic header, bearer or basic auth from the credentials file. What the engine does
 * not run (binary bodies, proxies, pagination, predefined credential types) is refused by name.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { FormData } from 'undici';
import { NodeOperationError } from '../../../node-contract/n8n-runtime.js';
import type { GuardedRequest } from '../../../pool/http-request.js';

/** n8n's `options` collection of the node. */
export interface HttpOptions {
  batching?: { batch?: { batchSize?: number; batchInterval?: number } };
  lowercaseHeaders?: boolean;
  redirect?: { redirect?: { followRedirects?: boolean; maxRedirects?: number } };
  response?: {
    response?: { fullResponse?: boolean; neverError?: boolean; responseFormat?: string; outputPropertyName?: string };
  };
  pagination?: { pagination?: { paginationMode?: string } };
  timeout?: number;
  proxy?: string;
  allowUnauthorizedCerts?: boolean;
  queryParameterArrays?: 'brackets' | 'indices' | 'repeat';
}

/** n8n's timeout when the node sets none: five minutes. */
const DEFAULT_TIMEOUT_MS = 300_000;

interface Pair {
  name?: string;
  value?: unknown;
  parameterType?: string;
}

type Context = IExecuteFunctions;

const param = <T>(context: Context, name: string, itemIndex: number, fallback: T): T =>
  context.getNodeParameter(name, itemIndex, fallback) as T;

/** A string parameter (an option's value). */
const option = (context: Context, name: string, itemIndex: number, fallback: string): string =>
  String(context.getNodeParameter(name, itemIndex, fallback));

function refuse(context: Context, what: string, itemIndex: number): never {
  throw new NodeOperationError(context.getNode(), `${what} is not supported by Hookline's HTTP Request node`, {
    itemIndex,
  });
}

/** Options the engine cannot honour are refused, never silently ignored. */
export function refuseUnsupportedOptions(context: Context, options: HttpOptions, itemIndex: number): void {
  if (options.proxy) refuse(context, "The 'Proxy' option", itemIndex);
  if (options.allowUnauthorizedCerts) refuse(context, "The 'Ignore SSL Issues' option", itemIndex);
  const pagination = options.pagination?.pagination?.paginationMode;
  if (pagination !== undefined && pagination !== 'off') refuse(context, 'Pagination', itemIndex);
  if (options.response?.response?.responseFormat === 'file') refuse(context, "Response Format 'File'", itemIndex);
}

function pairsOf(context: Context, name: string, itemIndex: number): Pair[] {
  const collection = param<{ parameters?: Pair[] }>(context, name, itemIndex, {});
  return (collection.parameters ?? []).filter((pair) => pair.name);
}

function parseJson(context: Context, name: string, itemIndex: number): IDataObject {
  const raw = param<unknown>(context, name, itemIndex, '');
  if (typeof raw === 'object' && raw !== null) return raw as IDataObject;
  if (raw === '' || raw === undefined) return {};
  try {
    return JSON.parse(String(raw)) as IDataObject;
  } catch {
    throw new NodeOperationError(context.getNode(), 'JSON parameter needs to be valid JSON', { itemIndex });
  }
}

const text = (value: unknown): string =>
  typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value ?? '');

/**
 * n8n's request library writes query strings and form bodies with `qs` (RFC 3986): every byte but
 * `A-Z a-z 0-9 - _ . ~` percent-encoded, a space as `%20` (not `+`, as URLSearchParams writes it).
 */
const encode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * `name=value` pairs as qs writes them. A name given twice keeps its last value (n8n before v4.3
 * assigns each field in turn); an array value is written as `queryParameterArrays` says (qs's
 * `indices`, `a[0]=1&a[1]=2`, by default).
 */
function encodePairs(entries: Array<[string, unknown]>, format: HttpOptions['queryParameterArrays']): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(Object.fromEntries(entries))) {
    if (!Array.isArray(value)) {
      parts.push(`${encode(name)}=${encode(text(value))}`);
      continue;
    }
    value.forEach((element: unknown, index) => {
      const key = format === 'repeat' ? name : format === 'brackets' ? `${name}[]` : `${name}[${index}]`;
      parts.push(`${encode(key)}=${encode(text(element))}`);
    });
  }
  return parts.join('&');
}

function buildUrl(context: Context, itemIndex: number, options: HttpOptions): string {
  const raw = String(param(context, 'url', itemIndex, ''));
  let url: URL;
  try {
    url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('scheme');
  } catch {
    throw new NodeOperationError(context.getNode(), `Invalid URL: ${raw}. URL must start with "http" or "https".`, {
      itemIndex,
    });
  }
  if (param(context, 'sendQuery', itemIndex, false)) {
    const entries: Array<[string, unknown]> =
      option(context, 'specifyQuery', itemIndex, 'keypair') === 'json'
        ? Object.entries(parseJson(context, 'jsonQuery', itemIndex))
        : pairsOf(context, 'queryParameters', itemIndex).map((pair) => [pair.name!, pair.value]);
    const query = encodePairs(entries, options.queryParameterArrays);
    if (query) url.search = url.search ? `${url.search.slice(1)}&${query}` : query;
  }
  return url.href;
}

function buildHeaders(context: Context, itemIndex: number, options: HttpOptions): Record<string, string> {
  if (!param(context, 'sendHeaders', itemIndex, false)) return {};
  const entries: Array<[string, unknown]> =
    option(context, 'specifyHeaders', itemIndex, 'keypair') === 'json'
      ? Object.entries(parseJson(context, 'jsonHeaders', itemIndex))
      : pairsOf(context, 'headerParameters', itemIndex).map((pair) => [pair.name!, pair.value]);
  const lowercase = options.lowercaseHeaders ?? true;
  return Object.fromEntries(entries.map(([name, value]) => [lowercase ? name.toLowerCase() : name, text(value)]));
}

/** n8n v4 writes JSON field names as paths: `a.b` sets `{ a: { b } }`. */
function setPath(target: IDataObject, path: string, value: unknown): void {
  const keys = path.split('.');
  let cursor = target;
  keys.slice(0, -1).forEach((key) => {
    if (typeof cursor[key] !== 'object' || cursor[key] === null) cursor[key] = {};
    cursor = cursor[key] as IDataObject;
  });
  cursor[keys[keys.length - 1]] = value as IDataObject[string];
}

interface Body {
  body?: string | FormData;
  contentType?: string;
}

function buildBody(context: Context, itemIndex: number): Body {
  if (!param(context, 'sendBody', itemIndex, false)) return {};
  const contentType = option(context, 'contentType', itemIndex, 'json');
  const specify = option(context, 'specifyBody', itemIndex, 'keypair');
  const pairs = () => pairsOf(context, 'bodyParameters', itemIndex);
  switch (contentType) {
    case 'json': {
      if (specify === 'json')
        return { body: JSON.stringify(parseJson(context, 'jsonBody', itemIndex)), contentType: 'application/json' };
      const object: IDataObject = {};
      pairs().forEach((pair) => setPath(object, pair.name!, pair.value));
      return { body: JSON.stringify(object), contentType: 'application/json' };
    }
    case 'form-urlencoded': {
      const entries: Array<[string, unknown]> =
        specify === 'string'
          ? [...new URLSearchParams(String(param(context, 'body', itemIndex, '')))]
          : pairs().map((pair) => [pair.name!, pair.value]);
      return { body: encodePairs(entries, undefined), contentType: 'application/x-www-form-urlencoded' };
    }
    case 'multipart-form-data': {
      const form = new FormData();
      for (const pair of pairs()) {
        if (pair.parameterType === 'formBinaryData') refuse(context, 'A binary form field', itemIndex);
        form.append(pair.name!, text(pair.value));
      }
      return { body: form };
    }
    case 'raw':
      return {
        body: String(param(context, 'body', itemIndex, '')),
        contentType: option(context, 'rawContentType', itemIndex, ''),
      };
    default:
      return refuse(context, `Body content type '${contentType}'`, itemIndex);
  }
}

/** The auth header of the node's generic credential, read from the credentials file. */
async function authHeaders(context: Context, itemIndex: number): Promise<Record<string, string>> {
  const authentication = option(context, 'authentication', itemIndex, 'none');
  if (authentication === 'none') return {};
  if (authentication !== 'genericCredentialType') refuse(context, `Authentication '${authentication}'`, itemIndex);
  const type = option(context, 'genericAuthType', itemIndex, '');
  switch (type) {
    case 'httpHeaderAuth': {
      const { name, value } = await context.getCredentials(type);
      return { [String(name)]: String(value) };
    }
    case 'httpBearerAuth': {
      const { token } = await context.getCredentials(type);
      return { authorization: `Bearer ${String(token)}` };
    }
    case 'httpBasicAuth': {
      const { user, password } = await context.getCredentials(type);
      return {
        authorization: `Basic ${Buffer.from(`${String(user ?? '')}:${String(password ?? '')}`).toString('base64')}`,
      };
    }
    default:
      return refuse(context, `Generic auth type '${type}'`, itemIndex);
  }
}

/** The request of item `itemIndex`. */
export async function buildRequest(context: Context, itemIndex: number, options: HttpOptions): Promise<GuardedRequest> {
  const url = buildUrl(context, itemIndex, options);
  const { body, contentType } = buildBody(context, itemIndex);
  const own = buildHeaders(context, itemIndex, options);
  // A content type the node's headers set wins over the body's, whatever its case.
  const typed = Object.keys(own).some((name) => name.toLowerCase() === 'content-type');
  const headers = {
    ...(contentType && !typed ? { 'content-type': contentType } : {}),
    ...own,
    ...(await authHeaders(context, itemIndex)),
  };
  const redirect = options.redirect?.redirect;
  return {
    method: String(option(context, 'method', itemIndex, 'GET')).toUpperCase(),
    url,
    headers,
    body,
    timeoutMs: options.timeout && options.timeout > 0 ? options.timeout : DEFAULT_TIMEOUT_MS,
    followRedirects: redirect?.followRedirects === true,
    maxRedirects: redirect?.maxRedirects ?? 21,
    signal: context.getExecutionCancelSignal(),
  };
}
