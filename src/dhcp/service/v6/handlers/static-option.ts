// The stock coredhcp option plugins for DHCPv6 (dns, searchdomains): one option whose value is
// fixed by the config, encoded once at start-up, added to the reply, and the chain goes on.
import type { Dhcp6Handler } from '../chain.ts';
import { clientRequested } from '../client-info.ts';
import type { Dhcp6Decision } from '../draft.ts';

export interface StaticOption6Spec {
  readonly name: string;
  readonly code: number;
  readonly value: Uint8Array;
  /**
   * 'requested': only when the client's Option Request lists the code (coredhcp dns Handler6,
   * insomniacslk IsOptionRequested; RFC 8415 §21.7); 'always' (coredhcp searchdomains Handler6).
   */
  readonly when: 'always' | 'requested';
  /** Human form of the value for the decision log. */
  readonly text: string;
}

export function createStaticOption6Handler(spec: StaticOption6Spec): Dhcp6Handler {
  const { name, code, value, when } = spec;
  const decision: Dhcp6Decision = Object.freeze({ plugin: name, reason: `option ${code} = ${spec.text}` });
  return {
    name,
    handle(req, draft) {
      if (when === 'requested' && !clientRequested(req.info, code)) return 'next';
      draft.options.set(code, value);
      draft.decisions.push(decision);
      return 'next';
    },
  };
}
