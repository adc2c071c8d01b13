// Whether this host can bind udp6 on ::1 (some containers run with IPv6 off): tests that need
// IPv6 loopback skip with a reason instead of failing.
import dgram from 'node:dgram';

export async function hasV6Loopback(): Promise<boolean> {
  const s = dgram.createSocket({ type: 'udp6', ipv6Only: true });
  try {
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(0, '::1', resolve);
    });
    return true;
  } catch {
    return false;
  } finally {
    s.close();
  }
}
