// The coredhcp YAML file (spec §1.1): `server4` / `server6` sections, each with `listen` and an
// ordered `plugins` list of one-key maps `name: "args"`. Every problem in the file is collected
// and thrown as one ConfigErrors; warnings come back with the result.
//
// Differences from coredhcp's loader (viper), deliberate:
// - Keys are case-sensitive and unknown keys are errors (viper ignores them silently).
// - A plugin's value must be a string (or empty); viper turns a list into "" without a word.
// - The old layout (server4 as a list of `address:` entries, `plugins4:`) gets a clear error.
// - `coresmd` may appear under both servers. We run one shared inventory and one TFTP server,
//   so settings for those (svc_base_uri, cache_valid, tftp_*, …) are taken from server4 and a
//   differing server6 value is a warning; per-reply settings (rules, domain, lease_time,
//   ipxe_base_uri) stay per section, which fixes the original's global-config bug (spec §2.2).
import { readFileSync } from 'node:fs';
import { ConfigError, ConfigErrorCode, ConfigErrors, Diagnostics, sortByPosition, type ConfigPos, type ConfigWarning } from './config-error.ts';
import { loadBootloopConfig, type BootloopConfig } from './bootloop-config.ts';
import { formatGoDuration } from './duration.ts';
import { loadCoresmdConfig, type CoresmdConfig } from './coresmd-config.ts';
import { parseListen, type ListenSpec } from './listen.ts';
import { tokenizeArgs, type PluginContext } from './plugin-args.ts';
import { isStockPlugin, parseStockPlugin, STOCK_PLUGIN_FAMILIES, type ServerFamily, type StockConfigs, type StockPluginName } from './stock-plugins.ts';
import { describeNode, type YamlEntry, type YamlMap, type YamlNode } from './yaml-node.ts';
import { parseYaml } from './yaml.ts';
import { loadAdminSection, type AdminConfig } from '../admin/admin-config.ts';

type Positioned<N extends string, C> = ConfigPos & { readonly name: N; readonly config: C };

/** One `plugins` entry, typed by name; line/col are those of its `name:` key. */
export type ParsedPlugin =
  | { [K in StockPluginName]: Positioned<K, StockConfigs[K]> }[StockPluginName]
  | Positioned<'coresmd', CoresmdConfig>
  | Positioned<'bootloop', BootloopConfig>;

export type PluginName = ParsedPlugin['name'];

export interface ServerSection extends ConfigPos {
  readonly family: ServerFamily;
  readonly listen: readonly ListenSpec[];
  /** In chain order: the order of the file (spec §1.4). */
  readonly plugins: readonly ParsedPlugin[];
}

export interface CoredhcpConfig {
  readonly file: string;
  readonly server4?: ServerSection;
  readonly server6?: ServerSection;
  /** The admin server's `admin:` section (src/app/admin/admin-config.ts); not a coredhcp key. */
  readonly admin?: AdminConfig;
  readonly warnings: readonly ConfigWarning[];
}

export const PLUGIN_NAMES: readonly PluginName[] = [...(Object.keys(STOCK_PLUGIN_FAMILIES) as StockPluginName[]), 'coresmd', 'bootloop'];

const TOP_KEYS = ['server4', 'server6', 'admin'] as const;
const SECTION_KEYS = ['listen', 'interface', 'plugins'] as const;

// coresmd settings that belong to the shared inventory / TFTP server, not to one section.
const SHARED_CORESMD_KEYS: ReadonlyArray<[string, (c: CoresmdConfig) => string]> = [
  ['svc_base_uri', (c) => c.svcBaseUri],
  ['ca_cert', (c) => c.caCert],
  ['cache_valid', (c) => formatGoDuration(c.cacheValidMs)],
  ['cache_file', (c) => c.cacheFile ?? ''],
  ['svc_token_file/svc_token_env', (c) => (c.svcToken === undefined ? '' : JSON.stringify(c.svcToken))],
  ['svc_timeout', (c) => formatGoDuration(c.svcTimeoutMs)],
  ['tftp_dir', (c) => c.tftpDir],
  ['tftp_port', (c) => String(c.tftpPort)],
  ['single_port', (c) => String(c.singlePort)],
];

/** Reads `path` and loads it; a read failure is a ConfigErrors at 1:1 too. */
export function readCoredhcpConfigFile(path: string): CoredhcpConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new ConfigErrors([new ConfigError({ file: path, line: 1, col: 1, code: ConfigErrorCode.ReadFailed, message: `cannot read the file: ${reason}` })]);
  }
  return loadCoredhcpConfig(text, path);
}

/** Parses and validates a whole coredhcp YAML file; throws ConfigErrors listing every error. */
export function loadCoredhcpConfig(text: string, file: string): CoredhcpConfig {
  const root = parseYaml(text, file);
  const diag = new Diagnostics(file);
  const sections: { server4?: ServerSection; server6?: ServerSection; admin?: AdminConfig } = {};

  if (root.kind !== 'map') {
    diag.error(root, root.kind === 'null' ? ConfigErrorCode.MissingKey : ConfigErrorCode.WrongType, `expected a mapping with server4 and/or server6, found ${describeNode(root)}`);
    diag.throwIfErrors();
  } else {
    for (const entry of root.entries) {
      if (entry.key === 'server4' || entry.key === 'server6') {
        const family = entry.key === 'server4' ? 4 : 6;
        const section = loadSection(entry, family, diag);
        if (section !== undefined) sections[entry.key] = section;
      } else if (entry.key === 'admin') {
        const admin = loadAdminSection(entry, diag);
        if (admin !== undefined) sections.admin = admin;
      } else {
        diag.error(entry, ConfigErrorCode.UnknownKey, unknownTopKeyMessage(entry.key), entry.key);
      }
    }
    if (!root.entries.some((e) => e.key === 'server4' || e.key === 'server6')) {
      diag.error(root, ConfigErrorCode.MissingKey, 'need at least one of server4 or server6');
    }
  }
  if (sections.server4 !== undefined && sections.server6 !== undefined) checkSharedCoresmd(sections.server4, sections.server6, diag);
  diag.throwIfErrors();
  return Object.freeze({ file, ...sections, warnings: Object.freeze(sortByPosition(diag.warnings)) });
}

function unknownTopKeyMessage(key: string): string {
  const close = TOP_KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
  if (close !== undefined) return `unknown key; did you mean '${close}'? (keys are case-sensitive)`;
  if (key === 'plugins4' || key === 'plugins6') {
    return `unknown key: this is the old coredhcp layout; put the plugins under server${key.slice(-1)} as 'plugins:' items of the form "- name: args"`;
  }
  if (key === 'log' || key === 'logging') return 'unknown key: logging is configured on the command line (-L/--loglevel, -l/--logfile), not in this file';
  return 'unknown key; the top level may only hold server4, server6 and admin';
}

function findEntry(map: YamlMap, key: string): YamlEntry | undefined {
  return map.entries.find((e) => e.key === key);
}

function loadSection(entry: YamlEntry, family: ServerFamily, diag: Diagnostics): ServerSection | undefined {
  const name = entry.key;
  const node = entry.value;
  if (node.kind === 'seq') {
    diag.error(
      node,
      ConfigErrorCode.LegacyFormat,
      `must be a mapping with 'listen' and 'plugins'; a list here (of 'address:' entries, with plugins under a separate 'plugins${family}:' key) is the old coredhcp layout, which is not supported: write ${name}: {listen: ["%eth0"], plugins: [...]} as block YAML`,
      name,
    );
    return undefined;
  }
  if (node.kind !== 'map') {
    diag.error(node.kind === 'null' ? entry : node, ConfigErrorCode.WrongType, `expected a mapping with 'listen' and 'plugins', found ${describeNode(node)}`, name);
    return undefined;
  }
  for (const e of node.entries) {
    if (!(SECTION_KEYS as readonly string[]).includes(e.key)) {
      const close = SECTION_KEYS.find((k) => k.toLowerCase() === e.key.toLowerCase());
      const hint = close !== undefined ? `did you mean '${close}'? (keys are case-sensitive)` : `expected listen, plugins (or the deprecated interface)`;
      diag.error(e, ConfigErrorCode.UnknownKey, `unknown key in ${name}; ${hint}`, e.key);
    }
  }
  const listen = loadListen(node, name, family, diag);
  const pluginsEntry = findEntry(node, 'plugins');
  if (pluginsEntry === undefined) {
    diag.error(entry, ConfigErrorCode.MissingKey, "missing 'plugins': list the plugins that build the replies", name);
    return undefined;
  }
  const plugins = loadPlugins(pluginsEntry, name, family, diag);
  if (plugins === undefined || listen === undefined) return undefined;
  checkChain(plugins, name, diag);
  return Object.freeze({ family, listen: Object.freeze(listen), plugins: Object.freeze(plugins), line: entry.line, col: entry.col });
}

function loadListen(section: YamlMap, name: string, family: ServerFamily, diag: Diagnostics): ListenSpec[] | undefined {
  const listenEntry = findEntry(section, 'listen');
  const ifaceEntry = findEntry(section, 'interface');
  if (listenEntry !== undefined && ifaceEntry !== undefined) {
    diag.error(ifaceEntry, ConfigErrorCode.Conflict, 'interface is a deprecated alias for listen, both cannot be used at the same time; keep listen', 'interface');
    return undefined;
  }
  if (ifaceEntry !== undefined) {
    const v = ifaceEntry.value;
    if (v.kind !== 'scalar') {
      diag.error(v.kind === 'null' ? ifaceEntry : v, ConfigErrorCode.WrongType, `expected an interface name, found ${describeNode(v)}`, 'interface');
      return undefined;
    }
    diag.warn(ifaceEntry, ConfigErrorCode.Deprecated, `deprecated; write listen: ["%${v.value}"]`, 'interface');
    const r = parseListen(`%${v.value}`, family, v);
    if (!r.ok) {
      diag.error(v, ConfigErrorCode.BadListen, r.error, 'interface');
      return undefined;
    }
    return [r.spec];
  }
  if (listenEntry === undefined) return [{ kind: 'default', family }];
  const v = listenEntry.value;
  const items: YamlNode[] = v.kind === 'seq' ? [...v.items] : [v];
  if (v.kind === 'null' || (v.kind === 'seq' && v.items.length === 0)) {
    diag.error(listenEntry, ConfigErrorCode.WrongType, 'empty; remove it for the default, or list addresses such as "%eth0"', 'listen');
    return undefined;
  }
  const out: ListenSpec[] = [];
  let ok = true;
  for (const item of items) {
    if (item.kind !== 'scalar') {
      diag.error(item, ConfigErrorCode.WrongType, `expected an address such as "%eth0" or "0.0.0.0:67", found ${describeNode(item)}`, 'listen');
      ok = false;
      continue;
    }
    const r = parseListen(item.value, family, item);
    if (!r.ok) {
      diag.error(item, ConfigErrorCode.BadListen, `${r.error} in ${JSON.stringify(item.value)} (expected [addr][%iface][:port], IPv6 as "[addr%iface]:port")`, 'listen');
      ok = false;
      continue;
    }
    const spec = r.spec;
    if (spec.kind === 'address' && family === 6 && spec.iface === undefined && spec.address.family === 6 && spec.address.bytes.every((b) => b === 0)) {
      // Spec §1.1 / §10.31: [::] joins no multicast group, so SOLICITs to ff02::1:2 go unheard.
      diag.warn(item, ConfigErrorCode.Suspicious, `${name} on [::] joins no multicast group, so most DHCPv6 clients (which send to ff02::1:2) will not be heard; use "%iface" or remove listen for the default`, 'listen');
    }
    out.push(spec);
  }
  return ok ? out : undefined;
}

function loadPlugins(entry: YamlEntry, section: string, family: ServerFamily, diag: Diagnostics): ParsedPlugin[] | undefined {
  const list = entry.value;
  if (list.kind !== 'seq' || list.items.length === 0) {
    const found = list.kind === 'seq' ? 'an empty list' : describeNode(list);
    diag.error(list.kind === 'null' ? entry : list, ConfigErrorCode.WrongType, `expected a list of "- name: args" items, found ${found}`, 'plugins');
    return undefined;
  }
  const before = diag.errors.length;
  const out: ParsedPlugin[] = [];
  for (const item of list.items) {
    if (item.kind !== 'map' || item.entries.length !== 1) {
      const found = item.kind === 'map' ? `${item.entries.length} keys (${item.entries.map((e) => e.key).join(', ')})` : describeNode(item);
      diag.error(item, ConfigErrorCode.WrongType, `each plugins item must be exactly one "name: args" pair, found ${found}`, 'plugins');
      continue;
    }
    const p = loadPlugin(item.entries[0]!, section, family, diag);
    if (p !== undefined) out.push(p);
  }
  return diag.errors.length > before ? undefined : out;
}

function loadPlugin(entry: YamlEntry, section: string, family: ServerFamily, diag: Diagnostics): ParsedPlugin | undefined {
  const name = entry.key;
  const at: ConfigPos = { line: entry.line, col: entry.col };
  const ctx: PluginContext = { diag, at };
  const v = entry.value;
  if (v.kind === 'map' || v.kind === 'seq') {
    const hint = v.kind === 'seq' ? ' (a list of positional arguments is the pre-v0.5.0 format; write "key=value" pairs in one string)' : '';
    diag.error(v, ConfigErrorCode.WrongType, `the arguments of ${name} must be a string, found ${describeNode(v)}${hint}`, name);
    return undefined;
  }
  const tokens = tokenizeArgs(v);
  if (name === 'coresmd') {
    // Both sections may list coresmd; the inventory is shared (see checkSharedCoresmd).
    const config = loadCoresmdConfig(tokens, ctx);
    return config === undefined ? undefined : { name, config, ...at };
  }
  if (name === 'bootloop') {
    if (family === 6) {
      // The original's setup6 fails the same way (spec §1.4).
      diag.error(at, ConfigErrorCode.PluginPlacement, 'bootloop does not currently support DHCPv6; list it under server4 only', name);
      return undefined;
    }
    const config = loadBootloopConfig(tokens, ctx);
    return config === undefined ? undefined : { name, config, ...at };
  }
  if (!isStockPlugin(name)) {
    const close = PLUGIN_NAMES.find((k) => k.toLowerCase() === name.toLowerCase());
    const hint = close !== undefined ? `did you mean '${close}'?` : `supported plugins: ${PLUGIN_NAMES.join(', ')}`;
    diag.error(at, ConfigErrorCode.UnknownPlugin, `unknown plugin in ${section}; ${hint}`, name);
    return undefined;
  }
  if (!STOCK_PLUGIN_FAMILIES[name].includes(family)) {
    diag.error(at, ConfigErrorCode.PluginPlacement, `${name} is a DHCPv4-only plugin (coredhcp has no DHCPv6 setup for it); list it under server4`, name);
    return undefined;
  }
  return loadStock(name, tokens, family, ctx);
}

function loadStock<K extends StockPluginName>(name: K, tokens: ReturnType<typeof tokenizeArgs>, family: ServerFamily, ctx: PluginContext): ParsedPlugin | undefined {
  const config = parseStockPlugin(name, tokens, family, ctx);
  if (config === undefined) return undefined;
  // The mapped union cannot be narrowed from a generic K; the pairing is checked by StockConfigs.
  return { name, config, ...ctx.at } as unknown as ParsedPlugin;
}

/** Chain-order mistakes the original would run with silently (spec §1.4, §5.1 step 5). */
function checkChain(plugins: readonly ParsedPlugin[], section: string, diag: Diagnostics): void {
  const seen = new Map<string, ParsedPlugin>();
  for (const p of plugins) {
    const prev = seen.get(p.name);
    if (prev !== undefined) {
      if (p.name === 'coresmd' || p.name === 'bootloop') {
        diag.error(p, ConfigErrorCode.Duplicate, `listed twice in ${section} (also at line ${prev.line}); keep one`, p.name);
      } else {
        diag.warn(p, ConfigErrorCode.Suspicious, `listed twice in ${section} (also at line ${prev.line}); both run, in order`, p.name);
      }
    }
    seen.set(p.name, p);
  }
  const bootloopIndex = plugins.findIndex((p) => p.name === 'bootloop');
  const after = plugins[bootloopIndex + 1];
  if (bootloopIndex !== -1 && after !== undefined) {
    diag.warn(after, ConfigErrorCode.Suspicious, `never runs: bootloop (line ${plugins[bootloopIndex]!.line}) answers every request that reaches it, so it must be the last plugin`, after.name);
  }
  // No warning about server_id's absence or position: unlike the original (spec §10.9), the
  // server identifier, siaddr and option 17 are our address on the ingress interface, and a
  // configured server_id applies to every reply wherever it sits in the chain.
}

/** Warns where server6's coresmd sets a shared setting differently from server4's. */
function checkSharedCoresmd(v4: ServerSection, v6: ServerSection, diag: Diagnostics): void {
  const c4 = v4.plugins.find((p) => p.name === 'coresmd');
  const c6 = v6.plugins.find((p) => p.name === 'coresmd');
  if (c4?.name !== 'coresmd' || c6?.name !== 'coresmd') return;
  for (const [key, get] of SHARED_CORESMD_KEYS) {
    if (get(c4.config) !== get(c6.config)) {
      diag.warn(
        c6,
        ConfigErrorCode.Suspicious,
        `${key} differs from server4's coresmd (line ${c4.line}); the inventory and TFTP server are shared, so server4's value (${get(c4.config) || "''"}) is used`,
        'coresmd',
      );
    }
  }
}
