/**
 * The framework floor of the intake benchmark: NestJS on the Fastify adapter, set up as the
 * gateway is (raw Buffer body for every media type, no body parser, logger off), with one
 * controller that answers what Twilio expects and does nothing else. Bare Fastify ÷ this is what
 * Nest itself costs; this ÷ the gateway is what the gateway's own work costs.
 * Run with `node -r ts-node/register/transpile-only bench/nest-floor.server.ts <port>`.
 */
import 'reflect-metadata';
import { Controller, Get, Module, Post, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';

@Controller()
class FloorController {
  @Post('vendors/:name/webhook')
  receive(@Res({ passthrough: true }) reply: FastifyReply): string {
    void reply.header('content-type', 'text/xml');
    return '<?xml version="1.0" encoding="UTF-8"?><Response/>';
  }

  @Get('health/live')
  live(): { status: string } {
    return { status: 'ok' };
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

async function main(): Promise<void> {
  const adapter = new FastifyAdapter({ logger: false });
  const fastify = adapter.getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
  const app = await NestFactory.create<NestFastifyApplication>(FloorModule, adapter, {
    bodyParser: false,
    logger: false,
  });
  await app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
