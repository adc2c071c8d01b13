// The effective configuration as text, for `coresmd check`: each section's listen addresses
// and its plugin chain with every default filled in. coresmd and bootloop lines use the
// original's Config.String() forms (spec §2.2, §2.3), so they can be compared with its logs.
import { formatIPv4 } from '../../wire/addr.ts';
import { formatBootloopConfig } from './bootloop-config.ts';
import type { CoredhcpConfig, ParsedPlugin, ServerSection } from './coredhcp-config.ts';
import { formatCoresmdConfig } from './coresmd-config.ts';
import { formatGoDuration } from './duration.ts';
import { formatListen } from './listen.ts';

/** One plugin's effective arguments on one line. */
export function formatPluginArgs(p: ParsedPlugin): string {
  switch (p.name) {
    case 'server_id': {
      const c = p.config;
      if (c.family === 4) return formatIPv4(c.ip);
      const d = c.duid;
      return d.type === 'EN' ? `EN ${d.enterpriseNumber} ${Buffer.from(d.identifier).toString('hex')}` : `${d.type} ${d.mac}`;
    }
    case 'dns':
      return p.config.servers.map((s) => s.text).join(' ');
    case 'router':
      return p.config.routers.map(formatIPv4).join(' ');
    case 'netmask':
      return `${formatIPv4(p.config.mask)} (/${p.config.prefix})`;
    case 'lease_time':
      return formatGoDuration(p.config.leaseTimeMs);
    case 'searchdomains':
      return p.config.domains.join(' ');
    case 'mtu':
      return String(p.config.mtu);
    case 'file':
      return p.config.autorefresh ? `${p.config.path} autorefresh` : p.config.path;
    case 'coresmd':
      return formatCoresmdConfig(p.config);
    case 'bootloop':
      return formatBootloopConfig(p.config);
  }
}

function formatSection(name: string, s: ServerSection): string[] {
  const lines = [`${name}:`, '  listen:'];
  for (const l of s.listen) lines.push(`    - ${formatListen(l)}`);
  lines.push('  plugins:');
  for (const p of s.plugins) {
    const args = formatPluginArgs(p);
    if (p.name === 'coresmd' || p.name === 'bootloop') {
      // One key=value per line; values never hold spaces (coredhcp splits on whitespace).
      lines.push(`    - ${p.name}: |`, ...args.split(' ').map((kv) => `        ${kv}`));
    } else {
      lines.push(`    - ${p.name}: ${args}`);
    }
  }
  return lines;
}

/** The whole effective configuration, YAML-shaped (informational; not meant to be re-loaded). */
export function formatCoredhcpConfig(cfg: CoredhcpConfig): string {
  const lines: string[] = [];
  if (cfg.server4 !== undefined) lines.push(...formatSection('server4', cfg.server4));
  if (cfg.server6 !== undefined) lines.push(...formatSection('server6', cfg.server6));
  return `${lines.join('\n')}\n`;
}
