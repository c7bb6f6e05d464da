/**
 * In-memory log of the REST requests the emulator received, for tests to assert on what a client
 * really sent (retries, headers, bodies). Entries are recorded on arrival, so the order is arrival
 * order, and get their status when the answer is decided, even if the client has gone away.
 */

export interface RecordedRequest {
  method: string;
  /** Path after /services/rest/connect/<version>, e.g. "/contacts/1". */
  path: string;
  /** e.g. "v1.4"; "" when the URL had no version segment. */
  version: string;
  query: Record<string, string | string[]>;
  /** Lower-cased names; Authorization is reduced to its scheme so no secret is kept. */
  headers: Record<string, string | string[]>;
  /** Parsed JSON body, or null when there was none or it was not JSON. */
  body: unknown;
  /** Status answered; null while the request is still being processed. */
  status: number | null;
  /** ISO 8601 time of arrival. */
  at: string;
}

export const DEFAULT_REQUEST_LOG_LIMIT = 10_000;

export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const copy: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower === 'proxy-authorization') {
      const first = Array.isArray(value) ? (value[0] ?? '') : value;
      copy[lower] = first.trim().split(/\s+/, 1)[0] ?? '';
    } else {
      copy[lower] = value;
    }
  }
  return copy;
}

export class RequestLog {
  private entries: RecordedRequest[] = [];

  /** @param limit oldest entries are dropped beyond it, so a long demo cannot exhaust memory. */
  constructor(private readonly limit: number = DEFAULT_REQUEST_LOG_LIMIT) {}

  /** Stores the entry and returns it; setting `status` on it later updates the log. */
  record(entry: RecordedRequest): RecordedRequest {
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    return entry;
  }

  list(): RecordedRequest[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.entries = [];
  }
}
