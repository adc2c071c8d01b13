// What the TFTP server needs from the network, as small interfaces (house style §5.1): the
// sockets live in src/net/tftp-transport.ts, and the scenario tests use an in-memory fake.
//
// A channel is one UDP socket as the server sees it. Normal mode: every transfer gets a fresh
// socket on an ephemeral port of the local address the request was sent to (RFC 1350 §4: the
// server's TID), so replies come from the address the client talked to. Single-port mode: the
// transfer talks over the listening socket itself, and the server tells transfers apart by the
// client's address and port.

/** An IPv4 address (dotted quad) or IPv6 address (link-local ones with `%zone`) and UDP port. */
export interface TftpEndpoint {
  readonly address: string;
  readonly port: number;
}

export interface TftpChannel {
  /** Where this socket is bound. */
  readonly local: TftpEndpoint;
  /**
   * Sends one datagram. `payload` is a view of a pooled buffer that must stay untouched until
   * `sent` runs; the transport calls `sent` exactly once, from the send callback, on success
   * and on failure alike (house style §5.3: the buffer goes back to the pool there).
   */
  send(payload: Uint8Array, to: TftpEndpoint, sent: (error?: Error) => void): void;
}

export interface TftpTransferChannel extends TftpChannel {
  /** Closes the socket; datagrams that arrive afterwards are dropped. */
  close(): void;
}

/** Receives the datagrams that reach a transfer's own socket (normal mode). */
export type TftpReceive = (datagram: Uint8Array, from: TftpEndpoint) => void;

export interface TftpTransport {
  /** Opens a socket on a fresh port of `localAddress` (normal mode only). */
  openTransferChannel(localAddress: string, receive: TftpReceive): Promise<TftpTransferChannel>;
  /**
   * The MTU of the interface that holds `localAddress`, for the blksize clamp (RFC 2348); undefined
   * when unknown (the server then assumes Ethernet's 1500).
   */
  mtu(localAddress: string): number | undefined;
}

/** `192.0.2.7:1234`: the key transfers are found by, and how logs name a peer. */
export function endpointKey(e: TftpEndpoint): string {
  return `${e.address}:${e.port}`;
}
