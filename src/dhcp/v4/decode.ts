// Entry points that catch once (house style §5.4): inside the codec everything throws
// WireError; here it becomes a result the server can count and drop. Anything else that is
// thrown is a bug in this codec and is rethrown, never reported as a bad packet.

import { WireError } from '../../wire/errors.ts';
import { Dhcp4Opt } from './constants.ts';
import type { Dhcp4Message, Dhcp4Option } from './model.ts';
import { Dhcp4Options, Dhcp4Overload } from './options.ts';
import { Dhcp4View } from './view.ts';

export type Dhcp4Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError };

/** The zero-copy pair the server works with; both alias the datagram (house style §5.3). */
export interface Dhcp4Request {
  readonly view: Dhcp4View;
  readonly options: Dhcp4Options;
}

/** Checks the header and indexes the options, copying nothing: the server's hot path. */
export function decodeDhcp4Request(buf: Uint8Array): Dhcp4Result<Dhcp4Request> {
  try {
    const view = Dhcp4View.check(buf);
    return { ok: true, value: { view, options: Dhcp4Options.decode(view) } };
  } catch (e) {
    if (e instanceof WireError) return { ok: false, error: e };
    throw e;
  }
}

/**
 * Decodes a datagram into a self-contained model: every option (RFC 3396-joined, in first-seen
 * order, unknown codes included) with its bytes copied, so the model outlives the datagram.
 * Option 52 is framing and is not listed; an overloaded `sname` or `file` is given as empty,
 * its options being in the list.
 */
export function decodeDhcp4(buf: Uint8Array): Dhcp4Result<Dhcp4Message> {
  const r = decodeDhcp4Request(buf);
  if (!r.ok) return r;
  const { view, options } = r.value;
  const list: Dhcp4Option[] = [];
  options.forEach((code, data) => {
    if (code !== Dhcp4Opt.OptionOverload) list.push({ code, data: Uint8Array.from(data) });
  });
  const overload = options.overload;
  return {
    ok: true,
    value: {
      op: view.op,
      htype: view.htype,
      hops: view.hops,
      xid: view.xid,
      secs: view.secs,
      flags: view.flags,
      ciaddr: view.ciaddr,
      yiaddr: view.yiaddr,
      siaddr: view.siaddr,
      giaddr: view.giaddr,
      chaddr: Uint8Array.from(view.chaddr),
      sname: overload & Dhcp4Overload.Sname ? new Uint8Array(0) : Uint8Array.from(view.sname),
      file: overload & Dhcp4Overload.File ? new Uint8Array(0) : Uint8Array.from(view.file),
      options: list,
    },
  };
}
