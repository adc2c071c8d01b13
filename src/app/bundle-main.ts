// Entry of dist/coresmd.mjs, the single-file bundle for hosts that have Node (scripts/build.mjs).
// bin/coresmd is the checkout's entry and does the same through tsx. A name of coredhcp/coredns
// (a link to the bundle) selects that command.
import { basename } from 'node:path';
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2), basename(process.argv[1] ?? 'coresmd'));
