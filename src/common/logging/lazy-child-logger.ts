import type { FastifyBaseLogger } from 'fastify';
import type { FastifyChildLoggerFactory } from 'fastify/types/logger';
import type { Bindings, ChildLoggerOptions, LogFn } from 'pino';

/**
 * A request's logger that becomes a real child of the root logger on first use. Fastify makes
 * a child per request (its bindings run through the redaction rules), which cost a webhook more
 * than its media-type check, yet the gateway logs on a request's logger only when something goes
 * wrong: the ProblemFilter logs refusals through the root logger with the request id.
 */
class LazyChildLogger implements FastifyBaseLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private real(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.real().level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  fatal(...args: Parameters<LogFn>): void {
    this.real().fatal(...args);
  }

  error(...args: Parameters<LogFn>): void {
    this.real().error(...args);
  }

  warn(...args: Parameters<LogFn>): void {
    this.real().warn(...args);
  }

  info(...args: Parameters<LogFn>): void {
    this.real().info(...args);
  }

  debug(...args: Parameters<LogFn>): void {
    this.real().debug(...args);
  }

  trace(...args: Parameters<LogFn>): void {
    this.real().trace(...args);
  }

  silent(...args: Parameters<LogFn>): void {
    this.real().silent(...args);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }
}

export const lazyChildLoggerFactory: FastifyChildLoggerFactory = (
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
) => new LazyChildLogger(logger, bindings, options);
