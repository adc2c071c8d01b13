// Closes dgram sockets and resolves once each has closed (one already closed counts as closed).
import type dgram from 'node:dgram';

export function closeSockets(sockets: readonly dgram.Socket[]): Promise<void> {
  return Promise.all(
    sockets.map(
      (s) =>
        new Promise<void>((resolve) => {
          try {
            s.close(() => resolve());
          } catch {
            resolve(); // ERR_SOCKET_DGRAM_NOT_RUNNING: closed already
          }
        }),
    ),
  ).then(() => undefined);
}
