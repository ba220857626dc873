import type { UsersExportField } from '../management/management-client.js';
import { isRecord } from '../obligation/obligation.js';
import { isUserId } from './options.js';

/** One line of a users export, checked: what the administrator tools decide from. */
export interface ExportedUser {
  readonly userId: string;
  /** `identities[0].provider`: `auth0` for a database user. */
  readonly provider: string | undefined;
  /** `identities[0].connection`: the connection's name. */
  readonly connection: string | undefined;
  /** `{}` when the user has none. */
  readonly appMetadata: Record<string, unknown>;
  /** As exported: parse it with `parseIsoTime`. */
  readonly createdAt: unknown;
  /** As exported; absent until the password was first changed. */
  readonly lastPasswordReset: unknown;
}

/**
 * What the export asks for: only the fields the tools decide from, so the file holds nothing else
 * of the users (no email, no name). The primary identity's provider and connection get an
 * `export_as`: how Auth0 names a dotted field in a JSON export is not documented.
 */
export const EXPORT_FIELDS: readonly UsersExportField[] = [
  { name: 'user_id' },
  { name: 'created_at' },
  { name: 'last_password_reset' },
  { name: 'app_metadata' },
  { name: 'identities[0].provider', exportAs: 'provider' },
  { name: 'identities[0].connection', exportAs: 'connection' },
];

/**
 * A field of the primary identity under any name Auth0 may give it: our `export_as`, the dotted
 * name itself, or the identities array.
 */
function identityField(line: Record<string, unknown>, field: 'provider' | 'connection'): unknown {
  if (Object.hasOwn(line, field)) return line[field];
  const dotted = `identities[0].${field}`;
  if (Object.hasOwn(line, dotted)) return line[dotted];
  const identities = line['identities'];
  const primary: unknown = Array.isArray(identities) ? identities[0] : undefined;
  return isRecord(primary) ? primary[field] : undefined;
}

/**
 * One line of the export as a user, or what is wrong with it (never quoting it: it holds
 * `app_metadata`). Tolerant where Auth0's format is not documented — an identity field under any
 * of its names, `app_metadata` as an object or as JSON text — and strict where a decision depends
 * on it: a user id, and metadata that is an object.
 */
export function parseExportedUser(line: string): ExportedUser | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return 'is not JSON';
  }
  if (!isRecord(parsed)) return 'is not a JSON object';
  const userId = parsed['user_id'];
  if (typeof userId !== 'string' || userId === '') return 'has no user_id';
  // Checked as ids are everywhere else: an id with a control character (or spaces, or no "|") is no
  // id Auth0 issues, and it would reach a terminal.
  if (!isUserId(userId)) return 'has a user_id that is not a user id (provider|id, no spaces or control characters)';
  let appMetadata = parsed['app_metadata'] ?? {};
  if (typeof appMetadata === 'string') {
    try {
      appMetadata = JSON.parse(appMetadata);
    } catch {
      return 'has an app_metadata that is not an object';
    }
  }
  if (!isRecord(appMetadata)) return 'has an app_metadata that is not an object';
  const provider = identityField(parsed, 'provider');
  const connection = identityField(parsed, 'connection');
  return {
    userId,
    provider: typeof provider === 'string' ? provider : undefined,
    connection: typeof connection === 'string' ? connection : undefined,
    appMetadata,
    createdAt: parsed['created_at'],
    lastPasswordReset: parsed['last_password_reset'],
  };
}
