/**
 * `hookline verify --secret S --header 'name: value' … < body`: checks a saved webhook request
 * the way a receiver would (`verifyWebhook`). Exit 0 when authentic, 1 when not, 2 on bad usage.
 */
import { type SignatureScheme, SIGNATURE_SCHEMES } from '../signing/index.js';
import { isWireProfile, WIRE_PROFILES } from '../message/profiles.js';
import { verifyWebhook, WebhookVerificationError } from '../sdk/verify.js';
import { type CommandSpec, integerFlag, listFlag, stringFlag, UsageError } from './command.js';
import { readStream } from './io.js';
import { EXIT } from './remote.js';
import { parseHeader } from './webhook-input.js';

/** The `verify` command. */
export const verifyCommand: CommandSpec = {
  name: 'verify',
  summary: 'Check the signature of a webhook request whose body is on stdin.',
  flags: {
    secret: {
      type: 'string',
      multiple: true,
      value: 'SECRET',
      doc: 'webhook secret (whsec_…), or whpk_… public key for ed25519 (required)',
    },
    header: { type: 'string', multiple: true, value: "'NAME: VALUE'", doc: 'a request header as received (required)' },
    scheme: {
      type: 'string',
      value: 'SCHEME',
      doc: `${SIGNATURE_SCHEMES.join('|')} (default: detected from the headers)`,
    },
    profile: {
      type: 'string',
      value: 'PROFILE',
      doc: `the webhook's wire profile: ${WIRE_PROFILES.join('|')} (sets the scheme, headers and timestamp unit)`,
    },
    'signature-header': {
      type: 'string',
      value: 'NAME',
      doc: 'custom signature header of a hex/sha256/timestamped webhook',
    },
    'tolerance-sec': { type: 'string', value: 'SEC', doc: 'largest accepted timestamp age (default 300)' },
    json: { type: 'boolean', doc: 'print {valid, reason?, message?, payload?} as JSON' },
  },
  notes: [
    "Example: hookline verify --secret whsec_… --header 'webhook-id: msg_1' \\",
    "  --header 'webhook-timestamp: 1700000000' --header 'webhook-signature: v1,…' < body.json",
    'Exit codes: 0 valid, 1 invalid, 2 usage error.',
  ],
  async run(ctx) {
    const secrets = listFlag(ctx.flags, 'secret');
    if (secrets.length === 0) throw new UsageError('--secret is required');
    const headerFlags = listFlag(ctx.flags, 'header');
    if (headerFlags.length === 0) throw new UsageError("give the request's headers with --header 'name: value'");
    const scheme = stringFlag(ctx.flags, 'scheme');
    if (scheme !== undefined && !SIGNATURE_SCHEMES.includes(scheme as SignatureScheme))
      throw new UsageError(`--scheme must be one of ${SIGNATURE_SCHEMES.join(', ')}`);
    const profile = stringFlag(ctx.flags, 'profile');
    if (profile !== undefined && !isWireProfile(profile))
      throw new UsageError(`--profile must be one of ${WIRE_PROFILES.join(', ')}`);
    const headers: Record<string, string> = {};
    for (const [name, value] of headerFlags.map(parseHeader))
      headers[name.toLowerCase()] = headers[name.toLowerCase()] ? `${headers[name.toLowerCase()]} ${value}` : value;
    const body = await (ctx.io.readStdin?.() ?? readStream(process.stdin));
    const options = {
      profile,
      scheme: scheme as SignatureScheme | undefined,
      headerName: stringFlag(ctx.flags, 'signature-header'),
      toleranceSec: integerFlag(ctx.flags, 'tolerance-sec'),
    };
    return report(ctx, () => verifyWebhook(body, headers, secrets, options));
  },
};

function report(ctx: Parameters<CommandSpec['run']>[0], check: () => unknown): number {
  const json = ctx.flags.json === true;
  try {
    const payload = check();
    if (json) ctx.io.out(JSON.stringify({ valid: true, payload }, null, 2));
    else ctx.io.out('valid');
    return EXIT.ok;
  } catch (error) {
    // A TypeError is a malformed secret: the caller's mistake, not a forged request.
    if (error instanceof TypeError) throw new UsageError(`--secret: ${error.message}`);
    if (!(error instanceof WebhookVerificationError)) throw error;
    if (json) ctx.io.out(JSON.stringify({ valid: false, reason: error.reason, message: error.message }, null, 2));
    ctx.io.err(`invalid: ${error.reason}: ${error.message}`);
    return EXIT.failed;
  }
}
