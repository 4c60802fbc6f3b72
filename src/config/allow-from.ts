// allow_from: the source addresses a key may be used from, as a net.BlockList.
import { BlockList, isIP } from 'node:net';

export type AllowFromResult = { ok: true; list: BlockList } | { ok: false; message: string };

// Adds one address or CIDR; IPv4 rules are also added in their IPv4-mapped IPv6 form
// (::ffff:a.b.c.d), the way a dual-stack listener reports IPv4 peers.
function addEntry(list: BlockList, entry: string): string | null {
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return `"${entry}" is not an IP address or CIDR`;
  if (slash === -1) {
    if (family === 4) {
      list.addAddress(address, 'ipv4');
      list.addAddress(`::ffff:${address}`, 'ipv6');
    } else {
      list.addAddress(address, 'ipv6');
    }
    return null;
  }
  const prefixText = entry.slice(slash + 1);
  const maxPrefix = family === 4 ? 32 : 128;
  const prefix = /^\d{1,3}$/u.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= maxPrefix)) return `"${entry}": the prefix length must be 0 to ${maxPrefix}`;
  if (family === 4) {
    list.addSubnet(address, prefix, 'ipv4');
    list.addSubnet(`::ffff:${address}`, 96 + prefix, 'ipv6');
  } else {
    list.addSubnet(address, prefix, 'ipv6');
  }
  return null;
}

// addEntry, with what BlockList itself refuses (a zone index such as fe80::1%eth0) as an error too.
function safeAddEntry(list: BlockList, entry: string): string | null {
  try {
    return addEntry(list, entry);
  } catch {
    return `"${entry}" is not an address this daemon can match`;
  }
}

// Parses a space- or comma-separated list of IPv4/IPv6 addresses and CIDRs.
export function parseAllowFrom(value: string): AllowFromResult {
  const entries = value.split(/[\s,]+/u).filter((entry) => entry !== '');
  if (entries.length === 0) return { ok: false, message: 'empty; leave the option out to allow any address' };
  const list = new BlockList();
  const errors = entries.map((entry) => safeAddEntry(list, entry)).filter((error) => error !== null);
  return errors.length === 0 ? { ok: true, list } : { ok: false, message: errors.join('; ') };
}
