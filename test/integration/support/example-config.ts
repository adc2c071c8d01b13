// The coredhcp YAML the namespace tests run `coresmd serve` with: examples/inventory.json's
// cluster on 172.16.0.0/24, served on one interface, with a bootloop pool for unknown MACs.

export interface ExampleDhcpConfig {
  /** The server's interface in its namespace (`listen: ["%IFACE"]`). */
  readonly iface: string;
  readonly serverIp: string;
  readonly smdPort: number;
  /** coresmd `cache_valid` (how often SMD is polled), e.g. `30s`, `500ms`. */
  readonly cacheValid: string;
  readonly leaseFile: string;
}

export function exampleCoredhcpYaml(o: ExampleDhcpConfig): string {
  return `server4:
  listen: ["%${o.iface}"]
  plugins:
    - server_id: ${o.serverIp}
    - dns: ${o.serverIp}
    - router: 172.16.0.254
    - netmask: 255.255.255.0
    - coresmd: |
        svc_base_uri=http://127.0.0.1:${o.smdPort}
        ipxe_base_uri=http://${o.serverIp}:8081
        cache_valid=${o.cacheValid}
        lease_time=10m
        tftp_dir=/nonexistent
        domain=openchami.cluster
        rule=name:nodes,type:Node,hostname:nid{04d}
    - bootloop: |
        lease_file=${o.leaseFile}
        lease_time=1m
        subnet_pool=172.16.0.0/24,172.16.0.150,172.16.0.159
`;
}
