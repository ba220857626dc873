import {
  booleanCheck,
  checkArguments,
  checkFields,
  countCheck,
  integerCheck,
  oneOfCheck,
  optionsCheck,
  required,
  type Check,
  type OptionChecks,
} from '../../internal/check-options.js';
import { auth0ErrorBody } from './http-messages.js';
import { TENANT_ROUTES, type TenantRoute } from './tenant-routes.js';

/**
 * A failure the local tenant can answer a request with instead of handling it:
 * - `status`: an HTTP response with this status, optional extra headers and a body (JSON unless it is a
 *   string; by default an Auth0-shaped error for the status);
 * - `hang`: the request is never answered: only the caller's abort signal (or closing the tenant) ends it;
 * - `drop`: the connection is closed without a response; `fetch` rejects with `TypeError: fetch failed`.
 *
 * @example
 * ```ts
 * const teapot = { kind: 'status' as const, status: 418, headers: { 'x-test': 'yes' }, body: { teapot: true } };
 * tenant.faults.inject('token', teapot);
 * ```
 */
export type Fault =
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: unknown;
    }
  | { readonly kind: 'hang' }
  | { readonly kind: 'drop' };

/**
 * How many requests an injected fault applies to.
 *
 * @example
 * ```ts
 * tenant.faults.serverError('getUser', { times: 3 }); // the next three user reads get a 503
 * ```
 */
export interface InjectOptions {
  /** @default 1 */
  readonly times?: number;
  /**
   * Handle the request first — a password is set, metadata written — then answer with the fault
   * instead of the real answer: a change that took effect although the caller saw a 5xx, a timeout
   * or a dropped connection.
   * @default false — the fault answers instead of handling the request
   */
  readonly afterEffect?: boolean;
}

/**
 * Options of {@link FaultInjector.rateLimit}.
 *
 * @example
 * ```ts
 * tenant.faults.rateLimit('token', { retryAfterSeconds: 3, times: 2 });
 * ```
 */
export interface RateLimitOptions extends InjectOptions {
  /** The `retry-after` header, and how far `x-ratelimit-reset` lies ahead of the tenant clock. @default 1 */
  readonly retryAfterSeconds?: number;
}

/**
 * Options of {@link FaultInjector.serverError}.
 *
 * @example
 * ```ts
 * tenant.faults.serverError('getUser', { status: 502, times: 2 });
 * ```
 */
export interface ServerErrorOptions extends InjectOptions {
  /** A status from 500 to 599. @default 503 */
  readonly status?: number;
}

/**
 * Which requests an injected fault matches: one route, or `'any'` for all.
 *
 * @example
 * ```ts
 * tenant.faults.drop('patchUser');
 * tenant.faults.drop('any', { times: 3 });
 * ```
 */
export type FaultTarget = TenantRoute | 'any';

/**
 * Makes the local tenant fail on purpose. Each injection applies to the next `times` requests it matches;
 * injections are used up in the order they were made, before the request is handled at all (so an
 * injected 429 on `token` issues no token). Every injected fault is recorded in `requests[].fault`.
 *
 * @example
 * ```ts
 * tenant.faults.rateLimit('getUser', { retryAfterSeconds: 2 });
 * tenant.faults.serverError('patchUser', { times: 2 });
 * tenant.faults.hang('token'); // only the caller's abort signal ends it
 * ```
 */
export interface FaultInjector {
  /** Answers the next matching requests with `fault`. */
  inject(target: FaultTarget, fault: Fault, options?: InjectOptions): void;
  /**
   * Answers the next matching requests like Auth0's rate limiter: 429 with `retry-after`,
   * `x-ratelimit-limit: 2`, `x-ratelimit-remaining: 0`, `x-ratelimit-reset` (UNIX seconds) and
   * `{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached"}`.
   */
  rateLimit(target: FaultTarget, options?: RateLimitOptions): void;
  /** Answers the next matching requests with an Auth0-shaped 5xx error. */
  serverError(target: FaultTarget, options?: ServerErrorOptions): void;
  /** Leaves the next matching requests unanswered until the tenant closes. */
  hang(target: FaultTarget, options?: InjectOptions): void;
  /** Destroys the connection of the next matching requests without answering. */
  drop(target: FaultTarget, options?: InjectOptions): void;
  /** Removes every fault not yet used. Requests already hanging stay hanging. */
  clear(): void;
}

/** A fault due for a request, and whether the request is handled first. */
export interface DueFault {
  readonly fault: Fault;
  readonly afterEffect: boolean;
}

/** The injector as the server sees it: it also takes faults off the queue. */
export interface FaultQueue extends FaultInjector {
  /** The fault for a request to `route` arriving at `nowMs`, if one is due; uses it up. */
  take(route: TenantRoute, nowMs: number): DueFault | undefined;
}

interface QueuedFault {
  readonly target: FaultTarget;
  readonly afterEffect: boolean;
  /** Built when used, so time-dependent headers such as `x-ratelimit-reset` are computed then. */
  readonly build: (nowMs: number) => Fault;
  remaining: number;
}

const targetCheck: Check<FaultTarget> = oneOfCheck([...TENANT_ROUTES, 'any']);

/** The checks of {@link InjectOptions}: one per option, typed against the interface. */
export const injectOptionChecks: OptionChecks<InjectOptions> = {
  times: countCheck(1),
  afterEffect: booleanCheck,
};

/** The checks of {@link RateLimitOptions}. */
export const rateLimitOptionChecks: OptionChecks<RateLimitOptions> = {
  ...injectOptionChecks,
  retryAfterSeconds: countCheck(0),
};

/** The checks of {@link ServerErrorOptions}. */
export const serverErrorOptionChecks: OptionChecks<ServerErrorOptions> = {
  ...injectOptionChecks,
  status: integerCheck(500, 599, ''),
};

type StatusFault = Extract<Fault, { readonly kind: 'status' }>;

const statusFaultChecks: OptionChecks<StatusFault> = {
  kind: required('"status"', () => {}),
  status: required('an integer from 200 to 599', integerCheck(200, 599, '')),
  headers: (value, report) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return report('must be an object of header name → string', value);
    for (const [name, header] of Object.entries(value)) {
      if (typeof header !== 'string') report('must be a string', header, [name]);
    }
  },
  body: () => {},
};

const FAULT_EXPECTED = 'must be { kind: "status", status, headers?, body? }, { kind: "hang" } or { kind: "drop" }';

/** A {@link Fault}: its `kind` says which of the three, and what else it may have. */
const faultCheck: Check<Fault> = (value, report) => {
  const kind: unknown = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
  if (kind === 'status') return void checkFields(value, report, statusFaultChecks, FAULT_EXPECTED);
  if (kind === 'hang' || kind === 'drop') return void checkFields(value, report, { kind: required(`"${kind}"`, () => {}) }, FAULT_EXPECTED);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return report(FAULT_EXPECTED, value);
  report('must be "status", "hang" or "drop"', kind, ['kind']);
};

/** Creates an empty fault queue. */
export function createFaultQueue(): FaultQueue {
  let queue: QueuedFault[] = [];

  function enqueue(target: FaultTarget, options: InjectOptions | undefined, build: (nowMs: number) => Fault): void {
    const { times = 1, afterEffect = false } = options ?? {};
    queue.push({ target, build, remaining: times, afterEffect });
  }

  return {
    inject(target, fault, options) {
      checkArguments('localTenant.faults.inject', ['target', targetCheck, target], ['fault', faultCheck, fault], ['options', optionsCheck(injectOptionChecks), options]);
      enqueue(target, options, () => fault);
    },

    rateLimit(target, options) {
      checkArguments('localTenant.faults.rateLimit', ['target', targetCheck, target], ['options', optionsCheck(rateLimitOptionChecks), options]);
      const retryAfter = options?.retryAfterSeconds ?? 1;
      enqueue(target, options, (nowMs) => ({
        kind: 'status',
        status: 429,
        headers: {
          'retry-after': String(retryAfter),
          'x-ratelimit-limit': '2',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(nowMs / 1000) + retryAfter),
        },
        body: auth0ErrorBody(429, 'Global limit has been reached'),
      }));
    },

    serverError(target, options) {
      checkArguments('localTenant.faults.serverError', ['target', targetCheck, target], ['options', optionsCheck(serverErrorOptionChecks), options]);
      const status = options?.status ?? 503;
      const fault: Fault = { kind: 'status', status, body: auth0ErrorBody(status) };
      enqueue(target, options, () => fault);
    },

    hang(target, options) {
      checkArguments('localTenant.faults.hang', ['target', targetCheck, target], ['options', optionsCheck(injectOptionChecks), options]);
      enqueue(target, options, () => ({ kind: 'hang' }));
    },

    drop(target, options) {
      checkArguments('localTenant.faults.drop', ['target', targetCheck, target], ['options', optionsCheck(injectOptionChecks), options]);
      enqueue(target, options, () => ({ kind: 'drop' }));
    },

    clear() {
      queue = [];
    },

    take(route, nowMs) {
      const index = queue.findIndex(({ target }) => target === 'any' || target === route);
      const queued = queue[index];
      if (queued === undefined) return undefined;
      queued.remaining -= 1;
      if (queued.remaining === 0) queue.splice(index, 1);
      return { fault: queued.build(nowMs), afterEffect: queued.afterEffect };
    },
  };
}
