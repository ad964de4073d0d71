/**
 * What a response becomes, as n8n's HTTP Request node v4 makes it: JSON bodies as items (an array
 * gives one item per element), text under `data` (or `outputPropertyName`), the full response as
 * `{ body, headers, statusCode, statusMessage }`, and a non-2xx answer as n8n's NodeApiError
 * (whose messages, "The resource you are requesting could not be found" and so on, come from
 * n8n-workflow itself).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from '../../../node-contract/n8n-runtime.js';
import type { GuardedResponse } from '../../../pool/http-request.js';
import type { HttpOptions } from './request-options.js';

/** Content types n8n's autodetect treats as a file. */
const BINARY_TYPES = [
  'image/',
  'audio/',
  'video/',
  'application/octet-stream',
  'application/gzip',
  'application/zip',
  'application/vnd.rar',
  'application/epub+zip',
  'application/x-bzip',
  'application/x-bzip2',
  'application/x-cdf',
  'application/vnd.amazon.ebook',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-fontobject',
  'application/vnd.oasis.opendocument.presentation',
  'application/pdf',
  'application/x-tar',
  'application/vnd.visio',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/x-7z-compressed',
];

const contentTypeOf = (response: GuardedResponse): string => {
  const value = response.headers['content-type'];
  return (Array.isArray(value) ? value[0] : value) ?? '';
};

/** n8n's error for a non-2xx answer (unless `neverError`): the status decides the message. */
export function statusError(context: IExecuteFunctions, response: GuardedResponse, itemIndex: number): Error {
  const text = response.body.toString('utf8');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // A text body is described as text.
  }
  const reason = {
    statusCode: response.statusCode,
    message:
      response.statusCode === 429
        ? "Try spacing your requests out using the batching settings under 'Options'"
        : `${response.statusCode} - ${JSON.stringify(body)}`,
    error: body,
  };
  return new NodeApiError(context.getNode(), reason as unknown as JsonObject, { itemIndex });
}

type Format = 'json' | 'text';

/** The body decoded for its format (autodetect chooses by content type). */
function decodeBody(context: IExecuteFunctions, response: GuardedResponse, options: HttpOptions, itemIndex: number) {
  const settings = options.response?.response ?? {};
  const requested = settings.responseFormat ?? 'autodetect';
  const contentType = contentTypeOf(response);
  const text = response.body.toString('utf8');
  if (requested === 'autodetect') {
    if (contentType.includes('application/json')) {
      try {
        return { format: 'json' as Format, body: JSON.parse(text) as unknown };
      } catch {
        if (settings.neverError) return { format: 'json' as Format, body: {} };
        throw new NodeOperationError(context.getNode(), 'Invalid JSON in response body', { itemIndex });
      }
    }
    if (BINARY_TYPES.some((type) => contentType.includes(type)))
      throw new NodeOperationError(
        context.getNode(),
        `The response is a file (${contentType}): Hookline's HTTP Request node does not output binary data`,
        { itemIndex, description: "Set the Response Format option to 'Text' to get the body as text." },
      );
    return { format: 'text' as Format, body: text === '' ? undefined : text };
  }
  if (requested === 'json') {
    try {
      return { format: 'json' as Format, body: JSON.parse(text) as unknown };
    } catch {
      throw new NodeOperationError(
        context.getNode(),
        'Response body is not valid JSON. Change "Response Format" to "Text"',
        { itemIndex },
      );
    }
  }
  return { format: 'text' as Format, body: text };
}

const toText = (value: unknown) => (typeof value === 'object' && value !== null ? JSON.stringify(value) : value);

/** The items one response gives (each paired with the input item that asked). */
export function responseItems(
  context: IExecuteFunctions,
  response: GuardedResponse,
  options: HttpOptions,
  itemIndex: number,
): INodeExecutionData[] {
  const settings = options.response?.response ?? {};
  const { format, body } = decodeBody(context, response, options, itemIndex);
  const pairedItem = { item: itemIndex };
  const property = settings.outputPropertyName ?? 'data';
  const meta = { headers: response.headers, statusCode: response.statusCode, statusMessage: response.statusMessage };
  if (settings.fullResponse) {
    const json = format === 'text' ? { [property]: toText(body), ...meta } : { body, ...meta };
    return [{ json: json as IDataObject, pairedItem }];
  }
  if (format === 'text') return [{ json: { [property]: toText(body) } as IDataObject, pairedItem }];
  const values = Array.isArray(body) ? body : [body];
  return values.map((json) => ({ json: json as IDataObject, pairedItem }));
}
