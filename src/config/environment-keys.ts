/**
 * Environment variables and the configuration key each one sets. README's configuration
 * reference lists the same names; a test keeps the two in step.
 */
export const ENVIRONMENT_KEYS: Readonly<Record<string, string>> = {
  NODE_ENV: 'nodeEnv',
  HOST: 'server.host',
  PORT: 'server.port',
  PUBLIC_BASE_URL: 'server.publicBaseUrl',
  BODY_LIMIT_BYTES: 'server.bodyLimitBytes',
  DATA_DIR: 'storage.dataDir',
  INBOX_GROUP_COMMIT_MAX_BATCH: 'storage.groupCommitMaxBatch',
  INBOX_GROUP_COMMIT_WINDOW_MS: 'storage.groupCommitWindowMs',
  WORKER_ENABLED: 'worker.enabled',
  WORKER_CONCURRENCY: 'worker.concurrency',
  WORKER_MAX_ATTEMPTS: 'worker.maxAttempts',
  WORKER_BACKOFF_BASE_MS: 'worker.backoffBaseMs',
  WORKER_BACKOFF_MAX_MS: 'worker.backoffMaxMs',
  WORKER_POLL_INTERVAL_MS: 'worker.pollIntervalMs',
  B2C_URL: 'b2c.url',
  B2C_API_VERSION: 'b2c.apiVersion',
  B2C_APPLICATION_CONTEXT: 'b2c.applicationContext',
  B2C_USERNAME: 'b2c.username',
  B2C_PASSWORD: 'b2c.password',
  B2C_TIMEOUT_MS: 'b2c.timeoutMs',
  B2C_MAX_SOCKETS: 'b2c.maxSockets',
  B2C_SETTLE_DELAY_MS: 'b2c.settleDelayMs',
  B2C_RECOVERY_WINDOW_MS: 'b2c.recoveryWindowMs',
  EMULATOR_HOST: 'emulator.host',
  EMULATOR_PORT: 'emulator.port',
  LOG_LEVEL: 'log.level',
};

/** Names the YAML file; read from the environment only. */
export const CONFIG_FILE_VARIABLE = 'GATEWAY_CONFIG';

/**
 * `VENDOR_TWILIO__AUTH_TOKEN` sets `vendors.twilio.authToken`; `VENDOR_TWILIO_VOICE__ENABLED` sets
 * `vendors.twilio-voice.enabled`. The double underscore keeps multi-word vendor names unambiguous.
 */
export const VENDOR_VARIABLE = /^VENDOR_([A-Z0-9_]+?)__([A-Z0-9_]+)$/;
