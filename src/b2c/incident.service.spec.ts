import { GatewayConfig } from '../config/gateway-config';
import type { DeliveryCheckpoint, StoredMessage } from '../inbox/inbox-store.port';
import type { InboundMessage } from '../messages/inbound-message';
import type { B2cClient } from './b2c-client';
import { B2cError } from './b2c-error';
import { IncidentService } from './incident.service';

const message: InboundMessage = {
  vendor: 'twilio',
  messageId: 'SM1',
  kind: 'sms',
  from: '+14155552671',
  to: '+14155550100',
  text: 'hello',
  media: [],
  receivedAt: new Date(0).toISOString(),
  raw: {},
};

const stored: StoredMessage = {
  seq: 1,
  message,
  state: 'pending',
  attempts: 0,
  nextAttemptAt: 0,
  checkpoint: { contactId: 7 },
  receivedAt: 0,
  updatedAt: 0,
};

/** A client whose incident create fails with `error`; any other call fails the test. */
function clientFailingCreate(error: Error): B2cClient {
  return {
    createIncident: () => Promise.reject(error),
  } as unknown as B2cClient;
}

async function checkpointsAfterFailedCreate(error: Error): Promise<DeliveryCheckpoint[]> {
  const saved: DeliveryCheckpoint[] = [];
  const service = new IncidentService(clientFailingCreate(error), new GatewayConfig());
  await expect(
    service.deliver(stored, async (checkpoint) => {
      saved.push(checkpoint);
    }),
  ).rejects.toBe(error);
  return saved;
}

describe('IncidentService after a failed incident create', () => {
  it('forgets the create when B2C did not act on it, so the retry neither waits nor looks', async () => {
    const throttled = new B2cError('B2C POST /incidents throttled', {
      retryable: true,
      notProcessed: true,
    });
    const saved = await checkpointsAfterFailedCreate(throttled);
    expect(saved[0]).toEqual({ contactId: 7, incidentAttemptedAt: expect.any(Number) });
    expect(saved[1]?.incidentAttemptedAt).toBeUndefined();
    expect(saved).toHaveLength(2);
  });

  it('keeps the create on record when its outcome is unknown, so the retry looks first', async () => {
    const timedOut = new B2cError('B2C POST /incidents timed out', {
      retryable: true,
      notBeforeMs: 60_000,
    });
    const saved = await checkpointsAfterFailedCreate(timedOut);
    expect(saved).toEqual([{ contactId: 7, incidentAttemptedAt: expect.any(Number) }]);
  });
});
