import { isRecord } from '../obligation/obligation.js';

/**
 * The object a JSON text holds, or `undefined` — for files the tool wrote itself (the lock, the
 * journal, the state file), where anything else means the file was damaged or is someone else's.
 */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isRecord(value) ? value : undefined;
}
