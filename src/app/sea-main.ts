// Entry of dist/coresmd, the single executable (scripts/build.mjs bundles this file into the
// CommonJS main that is injected into a Node binary). In a single executable process.argv[1]
// is the name it was started by, so a link named coredhcp or coredns selects that command.
//
// raw-socket is bundled in too. scripts/build.mjs maps its `require('./build/Release/raw.node')`
// to loadEmbeddedAddon (runtime-paths.ts), which writes the addon embedded as an asset to a
// private temporary file, opens it with process.dlopen and deletes the file. Only the DHCP
// transport asks for it, on first use, so other commands never touch the file system for it.
import { basename } from 'node:path';
import { setRawSocketRequire } from '../net/raw-socket-module.ts';
import { main } from './main.ts';

const nodeRequire = setRawSocketRequire((specifier) => (specifier === 'raw-socket' ? require('raw-socket') : nodeRequire(specifier)));

void main(process.argv.slice(2), basename(process.argv[1] ?? 'coresmd')).then((code) => {
  process.exitCode = code;
});
