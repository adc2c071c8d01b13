// The optional native addon `raw-socket` (nospaceships/node-raw-socket 1.8), loaded only when a
// transport asks for it, so every other part of the appliance runs where it is not built.
//
// The types below are the subset we use, written from its README and src/raw.cc (the package
// ships no declarations). Two facts from the source shape how it is used:
// - Socket#onRecvReady reads into one buffer per socket and emits `buffer.slice(0, bytes)`:
//   the 'message' buffer is overwritten by the next datagram, so callers copy what they keep.
// - Socket#onError closes the socket after emitting 'error'; a recv failure emits 'error'
//   without closing. An 'error' without a listener would throw from the event loop.

import { createRequire } from 'node:module';

export interface RawSocket {
  on(event: 'message', listener: (buffer: Buffer, source: string) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'close', listener: () => void): this;
  /** setsockopt(2); the 3-argument form passes a 32-bit unsigned integer. */
  setOption(level: number, option: number, value: number): void;
  setOption(level: number, option: number, value: Buffer, length: number): void;
  send(
    buffer: Buffer,
    offset: number,
    length: number,
    address: string,
    beforeCallback: (() => void) | null,
    afterCallback: (error: Error | null, bytes: number) => void,
  ): this;
  close(): this;
}

export interface RawSocketModule {
  createSocket(options: { protocol: number; addressFamily?: number; bufferSize?: number }): RawSocket;
  readonly AddressFamily: { readonly IPv4: number };
  readonly Protocol: { readonly UDP: number };
  readonly SocketLevel: { readonly SOL_SOCKET: number; readonly IPPROTO_IP: number };
  /** SO_BINDTODEVICE is Linux-only, SO_BROADCAST is exported by raw.cc but not in the README. */
  readonly SocketOption: {
    readonly IP_HDRINCL: number;
    readonly SO_BINDTODEVICE?: number;
    readonly SO_BROADCAST?: number;
    readonly SO_RCVBUF?: number;
  };
}

export type RawSocketLoad = { readonly ok: true; readonly module: RawSocketModule } | { readonly ok: false; readonly reason: string };

export type ModuleRequire = (specifier: string) => unknown;

const nodeRequire: ModuleRequire = (specifier) => createRequire(import.meta.url)(specifier);
let requireModule: ModuleRequire = nodeRequire;

/**
 * Replaces how loadRawSocket loads its module (Node's require, relative to this file, by default)
 * and returns the one it replaces. The single executable dist/coresmd has no node_modules: its
 * entry (src/app/sea-main.ts) hands in the raw-socket bundled into it, whose addon is extracted
 * from the executable to a private temporary file and opened with process.dlopen.
 */
export function setRawSocketRequire(load: ModuleRequire): ModuleRequire {
  const previous = requireModule;
  requireModule = load;
  return previous;
}

/** Loads `raw-socket` with require (it is CommonJS); never throws. */
export function loadRawSocket(specifier = 'raw-socket'): RawSocketLoad {
  let mod: unknown;
  try {
    mod = requireModule(specifier);
  } catch (e) {
    return { ok: false, reason: `${specifier} cannot be loaded: ${(e as Error).message.split('\n')[0]}` };
  }
  const m = mod as Partial<RawSocketModule> | undefined;
  if (typeof m?.createSocket !== 'function' || m.SocketOption === undefined || m.SocketLevel === undefined) {
    return { ok: false, reason: `${specifier} does not look like raw-socket (no createSocket/SocketOption)` };
  }
  if (m.SocketOption.SO_BINDTODEVICE === undefined || m.SocketOption.SO_BROADCAST === undefined) {
    return { ok: false, reason: `${specifier} has no SO_BINDTODEVICE/SO_BROADCAST (not Linux?)` };
  }
  return { ok: true, module: m as RawSocketModule };
}
