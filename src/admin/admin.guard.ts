import { type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AdminUnauthorizedError } from '../common/problem/gateway-error';
import { AdminAuthenticator } from './admin-authenticator';
import { ADMIN_STRATEGY, requestAuthenticators } from './admin.strategy';

/**
 * `@UseGuards(AdminGuard)` on an admin route (import `AdminModule`). The authenticated
 * `AdminPrincipal` is `request.user`. Refusals are 401 `admin-unauthorized` naming the failed
 * check.
 */
@Injectable()
export class AdminGuard extends AuthGuard(ADMIN_STRATEGY) {
  constructor(private readonly authenticator: AdminAuthenticator) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    requestAuthenticators.set(context.switchToHttp().getRequest<object>(), this.authenticator);
    return super.canActivate(context);
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error instanceof Error) throw error;
    if (error) throw new AdminUnauthorizedError('the admin credentials were refused');
    if (!user) throw new AdminUnauthorizedError('the request is not authenticated');
    return user;
  }
}
