/**
 * The seed's design, re-implemented for the comparison in bench/seed-vs-gateway.bench.ts: Oracle
 * answer 11712's OCI Function ("sms-to-incident") as a plain Fastify handler that makes every B2C
 * call inside the request, in the same order, and answers the vendor only at the end.
 *
 * Per webhook, as the seed's Python does:
 *   1. GET  contacts?q=phones.number = '<from>'   (the query built by string formatting)
 *   2. POST contacts {name: SMS User}             when none was found
 *   3. POST contacts/{id}/phones {Mobile Phone}   a second call, after the contact exists
 *   4. POST incidents {subject: body, primaryContact}
 *   5. POST incidents/{id}/threads {Note: the whole payload as indented JSON}
 *   then 200 {"message": "success"}; any failure → 502, as API Gateway answers a failed function.
 *
 * Faithful, flaws included; its two departures (both in the seed's favour) are listed in
 * docs/benchmarks.md, (b) Method.
 *
 * Arguments: port. Environment: B2C_URL, B2C_USERNAME, B2C_PASSWORD.
 */
import Fastify from 'fastify';

const site = process.env.B2C_URL ?? 'http://127.0.0.1:8787';
const base = `${site.replace(/\/+$/, '')}/services/rest/connect/latest`;
const authorization = `Basic ${Buffer.from(`${process.env.B2C_USERNAME}:${process.env.B2C_PASSWORD}`).toString('base64')}`;

/** What the server did, for the benchmark to read after a phase. */
const stats = { started: 0, succeeded: 0, failed: 0, inFlight: 0, b2cCalls: 0 };

class B2cCallFailed extends Error {}

/** Python requests' requote_uri: percent-encodes what is neither unreserved nor a delimiter. */
function requoteUri(uri: string): string {
  return uri.replace(/[^A-Za-z0-9\-._~!#$%&'()*+,/:;=?@[\]]/g, (c) => encodeURIComponent(c));
}

async function osvc(method: 'GET' | 'POST', path: string, body?: string): Promise<unknown> {
  stats.b2cCalls += 1;
  const response = await fetch(requoteUri(base + path), {
    method,
    headers: {
      authorization,
      'osvc-crest-application-context': 'sms-to-incident',
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body,
  });
  const text = await response.text();
  if (!response.ok) throw new B2cCallFailed(`${method} ${path}: ${response.status}`);
  return text === '' ? {} : (JSON.parse(text) as unknown);
}

type Json = Record<string, unknown>;

async function getContactByMobile(number: string): Promise<number | undefined> {
  const results = (await osvc('GET', `/contacts?q=phones.number = '${number}'`)) as Json;
  const items = results.items as Json[] | undefined;
  const id = items?.[0]?.id;
  return typeof id === 'number' ? id : undefined;
}

async function createContactFromSms(number: string): Promise<number> {
  const contact = { name: { first: 'SMS', last: 'User' } };
  const created = (await osvc('POST', '/contacts', JSON.stringify(contact))) as Json;
  if (typeof created.id !== 'number') throw new B2cCallFailed(JSON.stringify(created));
  const phone = { number, phoneType: { lookupName: 'Mobile Phone' } };
  await osvc('POST', `/contacts/${created.id}/phones`, JSON.stringify(phone));
  return created.id;
}

async function createIncidentFromSms(contactId: number, webhook: Json): Promise<Json> {
  const incident = { subject: webhook.body, primaryContact: { id: contactId } };
  const created = (await osvc('POST', '/incidents', JSON.stringify(incident))) as Json;
  if (!(typeof created.id === 'number' && created.id > 0)) {
    throw new B2cCallFailed('Could not get incident ID from create results');
  }
  const thread = {
    text: JSON.stringify(webhook, null, 2),
    entryType: { lookupName: 'Note' },
    contentType: { lookupName: 'text/plain' },
  };
  await osvc('POST', `/incidents/${created.id}/threads`, JSON.stringify(thread));
  return created;
}

async function handle(webhook: Json): Promise<void> {
  if (!('body' in webhook)) return;
  const from = String(webhook.from);
  const contactId = (await getContactByMobile(from)) ?? (await createContactFromSms(from));
  await createIncidentFromSms(contactId, webhook);
}

const app = Fastify({ logger: false });
app.post('/vendors/twilio/webhook', async (request, reply) => {
  stats.started += 1;
  stats.inFlight += 1;
  try {
    await handle(request.body as Json);
    stats.succeeded += 1;
    return await reply.send({ message: 'success' });
  } catch {
    stats.failed += 1;
    return await reply.code(502).send({ message: 'Bad Gateway' });
  } finally {
    stats.inFlight -= 1;
  }
});
app.get('/health/live', async () => ({ status: 'ok' }));
app.get('/stats', async () => stats);

app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
