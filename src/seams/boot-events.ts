// The boot-events seam: services (DHCP, TFTP, HTTP boot, DNS, the SMD refresher) report what
// happened to a node through this interface, and the admin server (src/app/admin) keeps the
// per-node timeline, the live event stream and the metrics that come from them. Services never
// import the app layer.
//
// Hot path: emitters check `enabled` before they build anything, so a process without an
// admin server pays one property read per packet.

export type BootService = 'dhcp4' | 'dhcp6' | 'tftp' | 'http' | 'dns' | 'smd' | 'admin';

/** Flat facts about the event (rule, arch, file, bytes, …); arrays only of strings. */
export type BootEventDetail = Readonly<Record<string, string | number | boolean | null | undefined | readonly string[]>>;

export interface BootEventInput {
  readonly service: BootService;
  /**
   * dhcp4/dhcp6: DISCOVER OFFER REQUEST ACK NAK SOLICIT ADVERTISE REPLY RELEASE DECLINE INFORM
   * ignored quarantined; tftp: transfer-start transfer-done transfer-error; http: file;
   * dns: lookup; smd: refresh-ok refresh-failed; admin: quarantine-set quarantine-cleared.
   */
  readonly type: string;
  /** Lower-case `aa:bb:cc:dd:ee:ff`, when the service knows the client's MAC. */
  readonly mac?: string | undefined;
  readonly xname?: string | undefined;
  /** The client's address (TFTP, HTTP) or the address handed out (DHCP). */
  readonly ip?: string | undefined;
  /** One line for people: `OFFER 172.16.0.12 ipxe-x86_64.efi (coresmd, rule nodes)`. */
  readonly summary: string;
  readonly detail?: BootEventDetail;
}

export interface BootEvents {
  /** False when nobody listens: emitters skip building the event. */
  readonly enabled: boolean;
  emit(event: BootEventInput): void;
}

/** The default: nothing listens. */
export const noBootEvents: BootEvents = Object.freeze({ enabled: false, emit() {} });
