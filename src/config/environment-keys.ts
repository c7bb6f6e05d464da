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
  B2C_AUTH: 'b2c.auth',
  B2C_OAUTH_TOKEN_URL: 'b2c.oauth.tokenUrl',
  B2C_OAUTH_CLIENT_ID: 'b2c.oauth.clientId',
  B2C_OAUTH_CLIENT_SECRET: 'b2c.oauth.clientSecret',
  B2C_OAUTH_SCOPE: 'b2c.oauth.scope',
  B2C_SESSION_ID: 'b2c.sessionId',
  B2C_RATE_LIMIT_PER_SECOND: 'b2c.rateLimitPerSecond',
  EMULATOR_HOST: 'emulator.host',
  EMULATOR_PORT: 'emulator.port',
  LOG_LEVEL: 'log.level',
  TRUSTED_PROXIES: 'server.trustedProxies',
  REQUEST_TIMEOUT_MS: 'server.requestTimeoutMs',
  CORS_ORIGINS: 'server.corsOrigins',
  THROTTLE_ENABLED: 'throttle.enabled',
  THROTTLE_WINDOW_MS: 'throttle.windowMs',
  THROTTLE_PER_VENDOR: 'throttle.perVendor',
  THROTTLE_PER_SOURCE: 'throttle.perSource',
  ALLOWLIST_OUTBOUND_TARGETS: 'allowlist.outbound.targets',
  ALLOWLIST_OUTBOUND_CA_BUNDLE_FILE: 'allowlist.outbound.caBundleFile',
  ALLOWLIST_OUTBOUND_ALLOW_HTTP_FOR_DEVELOPMENT: 'allowlist.outbound.allowHttpForDevelopment',
  ADMIN_MODE: 'admin.mode',
  ADMIN_TOKEN: 'admin.token',
  ADMIN_JWT_JWKS_URL: 'admin.jwt.jwksUrl',
  ADMIN_JWT_ISSUER: 'admin.jwt.issuer',
  ADMIN_JWT_AUDIENCE: 'admin.jwt.audience',
  ADMIN_JWT_ALGORITHMS: 'admin.jwt.algorithms',
  ADMIN_JWT_CLOCK_TOLERANCE_SECONDS: 'admin.jwt.clockToleranceSeconds',
  ADMIN_JWT_REQUIRED_SCOPE: 'admin.jwt.requiredScope',
  ADMIN_JWT_JWKS_MAX_AGE_MS: 'admin.jwt.jwksMaxAgeMs',
  ADMIN_JWT_JWKS_REFRESH_COOLDOWN_MS: 'admin.jwt.jwksRefreshCooldownMs',
  SECRETS_TTL_MS: 'secrets.ttlMs',
  SECRETS_RETRY_AFTER_FAILURE_MS: 'secrets.retryAfterFailureMs',
  SECRETS_ROTATION_OVERLAP_MS: 'secrets.rotationOverlapMs',
  OCI_VAULT_AUTH: 'secrets.ociVault.auth',
  OCI_VAULT_CONFIG_FILE: 'secrets.ociVault.configFile',
  OCI_VAULT_PROFILE: 'secrets.ociVault.profile',
  OCI_VAULT_REGION: 'secrets.ociVault.region',
  OCI_VAULT_ENDPOINT: 'secrets.ociVault.endpoint',
  OCI_VAULT_TIMEOUT_MS: 'secrets.ociVault.timeoutMs',
  OCI_VAULT_MAX_ATTEMPTS: 'secrets.ociVault.maxAttempts',
};

/** Names the YAML file; read from the environment only. */
export const CONFIG_FILE_VARIABLE = 'GATEWAY_CONFIG';

/**
 * `VENDOR_TWILIO__AUTH_TOKEN` sets `vendors.twilio.authToken`; `VENDOR_TWILIO_VOICE__ENABLED` sets
 * `vendors.twilio-voice.enabled`. The double underscore keeps multi-word vendor names unambiguous.
 */
export const VENDOR_VARIABLE = /^VENDOR_([A-Z0-9_]+?)__([A-Z0-9_]+)$/;
