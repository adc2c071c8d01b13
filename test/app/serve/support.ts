// Shared by the `coresmd serve` tests: a temp directory with config files, the SMD simulator on
// 127.0.0.1, a DHCPv4 client over loopback (the transport's loopback mode answers the sender)
// and configs in the original's formats.
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nullLogger } from '../../../src/seams/logger.ts';
import { startSmdSim, type SmdSim } from '../../../src/app/smd-sim/server.ts';
import { Dhcp4MessageType } from '../../../src/dhcp/v4/constants.ts';
import { loadExample } from '../../smd/support/example.ts';
import { reply, request, type RequestSpec } from '../../dhcp/service/support.ts';
import { queryBytes } from '../../dns/service/support.ts';
import { decodeDnsMessage } from '../../../src/dns/message.ts';
import { formatIPv4 } from '../../../src/wire/addr.ts';

export const KNOWN_MAC = '52:54:00:be:ef:01'; // x1000c0s0b0n0, NID 1, 172.16.0.1
export const EI = '/hsm/v2/Inventory/EthernetInterfaces';
export const SC = '/hsm/v2/State/Components';

export interface Workdir {
  readonly dir: string;
  write(name: string, text: string): string;
  remove(): void;
}

export function workdir(prefix = 'coresmd-serve-'): Workdir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write: (name, text) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function startSim(): Promise<SmdSim> {
  return startSmdSim({ inventory: loadExample(), host: '127.0.0.1', port: 0, logger: nullLogger });
}

export interface DhcpConfigOptions {
  readonly smdUrl: string;
  readonly listen: string;
  readonly hostnamePattern?: string;
  readonly cacheValid?: string;
  readonly leaseFile?: string;
  readonly pool?: string;
  readonly tftpPort?: number;
  readonly tftpDir?: string;
  readonly extra?: string;
}

/** The upstream example chain, on loopback. */
export function dhcpConfig(o: DhcpConfigOptions): string {
  const bootloop =
    o.leaseFile === undefined
      ? ''
      : `    - bootloop: |
        lease_file=${o.leaseFile}
        lease_time=5m
        subnet_pool=${o.pool ?? '172.16.0.0/24,172.16.0.156,172.16.0.200'}
`;
  return `server4:
  listen: ["${o.listen}"]
  plugins:
    - server_id: 172.16.0.253
    - router: 172.16.0.254
    - netmask: 255.255.255.0
    - coresmd: |
        svc_base_uri=${o.smdUrl}
        ipxe_base_uri=http://172.16.0.253:8081
        cache_valid=${o.cacheValid ?? '30s'}
        lease_time=1h
        tftp_dir=${o.tftpDir ?? '/nonexistent'}
        tftp_port=${o.tftpPort ?? 69}
        domain=openchami.cluster
${o.extra ?? ''}        rule=name:nodes,type:Node,hostname:${o.hostnamePattern ?? 'nid{03d}'}
${bootloop}`;
}

export function corefile(o: { smdUrl: string; port: number; zone?: string; refresh?: string }): string {
  return `.:${o.port} {
    bind 127.0.0.1
    coresmd {
        smd_url ${o.smdUrl}
        cache_duration ${o.refresh ?? '30s'}
        zone ${o.zone ?? 'openchami.cluster'} {
            nodes nid{03d}
        }
    }
}
`;
}

export type DhcpReply = ReturnType<typeof reply>;

/** Sends one request to 127.0.0.1:port and resolves with the reply, or undefined after timeoutMs. */
export function exchange(port: number, spec: RequestSpec, timeoutMs = 1000): Promise<DhcpReply | undefined> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      resolve(undefined);
    }, timeoutMs);
    s.on('error', (e) => {
      clearTimeout(timer);
      s.close();
      reject(e);
    });
    s.on('message', (msg) => {
      clearTimeout(timer);
      s.close();
      resolve(reply(msg));
    });
    s.bind(0, '127.0.0.1', () => s.send(request(spec), port, '127.0.0.1'));
  });
}

export const discover = (mac: string): RequestSpec => ({ type: Dhcp4MessageType.Discover, mac, xid: Math.floor(Math.random() * 0xffffffff) });

export function hostnameOf(r: DhcpReply | undefined): string | undefined {
  const v = r?.opt(12);
  return v === undefined ? undefined : new TextDecoder().decode(v);
}

/** One UDP A query to 127.0.0.1:port: the rcode and the A addresses, or undefined after timeoutMs. */
export function queryA(port: number, name: string, timeoutMs = 1000): Promise<{ rcode: number; addresses: string[] } | undefined> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      resolve(undefined);
    }, timeoutMs);
    s.on('message', (msg) => {
      clearTimeout(timer);
      s.close();
      const m = decodeDnsMessage(msg);
      if (!m.ok) return resolve(undefined);
      const addresses = m.value.answers.flatMap((rr) => (rr.data.kind === 'a' ? [formatIPv4(rr.data.address)] : []));
      resolve({ rcode: m.value.header.rcode, addresses });
    });
    s.bind(0, '127.0.0.1', () => s.send(queryBytes(name), port, '127.0.0.1'));
  });
}

/** Real timers that keep a test alive (systemClock's are unref'd). */
export const refTimers = {
  now: () => Date.now(),
  setTimer(ms: number, fn: () => void) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};
