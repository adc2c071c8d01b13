// Boot policy: what a client is told to boot next (spec coresmd-dhcp §5.1 step 6, with the
// issue's changes). Three stages, decided from the client's own description of itself:
//
//   firmware PXE  (option 93, no iPXE)        → TFTP name of the iPXE binary for its arch
//   UEFI HTTP boot (vendor class HTTPClient)  → http:// URL of that binary (firmware fetches it)
//   iPXE          (user class `iPXE`)         → BSS boot-script URL, so iPXE does not chainload
//                                               itself again (smee: "so we don't loop on the
//                                               chainload step")
//
// Pure: no packets, no logging. A factory precomputes per-config strings so the per-packet
// path is one table lookup and one concatenation.
import { clientArchName } from '../dhcp/v4/constants.ts';
import { BOOT_ARCHES, bootArch } from './arch-table.ts';
import { formatBootScriptUrl, parseBootScriptBase } from './ipxe-url.ts';

/** What the policy needs to know about a client (a subset of Dhcp4ClientInfo). */
export interface BootClient {
  /** First option 93 entry; undefined when the client sent none. */
  readonly arch: number | undefined;
  readonly isIpxe: boolean;
  readonly isHttpClient: boolean;
  /** Lowercase colon form: the key BSS looks the node up by. */
  readonly mac: string;
}

export interface BootPolicyContext {
  /** coresmd `ipxe_base_uri`: where BSS serves `/boot/v1/bootscript`. */
  readonly ipxeBaseUri: string;
  /** Base URL the iPXE binaries are served from over HTTP; without it HTTP boot gets nothing. */
  readonly httpBootBase?: string;
}

export type BootChoice =
  | { readonly kind: 'script'; readonly url: string }
  | { readonly kind: 'http'; readonly url: string; readonly binary: string }
  | { readonly kind: 'tftp'; readonly file: string }
  | { readonly kind: 'none'; readonly reason: string };

export type BootPolicy = (client: BootClient) => BootChoice;

/** `architecture 22 (ARM 64-bit U-Boot)`, or just the number when the registry has no name. */
function archText(arch: number): string {
  const name = bootArch(arch)?.name ?? clientArchName(arch);
  return name.startsWith('unknown(') ? `architecture ${arch}` : `architecture ${arch} (${name})`;
}

/** Builds the policy for one configuration. */
export function createBootPolicy(ctx: BootPolicyContext): BootPolicy {
  const script = parseBootScriptBase(ctx.ipxeBaseUri);
  const httpBase = ctx.httpBootBase?.replace(/\/+$/, '');
  // Every answer except the script URL is fixed per architecture: build them once.
  const tftp = new Map<number, BootChoice>();
  const http = new Map<number, BootChoice>();
  for (const e of BOOT_ARCHES) {
    tftp.set(e.arch, Object.freeze({ kind: 'tftp', file: e.binary }));
    if (!e.http) continue;
    http.set(
      e.arch,
      Object.freeze(
        httpBase === undefined
          ? { kind: 'none', reason: `HTTP boot client (${archText(e.arch)}) but no HTTP boot base is configured` }
          : { kind: 'http', url: `${httpBase}/${e.binary}`, binary: e.binary },
      ),
    );
  }
  const noArch: BootChoice = Object.freeze({ kind: 'none', reason: 'client sent no architecture (option 93)' });

  return (client) => {
    if (client.isIpxe) return { kind: 'script', url: formatBootScriptUrl(script, client.mac) };
    const arch = client.arch;
    if (arch === undefined) return noArch;
    const choice = (client.isHttpClient ? http.get(arch) : undefined) ?? tftp.get(arch);
    return choice ?? { kind: 'none', reason: `no iPXE binary for ${archText(arch)}` };
  };
}

/** One-off form of createBootPolicy (tests, `coresmd explain`); handlers build the policy once. */
export function chooseBoot(client: BootClient, ctx: BootPolicyContext): BootChoice {
  return createBootPolicy(ctx)(client);
}
