/**
 * Source checks that run before authentication: the caller's IP against an allowlist and the
 * browser `Origin` against allowed origins. The IP parsing is written by hand (no `node:net`,
 * no ipaddr.js) because this folder is bundled into the n8n package, which may import only
 * `node:crypto` and n8n-workflow.
 */

/** One allowlist entry: an address (4 or 16 bytes) and how many leading bits must match. */
interface IpRule {
  bytes: number[];
  prefixBits: number;
}

/** Dotted-quad IPv4. Leading zeros are refused: some parsers read `010` as octal 8. */
function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes.push(value);
  }
  return bytes;
}

/** 16-bit groups of one side of `::`; only the last group of the address may be an embedded IPv4. */
function parseGroups(part: string, allowIpv4Tail: boolean): number[] | null {
  if (part === '') return [];
  const pieces = part.split(':');
  const groups: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i];
    if (allowIpv4Tail && i === pieces.length - 1 && piece.includes('.')) {
      const v4 = parseIpv4(piece);
      if (!v4) return null;
      groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    } else if (/^[0-9a-f]{1,4}$/i.test(piece)) {
      groups.push(parseInt(piece, 16));
    } else return null;
  }
  return groups;
}

/** RFC 4291 §2.2 text forms: full, `::`-compressed, embedded IPv4; a `%zone` suffix is ignored. */
function parseIpv6(text: string): number[] | null {
  const zone = text.indexOf('%');
  const halves = (zone >= 0 ? text.slice(0, zone) : text).split('::');
  if (halves.length > 2) return null;
  const head = parseGroups(halves[0], halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1], true) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return groups.flatMap((group) => [group >> 8, group & 0xff]);
}

/** `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2) is an IPv4 caller seen through a dual-stack socket. */
function isMappedIpv4(bytes: number[]): boolean {
  return (
    bytes.length === 16 && bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff
  );
}

/**
 * Parses an IPv4 or IPv6 address to its bytes; IPv4-mapped IPv6 becomes the 4 IPv4 bytes so that
 * `::ffff:10.0.0.1` and `10.0.0.1` are the same caller. Brackets (`[::1]`) are accepted.
 *
 * @returns 4 or 16 bytes, or null when the text is not an address.
 */
export function parseIp(text: string): number[] | null {
  const trimmed = text.trim().replace(/^\[(.*)\]$/, '$1');
  const bytes = trimmed.includes(':') ? parseIpv6(trimmed) : parseIpv4(trimmed);
  if (bytes && isMappedIpv4(bytes)) return bytes.slice(12);
  return bytes;
}

/** `address` or `address/prefix`; a mapped IPv6 range of /96 or more becomes the IPv4 range. */
function parseRule(entry: string): IpRule | null {
  const slash = entry.indexOf('/');
  const addressText = slash < 0 ? entry : entry.slice(0, slash);
  const raw = addressText.includes(':') ? parseIpv6(addressText.replace(/^\[(.*)\]$/, '$1')) : parseIpv4(addressText);
  if (!raw) return null;
  let prefixBits = raw.length * 8;
  if (slash >= 0) {
    const prefixText = entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > prefixBits) return null;
    prefixBits = Number(prefixText);
  }
  if (isMappedIpv4(raw) && prefixBits >= 96) return { bytes: raw.slice(12), prefixBits: prefixBits - 96 };
  return { bytes: raw, prefixBits };
}

/** Splits a comma-, space- or newline-separated list, dropping empty entries. */
function splitList(list: string | readonly string[]): string[] {
  const entries = typeof list === 'string' ? list.split(/[\s,]+/) : list.flatMap((entry) => entry.split(/[\s,]+/));
  return entries.map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/**
 * Parses an allowlist. Invalid entries are reported rather than thrown so a caller can warn about
 * them; {@link isIpAllowed} ignores them (they match nothing).
 */
export function parseAllowlist(list: string | readonly string[]): { rules: IpRule[]; invalid: string[] } {
  const rules: IpRule[] = [];
  const invalid: string[] = [];
  for (const entry of splitList(list)) {
    const rule = parseRule(entry);
    if (rule) rules.push(rule);
    else invalid.push(entry);
  }
  return { rules, invalid };
}

function matchesRule(ip: number[], rule: IpRule): boolean {
  if (ip.length !== rule.bytes.length) return false;
  const fullBytes = rule.prefixBits >> 3;
  for (let i = 0; i < fullBytes; i++) if (ip[i] !== rule.bytes[i]) return false;
  const restBits = rule.prefixBits & 7;
  if (restBits === 0) return true;
  const mask = (0xff << (8 - restBits)) & 0xff;
  return (ip[fullBytes] & mask) === (rule.bytes[fullBytes] & mask);
}

/**
 * Whether the caller's IP is in the allowlist: exact addresses and CIDR ranges, IPv4 and IPv6,
 * IPv4-mapped IPv6 treated as IPv4.
 *
 * @param ip - The caller's address (`req.ip`); an absent or unparsable one is refused when a list is set.
 * @param allowlist - Comma-separated entries, or an array of them; empty allows everyone. A list
 * whose entries are all invalid allows no one: a typo must not open the endpoint.
 */
export function isIpAllowed(ip: string | undefined, allowlist: string | readonly string[]): boolean {
  if (splitList(allowlist).length === 0) return true;
  const bytes = ip === undefined ? null : parseIp(ip);
  if (!bytes) return false;
  return parseAllowlist(allowlist).rules.some((rule) => matchesRule(bytes, rule));
}

/** Origins compare case-insensitively and without a trailing slash, as browsers serialise them. */
function normalizeOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}

/**
 * Whether a browser `Origin` may call the webhook. A request without `Origin` (a server, curl) is
 * allowed: the header only says which web page sent a browser's request, it is not authentication.
 *
 * @param allowedOrigins - Comma-separated origins such as `https://app.example.com`; empty or `*` allows any.
 */
export function isOriginAllowed(
  origin: string | string[] | undefined,
  allowedOrigins: string | readonly string[],
): boolean {
  const allowed = splitList(allowedOrigins).map(normalizeOrigin);
  if (allowed.length === 0 || allowed.includes('*')) return true;
  if (origin === undefined || origin === '') return true;
  // Browsers send one Origin; several are not a browser, so they must all be allowed.
  const origins = Array.isArray(origin) ? origin : [origin];
  return origins.every((value) => allowed.includes(normalizeOrigin(value)));
}
