/**
 * Where outgoing webhooks may go. Pure (no sockets, no DNS): the save-time check of a URL and
 * the classifier that the pool's connect-time lookup (`engine/pool/guarded-lookup.ts`) applies
 * to every resolved address, so a name cannot pass at save and resolve to loopback at send.
 *
 * Addresses are parsed and matched with `ipaddr.js`, never with regular expressions; the refused
 * blocks are IANA's special-purpose registries (RFC 6890 and successors). IPv6 forms that carry
 * an IPv4 address (mapped, compatible, translated, 6to4) are judged by the IPv4 they carry.
 */
import ipaddr from 'ipaddr.js';
import { Errors } from '../errors.js';

/** The two settings that decide which targets are allowed (`engine/config.ts`). */
export interface TargetPolicy {
  /** Loopback, private and every other special-purpose address allowed (local development, tests). */
  allowPrivateTargets: boolean;
  /** Plain `http://` targets refused. @defaultValue false */
  httpsOnly?: boolean;
}

type Block = [ipaddr.IPv4 | ipaddr.IPv6, number];

const cidrs = (list: string[]): Block[] => list.map((cidr) => ipaddr.parseCIDR(cidr));

/** IPv4 special-purpose blocks that are not globally reachable, plus multicast and 240/4. */
const V4_REFUSED = cidrs([
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8', // private (RFC 1918)
  '100.64.0.0/10', // shared address space, carrier-grade NAT
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local, cloud metadata services
  '172.16.0.0/12', // private (RFC 1918)
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation (TEST-NET-1)
  '192.88.99.0/24', // deprecated 6to4 relay anycast
  '192.168.0.0/16', // private (RFC 1918)
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation (TEST-NET-2)
  '203.0.113.0/24', // documentation (TEST-NET-3)
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, and 255.255.255.255 broadcast
]);

/** IPv6 forms whose last 32 bits are an IPv4 address: judged by that address. */
const V6_EMBEDDING_V4 = cidrs([
  '::ffff:0:0/96', // IPv4-mapped
  '::ffff:0:0:0/96', // IPv4-translated (SIIT)
  '::/96', // IPv4-compatible (deprecated); `::` and `::1` are refused before
]);

/** IPv6 special-purpose blocks refused outright. */
const V6_REFUSED = cidrs([
  '::/128', // unspecified
  '::1/128', // loopback
  '64:ff9b::/96', // NAT64 well-known prefix: reaches whatever IPv4 the gateway can
  '64:ff9b:1::/48', // NAT64 local-use prefix
  '100::/64', // discard-only
  '2001::/23', // IETF protocol assignments, with Teredo 2001::/32
  '2001:db8::/32', // documentation
  '3fff::/20', // documentation
  '5f00::/16', // SRv6 SIDs
  'fc00::/7', // unique-local
  'fe80::/10', // link-local
  'fec0::/10', // site-local (deprecated)
  'ff00::/8', // multicast
]);

const V6_6TO4: Block = ipaddr.parseCIDR('2002::/16');
/** Everything outside global unicast is unassigned or special. */
const V6_GLOBAL_UNICAST: Block = ipaddr.parseCIDR('2000::/3');

/**
 * Why an IP address is refused as a target, or null when it is an ordinary public address.
 * Accepts any spelling `ipaddr.js` parses (IPv4 in dotted, IPv6 with or without brackets).
 *
 * @returns `'not an IP address'` for input that is not one, so a caller never mistakes it for public.
 */
export function refusalOfAddress(address: string): string | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (!ipaddr.isValid(bare)) return 'not an IP address';
  return refusalOf(ipaddr.parse(bare));
}

/** Whether {@link refusalOfAddress} refuses the address. */
export function isSpecialPurposeAddress(address: string): boolean {
  return refusalOfAddress(address) !== null;
}

function refusalOf(address: ipaddr.IPv4 | ipaddr.IPv6): string | null {
  if (address.kind() === 'ipv4') {
    return V4_REFUSED.some((block) => address.match(block)) ? 'a special-purpose IPv4 address' : null;
  }
  const v6 = address as ipaddr.IPv6;
  if (V6_REFUSED.some((block) => v6.match(block))) return 'a special-purpose IPv6 address';
  // Mapped, translated and compatible forms carry the IPv4 address in their last 32 bits.
  if (V6_EMBEDDING_V4.some((block) => v6.match(block))) return embeddedRefusal(v4From(v6.parts[6], v6.parts[7]));
  // 6to4: 2002:AABB:CCDD::/48 carries AA.BB.CC.DD in bits 16..47.
  if (v6.match(V6_6TO4)) return embeddedRefusal(v4From(v6.parts[1], v6.parts[2]));
  return v6.match(V6_GLOBAL_UNICAST) ? null : 'outside IPv6 global unicast';
}

function v4From(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function embeddedRefusal(v4: ipaddr.IPv4): string | null {
  return refusalOf(v4) ? `an IPv6 form of the special-purpose IPv4 address ${v4.toString()}` : null;
}

/** Names that always mean this machine or its link, whatever DNS says. */
function isLocalName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local');
}

/**
 * Why the URL's target is refused under the policy, or null. Reads the host as WHATWG URL
 * parsing normalised it (`http://0x7f.1/` is `127.0.0.1`, `[::ffff:127.0.0.1]` is
 * `[::ffff:7f00:1]`), so every IPv4 spelling reaches the classifier as dotted decimal. A name is
 * refused here only when it is local by definition (save time: quick feedback); what any name
 * resolves to is checked at connect time, which is why the send path passes `localNames: false`.
 */
export function refusalOfUrl(
  url: string,
  policy: TargetPolicy,
  options: { localNames: boolean } = { localNames: true },
): UrlRefusal | null {
  const parsed = new URL(url);
  const host = parsed.hostname.toLowerCase();
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  if (policy.httpsOnly && parsed.protocol !== 'https:')
    return { host: bare, scheme: true, reason: 'plain http is refused (httpsOnly)' };
  if (policy.allowPrivateTargets) return null;
  if (ipaddr.isValid(bare) && (bare.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(bare))) {
    const reason = refusalOfAddress(bare);
    return reason ? { host: bare, scheme: false, reason } : null;
  }
  const name = bare.replace(/\.+$/, '');
  return options.localNames && isLocalName(name) ? { host: bare, scheme: false, reason: 'a local name' } : null;
}

/** Why {@link refusalOfUrl} refused a URL. */
export interface UrlRefusal {
  /** The host as the URL parser normalised it, without IPv6 brackets. */
  host: string;
  /** Refused for its scheme (`httpsOnly`), not its address. */
  scheme: boolean;
  reason: string;
}

/**
 * The save-time check of a webhook's or sender node's URL: throws `INVALID_INPUT` for plain
 * http under `httpsOnly`, `TARGET_NOT_ALLOWED` for a special-purpose IP literal or a local name.
 */
export function assertTargetAllowed(url: string, policy: TargetPolicy): void {
  const refusal = refusalOfUrl(url, policy);
  if (!refusal) return;
  if (refusal.scheme) {
    throw Errors.INVALID_INPUT('URL must use https: httpsOnly is on', {
      details: { field: 'url', expected: 'an https URL', received: new URL(url).protocol },
    });
  }
  throw Errors.TARGET_NOT_ALLOWED(refusal.host);
}
