// SplitCSV (internal/parse): splits a rule into its comma-separated components, spec §3.1.
// Character-at-a-time on purpose: quotes may open mid-value and are kept in the output, a
// backslash escapes only inside quotes (and is kept too), and an empty final part is dropped.
import { errSyntax } from './errors.ts';

export function splitCsv(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote = '';
  let escaped = false;
  for (const ch of text) {
    if (quote !== '') {
      current += ch;
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
    } else if (ch === ',') {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  // An escape can only be pending inside quotes, so the quote error always wins (spec §3.1).
  if (quote !== '') throw errSyntax('unterminated quote');
  if (escaped) throw errSyntax('trailing escape');
  if (current !== '') parts.push(current);
  return parts;
}
