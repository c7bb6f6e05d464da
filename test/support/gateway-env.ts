import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allowOutbound } from './allow-outbound';
import { storageEnv } from './test-storage';

export const TEST_PUBLIC_BASE_URL = 'https://gateway.example.com';
export const TEST_B2C_USERNAME = 'integration';
export const TEST_B2C_PASSWORD = 'b2c-test-password-0d9f';

export interface GatewayEnvOptions {
  emulatorUrl: string;
  twilioAuthToken: string;
  dataDir?: string;
  extra?: Record<string, string>;
}

/** The environment of a gateway under test: a real emulator, fast retries, a fixed public URL. */
export function gatewayEnv(options: GatewayEnvOptions): Record<string, string> {
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: options.dataDir ?? mkdtempSync(join(tmpdir(), 'gateway-')),
    PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL,
    B2C_URL: options.emulatorUrl,
    B2C_USERNAME: TEST_B2C_USERNAME,
    B2C_PASSWORD: TEST_B2C_PASSWORD,
    B2C_TIMEOUT_MS: '5000',
    VENDOR_TWILIO__AUTH_TOKEN: options.twilioAuthToken,
    WORKER_BACKOFF_BASE_MS: '50',
    WORKER_BACKOFF_MAX_MS: '400',
    WORKER_POLL_INTERVAL_MS: '100',
    LOG_LEVEL: 'info',
    ...allowOutbound([options.emulatorUrl]),
    ...storageEnv(),
    ...options.extra,
  };
}
