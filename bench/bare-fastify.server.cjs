// The baseline of the intake benchmark: bare Fastify with a trivial POST handler that reads the
// body and answers what Twilio expects. No verification, no storage. Plain JavaScript, so that it
// runs as directly as the compiled gateway does.
'use strict';
const Fastify = require('fastify');

const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.post('/vendors/:name/webhook', async (_request, reply) =>
  reply.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response/>'),
);
app.get('/health/live', async () => ({ status: 'ok' }));
app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' }).catch((error) => {
  console.error(error);
  process.exit(1);
});
