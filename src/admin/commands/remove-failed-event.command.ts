/** Retries a stopped projection's failed event: its failure record is deleted (RemoveFailedEvent). */
export class RemoveFailedEventCommand {
  constructor(
    /** Projection key (`user_grants1`). */
    readonly projection: string,
    /** Global position of the failed event, as ListFailedEvents shows it. */
    readonly failedSequence: number,
  ) {}
}
