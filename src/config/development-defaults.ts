import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allowEmbeddedEmulatorTarget } from './development-targets';
import type { GatewayConfig } from './gateway-config';

/** Credentials made up on first start in development and kept beside the data, never logged. */
export interface DevelopmentCredentials {
  emulatorUsername: string;
  emulatorPassword: string;
  twilioAuthToken: string;
  /** The admin console's sign-in token (`ADMIN_MODE=token`) when no admin mode is set. */
  adminToken: string;
}

export const DEVELOPMENT_CREDENTIALS_FILE = 'dev-credentials.json';

/**
 * Outside production and with no B2C site configured, the gateway runs against its embedded B2C
 * emulator. Only then does it also enable Twilio with a generated token when no vendor is
 * configured, so `npm start` followed by `npm run demo` works on a fresh machine while a gateway
 * pointed at a real site never accepts webhooks signed with a development secret.
 * Returns true when the embedded emulator is to be used.
 */
export function applyDevelopmentDefaults(config: GatewayConfig): boolean {
  if (config.nodeEnv !== 'production' && !config.server.publicBaseUrl) {
    config.server.publicBaseUrl = `http://localhost:${config.server.port}`;
  }
  if (config.nodeEnv === 'production' || config.b2c.url) return false;
  allowEmbeddedEmulatorTarget(config);

  const credentials = loadOrCreateDevelopmentCredentials(config.storage.dataDir);
  config.b2c.username = credentials.emulatorUsername;
  config.b2c.password = credentials.emulatorPassword;
  if (Object.keys(config.vendors).length === 0) {
    config.vendors = { twilio: { enabled: true, authToken: credentials.twilioAuthToken } };
  } else if (config.vendors.twilio && config.vendors.twilio.authToken === undefined) {
    // Only Twilio's other settings given (e.g. its send API for `npm run demo:conversation`).
    config.vendors.twilio.authToken = credentials.twilioAuthToken;
  }
  // The admin console opens with the generated token; an admin mode set explicitly is kept.
  if (config.admin.mode === undefined) {
    config.admin.mode = 'token';
    config.admin.token = credentials.adminToken;
  }
  return true;
}

export function loadOrCreateDevelopmentCredentials(dataDir: string): DevelopmentCredentials {
  const file = join(dataDir, DEVELOPMENT_CREDENTIALS_FILE);
  const kept = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DevelopmentCredentials>)
    : {};
  const credentials: DevelopmentCredentials = {
    emulatorUsername: kept.emulatorUsername ?? 'gateway',
    emulatorPassword: kept.emulatorPassword ?? randomBytes(18).toString('base64url'),
    twilioAuthToken: kept.twilioAuthToken ?? randomBytes(16).toString('hex'),
    // A file written before the console existed gains its token on the next start.
    adminToken: kept.adminToken ?? randomBytes(24).toString('base64url'),
  };
  if (Object.keys(kept).length === Object.keys(credentials).length) return credentials;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return credentials;
}
