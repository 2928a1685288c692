import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/contract/errors';
import type { TaskLogEvent, TaskPromptEvent, TaskPromptView, TaskView } from '../../shared/schemas/install';
import { Redactor } from '../logging/redact';
import type { HostKeyAnswer, Prompter } from '../ssh/prompter';

/**
 * Long work (SSH installs) as tasks: an AbortController per task, progress 0–1, status, a
 * bounded ring of redacted log lines, and pending questions (host key, passphrase, password,
 * sudo password, confirm) answered through answer(). Events go to one callback the lead wires
 * to the EventHub: task:update, task:log, task:prompt.
 */
export type TaskEvent = { name: 'task:update'; payload: TaskView } | { name: 'task:log'; payload: TaskLogEvent } | { name: 'task:prompt'; payload: TaskPromptEvent };

export interface TaskContext {
  id: string;
  signal: AbortSignal;
  log(line: string): void;
  progress(fraction: number, message?: string): void;
  /** A Prompter whose questions become task prompts. */
  prompter: Prompter;
  redactor: Redactor;
}

interface TaskState {
  view: TaskView;
  controller: AbortController;
  lines: string[];
  firstLine: number;
  prompts: Map<string, { view: TaskPromptView; resolve: (answer: string | undefined) => void }>;
}

export class TaskManager {
  private readonly tasks = new Map<string, TaskState>();

  constructor(private readonly o: { emit?: (e: TaskEvent) => void; maxLines?: number; redactor?: Redactor; maxFinishedTasks?: number } = {}) {}

  /** Starts `work` at once and returns its task id. */
  create(kind: TaskView['kind'], title: string, work: (ctx: TaskContext) => Promise<TaskView['result'] | void>): string {
    const id = randomUUID();
    const controller = new AbortController();
    // The run's own secrets (join tokens, passwords it was given) live and die with the run.
    const redactor = (this.o.redactor ?? new Redactor()).child();
    const st: TaskState = {
      view: { id, kind, title, status: 'running', progress: 0, createdAt: new Date().toISOString(), pendingPrompts: [] },
      controller,
      lines: [],
      firstLine: 0,
      prompts: new Map(),
    };
    this.tasks.set(id, st);
    this.prune();
    const ask = (q: Omit<TaskPromptView, 'id'>, withdrawn?: AbortSignal): Promise<string | undefined> =>
      new Promise((resolve) => {
        if (controller.signal.aborted || withdrawn?.aborted) return resolve(undefined);
        const pid = randomUUID();
        const view: TaskPromptView = { id: pid, ...q };
        st.prompts.set(pid, { view, resolve });
        st.view.pendingPrompts = [...st.prompts.values()].map((p) => p.view);
        this.emit({ name: 'task:prompt', payload: { taskId: id, prompt: view } });
        this.update(st);
        controller.signal.addEventListener('abort', () => this.settlePrompt(st, pid, undefined), { once: true });
        // The connection that asked is gone: take the question off the screen.
        withdrawn?.addEventListener('abort', () => this.settlePrompt(st, pid, undefined), { once: true });
      });
    const prompter: Prompter = {
      hostKey: async (q, o) => {
        const a = await ask({ kind: 'host-key', target: q.target, message: `Unknown host key for ${q.hostName}: ${q.keyType} ${q.fingerprint}${q.note ? ` (${q.note})` : ''}`, choices: ['once', 'remember', 'reject'], secret: false, fingerprint: q.fingerprint }, o?.withdrawn);
        return a === 'once' || a === 'remember' ? (a as HostKeyAnswer) : 'reject';
      },
      secret: async (q, o) => {
        const a = await ask({ kind: q.kind, target: q.target, message: q.message, secret: q.echo !== true }, o?.withdrawn);
        if (a !== undefined && q.echo !== true) redactor.add(a);
        return a;
      },
      confirm: async (q) => (await ask({ kind: 'confirm', target: q.target, message: q.message, choices: ['yes', 'no'], secret: false })) === 'yes',
    };
    const ctx: TaskContext = {
      id,
      signal: controller.signal,
      redactor,
      prompter,
      log: (line) => {
        const text = redactor.redact(line);
        st.lines.push(text);
        const max = this.o.maxLines ?? 5000;
        if (st.lines.length > max) {
          st.lines.splice(0, st.lines.length - max);
          st.firstLine++;
        }
        this.emit({ name: 'task:log', payload: { taskId: id, line: text } });
      },
      progress: (fraction, message) => {
        st.view.progress = Math.max(0, Math.min(1, fraction));
        if (message !== undefined) st.view.message = redactor.redact(message);
        this.update(st);
      },
    };
    void Promise.resolve()
      .then(() => work(ctx))
      .then(
        (result) => {
          st.view.status = controller.signal.aborted ? 'cancelled' : 'succeeded';
          st.view.progress = 1;
          if (result) st.view.result = JSON.parse(redactor.redact(JSON.stringify(result))) as TaskView['result'];
        },
        (err: unknown) => {
          st.view.status = controller.signal.aborted ? 'cancelled' : 'failed';
          st.view.error = err instanceof AppError ? { code: err.code, message: redactor.redact(err.message) } : { code: 'internal', message: redactor.redact(err instanceof Error ? err.message : String(err)) };
        },
      )
      .finally(() => {
        for (const pid of [...st.prompts.keys()]) this.settlePrompt(st, pid, undefined);
        st.view.finishedAt = new Date().toISOString();
        this.update(st);
      });
    this.update(st);
    return id;
  }

  get(id: string): TaskView & { log: string[] } {
    const st = this.tasks.get(id);
    if (!st) throw new AppError('not_found', `There is no task ${id}.`, 'taskId');
    return { ...st.view, log: [...st.lines] };
  }

  list(): TaskView[] {
    return [...this.tasks.values()].map((t) => ({ ...t.view }));
  }

  /** Aborts the task's signal: SSH connections opened with it close at once. */
  cancel(id: string): TaskView {
    const st = this.tasks.get(id);
    if (!st) throw new AppError('not_found', `There is no task ${id}.`, 'taskId');
    if (st.view.status === 'running') {
      st.view.status = 'cancelling';
      st.controller.abort(new AppError('cancelled', 'Cancelled by the user.'));
      this.update(st);
    }
    return { ...st.view };
  }

  /** Answers a pending prompt; undefined answer = refuse / cancel that question. */
  answer(taskId: string, promptId: string, answer: string | undefined): void {
    const st = this.tasks.get(taskId);
    if (!st) throw new AppError('not_found', `There is no task ${taskId}.`, 'taskId');
    const p = st.prompts.get(promptId);
    if (!p) throw new AppError('not_found', 'That question was already answered or withdrawn.', 'promptId');
    if (p.view.choices && answer !== undefined && !p.view.choices.includes(answer)) throw new AppError('invalid_input', `Answer one of ${p.view.choices.join(', ')}.`, 'answer');
    this.settlePrompt(st, promptId, answer);
  }

  private settlePrompt(st: TaskState, pid: string, answer: string | undefined): void {
    const p = st.prompts.get(pid);
    if (!p) return;
    st.prompts.delete(pid);
    st.view.pendingPrompts = [...st.prompts.values()].map((x) => x.view);
    p.resolve(answer);
    this.update(st);
  }

  private update(st: TaskState): void {
    this.emit({ name: 'task:update', payload: { ...st.view } });
  }

  private emit(e: TaskEvent): void {
    try {
      this.o.emit?.(e);
    } catch {
      /* a broken listener must not break the task */
    }
  }

  private prune(): void {
    const max = this.o.maxFinishedTasks ?? 50;
    const finished = [...this.tasks.values()].filter((t) => t.view.status !== 'running' && t.view.status !== 'cancelling');
    for (const t of finished.slice(0, Math.max(0, finished.length - max))) this.tasks.delete(t.view.id);
  }
}
