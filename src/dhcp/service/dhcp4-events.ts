// What the DHCPv4 server reports to the boot-events seam (src/seams/boot-events.ts): the
// request as it came in, then the reply it got (OFFER, ACK, NAK) or why it got none. Built only
// when someone listens (the server checks `enabled` first).
import { formatIPv4 } from '../../wire/addr.ts';
import type { BootEventInput } from '../../seams/boot-events.ts';
import { bootArch } from '../../boot/arch-table.ts';
import { Dhcp4Opt, messageTypeName } from '../v4/constants.ts';
import type { Dhcp4Ingress } from './chain.ts';
import type { Dhcp4ClientInfo } from './client-info.ts';
import type { Dhcp4Decision, Dhcp4Draft } from './draft.ts';
import { decidedByText, decisionDetail, dropEvent } from './decision-event.ts';

const latin1 = new TextDecoder('latin1');

/** `x64 UEFI (7)`, or the bare number for codes without an iPXE binary. */
export function archText(arch: number | undefined): string | undefined {
  if (arch === undefined) return undefined;
  const a = bootArch(arch);
  return a === undefined ? String(arch) : `${a.name} (${arch})`;
}

export function requestEvent4(info: Dhcp4ClientInfo, ingress: Dhcp4Ingress): BootEventInput {
  const type = messageTypeName(info.messageType);
  const userClass = info.userClasses.length === 0 ? undefined : info.userClasses.join(',');
  const arch = archText(info.arch);
  const parts = [type];
  if (arch !== undefined) parts.push(`arch ${arch}`);
  if (userClass !== undefined) parts.push(`user class ${userClass}`);
  if (info.giaddr !== 0) parts.push(`via relay ${formatIPv4(info.giaddr)}`);
  return {
    service: 'dhcp4',
    type,
    mac: info.mac,
    summary: parts.join(', '),
    detail: {
      xid: info.xid,
      state: info.state === 'none' ? undefined : info.state,
      arch: info.arch,
      userClass,
      ipxe: info.isIpxe,
      vendorClass: info.vendorClass,
      giaddr: info.giaddr === 0 ? undefined : formatIPv4(info.giaddr),
      requestedIp: info.requestedIp === undefined ? undefined : formatIPv4(info.requestedIp),
      interface: ingress.ifname === '' ? undefined : ingress.ifname,
    },
  };
}

export function replyEvent4(info: Dhcp4ClientInfo, draft: Dhcp4Draft): BootEventInput {
  const type = messageTypeName(draft.messageType);
  const owner = draft.decisions.at(-1);
  const bootFile = draft.options.get(Dhcp4Opt.BootfileName);
  const file = bootFile === undefined ? undefined : latin1.decode(bootFile);
  const ip = draft.yiaddr === 0 ? undefined : formatIPv4(draft.yiaddr);
  const what = type === 'NAK' ? `NAK: ${owner?.reason ?? ''}` : [type, ip, file].filter((x) => x !== undefined).join(' ');
  return {
    service: 'dhcp4',
    type,
    mac: info.mac,
    ip,
    summary: `${what}${decidedByText(owner)}`,
    detail: {
      request: messageTypeName(info.messageType),
      ...decisionDetail(owner),
      file,
      leaseSeconds: draft.leaseSeconds,
      arch: info.arch,
      userClass: info.userClasses.length === 0 ? undefined : info.userClasses.join(','),
      giaddr: info.giaddr === 0 ? undefined : formatIPv4(info.giaddr),
      server: formatIPv4(draft.serverId),
    },
  };
}

/** RELEASE and DECLINE end without a reply by design; their request event says it all. */
const SILENT_BY_DESIGN: ReadonlySet<string> = new Set(['release', 'decline']);

/** The event for a request that got no reply, or undefined when there is nothing to add. */
export function dropEvent4(reason: string, info: Dhcp4ClientInfo, decisions: readonly Dhcp4Decision[] | undefined): BootEventInput | undefined {
  if (SILENT_BY_DESIGN.has(reason)) return undefined;
  return dropEvent('dhcp4', reason, messageTypeName(info.messageType), info.mac, decisions?.at(-1), {
    arch: info.arch,
    giaddr: info.giaddr === 0 ? undefined : formatIPv4(info.giaddr),
  });
}
