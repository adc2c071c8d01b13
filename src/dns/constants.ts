// DNS code tables (IANA "Domain Name System (DNS) Parameters"), as `as const` objects whose
// value type stays `number` so unknown codes survive decoding (house style §5.2). `nameOf`
// turns a code into its mnemonic for logs, or `unknown(N)`.

/** RR TYPEs and QTYPEs (RFC 1035 §3.2.2 and §3.2.3, later RFCs as noted). */
export const DnsType = {
  A: 1, // RFC 1035 §3.4.1
  NS: 2, // RFC 1035 §3.3.11
  CNAME: 5, // RFC 1035 §3.3.1
  SOA: 6, // RFC 1035 §3.3.13
  PTR: 12, // RFC 1035 §3.3.12
  HINFO: 13, // RFC 1035 §3.3.2
  MX: 15, // RFC 1035 §3.3.9
  TXT: 16, // RFC 1035 §3.3.14
  AAAA: 28, // RFC 3596 §2.1
  SRV: 33, // RFC 2782
  NAPTR: 35, // RFC 3403
  DNAME: 39, // RFC 6672
  OPT: 41, // RFC 6891 §6.1.1
  DS: 43, // RFC 4034 §5
  RRSIG: 46, // RFC 4034 §3
  NSEC: 47, // RFC 4034 §4
  DNSKEY: 48, // RFC 4034 §2
  SVCB: 64, // RFC 9460
  HTTPS: 65, // RFC 9460
  TSIG: 250, // RFC 8945
  IXFR: 251, // RFC 1995
  AXFR: 252, // RFC 1035 §3.2.3
  ANY: 255, // RFC 1035 §3.2.3 ("*"), RFC 8482
  CAA: 257, // RFC 8659
} as const;
export type DnsType = (typeof DnsType)[keyof typeof DnsType];

/** CLASSes and QCLASSes (RFC 1035 §3.2.4 and §3.2.5). */
export const DnsClass = {
  IN: 1, // RFC 1035 §3.2.4
  CH: 3, // RFC 1035 §3.2.4 (Chaos)
  HS: 4, // RFC 1035 §3.2.4 (Hesiod)
  NONE: 254, // RFC 2136 §1.3
  ANY: 255, // RFC 1035 §3.2.5 ("*")
} as const;
export type DnsClass = (typeof DnsClass)[keyof typeof DnsClass];

/**
 * RCODEs. 0–15 fit the header (RFC 1035 §4.1.1); larger values need the EDNS extended RCODE
 * (RFC 6891 §6.1.3), which holds the upper 8 of 12 bits.
 */
export const DnsRcode = {
  NOERROR: 0, // RFC 1035 §4.1.1
  FORMERR: 1, // RFC 1035 §4.1.1
  SERVFAIL: 2, // RFC 1035 §4.1.1
  NXDOMAIN: 3, // RFC 1035 §4.1.1
  NOTIMP: 4, // RFC 1035 §4.1.1
  REFUSED: 5, // RFC 1035 §4.1.1
  YXDOMAIN: 6, // RFC 2136 §2.2
  YXRRSET: 7, // RFC 2136 §2.2
  NXRRSET: 8, // RFC 2136 §2.2
  NOTAUTH: 9, // RFC 2136 §2.2
  NOTZONE: 10, // RFC 2136 §2.2
  BADVERS: 16, // RFC 6891 §9 (extended: needs an OPT record)
  BADCOOKIE: 23, // RFC 7873 §8 (extended)
} as const;
export type DnsRcode = (typeof DnsRcode)[keyof typeof DnsRcode];

/** The largest RCODE the 4-bit header field can hold without EDNS (RFC 6891 §6.1.3). */
export const DNS_HEADER_RCODE_MAX = 15;

/** OPCODEs (RFC 1035 §4.1.1). */
export const DnsOpcode = {
  QUERY: 0, // RFC 1035 §4.1.1
  IQUERY: 1, // RFC 1035 §4.1.1, obsoleted by RFC 3425
  STATUS: 2, // RFC 1035 §4.1.1
  NOTIFY: 4, // RFC 1996
  UPDATE: 5, // RFC 2136
} as const;
export type DnsOpcode = (typeof DnsOpcode)[keyof typeof DnsOpcode];

/** Bits of the second header word (RFC 1035 §4.1.1; AD and CD from RFC 4035 §3.2). */
export const DnsFlag = {
  QR: 0x8000, // response
  AA: 0x0400, // authoritative answer
  TC: 0x0200, // truncated
  RD: 0x0100, // recursion desired
  RA: 0x0080, // recursion available
  Z: 0x0040, // reserved, must be zero (RFC 1035 §4.1.1)
  AD: 0x0020, // authentic data (RFC 4035 §3.2.3)
  CD: 0x0010, // checking disabled (RFC 4035 §3.2.2)
} as const;

/** EDNS option codes (IANA "DNS EDNS0 Option Codes (OPT)"). Unknown codes are kept as bytes. */
export const DnsEdnsOption = {
  NSID: 3, // RFC 5001
  ClientSubnet: 8, // RFC 7871
  Expire: 9, // RFC 7314
  Cookie: 10, // RFC 7873
  TcpKeepalive: 11, // RFC 7828
  Padding: 12, // RFC 7830
  ExtendedError: 15, // RFC 8914
} as const;

/** `nameOf(DnsType, 28)` → `"AAAA"`; codes not in the table → `"unknown(N)"`. */
export function nameOf(table: Readonly<Record<string, number>>, code: number): string {
  for (const key in table) if (table[key] === code) return key;
  return `unknown(${code})`;
}
