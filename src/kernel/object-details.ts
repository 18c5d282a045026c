/** What a command reports about the object it touched (ZITADEL's ObjectDetails, before wire format). */
export interface ObjectDetails {
  /** Aggregate sequence (stream revision + 1) of the last event appended, or of the object's last event on a no-op. */
  readonly sequence: number;
  /** createdAt of that event; absent when the object never existed. */
  readonly date: Date | null;
  readonly resourceOwner: string;
  /** Global position for read-your-writes (`x-grantline-position`). */
  readonly position: number;
}

/** A command's answer: the details, plus the id of what it created. */
export interface CommandOutcome {
  readonly id?: string;
  readonly details: ObjectDetails;
}

/** Details of the last event a command appended. */
export function detailsOfAppended(
  appended: readonly { readonly revision: number; readonly createdAt: Date; readonly position: number }[],
  resourceOwner: string,
): ObjectDetails {
  const last = appended[appended.length - 1];
  if (last === undefined) throw new Error('detailsOfAppended needs at least one event');
  return { sequence: last.revision + 1, date: last.createdAt, resourceOwner, position: last.position };
}
