import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** An address or a CIDR range, as config.ts reads TRUSTED_PROXIES. */
export interface AddressRange {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) as `10.0.0.1`. */
const plain = (address: string): string =>
  address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;

/**
 * The address of the client a request comes from: the connection's, or, when the connection
 * comes from a trusted proxy, the last address in `X-Forwarded-For` that is not a trusted proxy
 * itself (addresses further left were written by the client and prove nothing).
 */
export function createClientAddress(
  trusted: readonly AddressRange[],
): (req: IncomingMessage) => string {
  const proxies = new BlockList();
  for (const range of trusted) {
    const width = range.family === 'ipv6' ? 128 : 32;
    if (range.prefix === width) proxies.addAddress(range.address, range.family);
    else proxies.addSubnet(range.address, range.prefix, range.family);
  }
  const isProxy = (address: string): boolean => {
    const version = isIP(address);
    return version !== 0 && proxies.check(address, version === 6 ? 'ipv6' : 'ipv4');
  };
  return (req) => {
    const remote = plain(req.socket.remoteAddress ?? '');
    if (trusted.length === 0 || !isProxy(remote)) return remote;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((hop) => plain(hop.trim()))
      .filter((hop) => isIP(hop) !== 0);
    for (let i = hops.length - 1; i >= 0; i -= 1) {
      const hop = hops[i];
      if (hop !== undefined && !isProxy(hop)) return hop;
    }
    return hops[0] ?? remote;
  };
}
