// The status page's files (src/app/admin/ui/, written beside this module): `index.html`,
// `app.js` and `app.css`, served at /, /ui/app.js and /ui/app.css. Read on each request from a
// checkout; a build that embeds them replaces this module's reader, nothing else.
//
// The single-file builds (dist/coresmd.mjs and dist/coresmd) carry them as text: scripts/build.mjs
// replaces the identifier CORESMD_ADMIN_UI with an object literal { 'index.html': '…', … } (an
// esbuild `define`, as CORESMD_BUILD in runtime-paths.ts). In a checkout the identifier does not exist.
import { readFileSync } from 'node:fs';

declare const CORESMD_ADMIN_UI: Readonly<Record<string, string>>;

/** The embedded files as bytes, made once; undefined in a checkout. */
const embedded: ReadonlyMap<string, Buffer> | undefined =
  typeof CORESMD_ADMIN_UI === 'undefined' ? undefined : new Map(Object.entries(CORESMD_ADMIN_UI).map(([name, text]) => [name, Buffer.from(text, 'utf8')]));

const TYPES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** The asset `name` (index.html, app.js, app.css) and its Content-Type; undefined when missing. */
export function adminAsset(name: string): { body: Buffer; type: string } | undefined {
  const type = TYPES[name];
  if (type === undefined) return undefined;
  if (embedded !== undefined) {
    const body = embedded.get(name);
    return body === undefined ? undefined : { body, type };
  }
  try {
    return { body: readFileSync(new URL(`./ui/${name}`, import.meta.url)), type };
  } catch {
    return undefined;
  }
}
