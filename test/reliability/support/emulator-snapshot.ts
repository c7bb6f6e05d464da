import type { EmulatorControl } from '../../../src/emulators/b2c-service/emulator-control';
import { isVendorName } from '../../../src/messages/vendor-name';

export interface EmulatorSnapshot {
  /** Incident ids per Twilio MessageSid, read from the note's first line. */
  incidentsBySid: Map<string, number[]>;
  /** Incidents whose note carries no gateway marker (there should be none). */
  unmarked: number[];
  /** Incident ids of other vendors' messages, per "vendor/messageId" (the marker's words). */
  otherVendors: Map<string, number[]>;
  /** Contact ids per phone number. */
  contactsByPhone: Map<string, number[]>;
}

const MARKER = /^gateway-message: ([^/\s]+)\/(\S+)$/;
/** Thread reads at once: enough to be quick, few enough not to swamp the in-process emulator. */
const PARALLEL_READS = 16;

/**
 * What B2C holds, read through the emulator's REST API with the control header (neither logged
 * nor faulted). An incident belongs to the message named on the first line of its note, as the
 * gateway itself recognizes it (src/b2c/incident-content.ts, messageMarker).
 */
export async function readEmulator(control: EmulatorControl): Promise<EmulatorSnapshot> {
  const incidents = await control.incidents();
  const incidentsBySid = new Map<string, number[]>();
  const unmarked: number[] = [];
  const otherVendors = new Map<string, number[]>();
  await forEachLimited(incidents, PARALLEL_READS, async (incident) => {
    const threads = await control.threads(incident.id);
    const markers = threads
      .map((thread) => MARKER.exec(thread.text.split('\n', 1)[0]))
      .filter((match): match is RegExpExecArray => match !== null && isVendorName(match[1]));
    if (markers.length === 0) unmarked.push(incident.id);
    const sids = new Set(markers.filter(([, vendor]) => vendor === 'twilio').map(([, , id]) => id));
    for (const sid of sids) {
      incidentsBySid.set(sid, [...(incidentsBySid.get(sid) ?? []), incident.id]);
    }
    const others = new Set(
      markers
        .filter(([, vendor]) => vendor !== 'twilio')
        .map(([, vendor, id]) => `${vendor}/${id}`),
    );
    for (const key of others) {
      otherVendors.set(key, [...(otherVendors.get(key) ?? []), incident.id]);
    }
  });
  const contactsByPhone = new Map<string, number[]>();
  for (const contact of await control.contacts()) {
    for (const phone of contact.phones) {
      contactsByPhone.set(phone.number, [...(contactsByPhone.get(phone.number) ?? []), contact.id]);
    }
  }
  return { incidentsBySid, unmarked, otherVendors, contactsByPhone };
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      await task(item);
    }
  });
  await Promise.all(runners);
}
