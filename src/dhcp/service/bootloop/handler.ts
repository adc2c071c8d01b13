// The `bootloop` plugin: short temporary leases for MACs SMD does not know yet (spec
// coresmd-dhcp §7), placed last in the chain. Firmware gets an iPXE binary, iPXE gets
// `script_path` (by default the built-in reboot script), and the machine reboots into a fresh
// handshake until SMD knows it; then `coresmd`, earlier in the chain, answers with the SMD
// address and the server NAKs the old bootloop address (RFC 2131 §4.3.2).
//
// Deliberately unlike the original (docs/differences.md): no malformed op=1 NAK without a
// server identifier (§7.3); leases expire and their addresses are reused; an expired lease's
// REQUEST is NAKed with a proper NAK; leases of MACs that appear in SMD are released.
import { formatIPv4 } from '../../../wire/addr.ts';
import type { Logger } from '../../../seams/logger.ts';
import { Dhcp4MessageType, Dhcp4Opt, IpxeOpt } from '../../v4/constants.ts';
import type { Dhcp4Handler, Dhcp4Request, Dhcp4Verdict } from '../chain.ts';
import type { Dhcp4ClientInfo } from '../client-info.ts';
import type { Dhcp4Draft } from '../draft.ts';
import type { BootloopLeases } from './leases.ts';

/** What a non-iPXE client should boot: an option 67 value and, for TFTP, the BOOTP file field. */
export interface BootloopBootFile {
  readonly option67: string;
  readonly fileField?: string;
  /** UEFI HTTP boot needs vendor class `HTTPClient` echoed in option 60. */
  readonly vendorClass?: string;
}

export interface BootloopHandlerOptions {
  readonly leases: BootloopLeases;
  /** Option 67 for iPXE clients; `default` is the built-in reboot script (spec §7.5). */
  readonly scriptPath: string;
  /**
   * The iPXE binary for a firmware client (given our address on its interface, for HTTP boot
   * URLs), or undefined when its architecture has none.
   */
  readonly bootFile: (info: Dhcp4ClientInfo, serverAddress: number) => BootloopBootFile | undefined;
  readonly logger: Logger;
}

export interface BootloopHandler extends Dhcp4Handler {
  /** Releases the leases of MACs the inventory now knows (called on every inventory swap). */
  releaseKnown(isKnown: (mac: string) => boolean): Promise<number>;
}

const encoder = new TextEncoder();

export function createBootloopHandler(options: BootloopHandlerOptions): BootloopHandler {
  const { leases, scriptPath, bootFile } = options;
  const log = options.logger.child({ plugin: 'bootloop' });

  function fill(req: Dhcp4Request, draft: Dhcp4Draft, ip: number, expiresAt: number): void {
    draft.yiaddr = ip;
    draft.leaseSeconds = Math.max(1, Math.round((expiresAt - req.receivedAt) / 1000));
    // Root path = our address: the iPXE binaries' embedded script chains tftp://${root-path}/config.ipxe.
    draft.options.set(Dhcp4Opt.RootPath, encoder.encode(formatIPv4(draft.siaddr)));
    if (req.info.isIpxe) {
      draft.options.set(Dhcp4Opt.BootfileName, encoder.encode(scriptPath));
      // No ProxyDHCP here: iPXE skips its ~3 s wait for ProxyDHCP offers (dhcp.h DHCP_EB_NO_PXEDHCP).
      draft.options.set(Dhcp4Opt.Ipxe, Uint8Array.of(IpxeOpt.NoPxeDhcp, 1, 1));
      return;
    }
    const boot = bootFile(req.info, draft.siaddr);
    if (boot === undefined) {
      log.debug('no iPXE binary for this client architecture', { mac: req.info.mac, arch: req.info.arch });
      return;
    }
    draft.options.set(Dhcp4Opt.BootfileName, encoder.encode(boot.option67));
    if (boot.fileField !== undefined) draft.file = boot.fileField;
    if (boot.vendorClass !== undefined) draft.options.set(Dhcp4Opt.VendorClassIdentifier, encoder.encode(boot.vendorClass));
  }

  async function lease(req: Dhcp4Request, draft: Dhcp4Draft): Promise<Dhcp4Verdict> {
    const { info, ingress } = req;
    const granted = await leases.grant({
      mac: info.mac,
      giaddr: info.giaddr,
      ingress: ingress.serverAddress === 0 ? [] : [ingress.serverAddress],
      ...(info.requestedIp === undefined ? {} : { requested: info.requestedIp }),
      ...(info.hostname === undefined ? {} : { hostname: info.hostname }),
    });
    if (!granted.ok) {
      // The original drops here too (spec §7.1); say why, once per request.
      log.warn('no bootloop address', { mac: info.mac, reason: granted.reason, giaddr: formatIPv4(info.giaddr) });
      draft.decisions.push({ plugin: 'bootloop', reason: `no address: ${granted.reason}` });
      return 'drop';
    }
    fill(req, draft, granted.lease.ip, granted.lease.expiresAt);
    draft.decisions.push({ plugin: 'bootloop', reason: `${granted.renewed ? 'renewed' : 'new'} temporary lease in ${granted.pool.name}` });
    if (info.messageType === Dhcp4MessageType.Request) {
      log.info('bootloop lease', { mac: info.mac, ip: formatIPv4(granted.lease.ip), ipxe: info.isIpxe, arch: info.arch });
    }
    return 'send';
  }

  return {
    name: 'bootloop',
    async handle(req, draft) {
      const { info } = req;
      switch (info.messageType) {
        case Dhcp4MessageType.Discover:
          return lease(req, draft);
        case Dhcp4MessageType.Request: {
          const held = leases.get(info.mac);
          if (held === undefined) {
            // A SELECTING client asked for our offer: serve it (the offer was made by this plugin,
            // the lease may have been released since). Other states: not ours to confirm.
            return info.state === 'selecting' ? lease(req, draft) : 'next';
          }
          if (held.expiresAt <= req.receivedAt && info.state !== 'selecting') {
            // §7 of the issue: an expired bootloop lease is not renewed; the NAK sends the
            // client back to DISCOVER, where SMD (via coresmd) or a fresh lease answers.
            await leases.release(info.mac);
            draft.decisions.push({ plugin: 'bootloop', reason: 'lease expired' });
            return 'nak';
          }
          return lease(req, draft);
        }
        case Dhcp4MessageType.Release:
          if (await leases.release(info.mac)) log.info('bootloop lease released', { mac: info.mac });
          return 'next';
        case Dhcp4MessageType.Decline:
          log.warn('client declined its bootloop address (address conflict on the network?)', { mac: info.mac, ip: formatIPv4(info.requestedIp ?? 0) });
          await leases.release(info.mac);
          return 'next';
        default:
          return 'next';
      }
    },
    async releaseKnown(isKnown) {
      let n = 0;
      for (const l of [...leases.store.all()]) {
        if (isKnown(l.mac) && (await leases.release(l.mac))) n++;
      }
      if (n > 0) log.info('released bootloop leases of MACs now in SMD', { count: n });
      return n;
    },
  };
}
