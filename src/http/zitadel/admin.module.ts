import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { RemoveFailedEventHandler } from '../../admin/commands/remove-failed-event.handler';
import { ListEventsHandler } from '../../admin/read-model/events.queries';
import { ListFailedEventsHandler, ListViewsHandler } from '../../admin/read-model/views.queries';
import { AdminController } from './admin.controller';

/**
 * The ZITADEL Admin API subset (`/admin/v1`). The request pipeline is ZitadelModule's global
 * guard, which applies to every `@Zitadel` route.
 */
@Module({
  imports: [CqrsModule],
  controllers: [AdminController],
  providers: [ListEventsHandler, ListViewsHandler, ListFailedEventsHandler, RemoveFailedEventHandler],
})
export class AdminModule {}
