const ERROR_SAMPLES = 3;

/** Collects what went wrong, for the printout (every non-2xx is a finding). */
export class ErrorLog {
  readonly samples: Array<{ status: number; body: string }> = [];
  readonly counts: Record<string, number> = {};
  note(status: number, body: string): void {
    let id = String(status);
    try {
      const parsed = JSON.parse(body) as { details?: Array<{ id?: string }> };
      id = `${status} ${parsed.details?.[0]?.id ?? ''}`.trim();
    } catch {
      // Not JSON: the status alone.
    }
    this.counts[id] = (this.counts[id] ?? 0) + 1;
    if (this.samples.length < ERROR_SAMPLES) this.samples.push({ status, body: body.slice(0, 300) });
  }
}
