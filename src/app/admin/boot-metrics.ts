// The series that come from boot events (event-store.ts listeners), for /metrics: DHCP requests
// by client architecture, DHCP outcomes by request type and result, the plugin and rule that
// decided each reply, SMD refreshes and their duration, and every event by service and type.
// Each series is resolved once (CounterVec.cell) and then bumped as a number: an event costs a
// few Map reads of strings it already carries, never a label string built per packet.
import { CounterVec, HistogramVec, MetricRegistry, type CounterCell, type HistogramCell } from '../../dns/service/metric-registry.ts';
import type { BootEvent } from './boot-event.ts';

/** SMD refresh duration buckets, seconds: 5 ms to about 41 s. */
const REFRESH_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40];

/** A nested map of cells: one Map read per label, created on first use. */
class CellTree {
  readonly #vec: CounterVec;
  readonly #root = new Map<unknown, unknown>();

  constructor(vec: CounterVec) {
    this.#vec = vec;
  }

  /** The cell for these label values (strings, or numbers turned into their decimal text once). */
  cell(values: readonly (string | number)[]): CounterCell {
    let m = this.#root;
    for (let i = 0; i < values.length - 1; i++) {
      let next = m.get(values[i]) as Map<unknown, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        m.set(values[i], next);
      }
      m = next;
    }
    const last = values[values.length - 1];
    let c = m.get(last) as CounterCell | undefined;
    if (c === undefined) {
      c = this.#vec.cell(values.map(String));
      m.set(last, c);
    }
    return c;
  }
}

const REQUEST_TYPES: ReadonlySet<string> = new Set(['DISCOVER', 'REQUEST', 'INFORM', 'DECLINE', 'RELEASE', 'SOLICIT', 'CONFIRM', 'RENEW', 'REBIND', 'INFORMATION-REQUEST']);
const REPLY_TYPES: ReadonlySet<string> = new Set(['OFFER', 'ACK', 'NAK', 'ADVERTISE', 'REPLY']);

export class BootMetrics {
  readonly registry = new MetricRegistry();
  readonly #events = new CellTree(
    this.registry.register(new CounterVec('coresmd_boot_events_total', 'Boot events recorded by the admin server, by service and type.', ['service', 'type'])),
  );
  readonly #byArch = new CellTree(
    this.registry.register(
      new CounterVec('coresmd_dhcp_requests_by_arch_total', 'DHCP requests by client system architecture (DHCPv4 option 93, DHCPv6 option 61; "none" when absent).', ['proto', 'arch']),
    ),
  );
  readonly #results = new CellTree(
    this.registry.register(
      new CounterVec('coresmd_dhcp_results_total', 'DHCP requests by message type and result: the reply type, or why none was sent.', ['proto', 'request', 'result']),
    ),
  );
  readonly #decisions = new CellTree(
    this.registry.register(
      new CounterVec('coresmd_dhcp_decisions_total', 'DHCP replies and refusals by the plugin and rule that decided them (rule "" when none).', ['proto', 'plugin', 'rule', 'result']),
    ),
  );
  readonly #refreshes = new CellTree(this.registry.register(new CounterVec('coresmd_smd_refreshes_total', 'SMD inventory refreshes by result (ok, failed).', ['result'])));
  readonly #refreshDuration: HistogramVec = this.registry.register(
    new HistogramVec('coresmd_smd_refresh_duration_seconds', 'Duration of SMD inventory refreshes, successful or not.', [], REFRESH_BUCKETS),
  );
  #refreshCell: HistogramCell | undefined;

  /** The event-store listener. */
  readonly observe = (e: BootEvent): void => {
    this.#events.cell([e.service, e.type]).value++;
    if (e.service === 'dhcp4' || e.service === 'dhcp6') this.#dhcp(e);
    else if (e.service === 'smd') this.#smd(e);
  };

  #dhcp(e: BootEvent): void {
    const d = e.detail;
    if (REQUEST_TYPES.has(e.type)) {
      const arch = d?.['arch'];
      this.#byArch.cell([e.service, typeof arch === 'number' ? arch : 'none']).value++;
      return;
    }
    const request = d?.['request'];
    if (typeof request !== 'string') return;
    const reply = REPLY_TYPES.has(e.type);
    if (!reply && e.type !== 'ignored' && e.type !== 'quarantined') return;
    const result = reply ? e.type : String(d?.['reason'] ?? e.type);
    this.#results.cell([e.service, request, result]).value++;
    const plugin = d?.['plugin'];
    if (typeof plugin === 'string') {
      const rule = d?.['rule'];
      this.#decisions.cell([e.service, plugin, typeof rule === 'string' ? rule : '', result]).value++;
    }
  }

  #smd(e: BootEvent): void {
    const ok = e.type === 'refresh-ok';
    if (!ok && e.type !== 'refresh-failed') return;
    this.#refreshes.cell([ok ? 'ok' : 'failed']).value++;
    const ms = e.detail?.['durationMs'];
    if (typeof ms === 'number') {
      this.#refreshCell ??= this.#refreshDuration.cell([]);
      this.#refreshDuration.observeCell(this.#refreshCell, ms / 1000);
    }
  }

  format(): string {
    return this.registry.format();
  }
}
