// The servers the coresmd plugin starts beside DHCP (spec coresmd-dhcp §2.2 setup step 5): TFTP
// from tftp_dir/tftp_port/single_port as the original, and, new, the same files over HTTP when
// http_port is set. One of each per process, however many sections list coresmd (the original
// starts one TFTP server per section and the second bind kills the process, §2.2).
import { formatIPv4 } from '../../wire/addr.ts';
import type { Clock } from '../../seams/clock.ts';
import type { Logger } from '../../seams/logger.ts';
import type { CoresmdConfig } from '../config/coresmd-config.ts';
import { startHttpBoot } from '../http-boot/server.ts';
import { startTftp } from '../tftp/start-tftp.ts';

export interface BootServers {
  /** For DHCP replies: `http://<our address on the ingress interface>:<http_port>`. */
  readonly httpBootBase: ((serverAddress: number) => string) | undefined;
  readonly tftpEndpoints: readonly string[];
  readonly httpUrl: string | undefined;
  close(): Promise<void>;
}

export interface BootServerOptions {
  /** `0.0.0.0` for the appliance; `127.0.0.1` for the demo. */
  readonly host: string;
  /** Overrides tftp_port (the demo runs unprivileged). */
  readonly tftpPort?: number;
  readonly logger: Logger;
  readonly clock: Clock;
}

export async function startBootServers(c: CoresmdConfig, o: BootServerOptions): Promise<BootServers> {
  const tftp = await startTftp({
    root: c.tftpDir,
    listen: { host: o.host, port: o.tftpPort ?? c.tftpPort },
    singlePort: c.singlePort,
    logger: o.logger,
    clock: o.clock,
  });
  let http: Awaited<ReturnType<typeof startHttpBoot>> | undefined;
  if (c.httpPort !== undefined) {
    try {
      http = await startHttpBoot({ provider: tftp.files, host: o.host, port: c.httpPort, logger: o.logger });
    } catch (e) {
      await tftp.close();
      throw e;
    }
  }
  const port = http?.port;
  return {
    httpBootBase: port === undefined ? undefined : (server) => `http://${formatIPv4(server)}:${port}`,
    tftpEndpoints: tftp.endpoints.map((e) => `${e.address}:${e.port}`),
    httpUrl: http?.url,
    close: async () => {
      await http?.close();
      await tftp.close();
    },
  };
}
