import type { MessagePosition } from '../inbox/inbox-store.port';

/**
 * The message log's page cursor: where the previous page ended, opaque to clients (base64url of
 * a small JSON array) so that its form may change. A position, not an offset: messages arriving
 * meanwhile are newer than every page already read, so they never shift the next one.
 */
export function encodeCursor(position: MessagePosition): string {
  return Buffer.from(JSON.stringify([position.receivedAt, position.seq])).toString('base64url');
}

/** The position a cursor holds, or undefined when the text is not a cursor this gateway made. */
export function decodeCursor(cursor: string): MessagePosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [receivedAt, seq] = parsed as unknown[];
  const valid = (value: unknown): value is number =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
  return valid(receivedAt) && valid(seq) ? { receivedAt, seq } : undefined;
}
