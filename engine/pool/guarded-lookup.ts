/**
 * The connect-time half of the SSRF guard: a `lookup` for `net.connect` (handed to undici's
 * `connect` option) that resolves the name once, refuses the connection when ANY resolved address
 * is special-purpose, and otherwise hands exactly the checked addresses to the socket. The socket
 * never resolves on its own, so DNS rebinding cannot swap the address between check and connect.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Errors } from '../errors.js';
import { refusalOfAddress } from '../message/target-guard.js';

/** Resolves a host name to every address it has; `dns.lookup` with `all: true` by default. */
export type ResolveHost = (hostname: string, family: number) => Promise<LookupAddress[]>;

/** `net.connect`'s `lookup` option. */
export type ConnectLookup = (
  hostname: string,
  options: LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

export const systemResolve: ResolveHost = (hostname, family) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, family, verbatim: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses),
    ),
  );

/**
 * The refusal as the socket's error: a `DELIVERY_TARGET_REFUSED` HooklineError, which the
 * outcome classifier recognises by its code however undici passes it on.
 */
function refused(hostname: string, reason: string): NodeJS.ErrnoException {
  return Errors.DELIVERY_TARGET_REFUSED(hostname, reason) as NodeJS.ErrnoException;
}

/** `net` passes the family as 4, 6, 0, or (from some callers) `'IPv4'`/`'IPv6'`. */
function familyNumber(family: LookupOptions['family']): number {
  if (family === 'IPv4') return 4;
  if (family === 'IPv6') return 6;
  return family ?? 0;
}

/**
 * Creates the guarded lookup. Happy-eyeballs connects (`autoSelectFamily`, Node 20's default)
 * ask for `all: true` and try each address; a plain connect asks for one.
 *
 * @param resolve - Where names resolve; tests inject a resolver that maps a name to loopback.
 */
export function createGuardedLookup(resolve: ResolveHost = systemResolve): ConnectLookup {
  return (hostname, options, callback) => {
    resolve(hostname, familyNumber(options.family)).then(
      (addresses) => {
        if (addresses.length === 0) return callback(refused(hostname, 'the name has no address'), []);
        for (const { address } of addresses) {
          const reason = refusalOfAddress(address);
          if (reason) return callback(refused(hostname, `it resolves to ${address}, ${reason}`), []);
        }
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, []),
    );
  };
}
