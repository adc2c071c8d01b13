// The BSS stand-in of scripts/vm-boot-test.sh: a tiny HTTP server answering iPXE's
// GET /boot/v1/bootscript?mac=<mac> (the URL coresmd hands iPXE as its boot file) with an iPXE
// script, and logging every request so the test can see which MAC asked and when.
//
//   node --import tsx scripts/vm/bss.ts ADDR:PORT LOG-FILE
//
// LOG-FILE gets one line per request (written synchronously, so a reader never sees half a line):
//   t=<unix ms> method=GET path=/boot/v1/bootscript?mac=52:54:00:c5:00:01 status=200 from=172.16.0.1 ua=iPXE/1.0.0+
// The script served echoes a marker with the MAC BSS saw and the MAC iPXE booted from, then
// drops to the iPXE shell; the test stops the VM (Debian's 2019 iPXE has no `poweroff`).
import { appendFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [listen, logFile] = process.argv.slice(2);
const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(listen ?? '');
if (m === null || logFile === undefined) {
  console.error('usage: bss.ts ADDR:PORT LOG-FILE');
  process.exit(2);
}
const [, host, portText] = m as unknown as [string, string, string];

/** The marker the test looks for on the VM's serial console. */
const MARKER = 'coresmd-vm-boot-test: BSS boot script running';

function bootScript(mac: string): string {
  return ['#!ipxe', `echo ${MARKER} for mac=${mac} (iPXE net0 is \${net0/mac})`, 'shell', ''].join('\n');
}

writeFileSync(logFile, '');
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://bss.invalid');
  const mac = url.searchParams.get('mac');
  let status = 404;
  let body = 'not found\n';
  if ((req.method === 'GET' || req.method === 'HEAD') && url.pathname === '/boot/v1/bootscript' && mac !== null) {
    status = 200;
    body = bootScript(mac);
  }
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
  const ua = (req.headers['user-agent'] ?? '-').replace(/\s+/g, '_');
  appendFileSync(logFile, `t=${Date.now()} method=${req.method} path=${req.url} status=${status} from=${req.socket.remoteAddress} ua=${ua}\n`);
});
server.listen(Number(portText), host, () => console.log(`bss stand-in listening on http://${host}:${portText}`));
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => process.exit(0));
