// ParseBoolLoose (internal/parse), spec §3.2 #7 and §3.7 C: the boolean for rule `continue`
// and `ignore`. Case-insensitive, surrounding whitespace ignored; undefined when not a boolean.

const TRUE = new Set(['1', 't', 'true', 'y', 'yes', 'on']);
const FALSE = new Set(['0', 'f', 'false', 'n', 'no', 'off']);

export function parseBoolLoose(text: string): boolean | undefined {
  const s = text.trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return undefined;
}
