// The servers the coresmd plugin starts beside DHCP (spec coresmd-dhcp §2.2 setup step 5): TFTP
// from tftp_dir/tftp_port/single_port as the original, and, new, the same files over HTTP when
// http_port is set. One of each per process, however many sections list coresmd (the original
// starts one TFTP server per section and the second bind kills the process, §2.2).
//
// When server6 is configured both also listen on IPv6 (`host6`), since DHCPv6 hands out
// `tftp://[<our address on the client's link>]/…` and `http://[…]:<http_port>/…`; the boot URL
// then names an address TFTP is bound to on that link (listensOn6).
import { formatIPv4 } from '../../wire/addr.ts';
import type { Clock } from '../../seams/clock.ts';
import type { Logger } from '../../seams/logger.ts';
import type { BootEvents } from '../../seams/boot-events.ts';
import type { TftpServer } from '../../tftp/service/server.ts';
import type { HttpBootStats } from '../http-boot/http-boot-stats.ts';
import type { CoresmdConfig } from '../config/coresmd-config.ts';
import { startHttpBoot } from '../http-boot/server.ts';
import { startTftp } from '../tftp/start-tftp.ts';
import { ipv6HttpBootBase } from './chain6.ts';

export interface BootServers {
  /** For DHCP replies: `http://<our address on the ingress interface>:<http_port>`. */
  readonly httpBootBase: ((serverAddress: number) => string) | undefined;
  /** For DHCPv6 replies: `http://[<our IPv6 address>]:<http_port>`, when HTTP boot listens on IPv6. */
  readonly httpBootBase6: ((serverAddress: string) => string) | undefined;
  /**
   * Whether TFTP (and HTTP boot, on `::`) listen on our IPv6 address `address` (no zone) on link
   * `ifname`; always false without `host6`.
   */
  listensOn6(address: string, ifname: string): boolean;
  readonly tftpEndpoints: readonly string[];
  readonly httpUrl: string | undefined;
  /** For /metrics: the TFTP server's stats and the HTTP boot server's counters. */
  readonly tftp: Pick<TftpServer, 'stats' | 'malformedByCode'>;
  readonly httpStats: HttpBootStats | undefined;
  close(): Promise<void>;
}

export interface BootServerOptions {
  /** `0.0.0.0` for the appliance; `127.0.0.1` for the demo. */
  readonly host: string;
  /** Also listen on IPv6 (`::` for the appliance when server6 is configured); unset, IPv4 only. */
  readonly host6?: string;
  /** Overrides tftp_port (the demo runs unprivileged). */
  readonly tftpPort?: number;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Boot events (the admin timeline); none by default. */
  readonly events?: BootEvents | undefined;
}

export async function startBootServers(c: CoresmdConfig, o: BootServerOptions): Promise<BootServers> {
  const v6 = o.host6 === undefined ? {} : { host6: o.host6 };
  const tftp = await startTftp({
    root: c.tftpDir,
    listen: { host: o.host, port: o.tftpPort ?? c.tftpPort },
    ...v6,
    singlePort: c.singlePort,
    logger: o.logger,
    clock: o.clock,
    events: o.events,
  });
  let http: Awaited<ReturnType<typeof startHttpBoot>> | undefined;
  if (c.httpPort !== undefined) {
    try {
      http = await startHttpBoot({ provider: tftp.files, host: o.host, ...v6, port: c.httpPort, logger: o.logger, events: o.events });
    } catch (e) {
      await tftp.close();
      throw e;
    }
  }
  const port = http?.port;
  return {
    httpBootBase: port === undefined ? undefined : (server) => `http://${formatIPv4(server)}:${port}`,
    httpBootBase6: port === undefined || http?.ipv6 !== true ? undefined : ipv6HttpBootBase(port),
    listensOn6: (address, ifname) => tftp.listensOn6(address, ifname),
    tftpEndpoints: tftp.endpoints.map((e) => (e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`)),
    httpUrl: http?.url,
    tftp: tftp.server,
    httpStats: http?.stats,
    close: async () => {
      await http?.close();
      await tftp.close();
    },
  };
}
