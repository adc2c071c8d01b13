// The version printed by `coresmd --version` and sent as the SMD User-Agent: package.json's,
// read from the checkout or built into the bundles (runtime-paths.ts).
import { packageVersion } from './runtime-paths.ts';

export const appVersion: string = packageVersion();
