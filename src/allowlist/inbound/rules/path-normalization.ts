import { GatewayError, ProblemCode } from '../../../common/problem/gateway-error';

/** Longer request targets are refused outright: no webhook path comes close. */
const MAX_PATH_LENGTH = 4096;

/**
 * A request path (or a configured one) that cannot be read safely. When allow rules exist the
 * request is denied; the reason is for the log, and never repeats the path itself.
 */
export class MalformedPathError extends GatewayError {
  constructor(readonly reason: string) {
    super(ProblemCode.BadRequest, `malformed request path: ${reason}`);
  }
}

/**
 * The ways a request path is read for matching. `resolved` is the canonical path; `literal` is
 * set only when it differs (the path had `//`, `.` or `..` segments) and keeps those segments,
 * because Fastify routes the literal path: a request must pass under both readings, so a dot
 * segment can never move it from the rules its route falls under to more generous ones.
 */
export interface PathReadings {
  readonly resolved: string;
  readonly literal?: string;
}

/**
 * Canonical form of a path for allow-rule matching:
 * - the query string (and any fragment) is dropped; the path must start with `/`;
 * - percent-encoding is decoded once; malformed escapes (`%zz`, invalid UTF-8) are refused, and
 *   so are encodings whose only use is to smuggle structure past a matcher: `%2F` (/), `%5C` (\),
 *   `%25` (double encoding), `%3F` (?), `%23` (#), and control characters, raw or encoded;
 * - the path is lower-cased (Unicode `toLowerCase`);
 * - empty segments (`//`) are dropped, `.` removed, `..` removes the previous segment and never
 *   climbs above the root;
 * - a trailing slash is dropped: `/vendors/` and `/vendors` are the same path; the root is `/`.
 *
 * Throws `MalformedPathError`. Idempotent: a canonical path normalizes to itself.
 */
export function normalizePath(raw: unknown): string {
  return readPath(raw).resolved;
}

/** `normalizePath`, plus the literal reading when it differs (see `PathReadings`). */
export function readPath(raw: unknown): PathReadings {
  const decoded = decodePath(raw);
  if (isCanonical(decoded)) return { resolved: decoded };
  const segments: string[] = [];
  let start = 1;
  while (start <= decoded.length) {
    let end = decoded.indexOf('/', start);
    if (end === -1) end = decoded.length;
    const segment = decoded.slice(start, end);
    if (segment === '..') segments.pop();
    else if (segment !== '' && segment !== '.') segments.push(segment);
    start = end + 1;
  }
  const resolved = `/${segments.join('/')}`;
  let literalEnd = decoded.length;
  while (literalEnd > 1 && decoded.charCodeAt(literalEnd - 1) === SLASH) literalEnd -= 1;
  const literal = decoded.slice(0, literalEnd);
  return literal === resolved ? { resolved } : { resolved, literal };
}

const SLASH = 0x2f;
const DOT = 0x2e;
const PERCENT = 0x25;

/** Query dropped, percent-decoded, checked for forbidden characters, lower-cased. */
function decodePath(raw: unknown): string {
  if (typeof raw !== 'string') throw new MalformedPathError('not a string');
  if (raw.length > MAX_PATH_LENGTH) throw new MalformedPathError('longer than 4096 characters');
  let end = raw.length;
  let hasPercent = false;
  // Upper case, control characters, backslashes and non-ASCII: the slower checks below.
  let needsFolding = false;
  for (let i = 0; i < raw.length; i += 1) {
    const c = raw.charCodeAt(i);
    if (c === 0x3f || c === 0x23) {
      end = i;
      break;
    }
    if (c === PERCENT) hasPercent = true;
    else if ((c >= 0x41 && c <= 0x5a) || c < 0x20 || c === 0x5c || c > 0x7e) needsFolding = true;
  }
  let path = end === raw.length ? raw : raw.slice(0, end);
  if (path.charCodeAt(0) !== SLASH) throw new MalformedPathError('does not start with /');
  if (hasPercent) {
    if (/%(?:2f|5c|25|3f|23)/i.test(path)) {
      throw new MalformedPathError('encodes a separator, a backslash or a percent sign');
    }
    try {
      path = decodeURIComponent(path);
    } catch {
      throw new MalformedPathError('malformed percent-encoding');
    }
  }
  if (hasPercent || needsFolding) {
    // Checked after decoding so that raw and encoded forms are refused alike.
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f\\]/.test(path)) {
      throw new MalformedPathError('contains a control character or a backslash');
    }
    path = path.toLowerCase();
  }
  return path;
}

/** No empty, `.` or `..` segment and no trailing slash: nothing to resolve. */
function isCanonical(path: string): boolean {
  const length = path.length;
  if (length === 1) return true;
  if (path.charCodeAt(length - 1) === SLASH) return false;
  for (let i = 0; i < length; i += 1) {
    if (path.charCodeAt(i) !== SLASH) continue;
    const next = path.charCodeAt(i + 1);
    if (next === SLASH) return false;
    if (next === DOT) {
      const after = i + 2 < length ? path.charCodeAt(i + 2) : SLASH;
      if (after === SLASH) return false;
      if (after === DOT && (i + 3 >= length || path.charCodeAt(i + 3) === SLASH)) return false;
    }
  }
  return true;
}
