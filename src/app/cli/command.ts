// What every subcommand provides, so `coresmd --help` and `coresmd CMD --help` are generated
// from the same table and bad arguments always print usage and exit 2.
import type { FlagSpec, ParsedArgs } from './args.ts';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Usage line after `coresmd NAME`, e.g. `-c FILE`. */
  readonly usage: string;
  readonly flags: readonly FlagSpec[];
  /** Longer help text shown under the flags. */
  readonly details?: string;
  /** Returns the exit code. A long-running command resolves when it is stopped. */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

export const helpFlag: FlagSpec = { name: 'help', aliases: ['h'], help: 'show this help' };
