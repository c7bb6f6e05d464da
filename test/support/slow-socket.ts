import { connect } from 'node:net';

export interface TrickleOutcome {
  /** From the connection until the server closed it. */
  elapsedMs: number;
  /** Everything the server wrote before closing. */
  received: string;
  /** How many bytes of `drip` were written before the close. */
  dripped: number;
}

/**
 * A slow client on a real socket: writes `head` at once, then `drip` one byte every
 * `intervalMs`, until the server closes the connection (or `giveUpMs` passes, which a test
 * then reports as the server never cutting it off).
 */
export function trickle(
  url: string,
  head: string,
  drip: string,
  intervalMs: number,
  giveUpMs = 40_000,
): Promise<TrickleOutcome> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    let dripped = 0;
    let started = 0;
    let ticker: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => socket.destroy(), giveUpMs);
    socket.on('connect', () => {
      started = Date.now();
      socket.write(head);
      ticker = setInterval(() => {
        if (dripped < drip.length && socket.writable) socket.write(drip[dripped++]);
      }, intervalMs);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A reset after the server's 408 is still the server cutting the client off.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(ticker);
      clearTimeout(giveUp);
      resolve({
        elapsedMs: Date.now() - started,
        received: Buffer.concat(chunks).toString('latin1'),
        dripped,
      });
    });
  });
}
