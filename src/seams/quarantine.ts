// The quarantine seam: MACs an operator told the appliance to stop answering for a while
// (POST /api/v1/quarantine, src/app/admin). DHCPv4 and DHCPv6 ask it before the handler chain
// runs; the admin server's store implements it, with expiry from the Clock seam.

export interface Quarantine {
  /** True while `mac` (lower-case colon form) must get no DHCP reply. */
  holds(mac: string): boolean;
}

/** The default: nobody is quarantined. */
export const noQuarantine: Quarantine = Object.freeze({ holds: () => false });
