import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Redactor } from '../logging/redact';

/**
 * The per-host record of an install: steps, commands, outputs, exit codes and timings. Every
 * string passes through the redactor when it is recorded, so the transcript on disk never holds
 * a registered secret (join token, agent secret, passwords). Outputs are capped.
 */
export interface TranscriptCommand {
  command: string;
  /** Whether it ran under sudo. */
  sudo?: boolean;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut?: boolean;
}

export interface TranscriptStep {
  name: string;
  startedAt: string;
  ms?: number;
  status: 'running' | 'ok' | 'warn' | 'failed' | 'skipped';
  notes: string[];
  commands: TranscriptCommand[];
}

export interface TranscriptDoc {
  target: string;
  runId: string;
  attempt: number;
  startedAt: string;
  finishedAt?: string;
  outcome?: string;
  steps: TranscriptStep[];
}

const CAP = 8192;

export class HostTranscript {
  readonly doc: TranscriptDoc;
  private current?: TranscriptStep;
  private startedMs = 0;

  constructor(
    target: string,
    runId: string,
    attempt: number,
    private readonly redactor: Redactor,
    private readonly file?: string,
    private readonly onLine?: (line: string) => void,
  ) {
    this.doc = { target, runId, attempt, startedAt: new Date().toISOString(), steps: [] };
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
    this.flush();
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
  }

  command(c: TranscriptCommand): void {
    if (!this.current) this.step('commands');
    const rec: TranscriptCommand = { ...c, command: this.r(c.command), stdout: this.r(c.stdout), stderr: this.r(c.stderr) };
    this.current!.commands.push(rec);
    this.onLine?.(`$ ${rec.sudo ? '[sudo] ' : ''}${rec.command}  → exit ${rec.exitCode ?? (rec.timedOut ? 'timeout' : 'none')} (${rec.ms} ms)`);
    this.flush();
  }

  finish(outcome: string, failed: boolean): void {
    this.endStep(failed ? 'failed' : 'ok');
    this.doc.finishedAt = new Date().toISOString();
    this.doc.outcome = this.r(outcome);
    this.flush();
  }

  flush(): void {
    if (!this.file) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      writeFileSync(this.file, JSON.stringify(this.doc, null, 2), { mode: 0o600 });
    } catch {
      /* a transcript that cannot be written must not break the install */
    }
  }
}
