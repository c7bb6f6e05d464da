/**
 * The baseline of the intake benchmark: bare Fastify with a trivial POST handler that reads the
 * body and answers what Twilio expects. No verification, no storage.
 */
import Fastify from 'fastify';

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.post('/vendors/:name/webhook', async (_request, reply) =>
    reply.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response/>'),
  );
  await app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' });
}

void main();
