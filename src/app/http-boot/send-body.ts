// Streams a byte range of a boot file into an HTTP response in fixed-size chunks, never holding
// more than two chunks of a disk file in memory, so a 1 GiB image costs 512 KiB per transfer.
// (Files up to the provider's memory-cache limit, every iPXE binary among them, arrive as
// shared in-memory bytes and are written in one piece without a copy.)
//
// Backpressure: a chunk buffer is reused only after the write that used it has been flushed
// (its callback ran), so a client that stops reading stops the reads from disk too. A client
// that goes away ends the loop at the next step; nothing here throws at the caller.
import type { ServerResponse } from 'node:http';
import type { BootFile, FileProvider } from '../../boot/file-provider.ts';

/**
 * Read size per step. Each FileProvider.read of a disk file opens, checks and closes it (about
 * 150 µs here), so small chunks cap a stream: 64 KiB gave ~330 MB/s on loopback, 256 KiB
 * ~800 MB/s (1 GiB, curl, on the 2-core CI machine): most of a 10 GbE link for one client.
 */
export const CHUNK_BYTES = 256 * 1024;

export interface BodyOutcome {
  /** The whole range was handed to the kernel and the response ended. */
  readonly complete: boolean;
  /** Body bytes whose write completed. */
  readonly bytes: number;
  /** Why the transfer stopped early, when it did for a reason other than the client leaving. */
  readonly error?: string;
}

/** Resolves true when `chunk` was flushed, false when the response closed or failed first. */
function writeChunk(res: ServerResponse, chunk: Uint8Array): Promise<boolean> {
  return new Promise((resolve) => {
    // Already closed: 'close' has fired and a write callback may never run.
    if (res.destroyed) {
      resolve(false);
      return;
    }
    let settled = false;
    const settle = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      res.off('close', onClose);
      resolve(ok);
    };
    const onClose = (): void => settle(false);
    res.once('close', onClose);
    res.write(chunk, (err) => settle(err == null));
  });
}

/** Ends the response; resolves true once it finished, false if the connection closed first. */
function endResponse(res: ServerResponse, chunk?: Uint8Array): Promise<boolean> {
  return new Promise((resolve) => {
    if (res.writableFinished || res.destroyed) {
      resolve(res.writableFinished);
      return;
    }
    const onClose = (): void => resolve(res.writableFinished);
    res.once('close', onClose);
    const done = (): void => {
      res.off('close', onClose);
      resolve(true);
    };
    if (chunk === undefined) res.end(done);
    else res.end(chunk, done);
  });
}

/** Sends bytes `start..end` (inclusive) of `file`; headers must already be written. */
export async function sendBody(res: ServerResponse, provider: FileProvider, file: BootFile, start: number, end: number): Promise<BodyOutcome> {
  const length = end + 1 - start;
  if (file.kind === 'memory') {
    const ok = await endResponse(res, file.bytes.subarray(start, end + 1));
    return { complete: ok, bytes: ok ? length : 0 };
  }

  const buffers = [new Uint8Array(CHUNK_BYTES), new Uint8Array(CHUNK_BYTES)] as const;
  // Writes not yet known to be flushed, oldest first; write k used buffers[k % 2].
  const inFlight: { done: Promise<boolean>; size: number }[] = [];
  let bytes = 0;
  const settleOldest = async (): Promise<boolean> => {
    const w = inFlight.shift();
    if (w === undefined) return true;
    const ok = await w.done;
    if (ok) bytes += w.size;
    return ok;
  };

  let pos = start;
  for (let k = 0; pos <= end; k++) {
    // The buffer about to be filled was used by write k-2: wait until it is flushed.
    if (inFlight.length === buffers.length && !(await settleOldest())) return { complete: false, bytes };
    if (res.destroyed) return { complete: false, bytes };
    const want = Math.min(CHUNK_BYTES, end + 1 - pos);
    let chunk: Uint8Array;
    try {
      chunk = await provider.read(file, pos, want, buffers[k % 2]);
    } catch (err) {
      res.destroy();
      return { complete: false, bytes, error: `read ${file.name} at ${pos}: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (chunk.length === 0) {
      // The file shrank under us: the promised Content-Length cannot be met, so the only honest
      // signal left is to close the connection (RFC 9112 §6.3: an incomplete message).
      res.destroy();
      return { complete: false, bytes, error: `${file.name} ended at ${pos}, ${end + 1 - pos} bytes short of the announced length` };
    }
    if (chunk.length > want) chunk = chunk.subarray(0, want);
    if (res.destroyed) return { complete: false, bytes };
    inFlight.push({ done: writeChunk(res, chunk), size: chunk.length });
    pos += chunk.length;
  }
  while (inFlight.length > 0) if (!(await settleOldest())) return { complete: false, bytes };
  const ok = await endResponse(res);
  return { complete: ok, bytes };
}
