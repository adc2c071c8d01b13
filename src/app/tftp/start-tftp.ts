// Starts the TFTP server: file provider, server core and sockets. Used by `coresmd tftp` and by
// `coresmd dhcp`, which starts it from the coresmd plugin's tftp_dir / tftp_port / single_port
// as the original does (spec coresmd-dhcp §8.1).
import type { Clock } from '../../seams/clock.ts';
import type { Logger } from '../../seams/logger.ts';
import type { BootEvents } from '../../seams/boot-events.ts';
import { builtinScripts, fallbackScripts } from '../../boot/builtin-scripts.ts';
import { createFileProvider, type CachingFileProvider } from '../../boot/file-provider.ts';
import { BufferPool } from '../../wire/pool.ts';
import { BLKSIZE_MAX, TFTP_DATA_HEADER_LENGTH } from '../../tftp/constants.ts';
import { IPV4_UDP_TFTP_OVERHEAD, TftpServer } from '../../tftp/service/server.ts';
import type { TftpEndpoint } from '../../tftp/service/transport.ts';
import { isLoopbackAddress, readIpv4Interfaces, type Ipv4Interface } from '../../net/interfaces.ts';
import type { Ipv6Interface } from '../../net/dhcp6-interfaces.ts';
import { parseIPv4 } from '../../wire/addr.ts';
import { planTftpListeners, mtuOfAddress } from '../../net/tftp-listeners.ts';
import { startTftpSockets } from '../../net/tftp-transport.ts';
import { embeddedFirmware, firmwareDirectory } from '../runtime-paths.ts';

/**
 * Where the iPXE binaries are fetched to (firmware/ipxe/README.md): served when tftp_dir does not
 * exist. null in the single executable dist/coresmd, which serves the binaries embedded in it
 * from memory instead, for any name the root lacks (runtime-paths.ts).
 */
export const DEFAULT_TFTP_FALLBACK_ROOT: string | null = firmwareDirectory();

/** What is served when tftp_dir is missing, for help texts. */
export const DEFAULT_TFTP_FALLBACK_DESCRIPTION: string = DEFAULT_TFTP_FALLBACK_ROOT ?? 'the iPXE binaries built into this executable';

/** Concurrent transfers by default: 256 × (a few send slots + a 64 KiB read chunk for disk files). */
export const DEFAULT_MAX_TRANSFERS = 256;

/**
 * Send buffers in flight across all transfers. A slot is busy only from encode to the dgram send
 * callback (the next turn of the event loop); a transfer whose window finds the pool empty
 * continues a millisecond later (transfer.ts).
 */
const SEND_SLOTS = 2048;
/** Keep the send slab within this, trading slots for size on jumbo or loopback MTUs. */
const SEND_SLAB_BYTES = 16 * 1024 * 1024;
const MIN_SEND_SLOTS = 64;
/** The smallest slot: a 512-byte DATA block (RFC 1350), also the longest ERROR we send. */
const MIN_SLOT_BYTES = 512 + TFTP_DATA_HEADER_LENGTH;

export interface StartTftpOptions {
  /** The TFTP root (coresmd `tftp_dir`). */
  readonly root: string;
  /** Served when `root` does not exist (default DEFAULT_TFTP_FALLBACK_ROOT, with the embedded firmware of the single executable; null: none). */
  readonly fallbackRoot?: string | null;
  /** `ADDR:PORT` parts; 0.0.0.0 listens on every local IPv4 address. */
  readonly listen: { readonly host: string; readonly port: number };
  /** Also listen on IPv6 on the same port (`::`: every local IPv6 address; net/tftp-listeners.ts). */
  readonly host6?: string;
  readonly singlePort: boolean;
  readonly maxTransfers?: number;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The interface snapshot (tests); the host's by default. */
  readonly interfaces?: readonly Ipv4Interface[];
  /** The IPv6 interface snapshot (tests); the host's by default. */
  readonly interfaces6?: readonly Ipv6Interface[];
  /** Retransmission timeout when the client sets none, ms (default 1000). */
  readonly defaultTimeoutMs?: number;
  /** Transfers are reported here (the admin timeline); none by default. */
  readonly events?: BootEvents | undefined;
}

export interface RunningTftp {
  readonly server: TftpServer;
  readonly files: CachingFileProvider;
  /** The bound listening sockets (the real port when 0 was asked for). */
  readonly endpoints: readonly TftpEndpoint[];
  /** Whether TFTP listens on our IPv6 address (no zone) on that link: what a DHCPv6 boot URL may name. */
  listensOn6(address: string, ifname: string): boolean;
  close(): Promise<void>;
}

/**
 * Slot size for the largest DATA packet a listening address can negotiate (RFC 2348 bound). When
 * real interfaces are served, loopback's 64 KiB MTU does not size the slots (a 0.0.0.0 listener
 * would otherwise reserve 16 MiB for local tests); transfers on it are then held to that blksize,
 * since the server clamps blksize to the slot size as well as to the MTU.
 */
export function sendSlotBytes(interfaces: readonly Ipv4Interface[], addresses: readonly string[]): number {
  const real = addresses.filter((a) => !isLoopbackAddress(parseIPv4(a) ?? 0));
  let largest = MIN_SLOT_BYTES;
  for (const a of real.length > 0 ? real : addresses) {
    const mtu = mtuOfAddress(interfaces, a) ?? 1500;
    largest = Math.max(largest, Math.min(mtu - IPV4_UDP_TFTP_OVERHEAD, BLKSIZE_MAX) + TFTP_DATA_HEADER_LENGTH);
  }
  return largest;
}

export async function startTftp(o: StartTftpOptions): Promise<RunningTftp> {
  const logger = o.logger.child({ component: 'tftp' });
  const interfaces = o.interfaces ?? readIpv4Interfaces();
  const plan = planTftpListeners(o.listen.host, interfaces);
  if (!plan.ok) throw new Error(`TFTP listen ${o.listen.host}:${o.listen.port}: ${plan.error}`);
  const slotBytes = sendSlotBytes(interfaces, plan.addresses);
  const slots = Math.max(MIN_SEND_SLOTS, Math.min(SEND_SLOTS, Math.floor(SEND_SLAB_BYTES / slotBytes)));
  const fallbackRoot = o.fallbackRoot === undefined ? DEFAULT_TFTP_FALLBACK_ROOT : o.fallbackRoot;
  const firmware = o.fallbackRoot === undefined ? embeddedFirmware() : new Map<string, Uint8Array>();
  if (firmware.size > 0) logger.info('built-in iPXE binaries serve what the root lacks', { root: o.root, files: [...firmware.keys()].join(',') });
  const files = createFileProvider({
    root: o.root,
    ...(fallbackRoot === null ? {} : { fallbackRoot }),
    builtins: builtinScripts(),
    fallbacks: new Map([...fallbackScripts(), ...firmware]),
    logger,
  });
  // The sockets need the server to deliver to, and the server the sockets to open transfers on.
  let server: TftpServer | undefined;
  const sockets = await startTftpSockets({
    host: o.listen.host,
    port: o.listen.port,
    logger,
    interfaces,
    ...(o.host6 === undefined ? {} : { host6: o.host6 }),
    ...(o.interfaces6 === undefined ? {} : { interfaces6: o.interfaces6 }),
    onDatagram: (d, from, listener) => server?.handleListenerDatagram(d, from, listener),
  });
  server = new TftpServer({
    files,
    transport: sockets,
    clock: o.clock,
    logger,
    pool: new BufferPool(slotBytes, slots),
    singlePort: o.singlePort,
    maxTransfers: o.maxTransfers ?? DEFAULT_MAX_TRANSFERS,
    ...(o.defaultTimeoutMs === undefined ? {} : { defaultTimeoutMs: o.defaultTimeoutMs }),
    ...(o.events === undefined ? {} : { events: o.events }),
  });
  const running = server;
  return {
    server: running,
    files,
    endpoints: sockets.listeners,
    listensOn6: (address, ifname) => sockets.listensOn6(address, ifname),
    close: async () => {
      running.close();
      await sockets.close();
    },
  };
}
