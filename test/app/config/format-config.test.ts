import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadCoredhcpConfig, readCoredhcpConfigFile } from '../../../src/app/config/coredhcp-config.ts';
import { formatCoredhcpConfig, formatPluginArgs } from '../../../src/app/config/format-config.ts';

describe('formatCoredhcpConfig (the effective configuration for `coresmd check`)', () => {
  test('multi-subnet-relay.yaml', () => {
    const cfg = readCoredhcpConfigFile(fileURLToPath(new URL('../../fixtures/config/multi-subnet-relay.yaml', import.meta.url)));
    assert.equal(
      formatCoredhcpConfig(cfg),
      [
        'server4:',
        '  listen:',
        '    - %eth0:67',
        '    - 0.0.0.0:67',
        '  plugins:',
        '    - server_id: 10.40.0.1',
        '    - dns: 10.40.0.2',
        '    - coresmd: |',
        '        svc_base_uri=https://smd.example.test',
        '        ipxe_base_uri=http://10.40.0.1:8081',
        '        ca_cert=/etc/pki/ca.pem',
        '        cache_valid=15s',
        '        lease_time=1h0m0s',
        '        single_port=false',
        '        tftp_dir=/tftpboot',
        '        tftp_port=69',
        '        domain=cluster.local',
        '        rule_log=info',
        '        svc_timeout=10s',
        '        rule=name:rack1,log:info,types:Node,subnets:10.40.1.0/24,hostname:compute-{04d},continue:false,ignore:false,netmask:/24,routers:10.40.1.1',
        '        rule=name:rack3,log:info,types:Node,subnets:10.40.3.0/24|10.40.4.0/24,hostname:compute-{04d},continue:false,ignore:false,netmask:/24,routers:10.40.3.1',
        '        rule=name:bmcs,log:info,types:NodeBMC,subnets:10.40.1.0/24|10.40.3.0/24,hostname:{id},continue:false,ignore:false,netmask:/24',
        '        rule=name:rule-e3b46777,log:info,subnets:10.40.9.0/24,continue:false,ignore:true,netmask:/24',
        '    - bootloop: |',
        '        ipv4_start=<nil>',
        '        ipv4_end=<nil>',
        '        ipv4_range=0',
        '        script_path=default',
        '        lease_file=/var/lib/coresmd/bootloop.leases',
        '        lease_time=5m0s',
        '        subnet_pool=10.40.1.0/24,10.40.1.200,10.40.1.250',
        '        subnet_pool=10.40.3.0/24,10.40.3.200,10.40.3.250',
        '',
      ].join('\n'),
    );
  });

  const plugins: Array<[string, string, string]> = [
    ['server4', 'server_id: 10.0.0.1', '10.0.0.1'],
    ['server6', 'server_id: EN 32473 0A0B', 'EN 32473 0a0b'],
    ['server6', 'server_id: llt 00:DE:AD:BE:EF:00', 'LLT 00:de:ad:be:ef:00'],
    ['server4', 'netmask: 255.255.240.0', '255.255.240.0 (/20)'],
    ['server4', 'lease_time: 90m', '1h30m0s'],
    ['server4', 'mtu: 9000', '9000'],
    ['server6', 'searchdomains: a.example b.example', 'a.example b.example'],
    ['server4', 'file: /f autorefresh', '/f autorefresh'],
    ['server6', 'lease_time: 2h', '2h0m0s'],
    ['server6', 'dns: FD00::1', 'fd00::1'],
    ['server4', 'router: 10.0.0.1 10.0.0.2', '10.0.0.1 10.0.0.2'],
  ];
  for (const [section, item, want] of plugins) {
    test(`${section} ${item} → ${want}`, () => {
      const cfg = loadCoredhcpConfig(`${section}:\n  plugins:\n    - ${item}\n`, 'f.yaml');
      const p = (cfg.server4 ?? cfg.server6)!.plugins[0]!;
      assert.equal(formatPluginArgs(p), want);
    });
  }
});
