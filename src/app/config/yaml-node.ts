// The nodes the YAML loader (yaml.ts) produces. Every node carries its 1-based position, and a
// scalar maps each character of its value back to the file, so a plugin argument inside a `|`
// block can be reported on its own line.
import type { ConfigPos } from './config-error.ts';

/** Scalar characters from `start` on come from consecutive columns of `line`, from `col`. */
export interface YamlSpan {
  readonly start: number;
  readonly line: number;
  readonly col: number;
}

export interface YamlScalar extends ConfigPos {
  readonly kind: 'scalar';
  readonly value: string;
  readonly style: 'plain' | 'single' | 'double' | 'literal' | 'folded';
  readonly spans: readonly YamlSpan[];
}

export interface YamlNull extends ConfigPos {
  readonly kind: 'null';
}

export interface YamlSeq extends ConfigPos {
  readonly kind: 'seq';
  readonly items: readonly YamlNode[];
  readonly flow: boolean;
}

export interface YamlEntry extends ConfigPos {
  readonly key: string;
  readonly value: YamlNode;
}

export interface YamlMap extends ConfigPos {
  readonly kind: 'map';
  readonly entries: readonly YamlEntry[];
}

export type YamlNode = YamlMap | YamlSeq | YamlScalar | YamlNull;

/** The source position of character `offset` of a scalar's value. */
export function positionAt(node: YamlScalar, offset: number): ConfigPos {
  let span: YamlSpan | undefined;
  for (const s of node.spans) {
    if (s.start > offset) break;
    span = s;
  }
  if (span === undefined) return { line: node.line, col: node.col };
  return { line: span.line, col: span.col + (offset - span.start) };
}

/** "a mapping", "a list", … for error messages. */
export function describeNode(node: YamlNode): string {
  switch (node.kind) {
    case 'map':
      return 'a mapping';
    case 'seq':
      return 'a list';
    case 'null':
      return 'nothing';
    case 'scalar':
      return `the value ${JSON.stringify(node.value)}`;
  }
}
