import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { notFound } from '../../kernel/domain-error';
import { READ_STORE, type ReadStore } from '../../kernel/read-store.port';
import { FAILED_EVENTS, type FailedEvent, retryFailedEvent } from '../../projections/projection-runner';
import { ensureFailedEventsCollection } from '../read-model/views.queries';
import { RemoveFailedEventCommand } from './remove-failed-event.command';

/**
 * "Remove" is a retry, never a skip (zitadel-api.md §7 fixed 14): the record goes, the stopped
 * projection notices within its poll interval and applies the event again, and a new failure is
 * recorded if it still fails. Between the check and the delete the record can only be replaced
 * by a later failure of the same projection; deleting that one is a retry too, so no event is
 * ever skipped.
 */
@CommandHandler(RemoveFailedEventCommand)
export class RemoveFailedEventHandler implements ICommandHandler<RemoveFailedEventCommand, void> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute(command: RemoveFailedEventCommand): Promise<void> {
    await ensureFailedEventsCollection(this.readStore);
    const failure = (await this.readStore.get(FAILED_EVENTS, command.projection)) as FailedEvent | null;
    if (failure === null || failure.position !== command.failedSequence || !(await retryFailedEvent(this.readStore, command.projection))) {
      throw notFound('GRANTLINE-FailedEventNotFound', 'Failed event not found');
    }
  }
}
