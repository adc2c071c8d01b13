// The SMD InventorySource: two GETs per fetch (spec coresmd-dhcp §4.1, coresmd-dns §1.4).
// Differences from upstream, on purpose:
// - The HTTP status IS checked. Upstream parses any body, so a 500 problem document on
//   Components decodes to zero components and silently empties the inventory
//   (coresmd-dns §5.12, coresmd-dhcp §4.2 [BUG?]). Here a non-2xx answer fails the fetch.
// - Both GETs must succeed or the fetch fails; they run concurrently.
// - An optional bearer token is sent (upstream main sends none; the unmerged TokenSmith branch
//   does, coresmd-dns §1.11). The two GETs are public routes in SMD, so it is usually unneeded.
// The HTTP function is injected (src/net/http-client.ts in production, a fake in tests), which
// also keeps this services-layer module free of sockets.

import { SmdError, SmdErrorCode, describeError } from './errors.ts';
import type { InventorySource, RawInventory } from './types.ts';
import { validateComponentsBody, validateEthernetInterfaces } from './validate.ts';

export const ETHERNET_INTERFACES_PATH = '/hsm/v2/Inventory/EthernetInterfaces';
export const COMPONENTS_PATH = '/hsm/v2/State/Components';

/** The slice of src/net/http-client.ts `httpGet` this module needs. */
export type SmdHttpGet = (
  url: string,
  options: { readonly timeoutMs: number; readonly headers: Readonly<Record<string, string>>; readonly ca?: Buffer },
) => Promise<{ readonly status: number; readonly body: string }>;

export interface SmdSourceOptions {
  /** e.g. `https://demo.openchami.cluster:8443` or a gateway form `https://h/apis/smd`. */
  readonly baseUrl: string;
  /** PEM CA bundle; when given it is the only trust anchor (coresmd-dns §5.18). */
  readonly ca?: Buffer;
  /** Called before every fetch; a returned token is sent as `Authorization: Bearer …`. */
  readonly token?: () => string | undefined;
  readonly timeoutMs: number;
  readonly httpGet: SmdHttpGet;
}

/**
 * URL path-join that keeps a base path, like Go's url.JoinPath (coresmd-dhcp §4.1):
 * `https://h/apis/smd/` + `/hsm/v2/x` → `https://h/apis/smd/hsm/v2/x`.
 */
export function joinUrl(base: string, path: string): string {
  const url = new URL(base);
  url.pathname = url.pathname.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
  return url.toString();
}

/** Pulls `title` and `detail` out of an RFC 7807 body, if it is one (coresmd-dns §3.4). */
function problemOf(body: string): { title?: string; detail?: string } {
  try {
    const doc: unknown = JSON.parse(body);
    if (typeof doc !== 'object' || doc === null) return {};
    const { title, detail } = doc as { title?: unknown; detail?: unknown };
    return {
      ...(typeof title === 'string' ? { title } : {}),
      ...(typeof detail === 'string' ? { detail } : {}),
    };
  } catch {
    return {};
  }
}

export function createSmdSource(options: SmdSourceOptions): InventorySource {
  const interfacesUrl = joinUrl(options.baseUrl, ETHERNET_INTERFACES_PATH);
  const componentsUrl = joinUrl(options.baseUrl, COMPONENTS_PATH);
  const base = new URL(options.baseUrl);
  // Never show credentials embedded in the URL in logs or status.
  base.username = '';
  base.password = '';
  const shown = base.toString().replace(/\/$/, '');

  async function getJson(url: string, headers: Readonly<Record<string, string>>): Promise<unknown> {
    let res: { status: number; body: string };
    try {
      res = await options.httpGet(url, {
        timeoutMs: options.timeoutMs,
        headers,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      });
    } catch (err) {
      // Transport failures keep their own code (ERR_HTTP_TIMEOUT, ERR_HTTP_RESET, …).
      const { message, code } = describeError(err);
      throw new SmdError(code, message, { url, cause: err });
    }
    if (res.status < 200 || res.status > 299) {
      const { title, detail } = problemOf(res.body);
      const text = `GET ${url}: HTTP ${res.status}${title === undefined ? '' : ` ${title}`}${detail === undefined ? '' : `: ${detail}`}`;
      throw new SmdError(SmdErrorCode.Status, text, { url, status: res.status, ...(detail === undefined ? {} : { detail }) });
    }
    try {
      return JSON.parse(res.body);
    } catch (err) {
      throw new SmdError(SmdErrorCode.Json, `GET ${url}: invalid JSON: ${(err as Error).message}`, { url, cause: err });
    }
  }

  function withUrl<T>(url: string, validate: () => T): T {
    try {
      return validate();
    } catch (err) {
      if (!(err instanceof SmdError)) throw err;
      throw new SmdError(err.code, `GET ${url}: ${err.message}`, { url, ...(err.field === undefined ? {} : { field: err.field }) });
    }
  }

  return {
    kind: 'smd',
    describe: () => shown,
    async fetch(): Promise<RawInventory> {
      const headers: Record<string, string> = { Accept: 'application/json' };
      const token = options.token?.();
      if (token !== undefined && token !== '') headers['Authorization'] = `Bearer ${token}`;
      const [ifaceBody, compBody] = await Promise.all([getJson(interfacesUrl, headers), getJson(componentsUrl, headers)]);
      const interfaces = withUrl(interfacesUrl, () => validateEthernetInterfaces(ifaceBody));
      const components = withUrl(componentsUrl, () => validateComponentsBody(compBody));
      return { interfaces, components };
    },
  };
}
