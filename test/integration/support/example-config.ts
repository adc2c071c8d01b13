// The configs the namespace tests run the appliance with: examples/inventory.json's cluster on
// 172.16.0.0/24 (domain openchami.cluster), served on one interface of a server namespace.

export interface ExampleDhcpConfig {
  /** The server's interface in its namespace (`listen: ["%IFACE"]`). */
  readonly iface: string;
  readonly serverIp: string;
  /** coresmd `svc_base_uri`: smd-sim's URL or a `file://` inventory. */
  readonly smdUrl: string;
  /** coresmd `cache_valid` (how often SMD is polled), e.g. `30s`, `500ms`. */
  readonly cacheValid: string;
  /** Node hostname pattern of the `nodes` rule (default `nid{04d}`). */
  readonly pattern?: string;
  /** coresmd `tftp_dir`; unset, the line is left out (the firmware directory is served). */
  readonly tftpDir?: string;
  /** A bootloop plugin with this lease file and the pool .150–.159; unset, none. */
  readonly bootloopLeaseFile?: string;
}

export function exampleCoredhcpYaml(o: ExampleDhcpConfig): string {
  const lines = [
    'server4:',
    `  listen: ["%${o.iface}"]`,
    '  plugins:',
    `    - server_id: ${o.serverIp}`,
    `    - dns: ${o.serverIp}`,
    '    - router: 172.16.0.254',
    '    - netmask: 255.255.255.0',
    '    - coresmd: |',
    `        svc_base_uri=${o.smdUrl}`,
    `        ipxe_base_uri=http://${o.serverIp}:8081`,
    `        cache_valid=${o.cacheValid}`,
    '        lease_time=10m',
    ...(o.tftpDir === undefined ? [] : [`        tftp_dir=${o.tftpDir}`]),
    '        domain=openchami.cluster',
    `        rule=name:nodes,type:Node,hostname:${o.pattern ?? 'nid{04d}'}`,
  ];
  if (o.bootloopLeaseFile !== undefined) {
    lines.push('    - bootloop: |', `        lease_file=${o.bootloopLeaseFile}`, '        lease_time=1m', '        subnet_pool=172.16.0.0/24,172.16.0.150,172.16.0.159');
  }
  return `${lines.join('\n')}\n`;
}

export interface ExampleCorefile {
  readonly serverIp: string;
  /** coresmd `smd_url`. */
  readonly smdUrl: string;
  /** coresmd `cache_duration`. */
  readonly cacheDuration: string;
  /** The zone's `nodes` pattern (default `nid{04d}`). */
  readonly pattern?: string;
  /** Adds the `errors` directive. */
  readonly errors?: boolean;
}

export function exampleCorefile(o: ExampleCorefile): string {
  return [
    '.:53 {',
    `    bind ${o.serverIp}`,
    ...(o.errors === true ? ['    errors'] : []),
    '    coresmd {',
    `        smd_url ${o.smdUrl}`,
    `        cache_duration ${o.cacheDuration}`,
    '        zone openchami.cluster {',
    `            nodes ${o.pattern ?? 'nid{04d}'}`,
    '        }',
    '    }',
    '}',
    '',
  ].join('\n');
}
