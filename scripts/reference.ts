import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { lookUpReference } from '../src/common/problem/reference-lookup';

/**
 * `npm run reference -- <reference id> [log file ...]`: what a reference id means (reason, time,
 * instance) and the log line that explains it. Reads standard input when no file is given, so
 * `journalctl -u gateway -o cat | npm run -s reference -- 18.4c96df17.1644609140.2a155db` works.
 */
async function main(): Promise<void> {
  const [referenceId, ...files] = process.argv.slice(2);
  if (!referenceId) {
    console.error('usage: npm run reference -- <reference id> [log file ...]');
    process.exit(2);
  }
  const lines: string[] = [];
  const sources = files.length > 0 ? files.map((file) => createReadStream(file)) : [process.stdin];
  for (const source of sources) {
    for await (const line of createInterface({ input: source, crlfDelay: Infinity })) {
      lines.push(line);
    }
  }
  const found = lookUpReference(referenceId, lines);
  if (!found) {
    console.error(`'${referenceId}' is not a reference id (<reason>.<instance>.<epoch>.<request>)`);
    process.exit(2);
  }
  const { decoded } = found;
  console.log(`reason    ${decoded.reason}: ${decoded.reasonText}`);
  console.log(`time      ${decoded.time}`);
  console.log(`instance  ${decoded.instance}`);
  console.log(`request   ${decoded.instance}${decoded.request.padStart(8, '0')}`);
  if (found.lines.length === 0) {
    console.log('log       no line with this reference id in the input');
    process.exit(1);
  }
  for (const line of found.lines) console.log(`log       ${JSON.stringify(line)}`);
}

void main();
