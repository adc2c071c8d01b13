// Which client messages a server must discard before looking at them (RFC 8415 §16), as a pure
// function so it can be tested as a table. coredhcp's server_id plugin does the same checks
// (spec coresmd-dhcp §6.1); here the server core does them whatever the plugin order, with the
// configured DUID or the default one (run-dhcp6.ts).
import { Dhcp6MessageType as T } from '../../v6/constants.ts';
import type { Dhcp6ClientInfo } from './client-info.ts';

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Why `info` must be discarded, as a counter key, or undefined when the server may answer it. */
export function discardReason(info: Dhcp6ClientInfo, serverDuid: Uint8Array): string | undefined {
  const ours = info.serverId !== undefined && sameBytes(info.serverId, serverDuid);
  switch (info.messageType) {
    case T.Solicit: // §16.2
    case T.Confirm: // §16.5
    case T.Rebind: // §16.7
      if (info.clientId === undefined) return 'no-client-id';
      if (info.hasServerId) return 'server-id-not-allowed';
      return undefined;
    case T.Request: // §16.4
    case T.Renew: // §16.6
    case T.Decline: // §16.8
    case T.Release: // §16.9
      if (info.clientId === undefined) return 'no-client-id';
      if (!info.hasServerId) return 'server-id-missing';
      return ours ? undefined : 'other-server';
    case T.InformationRequest: // §16.12: the Client Identifier is optional here
      if (info.hasServerId && !ours) return 'other-server';
      if (info.iaNa.length > 0 || info.iaTa.length > 0 || info.iaPd.length > 0) return 'ia-in-information-request';
      return undefined;
    default:
      return 'unsupported-type';
  }
}
