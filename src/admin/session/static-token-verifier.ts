import { createHash, timingSafeEqual } from 'node:crypto';
import { AdminUnauthorizedError } from '../../common/problem/gateway-error';
import type { AdminPrincipal } from './admin-principal';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * `token` mode: one shared admin token. Both sides are hashed first so the comparison takes the
 * same time whatever the length or content of the guess.
 */
export class StaticTokenVerifier {
  /**
   * `accepted` is asked at each check (the current token, and the previous one during a
   * rotation's overlap), so a rotated secret applies without a restart.
   */
  constructor(private readonly accepted: () => readonly string[]) {}

  verify(token: string): AdminPrincipal {
    const offered = digest(token);
    let matched = false;
    // Every candidate is compared, so timing does not tell which one matched.
    for (const candidate of this.accepted()) {
      if (timingSafeEqual(offered, digest(candidate))) matched = true;
    }
    if (!matched) throw new AdminUnauthorizedError('the admin token is wrong');
    return { subject: 'admin', mode: 'token' };
  }
}
