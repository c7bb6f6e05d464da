import { decodeReferenceId, type DecodedReference } from './reference-id';

export interface ReferenceLookup {
  decoded: DecodedReference;
  /** Log lines (parsed JSON) carrying this reference id. */
  lines: Record<string, unknown>[];
}

/**
 * Decodes a reference id and picks its lines out of JSON log lines (one per line, as the gateway
 * writes them; other lines are skipped). Undefined when the text is not a reference id.
 */
export function lookUpReference(
  referenceId: string,
  logLines: Iterable<string>,
): ReferenceLookup | undefined {
  const decoded = decodeReferenceId(referenceId);
  if (!decoded) return undefined;
  const id = referenceId.trim().toLowerCase();
  const lines: Record<string, unknown>[] = [];
  for (const text of logLines) {
    // Cheap filter first: most lines are not refusals.
    if (!text.includes(id)) continue;
    try {
      const line = JSON.parse(text) as Record<string, unknown>;
      // Request refusals carry it as a field; worker lines (a B2C timeout) in their message.
      const inMessage = typeof line.msg === 'string' && line.msg.includes(`reference ${id}`);
      if (line.referenceId === id || inMessage) lines.push(line);
    } catch {
      // Not a JSON line (e.g. npm's own output around the log): not ours.
    }
  }
  return { decoded, lines };
}
