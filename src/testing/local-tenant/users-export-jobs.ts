import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { isRecord } from '../../obligation/obligation.js';
import type { ConnectionRecords } from './connection-store.js';
import { errorResponse, type TenantRequest, type TenantResponse } from './http-messages.js';
import { authorize } from './management-access.js';
import type { TokenVerdict } from './token-issuer.js';
import type { UserRecords } from './user-store.js';

/** How a local tenant's users exports behave. */
export interface UsersExportJobsSettings {
  /** The host the files are served from: a second listener, as Auth0 serves them from a CDN. */
  readonly downloadHost: string;
  /** The file's name, as Auth0 names it after the tenant: `<name>.json.gz`. */
  readonly tenantName: string;
  /** How many `GET /api/v2/jobs/{id}` answers a job stays unfinished: `pending`, then `processing`. */
  readonly pendingPolls: number;
  readonly users: UserRecords;
  readonly connections: ConnectionRecords;
  /** The tenant clock, in milliseconds. */
  readonly now: () => number;
}

/** The users-export endpoints of a local tenant. */
export interface UsersExportJobs {
  /** `POST /api/v2/jobs/users-exports` (scope `read:users`). */
  create(request: TenantRequest, auth: TokenVerdict | undefined): TenantResponse;
  /** `GET /api/v2/jobs/{id}` (scope `read:users` or `create:users`). */
  get(encodedId: string, auth: TokenVerdict | undefined): TenantResponse;
  /** `GET /<job id>/<tenant>.json.gz?Expires=…&Key-Pair-Id=…&Signature=…` on the download host. */
  download(url: URL): TenantResponse;
}

interface ExportField {
  readonly name: string;
  readonly export_as?: string;
}

interface ExportJob {
  readonly id: string;
  readonly createdAt: number;
  readonly connectionId: string | undefined;
  readonly fields: readonly ExportField[] | undefined;
  readonly limit: number | undefined;
  polls: number;
  /** The gzip file, written when the job completes. */
  file: Uint8Array | undefined;
}

/** "The download link is valid for 60 seconds." */
const LINK_LIFETIME_MS = 60_000;
/** "All job-related data is automatically deleted after 24 hours." */
const JOB_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** Auth0's predefined fields, for an export that names none. */
const DEFAULT_FIELDS: readonly ExportField[] = [
  { name: 'user_id' }, { name: 'email' }, { name: 'name' }, { name: 'created_at' }, { name: 'updated_at' },
  { name: 'last_login' }, { name: 'logins_count' }, { name: 'blocked' },
];
const MAX_FIELD_NAME = 100;
const JOB_PATH = /^\/(job_[A-Za-z0-9]{16})\/([^/]+\.json\.gz)$/;
const NO_SUCH_JOB = errorResponse(404, 'The job does not exist.', 'inexistent_job');

/** A CDN's refusal of a link: XML, as CloudFront and S3 answer. */
const accessDenied = (message: string): TenantResponse => ({
  status: 403,
  headers: { 'content-type': 'application/xml' },
  body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${message}</Message></Error>`,
});

/** The value at `path` (`identities[0].connection`, `app_metadata.plan`) in `record`, or `undefined`. */
function valueAt(record: unknown, path: string): unknown {
  let value = record;
  for (const part of path.split('.')) {
    const match = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (match === null) return undefined;
    value = isRecord(value) && Object.hasOwn(value, match[1] as string) ? value[match[1] as string] : undefined;
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) {
      value = Array.isArray(value) ? value[Number(index[1])] : undefined;
    }
  }
  return value;
}

/** Checks the body of `POST /api/v2/jobs/users-exports` as the Management API's schema does. */
function parseCreateBody(body: string): { readonly fields: readonly ExportField[] | undefined; readonly connectionId: string | undefined; readonly limit: number | undefined } | TenantResponse {
  const invalid = (problem: string) => errorResponse(400, `Payload validation error: '${problem}'.`, 'invalid_body');
  let parsed: unknown;
  try {
    parsed = body === '' ? {} : JSON.parse(body);
  } catch {
    return errorResponse(400, 'Invalid request payload JSON format');
  }
  if (!isRecord(parsed)) return invalid('Expected type object');
  const { format = 'csv', fields, connection_id: connectionId, limit, ...rest } = parsed;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) return invalid(`Additional properties not allowed: ${unknown}`);
  if (format !== 'json' && format !== 'csv') return invalid('format must be one of json, csv');
  // Only the format this library reads: a CSV export is not modelled.
  if (format !== 'json') return errorResponse(400, 'The local tenant exports format "json" only.', 'invalid_body');
  if (connectionId !== undefined && (typeof connectionId !== 'string' || !/^con_[A-Za-z0-9]{16}$/.test(connectionId))) {
    return invalid('connection_id must match ^con_[A-Za-z0-9]{16}$');
  }
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1)) return invalid('limit must be an integer of at least 1');
  if (fields !== undefined) {
    if (!Array.isArray(fields) || fields.length === 0) return invalid('fields must be a non-empty array');
    for (const field of fields) {
      if (!isRecord(field) || typeof field['name'] !== 'string' || field['name'] === '' || field['name'].length > MAX_FIELD_NAME) {
        return invalid(`fields[].name must be a string of 1 to ${MAX_FIELD_NAME} characters`);
      }
      const exportAs = field['export_as'];
      if (exportAs !== undefined && (typeof exportAs !== 'string' || exportAs === '' || exportAs.length > MAX_FIELD_NAME)) {
        return invalid(`fields[].export_as must be a string of 1 to ${MAX_FIELD_NAME} characters`);
      }
      if (Object.keys(field).some((key) => key !== 'name' && key !== 'export_as')) return invalid('fields[] takes name and export_as only');
    }
  }
  return {
    fields: fields as readonly ExportField[] | undefined,
    connectionId: connectionId as string | undefined,
    limit: limit as number | undefined,
  };
}

/**
 * Creates the users exports of a local tenant, as Auth0 runs them: a job that answers `pending`,
 * then `processing` (with `percentage_done` and `time_left_seconds`) for `pendingPolls` reads, then
 * `completed` with a `location` — a pre-signed link on another host, valid for 60 seconds by the
 * tenant clock, a fresh one at every read — to a gzip file of newline-delimited JSON, one user a
 * line, each field under its `export_as` (or its name), absent fields left out. The users are the
 * tenant's at the moment the job completes. Jobs are gone after 24 hours.
 */
export function createUsersExportJobs(settings: UsersExportJobsSettings): UsersExportJobs {
  const jobs = new Map<string, ExportJob>();
  const signingKey = randomBytes(32);
  const sign = (path: string, expires: number) => createHmac('sha256', signingKey).update(`${path}?${expires}`).digest('base64url');
  const fileName = `${settings.tenantName}.json.gz`;

  function jobAnswer(job: ExportJob): Record<string, unknown> {
    const base = {
      type: 'users_export',
      id: job.id,
      created_at: new Date(job.createdAt).toISOString(),
      format: 'json',
      ...(job.connectionId === undefined ? {} : { connection_id: job.connectionId }),
      ...(job.limit === undefined ? {} : { limit: job.limit }),
      ...(job.fields === undefined ? {} : { fields: job.fields }),
    };
    if (job.polls === 0) return { ...base, status: 'pending' };
    if (job.polls <= settings.pendingPolls) {
      const done = Math.floor(((job.polls - 1) / settings.pendingPolls) * 100);
      return job.polls === 1 ? { ...base, status: 'pending' } : { ...base, status: 'processing', percentage_done: done, time_left_seconds: settings.pendingPolls - job.polls + 1 };
    }
    job.file ??= writeFile(job);
    const path = `/${job.id}/${fileName}`;
    const expires = Math.floor((settings.now() + LINK_LIFETIME_MS) / 1000);
    const query = new URLSearchParams({ Expires: String(expires), 'Key-Pair-Id': 'LOCALTENANT', Signature: sign(path, expires) });
    return { ...base, status: 'completed', location: `http://${settings.downloadHost}${path}?${query}` };
  }

  /** The file as Auth0 writes it: one JSON object a line, gzip-compressed. */
  function writeFile(job: ExportJob): Uint8Array {
    const fields = job.fields ?? DEFAULT_FIELDS;
    const lines: string[] = [];
    for (const { user, connection } of settings.users.each()) {
      if (job.connectionId !== undefined && connection.id !== job.connectionId) continue;
      if (job.limit !== undefined && lines.length >= job.limit) break;
      const line: Record<string, unknown> = {};
      for (const { name, export_as: exportAs } of fields) {
        const value = valueAt(user, name);
        if (value !== undefined) line[exportAs ?? name] = value;
      }
      lines.push(`${JSON.stringify(line)}\n`);
    }
    return gzipSync(lines.join(''));
  }

  /** A job that has not expired. */
  function liveJob(id: string): ExportJob | undefined {
    const job = jobs.get(id);
    if (job !== undefined && settings.now() - job.createdAt > JOB_LIFETIME_MS) jobs.delete(id);
    return jobs.get(id);
  }

  return {
    create(request, auth) {
      const refusal = authorize(auth, ['read:users']);
      if (refusal !== undefined) return refusal;
      const parsed = parseCreateBody(request.body);
      if ('status' in parsed) return parsed;
      if (parsed.connectionId !== undefined && settings.connections.getById(parsed.connectionId) === undefined) {
        return errorResponse(400, 'The connection does not exist.', 'inexistent_connection');
      }
      const job: ExportJob = {
        id: `job_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16)}`,
        createdAt: settings.now(),
        connectionId: parsed.connectionId,
        fields: parsed.fields,
        limit: parsed.limit,
        polls: 0,
        file: undefined,
      };
      jobs.set(job.id, job);
      const connection = job.connectionId === undefined ? undefined : settings.connections.getById(job.connectionId)?.name;
      return { status: 201, body: { ...jobAnswer(job), ...(connection === undefined ? {} : { connection }) } };
    },

    get(encodedId, auth) {
      const refusal = authorize(auth, ['read:users', 'create:users']);
      if (refusal !== undefined) return refusal;
      const job = liveJob(decodeURIComponent(encodedId));
      if (job === undefined) return NO_SUCH_JOB;
      job.polls += 1;
      return { status: 200, body: jobAnswer(job) };
    },

    download(url) {
      const match = JOB_PATH.exec(url.pathname);
      const job = match === null ? undefined : liveJob(match[1] as string);
      const expires = Number(url.searchParams.get('Expires'));
      const given = Buffer.from(url.searchParams.get('Signature') ?? '');
      const expected = Buffer.from(sign(url.pathname, expires));
      if (job?.file === undefined || match?.[2] !== fileName || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return accessDenied('Access denied');
      }
      if (settings.now() > expires * 1000) return accessDenied('Request has expired');
      return { status: 200, headers: { 'content-type': 'application/gzip' }, body: job.file };
    },
  };
}
