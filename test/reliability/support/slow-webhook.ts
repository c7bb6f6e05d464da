import { request } from 'node:http';
import { connect } from 'node:net';
import { signedTwilioRequest, TWILIO_TEST_AUTH_TOKEN } from '../../../src/vendors/twilio/fixtures';
import { TEST_PUBLIC_BASE_URL } from '../../support/gateway-env';
import { smsParams, WEBHOOK_PATH } from '../../support/gateway-fixture';

export interface SlowWebhook {
  /** Sends the rest of the body; resolves with the status the gateway answered. */
  finish(): Promise<number>;
}

/**
 * A signed webhook whose headers and first body bytes are sent now and the rest on `finish()`:
 * a request that is under way, for certain, when the gateway is told to stop.
 */
export async function startSlowWebhook(
  port: number,
  messageSid: string,
  from: string,
): Promise<SlowWebhook> {
  const signed = signedTwilioRequest({
    authToken: TWILIO_TEST_AUTH_TOKEN,
    url: TEST_PUBLIC_BASE_URL + WEBHOOK_PATH,
    params: smsParams(messageSid, { From: from }),
  });
  const outgoing = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: WEBHOOK_PATH,
    headers: { ...signed.headers, 'content-length': String(signed.body.length) },
    agent: false,
  });
  const status = new Promise<number>((resolve, reject) => {
    outgoing.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.on('error', reject);
  });
  // Unhandled until finish() is awaited; a failure is reported there.
  status.catch(() => undefined);
  outgoing.write(signed.body.subarray(0, 16));
  await new Promise<void>((resolve, reject) => {
    outgoing.once('error', reject);
    outgoing.once('socket', (socket) => {
      if (!socket.connecting) return resolve();
      socket.once('connect', () => resolve());
    });
  });
  return {
    finish: () => {
      outgoing.end(signed.body.subarray(16));
      return status;
    },
  };
}

/** Whether a new TCP connection to the port is refused right now (nothing listens). */
export function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
