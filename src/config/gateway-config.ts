import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { InboundRulesSettings } from '../allowlist/inbound/rules/inbound-rules.settings';
import { OutboundSettings } from '../allowlist/outbound/targets/outbound.settings';
import { SecretsConfig } from './secrets.settings';
import { IsDefined, ValidateIf } from 'class-validator';
import { AdminSettings } from './admin.settings';
import { AlertsSettings } from './alerts.settings';
import { ConversationsConfig } from './conversations.settings';
import { MetricsSettings } from './metrics.settings';
import { TracingSettings } from './tracing.settings';
import { RequiredText } from './required-setting';
import { AtMostSetting } from './at-most-setting';
import {
  B2C_AUTH_MODES,
  B2cAuthNeedsSite,
  B2cOAuthSettings,
  type B2cAuthMode,
} from './b2c-auth.settings';

/** 'true'/'false' from the environment; anything else is left for @IsBoolean to refuse. */
export function parseBoolean(value: unknown): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

/**
 * The one typed configuration of the gateway. Defaults live here; `load-config.ts` fills it
 * from the YAML file and the environment and validates it once at start-up.
 */
export class ServerConfig {
  @IsString() @MinLength(1) host = '0.0.0.0';
  @IsInt() @Min(0) @Max(65535) port = 3000;
  /**
   * The origin vendors call (scheme://host[:port], optionally a path prefix). Signatures cover
   * the URL the vendor used, so it is rebuilt from this, never from the Host header.
   */
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  publicBaseUrl?: string;
  @IsInt() @Min(1024) @Max(64 * 1024 * 1024) bodyLimitBytes = 256 * 1024;
  /**
   * Proxies (CIDR blocks, or `loopback`/`linklocal`/`uniquelocal`) whose X-Forwarded-For and VCN
   * header are believed, hop by hop. Empty: the socket's address is the client, whatever the
   * headers say.
   */
  @IsArray() @IsString({ each: true }) trustedProxies: string[] = [];
  /** Whole-request timeout: vendors wait 10-15 s, so a request older than this is abandoned. */
  @IsInt() @Min(1000) @Max(300_000) requestTimeoutMs = 30_000;
  /**
   * All headers must arrive within this, so a slow sender cannot hold a socket open for the
   * whole request timeout before saying anything. Node refuses a value above requestTimeoutMs.
   */
  @IsInt()
  @Min(1000)
  @AtMostSetting('requestTimeoutMs', 'server.requestTimeoutMs (REQUEST_TIMEOUT_MS)')
  headersTimeoutMs = 10_000;
  /**
   * Origins allowed to call from a browser. Empty (the default): no CORS headers at all, since
   * vendors call server to server and nothing here is meant for a browser.
   */
  @IsArray() @IsString({ each: true }) corsOrigins: string[] = [];
}

export const THROTTLE_STORAGES = ['memory', 'redis'] as const;
export type ThrottleStorageKind = (typeof THROTTLE_STORAGES)[number];

export const STORAGE_DRIVERS = ['sqlite', 'postgres'] as const;
export type StorageDriver = (typeof STORAGE_DRIVERS)[number];

/** `@nestjs/throttler` limits, per vendor and per source address, over one window. */
export class ThrottleConfig {
  @IsBoolean() enabled = true;
  @IsInt() @Min(100) windowMs = 1000;
  /** Requests per window for one vendor, from all sources together. */
  @IsInt() @Min(1) perVendor = 500;
  /** Requests per window from one client address, whatever the path. */
  @IsInt() @Min(1) perSource = 200;
  /**
   * Where the counters live: `memory` (each process counts alone, so every limit applies per
   * instance) or `redis` (`redisUrl`; one count for all instances).
   */
  @IsIn(THROTTLE_STORAGES) storage: ThrottleStorageKind = 'memory';
  /** `redis` storage: a secret reference to `redis://[user:password@]host:port[/db]`. */
  @ValidateIf((throttle: ThrottleConfig) => throttle.storage === 'redis')
  @RequiredText('throttle.storage is redis')
  redisUrl?: string;
}

/**
 * The PostgreSQL driver (`storage.driver: postgres`): several gateway processes share one
 * database. TLS is set in the URL (`sslmode=verify-full`), with `caFile` for a private CA.
 */
export class PostgresSettings {
  /** A secret reference to `postgres://user:password@host:5432/database[?sslmode=…]`. */
  @IsOptional() @IsString() @MinLength(1) url?: string;
  /** Connections per process; the server's max_connections must cover every process's pool. */
  @IsInt() @Min(2) @Max(200) poolSize = 10;
  /** A statement running longer is cancelled by the server (statement_timeout). */
  @IsInt() @Min(100) @Max(600_000) statementTimeoutMs = 10_000;
  @IsInt() @Min(100) @Max(120_000) connectTimeoutMs = 5_000;
  /** PEM file of the CA that signed the server's certificate (implies verify-full). */
  @IsOptional() @IsString() @MinLength(1) caFile?: string;
}

export class StorageConfig {
  /** `sqlite`: embedded, one process. `postgres`: several processes on one database. */
  @IsIn(STORAGE_DRIVERS) driver: StorageDriver = 'sqlite';
  @IsString() @MinLength(1) dataDir = './data';
  /** Most writes grouped into one transaction (one fsync). */
  @IsInt() @Min(1) @Max(100_000) groupCommitMaxBatch = 1024;
  /**
   * Extra wait before a commit, to gather more writes. 0 commits at the end of the current event
   * loop turn, which already groups every request that arrived together.
   */
  @IsInt() @Min(0) @Max(50) groupCommitWindowMs = 0;
  @ValidateNested() @Type(() => PostgresSettings) postgres = new PostgresSettings();
}

export class WorkerConfig {
  @IsBoolean() enabled = true;
  @IsInt() @Min(1) @Max(256) concurrency = 4;
  @IsInt() @Min(1) @Max(1000) maxAttempts = 30;
  @IsInt() @Min(1) backoffBaseMs = 1000;
  @IsInt() @Min(1) backoffMaxMs = 15 * 60 * 1000;
  /** Longest idle sleep; new messages wake the worker at once. */
  @IsInt() @Min(10) pollIntervalMs = 1000;
  /**
   * A claimed message is leased to this process for this long and the lease is renewed every
   * third of it while the delivery runs; a process that dies leaves it claimable after this.
   */
  @IsInt() @Min(1000) @Max(600_000) leaseMs = 30_000;
}

export class B2cConfig {
  /** Site origin, e.g. https://mysite.custhelp.com. Absent outside production: embedded emulator. */
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  url?: string;
  @IsString()
  @Matches(/^(v1\.[0-9]+|latest)$/, { message: 'must be v1.N or latest' })
  apiVersion = 'v1.4';
  /** Sent as OSvC-CREST-Application-Context; B2C keeps at most 40 characters. */
  @IsString() @MinLength(1) @MaxLength(40) applicationContext = 'b2c-webhook-gateway';
  @IsOptional() @IsString() @MinLength(1) username?: string;
  /** A secret reference: env:NAME, file:/path, or the value itself. */
  @IsOptional() @IsString() @MinLength(1) password?: string;
  /** basic (username + password), oauth (`b2c.oauth`) or session (`b2c.sessionId`). */
  @IsIn(B2C_AUTH_MODES) @B2cAuthNeedsSite() auth: B2cAuthMode = 'basic';
  @ValidateIf((b2c: B2cConfig) => b2c.auth === 'oauth')
  @IsDefined({ message: 'is required when b2c.auth is oauth' })
  @ValidateNested()
  @Type(() => B2cOAuthSettings)
  oauth?: B2cOAuthSettings;
  /** `session` mode: a secret reference to the id sent as `Authorization: Session <id>`. */
  @ValidateIf((b2c: B2cConfig) => b2c.auth === 'session')
  @RequiredText('b2c.auth is session')
  sessionId?: string;
  @IsInt() @Min(100) @Max(120_000) timeoutMs = 10_000;
  @IsInt() @Min(1) @Max(1024) maxSockets = 16;
  /**
   * After a create whose outcome is unknown (timeout, lost connection, 5xx), the next attempt
   * waits at least this long, so the create has finished at B2C before the gateway looks for it.
   */
  @IsInt() @Min(0) settleDelayMs = 60_000;
  /** How far back a recovery lookup searches for an incident a crashed attempt may have made. */
  @IsInt() @Min(1000) recoveryWindowMs = 15 * 60 * 1000;
  /**
   * Requests per second the gateway sends to B2C, all calls together (0: no limit). Oracle
   * throttles a site's API by the share its administrator gives this application; set this below
   * it so the worker waits here instead of collecting 503 OSC-CREST-00035 answers.
   */
  @IsInt() @Min(0) @Max(10_000) rateLimitPerSecond = 0;
}

export class EmulatorConfig {
  @IsString() host = '127.0.0.1';
  @IsInt() @Min(0) @Max(65535) port = 8787;
}

export class LogConfig {
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) level = 'info';
}

export class AllowlistConfig {
  @ValidateNested() @Type(() => InboundRulesSettings) inbound = new InboundRulesSettings();
  @ValidateNested() @Type(() => OutboundSettings) outbound = new OutboundSettings();
}

export class GatewayConfig {
  @IsIn(['development', 'production', 'test']) nodeEnv: 'development' | 'production' | 'test' =
    'development';
  @ValidateNested() @Type(() => ServerConfig) server = new ServerConfig();
  @ValidateNested() @Type(() => ThrottleConfig) throttle = new ThrottleConfig();
  @ValidateNested() @Type(() => StorageConfig) storage = new StorageConfig();
  @ValidateNested() @Type(() => WorkerConfig) worker = new WorkerConfig();
  @ValidateNested() @Type(() => B2cConfig) b2c = new B2cConfig();
  @ValidateNested() @Type(() => EmulatorConfig) emulator = new EmulatorConfig();
  @ValidateNested() @Type(() => LogConfig) log = new LogConfig();
  @ValidateNested() @Type(() => AllowlistConfig) allowlist = new AllowlistConfig();
  /** Secret cache, refresh and rotation overlap; OCI Vault access (`secrets.ociVault`). */
  @ValidateNested() @Type(() => SecretsConfig) secrets = new SecretsConfig();
  /** Who may call `/admin/*`, detailed health and metrics (`admin.mode`). */
  @ValidateNested()
  @Type(() => AdminSettings)
  admin = new AdminSettings();
  /** SMS conversations: follow-ups into the open incident, agents' responses back as SMS. */
  @ValidateNested()
  @Type(() => ConversationsConfig)
  conversations = new ConversationsConfig();
  /** The unauthenticated metrics listener (`metrics.port`, off by default). */
  @ValidateNested()
  @Type(() => MetricsSettings)
  metrics = new MetricsSettings();
  /** OpenTelemetry traces (`tracing.endpoint`, off by default). */
  @ValidateNested()
  @Type(() => TracingSettings)
  tracing = new TracingSettings();
  /** Alert webhooks (`alerts.webhookUrls`, off while empty). */
  @ValidateNested()
  @Type(() => AlertsSettings)
  alerts = new AlertsSettings();
  /**
   * `vendors.<name>`: `enabled` plus the vendor's own settings, validated by the vendor registry
   * against the vendor's settings class once the vendor modules are known.
   */
  @IsObject() vendors: Record<string, Record<string, unknown>> = {};
}
