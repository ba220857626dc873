import { describe, expect, it } from 'vitest';
import { escapeControlCharacters, terminalSafeJson } from '../../../src/internal/control-characters.js';

describe('control characters, for terminals and logs', () => {
  it('writes every C0 and C1 control, DEL, the separators and the bidi controls as escapes, and nothing else', () => {
    expect(escapeControlCharacters('auth0|a\u001b]0;x\u0007\n\r\t\u0000\u007f\u009b\u2028\u202e\u2066b')).toBe(
      'auth0|a\\x1b]0;x\\x07\\n\\r\\t\\x00\\x7f\\x9b\\u2028\\u202e\\u2066b',
    );
    for (let code = 0; code < 0x3000; code += 1) {
      const escaped = escapeControlCharacters(String.fromCharCode(code));
      const control = code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
      expect(escaped === String.fromCharCode(code), `U+${code.toString(16)}`).toBe(!control);
    }
    expect(escapeControlCharacters('plain — ascii, é, 日本')).toBe('plain — ascii, é, 日本');
  });

  it('keeps JSON valid and of the same value, with nothing raw left in it', () => {
    const value = { id: 'a\u009b31m\u007f\u2028\u001b', list: ['\u202e'] };
    const json = terminalSafeJson(JSON.stringify(value, null, 2));
    expect(json).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u202e]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});
