import { randomBytes } from 'node:crypto';
import type { TenantResponse } from './http-messages.js';
import { connectionKindOf } from '../connection-kind.js';
import { isRecord } from '../../obligation/obligation.js';
import type { ConnectionStore } from './connection-store.js';
import type { UserRecords } from './user-store.js';

/**
 * One "reset your password" email the local tenant sent.
 *
 * @example
 * ```ts
 * const [email] = tenant.resetEmails;
 * await tenant.redeemResetLink(email!.link, 'A-new-Passw0rd', clearer).completion;
 * ```
 */
export interface ResetEmail {
  /** The address it went to. */
  readonly to: string;
  /** The user it is for. */
  readonly userId: string;
  /** The database connection. */
  readonly connection: string;
  /** The link in the email: `https://<domain>/lo/reset?ticket=…`. Redeem it with `tenant.redeemResetLink`. */
  readonly link: string;
  /** When it was sent, by the tenant clock. */
  readonly sentAt: Date;
}

/** Auth0 sends about one reset email per address per minute; faster requests get a 429. */
export const RESET_EMAIL_INTERVAL_MS = 60_000;
/** How long a reset link stays valid (Auth0's default ticket lifetime is 5 days). */
export const RESET_LINK_LIFETIME_MS: number = 5 * 24 * 60 * 60 * 1000;

interface Ticket {
  readonly email: ResetEmail;
  used: boolean;
}

/** The local tenant's sent reset emails and the tickets in their links. */
export interface ResetEmailOutbox {
  /** `POST /dbconnections/change_password`, as Auth0's Authentication API answers it. */
  handle(body: string, contentType: string | undefined): TenantResponse;
  /** A copy of every email sent, oldest first. */
  sent(): ResetEmail[];
  /**
   * Takes the ticket of a link: returns the email it came with, or a reason it cannot be used
   * (unknown, already used, expired). A ticket works once.
   */
  redeem(link: string): { email: ResetEmail } | { refused: string };
}

export interface ResetEmailContext {
  readonly domain: string;
  /** The client ids whose logins may ask for an email (the tenant's applications). */
  readonly clientIds: ReadonlySet<string>;
  readonly users: UserRecords;
  readonly connections: ConnectionStore;
  readonly now: () => number;
}

const SENT_TEXT = "We've just sent you an email to reset your password.";

function parseBody(body: string, contentType: string | undefined): Record<string, unknown> | undefined {
  try {
    if ((contentType ?? '').includes('json')) {
      const parsed: unknown = JSON.parse(body);
      return isRecord(parsed) ? parsed : undefined;
    }
    return Object.fromEntries(new URLSearchParams(body));
  } catch {
    return undefined;
  }
}

const badRequest = (description: string): TenantResponse => ({
  status: 400,
  body: { error: 'bad.request', error_description: description },
});

/** Creates the outbox behind `POST /dbconnections/change_password`. */
export function createResetEmailOutbox(context: ResetEmailContext): ResetEmailOutbox {
  const emails: ResetEmail[] = [];
  const tickets = new Map<string, Ticket>();
  const lastRequestAt = new Map<string, number>();

  return {
    handle(body, contentType) {
      const fields = parseBody(body, contentType);
      if (fields === undefined) return badRequest('Invalid request body');
      const { client_id: clientId, email, connection } = fields;
      if (typeof clientId !== 'string' || !context.clientIds.has(clientId)) {
        return badRequest('Missing required parameter: client_id (or unknown client)');
      }
      if (typeof email !== 'string' || !email.includes('@')) return badRequest('Missing required parameter: email');
      if (typeof connection !== 'string') return badRequest('Missing required parameter: connection');
      const target = context.connections.get(connection);
      if (target === undefined) return badRequest('connection does not exist');
      if (connectionKindOf(target.strategy) !== 'database') return badRequest('connection is not a database connection');

      const now = context.now();
      const key = `${connection}\n${email.toLowerCase()}`;
      const last = lastRequestAt.get(key);
      if (last !== undefined && now - last < RESET_EMAIL_INTERVAL_MS) {
        return { status: 429, body: { error: 'too_many_requests', error_description: 'Too many requests. Try again later.' } };
      }
      lastRequestAt.set(key, now);

      // As in Auth0, the answer does not tell whether the address belongs to a user.
      const user = context.users
        .list()
        .find((candidate) => candidate.email?.toLowerCase() === email.toLowerCase() && context.users.connectionOf(candidate.user_id).name === connection);
      if (user !== undefined) {
        const ticket = randomBytes(18).toString('base64url');
        const sent: ResetEmail = {
          to: email,
          userId: user.user_id,
          connection,
          link: `https://${context.domain}/lo/reset?ticket=${ticket}#`,
          sentAt: new Date(now),
        };
        emails.push(sent);
        tickets.set(ticket, { email: sent, used: false });
      }
      return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: SENT_TEXT };
    },
    sent: () => emails.map((email) => ({ ...email, sentAt: new Date(email.sentAt) })),
    redeem(link) {
      let ticketId: string | null = null;
      try {
        ticketId = new URL(link).searchParams.get('ticket');
      } catch {
        return { refused: 'not a reset link' };
      }
      const ticket = ticketId === null ? undefined : tickets.get(ticketId);
      if (ticket === undefined) return { refused: 'unknown ticket' };
      if (ticket.used) return { refused: 'the link was already used' };
      if (context.now() - ticket.email.sentAt.getTime() > RESET_LINK_LIFETIME_MS) return { refused: 'the link expired' };
      ticket.used = true;
      return { email: ticket.email };
    },
  };
}

