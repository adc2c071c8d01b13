// The shape shared by the stock coredhcp option plugins (dns, router, netmask, searchdomains,
// mtu): one option whose value is fixed by the config, written into every reply (or only when
// the client asks for it), after which the chain goes on. Upstream each one is
// `resp.Options.Update(opt); return resp, false`; here the value is encoded once, at start-up,
// and the same bytes are reused for every reply (the encoder copies them out).
import { clientWants } from '../client-info.ts';
import type { Dhcp4Handler } from '../chain.ts';
import type { Dhcp4Decision, Dhcp4Draft } from '../draft.ts';

/**
 * True when the draft is a reply to send. RELEASE and DECLINE run the chain with message type 0
 * (server4.ts) so lease owners hear of them; option plugins have nothing to add there.
 */
export function answersClient(draft: Dhcp4Draft): boolean {
  return draft.messageType !== 0;
}

export interface StaticOptionSpec {
  /** Plugin name as in the config. */
  readonly name: string;
  readonly code: number;
  readonly value: Uint8Array;
  /**
   * 'always' (router, netmask, searchdomains upstream) or 'requested': only when option 55 lists
   * the code or is absent (dns, mtu upstream: insomniacslk IsOptionRequested, RFC 2131 §3.5).
   */
  readonly when: 'always' | 'requested';
  /** Human form of the value for the decision log, e.g. `1.1.1.1,8.8.8.8`. */
  readonly text: string;
}

export function createStaticOptionHandler(spec: StaticOptionSpec): Dhcp4Handler {
  const { name, code, value, when } = spec;
  const decision: Dhcp4Decision = Object.freeze({ plugin: name, reason: `option ${code} = ${spec.text}` });
  return {
    name,
    handle(req, draft) {
      if (!answersClient(draft)) return 'next';
      if (when === 'requested' && !clientWants(req.info, code)) return 'next';
      draft.options.set(code, value);
      draft.decisions.push(decision);
      return 'next';
    },
  };
}
