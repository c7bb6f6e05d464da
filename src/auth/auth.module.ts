import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { VendorSignatureGuard } from './vendor-signature.guard';
import { VendorSignatureStrategy } from './vendor-signature.strategy';

@Module({
  imports: [PassportModule.register({ session: false })],
  providers: [VendorSignatureStrategy, VendorSignatureGuard],
  exports: [VendorSignatureGuard],
})
export class AuthModule {}
