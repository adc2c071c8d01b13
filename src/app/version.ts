// The version printed by `coresmd --version` and sent as the SMD User-Agent.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };

export const appVersion: string = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
