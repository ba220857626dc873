import { isRecord } from '../obligation/obligation.js';

/** A JSON object such as `app_metadata` or `user_metadata`. */
export type Metadata = Record<string, unknown>;


/**
 * The first key, at any depth, that Auth0 refuses in metadata because it contains `.` or `$`.
 * (auth0.com/docs/manage-users/user-accounts/metadata/manage-metadata-api)
 */
export function findInvalidMetadataKey(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const invalid = findInvalidMetadataKey(item);
      if (invalid !== undefined) return invalid;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  for (const [key, nested] of Object.entries(value)) {
    if (key.includes('.') || key.includes('$')) return key;
    const invalid = findInvalidMetadataKey(nested);
    if (invalid !== undefined) return invalid;
  }
  return undefined;
}

/**
 * Applies a metadata patch the way the Management API does: a merge at the top level only, where a
 * `null` value deletes the key. Returns a new object; neither argument is changed.
 */
export function mergeMetadata(current: Metadata, patch: Metadata): Metadata {
  const merged: Metadata = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    // `undefined` cannot cross JSON, so Auth0 would never see such a key.
    if (value === undefined) continue;
    if (value === null) delete merged[key];
    else merged[key] = cloneJson(value);
  }
  return merged;
}

/** A deep copy that keeps only what survives a trip through JSON, as data sent to Auth0 would. */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
