/**
 * Fault injection for tests and demos: latency, error answers (e.g. Oracle's throttling 503 with
 * OSC-CREST-00035) and extra headers, applied to REST requests that match a method and a path regex.
 *
 * Rules:
 * - faults are considered in the order they were added; every matching fault with only latency
 *   is applied (latencies add up); the first matching fault with a status decides the answer, and
 *   later status faults are neither applied nor used up;
 * - `times` counts the requests a fault applied to, `forMs` its lifetime from being added; a fault
 *   whose times are used up or whose time has passed is dropped.
 *
 * The throttling header is osvc-crest-next-request-after, in milliseconds, per
 * https://docs.oracle.com/en/cloud/saas/b2c-service/cxsvc/c_osvc_custom_headers.html
 */
import { NEXT_REQUEST_AFTER_HEADER } from './emulator-headers';
import { defaultErrorCodeForStatus, ErrorCode } from './oracle-error';
import { isRecord } from './payload-validation';

export interface EmulatorFault {
  /** HTTP method to match (any when absent), case-insensitive. */
  method?: string;
  /** Regex tested against the path after /services/rest/connect/<version>, e.g. "^/incidents$". */
  pathPattern?: string;
  /** Delay before the request is processed; it is processed even if the client has gone away. */
  latencyMs?: number;
  /** Answer this status in Oracle's error shape instead of processing the request. */
  status?: number;
  errorCode?: string;
  title?: string;
  detail?: string;
  /** Extra response headers of the error answer. */
  headers?: Record<string, string>;
  /** How many matching requests the fault applies to. */
  times?: number;
  /** How long (ms from now) the fault applies. */
  forMs?: number;
}

export interface ActiveFault extends EmulatorFault {
  id: string;
  /** Requests it may still apply to, when limited by `times`. */
  remaining?: number;
  /** Epoch ms after which it no longer applies, when limited by `forMs`. */
  expiresAt?: number;
}

export interface FaultAnswer {
  status: number;
  errorCode: string;
  title?: string;
  detail: string;
  headers: Record<string, string>;
}

export interface FaultDecision {
  latencyMs: number;
  answer?: FaultAnswer;
  appliedFaultIds: string[];
}

/** Default osvc-crest-next-request-after for throttling faults limited by `times` only. */
export const DEFAULT_NEXT_REQUEST_AFTER_MS = 1000;

const MAX_LATENCY_MS = 10 * 60_000;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export class FaultSpecError extends Error {}

const KNOWN_KEYS = new Set([
  'method',
  'pathPattern',
  'latencyMs',
  'status',
  'errorCode',
  'title',
  'detail',
  'headers',
  'times',
  'forMs',
]);

/** Validates the body of POST /_emulator/faults; unknown keys are refused to catch typos. */
export function parseFaultSpec(body: unknown): EmulatorFault {
  if (!isRecord(body)) throw new FaultSpecError('The fault must be a JSON object');
  for (const key of Object.keys(body)) {
    if (!KNOWN_KEYS.has(key)) throw new FaultSpecError(`Unknown fault property '${key}'`);
  }
  const fault: EmulatorFault = {};
  const text = (key: 'method' | 'pathPattern' | 'errorCode' | 'title' | 'detail'): void => {
    const value = body[key];
    if (value === undefined) return;
    if (typeof value !== 'string' || value === '') {
      throw new FaultSpecError(`${key} must be a non-empty string`);
    }
    fault[key] = value;
  };
  text('method');
  text('pathPattern');
  text('errorCode');
  text('title');
  text('detail');
  if (fault.method) fault.method = fault.method.toUpperCase();
  if (fault.pathPattern !== undefined) {
    try {
      new RegExp(fault.pathPattern);
    } catch {
      throw new FaultSpecError(`pathPattern is not a valid regular expression`);
    }
  }

  const number = (key: 'latencyMs' | 'status' | 'times' | 'forMs'): number | undefined => {
    const value = body[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new FaultSpecError(`${key} must be a number`);
    }
    return value;
  };
  const latencyMs = number('latencyMs');
  if (latencyMs !== undefined) {
    if (latencyMs < 0 || latencyMs > MAX_LATENCY_MS) {
      throw new FaultSpecError(`latencyMs must be between 0 and ${MAX_LATENCY_MS}`);
    }
    fault.latencyMs = latencyMs;
  }
  const status = number('status');
  if (status !== undefined) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new FaultSpecError('status must be an integer from 400 to 599');
    }
    fault.status = status;
  }
  const times = number('times');
  if (times !== undefined) {
    if (!Number.isInteger(times) || times < 1) {
      throw new FaultSpecError('times must be a positive integer');
    }
    fault.times = times;
  }
  const forMs = number('forMs');
  if (forMs !== undefined) {
    if (forMs <= 0) throw new FaultSpecError('forMs must be positive');
    fault.forMs = forMs;
  }

  if (body.headers !== undefined) {
    if (!isRecord(body.headers)) throw new FaultSpecError('headers must be an object');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(body.headers)) {
      if (!HEADER_NAME.test(name)) throw new FaultSpecError(`Invalid header name '${name}'`);
      if (typeof value !== 'string' || /[\r\n]/.test(value)) {
        throw new FaultSpecError(`Header '${name}' must be a single-line string`);
      }
      headers[name.toLowerCase()] = value;
    }
    fault.headers = headers;
  }

  if (fault.latencyMs === undefined && fault.status === undefined) {
    throw new FaultSpecError('A fault needs latencyMs, status or both');
  }
  return fault;
}

interface StoredFault {
  fault: ActiveFault;
  pattern?: RegExp;
}

export class FaultRegistry {
  private faults: StoredFault[] = [];
  private nextId = 1;

  constructor(private readonly now: () => number = Date.now) {}

  add(spec: EmulatorFault): string {
    const id = `fault-${this.nextId++}`;
    const fault: ActiveFault = { ...spec, id };
    if (spec.times !== undefined) fault.remaining = spec.times;
    if (spec.forMs !== undefined) fault.expiresAt = this.now() + spec.forMs;
    this.faults.push({
      fault,
      pattern: spec.pathPattern === undefined ? undefined : new RegExp(spec.pathPattern),
    });
    return id;
  }

  clear(): void {
    this.faults = [];
  }

  list(): ActiveFault[] {
    this.dropExpired();
    return this.faults.map(({ fault }) => ({ ...fault }));
  }

  /** Decides what the faults do to one request, and uses up what they applied. */
  decide(method: string, path: string): FaultDecision {
    this.dropExpired();
    const decision: FaultDecision = { latencyMs: 0, appliedFaultIds: [] };
    const upperMethod = method.toUpperCase();
    for (const { fault, pattern } of this.faults) {
      if (fault.method !== undefined && fault.method !== upperMethod) continue;
      if (pattern !== undefined && !pattern.test(path)) continue;
      if (fault.status !== undefined && decision.answer !== undefined) continue;
      if (fault.remaining !== undefined) fault.remaining -= 1;
      decision.appliedFaultIds.push(fault.id);
      decision.latencyMs += fault.latencyMs ?? 0;
      if (fault.status !== undefined) decision.answer = this.answerFor(fault, fault.status);
    }
    this.dropExpired();
    return decision;
  }

  private answerFor(fault: ActiveFault, status: number): FaultAnswer {
    const errorCode = fault.errorCode ?? defaultErrorCodeForStatus(status);
    const headers = { ...(fault.headers ?? {}) };
    if (errorCode === ErrorCode.Throttled && headers[NEXT_REQUEST_AFTER_HEADER] === undefined) {
      // Tell the client how long the throttling lasts when we know it.
      const wait =
        fault.expiresAt !== undefined
          ? Math.max(0, fault.expiresAt - this.now())
          : DEFAULT_NEXT_REQUEST_AFTER_MS;
      headers[NEXT_REQUEST_AFTER_HEADER] = String(Math.ceil(wait));
    }
    return {
      status,
      errorCode,
      title: fault.title,
      detail: fault.detail ?? `Injected fault ${fault.id}`,
      headers,
    };
  }

  private dropExpired(): void {
    const now = this.now();
    this.faults = this.faults.filter(
      ({ fault }) =>
        (fault.remaining === undefined || fault.remaining > 0) &&
        (fault.expiresAt === undefined || now < fault.expiresAt),
    );
  }
}
