import { DiscoveryService } from '@nestjs/core';

/**
 * Marks a provider as a webhook vendor (it must implement `WebhookVendor`). The registry finds
 * every provider so marked at start-up: registering a vendor touches nothing outside its folder.
 */
export const RegisterVendor = DiscoveryService.createDecorator<void>();
