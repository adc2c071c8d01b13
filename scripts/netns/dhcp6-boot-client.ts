// A PXE-like DHCPv6 client for scripts/netns/dhcp6-test.sh, built on the repo's codec: neither
// dhclient nor dhcpcd can send a client architecture of 16 with the UEFI vendor class, so this
// plays the firmware. From [<link-local>%IFNAME]:546 it multicasts a SOLICIT to ff02::1:2
// (RFC 8415 §18.2.1) with DUID-LL from the interface's MAC, one IA_NA, Client Architecture
// Type ARCH (RFC 5970 §3.3), ORO 23, 24, 59 and, for HTTP boot, vendor class `HTTPClient`
// under enterprise 343 (UEFI spec, HTTP Boot); then REQUESTs what the ADVERTISE offered
// (§18.2.2) and prints one line from the REPLY:
//
//   event=REPLY ip6=2001:db8:1::106 bootfile=tftp://[2001:db8:1::1]/ipxe-x86_64.efi vendor_class=- server=fe80::…
//
// or `event=timeout stage=…` after 10 s. It retransmits every second (a simplified §15).
//
//   node --import tsx scripts/netns/dhcp6-boot-client.ts IFNAME ARCH [http]
import dgram from 'node:dgram';
import os from 'node:os';
import { Dhcp6MessageType as T, Dhcp6Opt } from '../../src/dhcp/v6/constants.ts';
import { decodeDhcp6 } from '../../src/dhcp/v6/decode.ts';
import { byteLength, encodeDhcp6 } from '../../src/dhcp/v6/encode.ts';
import type { Dhcp6Message, Dhcp6Option } from '../../src/dhcp/v6/model.ts';
import { u16, u16List, vendorClass } from '../../src/dhcp/v6/option-values.ts';
import { parseDuid } from '../../src/dhcp/v6/duid.ts';
import { Writer } from '../../src/wire/writer.ts';

const [ifname, archText, mode] = process.argv.slice(2);
const arch = Number(archText);
if (ifname === undefined || !Number.isInteger(arch)) {
  console.error('usage: dhcp6-boot-client.ts IFNAME ARCH [http]');
  process.exit(2);
}
const emit = (fields: Record<string, string>): void => void process.stdout.write(`${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);

const info = (os.networkInterfaces()[ifname] ?? []).find((a) => a.family === 'IPv6' && a.address.startsWith('fe80'));
if (info === undefined) {
  emit({ event: 'error', reason: `no link-local address on ${ifname}` });
  process.exit(1);
}
const duid = parseDuid(`LL ${info.mac}`)!;
const IAID = 1;
const transactionId = (process.pid * 7919) & 0xffffff;

function message(msgType: number, extra: readonly Dhcp6Option[]): Uint8Array {
  const options: Dhcp6Option[] = [
    { code: Dhcp6Opt.ClientId, data: duid },
    { code: Dhcp6Opt.ElapsedTime, data: u16(0) },
    { code: Dhcp6Opt.Oro, data: u16List([Dhcp6Opt.DnsServers, Dhcp6Opt.DomainList, Dhcp6Opt.BootfileUrl]) },
    { code: Dhcp6Opt.ClientArchType, data: u16List([arch]) },
    ...(mode === 'http' ? [{ code: Dhcp6Opt.VendorClass, data: vendorClass(343, [`HTTPClient:Arch:${String(arch).padStart(5, '0')}:UNDI:003001`]) }] : []),
    ...extra,
  ];
  const m: Dhcp6Message = { msgType, transactionId, options };
  const buf = new Uint8Array(byteLength(m));
  encodeDhcp6(m, new Writer(buf));
  return buf;
}

const solicit = message(T.Solicit, [{ code: Dhcp6Opt.IaNa, iaid: IAID, t1: 0, t2: 0, options: [] }]);
let request: Uint8Array | undefined;
let server = '';

const sock = dgram.createSocket({ type: 'udp6', ipv6Only: true });
const send = (): void => sock.send(request ?? solicit, 547, `ff02::1:2%${ifname}`);
sock.on('message', (msg, rinfo) => {
  const d = decodeDhcp6(Uint8Array.from(msg));
  if (!d.ok || d.value.message.transactionId !== transactionId) return;
  const m = d.value.message;
  const o = m.options;
  const addresses = o.iaNa().flatMap((ia) => ia.options.iaAddrs());
  if (m.msgType === T.Advertise && request === undefined) {
    const serverId = o.serverId();
    const offered = addresses[0];
    if (serverId === undefined || offered === undefined) {
      emit({ event: 'ADVERTISE', status: String(o.statusCode()?.status ?? '-'), bootfile: o.bootFileUrl() ?? '-' });
      process.exit(1);
    }
    server = rinfo.address;
    request = message(T.Request, [
      { code: Dhcp6Opt.ServerId, data: Uint8Array.from(serverId) },
      { code: Dhcp6Opt.IaNa, iaid: IAID, t1: 0, t2: 0, options: [{ code: Dhcp6Opt.IaAddr, address: Uint8Array.from(offered.address), preferredLifetime: 0, validLifetime: 0 }] },
    ]);
    send();
    return;
  }
  if (m.msgType !== T.Reply) return;
  const vc = o.vendorClass()[0];
  emit({
    event: 'REPLY',
    ip6: addresses[0]?.addressText ?? '-',
    bootfile: o.bootFileUrl() ?? '-',
    vendor_class: vc === undefined ? '-' : `${vc.enterpriseNumber}:${vc.classes.join(',')}`,
    server,
  });
  process.exit(0);
});
sock.bind({ address: `${info.address}%${ifname}`, port: 546 }, () => {
  send();
  setInterval(send, 1000).unref();
  setTimeout(() => {
    emit({ event: 'timeout', stage: request === undefined ? 'SOLICIT' : 'REQUEST' });
    process.exit(1);
  }, 10_000);
});
