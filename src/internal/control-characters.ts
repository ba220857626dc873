/**
 * Text from elsewhere — a user id, a server's error message, a line of a file — on its way to a
 * terminal or a log: a control character in it could move the cursor, retitle the window, ring, or
 * start a line that looks like the tool's own (`\nrequire-change: done …`). Every such character is
 * written as an escape instead, so the text reads as what it is.
 */

/**
 * C0 controls (newlines, ESC, BEL, …), DEL, C1 controls (8-bit CSI and OSC among them), the line and
 * paragraph separators, and the bidirectional overrides and isolates, which reorder what follows.
 */
export const CONTROL_CHARACTER: RegExp = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const CONTROL_CHARACTERS = new RegExp(CONTROL_CHARACTER.source, 'g');

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const escaped = (character: string) => {
  const named = NAMED[character];
  if (named !== undefined) return named;
  const code = character.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** `text` with every control character written as an escape (`\x1b`, `\n`, `\u202e`); the rest as it is. */
export const escapeControlCharacters = (text: string): string =>
  CONTROL_CHARACTER.test(text) ? text.replace(CONTROL_CHARACTERS, escaped) : text;

/** What `JSON.stringify` leaves raw of those: all but the C0 controls (which it escapes in strings). */
const RAW_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text for a terminal: `JSON.stringify` escapes C0 controls but leaves DEL, C1 and the
 * others raw; those become `\u` escapes too, which keeps the text valid JSON of the same value
 * (they can only be inside strings: outside, JSON has only its own whitespace).
 */
export const terminalSafeJson = (json: string): string =>
  json.replace(RAW_IN_JSON, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
