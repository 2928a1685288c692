import type { Redactor } from '../logging/redact';
import { CoalescedFile } from '../stores/coalescedFile';

import type { Transcript, TranscriptCommand, TranscriptStep } from '../../shared/schemas/run';

/**
 * The per-host record of an install: steps, commands, outputs, exit codes and timings. Every
 * string passes through the redactor when it is recorded, so the transcript on disk never holds
 * a registered secret (join token, agent secret, passwords). Outputs are capped. Its shape is
 * the shared schema's (shared/schemas/run.ts), which ssh:transcript answers with.
 */
export type { TranscriptCommand, TranscriptStep };
export type TranscriptDoc = Transcript;

const CAP = 8192;
/**
 * How long a change may wait before the file is rewritten: the live log streams through `onLine`,
 * the file is for reading later, and a host's steps come a few hundred ms apart.
 */
const WRITE_DELAY_MS = 1000;

export class HostTranscript {
  readonly doc: TranscriptDoc;
  private current?: TranscriptStep;
  private startedMs = 0;
  private readonly out: CoalescedFile | undefined;

  constructor(
    target: string,
    runId: string,
    attempt: number,
    private readonly redactor: Redactor,
    file?: string,
    private readonly onLine?: (line: string) => void,
  ) {
    this.doc = { target, runId, attempt, startedAt: new Date().toISOString(), steps: [] };
    // A transcript that cannot be written must not break the install (the next change retries it).
    this.out = file ? new CoalescedFile(file, () => JSON.stringify(this.doc, null, 2), { onError: () => undefined }) : undefined;
  }

  private r(text: string): string {
    const t = this.redactor.redact(text);
    return t.length > CAP ? t.slice(0, CAP) + `\n…(${t.length - CAP} more characters)` : t;
  }

  get currentStep(): string | undefined {
    return this.current?.name;
  }

  step(name: string): void {
    this.endStep('ok');
    this.current = { name, startedAt: new Date().toISOString(), status: 'running', notes: [], commands: [] };
    this.startedMs = Date.now();
    this.doc.steps.push(this.current);
    this.onLine?.(this.r(`== ${name}`));
    this.out?.markDirty(WRITE_DELAY_MS);
  }

  endStep(status: TranscriptStep['status']): void {
    if (!this.current || this.current.status !== 'running') return;
    this.current.status = status;
    this.current.ms = Date.now() - this.startedMs;
  }

  note(text: string): void {
    if (!this.current) this.step('notes');
    const line = this.r(text);
    this.current!.notes.push(line);
    this.onLine?.(line);
    this.out?.markDirty(WRITE_DELAY_MS);
  }

  command(c: TranscriptCommand): void {
    if (!this.current) this.step('commands');
    const rec: TranscriptCommand = { ...c, command: this.r(c.command), stdout: this.r(c.stdout), stderr: this.r(c.stderr) };
    this.current!.commands.push(rec);
    this.onLine?.(`$ ${rec.sudo ? '[sudo] ' : ''}${rec.command}  → exit ${rec.exitCode ?? (rec.timedOut ? 'timeout' : 'none')} (${rec.ms} ms)`);
    this.out?.markDirty(WRITE_DELAY_MS);
  }

  /** Ends the record and writes it (resolves once it is on disk, or could not be written). */
  async finish(outcome: string, failed: boolean): Promise<void> {
    this.endStep(failed ? 'failed' : 'ok');
    this.doc.finishedAt = new Date().toISOString();
    this.doc.outcome = this.r(outcome);
    // The live log ends with the outcome too: a last attempt's failure is not a retry note, so
    // without this line the log stopped at the step that failed and never said why.
    this.onLine?.(`=> ${this.doc.outcome}`);
    await this.out?.close().catch(() => undefined);
  }
}
