// What the DHCPv6 server reports to the boot-events seam: the request, then the ADVERTISE or
// REPLY it got (address, boot file URL, who decided) or why it got none. The DHCPv4
// counterpart is dhcp4-events.ts; built only when someone listens.
import { formatIPv6 } from '../../wire/addr.ts';
import type { BootEventInput } from '../../seams/boot-events.ts';
import type { Quarantine } from '../../seams/quarantine.ts';
import { Dhcp6Opt, messageTypeName } from '../v6/constants.ts';
import { archText } from './dhcp4-events.ts';
import { decidedByText, decisionDetail, dropEvent } from './decision-event.ts';
import type { Dhcp6ClientInfo } from './v6/client-info.ts';
import type { Dhcp6Decision, Dhcp6Draft } from './v6/draft.ts';

const utf8 = new TextDecoder();

function relayOf(info: Dhcp6ClientInfo): string | undefined {
  return info.linkAddress === undefined ? undefined : formatIPv6(info.linkAddress);
}

export function requestEvent6(info: Dhcp6ClientInfo, ifname: string): BootEventInput {
  const type = messageTypeName(info.messageType);
  const userClass = info.userClasses.length === 0 ? undefined : info.userClasses.join(',');
  const arch = archText(info.arch);
  const relay = relayOf(info);
  const parts = [type];
  if (arch !== undefined) parts.push(`arch ${arch}`);
  if (userClass !== undefined) parts.push(`user class ${userClass}`);
  if (relay !== undefined) parts.push(`via relay ${relay}`);
  return {
    service: 'dhcp6',
    type,
    mac: info.mac,
    summary: parts.join(', '),
    detail: {
      duid: info.duidText === '' ? undefined : info.duidText,
      macSource: info.macSource,
      arch: info.arch,
      userClass,
      ipxe: info.isIpxe,
      vendorClass: info.vendorClasses.length === 0 ? undefined : info.vendorClasses.join(','),
      relay,
      client: info.clientAddress,
      interface: ifname === '' ? undefined : ifname,
    },
  };
}

export function replyEvent6(info: Dhcp6ClientInfo, replyType: number, draft: Dhcp6Draft): BootEventInput {
  const type = messageTypeName(replyType);
  const owner = draft.decisions.at(-1);
  const url = draft.options.get(Dhcp6Opt.BootfileUrl);
  const bootUrl = url === undefined ? undefined : utf8.decode(url);
  const ip = draft.lease?.text;
  const what = [type, ip ?? (draft.miss === undefined ? undefined : `no address: ${draft.miss}`), bootUrl].filter((x) => x !== undefined).join(' ');
  return {
    service: 'dhcp6',
    type,
    mac: info.mac,
    ip,
    summary: `${what}${decidedByText(owner)}`,
    detail: {
      request: messageTypeName(info.messageType),
      ...decisionDetail(owner),
      bootUrl,
      file: bootUrl,
      leaseSeconds: draft.leaseSeconds,
      arch: info.arch,
      userClass: info.userClasses.length === 0 ? undefined : info.userClasses.join(','),
      relay: relayOf(info),
      duid: info.duidText === '' ? undefined : info.duidText,
    },
  };
}

export function dropEvent6(reason: string, info: Dhcp6ClientInfo, decisions: readonly Dhcp6Decision[] | undefined): BootEventInput {
  return dropEvent('dhcp6', reason, messageTypeName(info.messageType), info.mac, decisions?.at(-1), {
    duid: info.duidText === '' ? undefined : info.duidText,
  });
}

/** The quarantined MAC among the client's candidates (RFC 6939 option 79, EUI-64, DUID), if any. */
export function quarantinedMac6(info: Dhcp6ClientInfo, quarantine: Quarantine): string | undefined {
  for (const c of info.macCandidates) if (quarantine.holds(c.mac)) return c.mac;
  return undefined;
}
