// The configuration of a running appliance: the coredhcp YAML (`--dhcp`) and the Corefile
// (`--dns`), either optional, loaded and validated completely before anything starts or, on
// SIGHUP, before anything running is touched (design.md "Config": an invalid config never
// starts, and never replaces the running one). Every error names file:line:col.
import { readFileSync } from 'node:fs';
import { ConfigErrors } from '../config/config-error.ts';
import { loadCoredhcpConfig, type CoredhcpConfig } from '../config/coredhcp-config.ts';
import { checkRuntime } from '../config/runtime-checks.ts';
import { parseCorefile, DNS_DEFAULT_PORT } from '../dns/corefile-config.ts';
import type { CorefileConfig } from '../dns/dns-config.ts';
import { firstCoresmdConfig } from '../dhcp/shared-inventory.ts';

export interface ServeFiles {
  /** The coredhcp YAML (server4/server6). */
  readonly dhcp?: string;
  /** The Corefile. */
  readonly dns?: string;
  /** Port of Corefile keys written without one (`-dns.port`). */
  readonly dnsDefaultPort?: number;
}

export interface ServeConfig {
  readonly files: ServeFiles;
  readonly dhcp: CoredhcpConfig | undefined;
  /** The coredhcp YAML as read: DHCPv6 restarts on reload only when it changed. */
  readonly dhcpText: string | undefined;
  readonly dns: CorefileConfig | undefined;
  /** The Corefile as read, so a reload can tell whether DNS must be rebuilt. */
  readonly dnsText: string | undefined;
  /** Loader warnings and runtime findings, each `file:line:col: key: message`. */
  readonly warnings: readonly string[];
}

/** One file's errors, for the start-up report (`FILE: N error(s); …`). */
export interface FileErrors {
  readonly file: string;
  readonly errors: readonly string[];
  /** Errors found outside the file (a missing CA bundle, an unwritable lease directory). */
  readonly runtime: boolean;
}

export type ServeConfigResult =
  | { readonly ok: true; readonly config: ServeConfig }
  | { readonly ok: false; readonly failures: readonly FileErrors[]; readonly warnings: readonly string[] };

export type Env = Readonly<Record<string, string | undefined>>;

function readText(file: string, what: string): { text: string } | { error: string } {
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (e) {
    return { error: `${file}:1:1: cannot read the ${what}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function loadDhcp(file: string, env: Env, failures: FileErrors[], warnings: string[]): { cfg: CoredhcpConfig; text: string } | undefined {
  const read = readText(file, 'file');
  if ('error' in read) {
    failures.push({ file, errors: [read.error], runtime: false });
    return undefined;
  }
  let cfg: CoredhcpConfig;
  try {
    cfg = loadCoredhcpConfig(read.text, file);
  } catch (e) {
    if (!(e instanceof ConfigErrors)) throw e;
    failures.push({ file, errors: e.errors.map(String), runtime: false });
    warnings.push(...e.warnings.map(String));
    return undefined;
  }
  warnings.push(...cfg.warnings.map(String));
  const findings = checkRuntime(cfg, { env });
  warnings.push(...findings.filter((f) => f.level === 'warning').map((f) => f.text));
  const errors = findings.filter((f) => f.level === 'error').map((f) => f.text);
  if (errors.length > 0) failures.push({ file, errors, runtime: true });
  return { cfg, text: read.text };
}

function loadDns(file: string, files: ServeFiles, env: Env, failures: FileErrors[], warnings: string[]): { cfg: CorefileConfig; text: string } | undefined {
  const read = readText(file, 'Corefile');
  if ('error' in read) {
    failures.push({ file, errors: [read.error], runtime: false });
    return undefined;
  }
  try {
    const cfg = parseCorefile(read.text, file, { env, defaultPort: files.dnsDefaultPort ?? DNS_DEFAULT_PORT });
    warnings.push(...cfg.warnings.map(String));
    return { cfg, text: read.text };
  } catch (e) {
    if (!(e instanceof ConfigErrors)) throw e;
    failures.push({ file, errors: e.errors.map(String), runtime: false });
    warnings.push(...e.warnings.map(String));
    return undefined;
  }
}

/**
 * `serve` polls SMD once, with the coredhcp config's coresmd settings; the Corefile's smd_url
 * then only names the data DNS answers from, and a different one is worth a warning.
 */
function sharedSmdWarnings(dhcp: CoredhcpConfig, dns: CorefileConfig): string[] {
  const c = firstCoresmdConfig(dhcp);
  if (c === undefined) return [];
  const out: string[] = [];
  for (const b of dns.blocks) {
    const d = b.coresmd;
    if (d === undefined) continue;
    const differs: string[] = [];
    if (d.smdUrl.replace(/\/+$/, '') !== c.svcBaseUri.replace(/\/+$/, '')) differs.push(`smd_url ${d.smdUrl} (svc_base_uri is ${c.svcBaseUri})`);
    if ((d.caCert ?? '') !== c.caCert) differs.push(`ca_cert '${d.caCert ?? ''}' (ca_cert is '${c.caCert}')`);
    if (differs.length > 0) {
      out.push(`${dns.file}:${d.line}:${d.col}: coresmd: ${differs.join(', ')} differs from ${dhcp.file}; serve runs one inventory, polled with the coredhcp config's coresmd settings`);
    }
  }
  return out;
}

/** Reads and validates every given file; nothing is started and nothing running is touched. */
export function loadServeConfig(files: ServeFiles, env: Env): ServeConfigResult {
  const failures: FileErrors[] = [];
  const warnings: string[] = [];
  const dhcp = files.dhcp === undefined ? undefined : loadDhcp(files.dhcp, env, failures, warnings);
  const dns = files.dns === undefined ? undefined : loadDns(files.dns, files, env, failures, warnings);
  if (failures.length > 0) return { ok: false, failures, warnings };
  if (dhcp !== undefined && dns !== undefined) warnings.push(...sharedSmdWarnings(dhcp.cfg, dns.cfg));
  return { ok: true, config: { files, dhcp: dhcp?.cfg, dhcpText: dhcp?.text, dns: dns?.cfg, dnsText: dns?.text, warnings } };
}
