// Pieces of a DHCPv6 reply (RFC 8415 §18.3): identity associations with their addresses or
// status, the Status Code, and the configuration options a draft collected. The server core
// (server6.ts) decides which pieces each message type gets.
//
// T1 and T2 follow RFC 8415 §21.4's recommendation, 0.5 and 0.8 times the shortest preferred
// lifetime; the original uses floor(L/2) and floor(3L/4) (spec coresmd-dhcp §6.3). Preferred
// and valid lifetimes are both the lease time, as in the original.
import { Dhcp6Opt, Dhcp6Status, DHCP6_INFINITY } from '../../v6/constants.ts';
import type { Dhcp6IaNaOption, Dhcp6Message, Dhcp6Option, Dhcp6RawOption } from '../../v6/model.ts';
import { u32 } from '../../v6/option-values.ts';
import type { Dhcp6ClientInfo, Dhcp6IaRequest } from './client-info.ts';
import type { Dhcp6Draft, Dhcp6Lease } from './draft.ts';

export interface Lifetimes {
  readonly t1: number;
  readonly t2: number;
  readonly preferred: number;
  readonly valid: number;
}

/** RFC 8415 §21.4: T1 = 0.5 × and T2 = 0.8 × the preferred lifetime; infinity stays infinity. */
export function lifetimesFor(leaseSeconds: number): Lifetimes {
  const l = Math.max(0, Math.min(DHCP6_INFINITY, Math.floor(leaseSeconds)));
  if (l === DHCP6_INFINITY) return { t1: DHCP6_INFINITY, t2: DHCP6_INFINITY, preferred: l, valid: l };
  return { t1: Math.floor(l * 0.5), t2: Math.floor(l * 0.8), preferred: l, valid: l };
}

function sameAddress(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The IA_NA that binds `lease`. With `retire`, addresses the client holds in this IA that are
 * not the lease come back with lifetimes 0, so it stops using them (RENEW/REBIND, §18.3.4-5).
 */
export function assignedIaNa(ia: Dhcp6IaRequest, lease: Dhcp6Lease, t: Lifetimes, retire: boolean): Dhcp6IaNaOption {
  const options: Dhcp6Option[] = [{ code: Dhcp6Opt.IaAddr, address: lease.address, preferredLifetime: t.preferred, validLifetime: t.valid }];
  if (retire) {
    for (const a of ia.addresses) {
      if (!sameAddress(a.address, lease.address)) options.push({ code: Dhcp6Opt.IaAddr, address: a.address, preferredLifetime: 0, validLifetime: 0 });
    }
  }
  return { code: Dhcp6Opt.IaNa, iaid: ia.iaid, t1: t.t1, t2: t.t2, options };
}

/** An IA_NA with no addresses and a status inside (NoAddrsAvail, NoBinding; §18.3.2, §18.3.4). */
export function statusIaNa(iaid: number, status: number, message: string): Dhcp6IaNaOption {
  return { code: Dhcp6Opt.IaNa, iaid, t1: 0, t2: 0, options: [{ code: Dhcp6Opt.StatusCode, status, message }] };
}

function statusBytes(status: number, message: string): Uint8Array {
  const text = new TextEncoder().encode(message);
  const out = new Uint8Array(6 + text.length);
  out[1] = Dhcp6Opt.StatusCode;
  out[2] = (2 + text.length) >> 8;
  out[3] = (2 + text.length) & 0xff;
  out[4] = status >> 8;
  out[5] = status & 0xff;
  out.set(text, 6);
  return out;
}

/**
 * IA_TA (IAID, options; §21.5) and IA_PD (IAID, T1, T2, options; RFC 8415 §21.21) carrying only a
 * status: this server assigns neither temporary addresses nor prefixes.
 */
export function unsupportedIas(info: Dhcp6ClientInfo): Dhcp6RawOption[] {
  const out: Dhcp6RawOption[] = [];
  for (const iaid of info.iaTa) {
    const st = statusBytes(Dhcp6Status.NoAddrsAvail, 'this server assigns no temporary addresses');
    const data = new Uint8Array(4 + st.length);
    data.set(u32(iaid), 0);
    data.set(st, 4);
    out.push({ code: Dhcp6Opt.IaTa, data });
  }
  for (const iaid of info.iaPd) {
    const st = statusBytes(Dhcp6Status.NoPrefixAvail, 'this server delegates no prefixes');
    const data = new Uint8Array(12 + st.length);
    data.set(u32(iaid), 0);
    data.set(st, 12);
    out.push({ code: Dhcp6Opt.IaPd, data });
  }
  return out;
}

/** The configuration the chain collected: FQDN (39) and the draft's options, in code order. */
export function configOptions(draft: Dhcp6Draft): Dhcp6Option[] {
  const out: Dhcp6Option[] = [];
  for (const code of [...draft.options.keys()].sort((a, b) => a - b)) {
    if (draft.fqdn !== undefined && code > Dhcp6Opt.ClientFqdn && !out.some((o) => o.code === Dhcp6Opt.ClientFqdn)) {
      out.push({ code: Dhcp6Opt.ClientFqdn, flags: 0, name: draft.fqdn });
    }
    out.push({ code, data: draft.options.get(code)! });
  }
  if (draft.fqdn !== undefined && !out.some((o) => o.code === Dhcp6Opt.ClientFqdn)) out.push({ code: Dhcp6Opt.ClientFqdn, flags: 0, name: draft.fqdn });
  return out;
}

/** A client/server message: Client Identifier (echoed, §18.3), Server Identifier, then `body`. */
export function message(msgType: number, info: Dhcp6ClientInfo, serverDuid: Uint8Array, body: readonly Dhcp6Option[]): Dhcp6Message {
  const options: Dhcp6Option[] = [];
  if (info.clientId !== undefined) options.push({ code: Dhcp6Opt.ClientId, data: info.clientId });
  options.push({ code: Dhcp6Opt.ServerId, data: serverDuid }, ...body);
  return { msgType, transactionId: info.transactionId, options };
}
