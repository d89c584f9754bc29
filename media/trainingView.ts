/**
 * The panel's training strip (GraphStep: Train): Train, Pause/Resume and
 * Stop, the live loss and accuracy curves, and the training timeline — a
 * slider and a number box that, like a click on the curve, put the graph at
 * an iteration. The host owns the history; this keeps a copy to draw.
 */
import * as l10n from '@vscode/l10n';
import { decodeNumber, type WebviewMessage } from '../src/core/protocol';
import type { TrainingMessage } from '../src/core/trainingProtocol';
import trainingCss from './training.css';
import { TrainingChart } from './trainingChart';
import { addStyle } from './trainingStyle';

addStyle(trainingCss);

type Run = NonNullable<TrainingMessage['run']>;

export class TrainingView {
  private readonly root: HTMLElement;
  private readonly chart: TrainingChart;
  private readonly buttons: Record<'train' | 'pause' | 'resume' | 'stop', HTMLButtonElement>;
  private readonly slider: HTMLInputElement;
  private readonly box: HTMLInputElement;
  private readonly status: HTMLElement;
  private readonly staleLabel: HTMLElement;
  private run: { id: number; losses: number[]; epochs: { step: number; train: number; test: number | null }[]; last: Run } | null = null;

  constructor(
    parent: HTMLElement,
    before: HTMLElement,
    private readonly post: (message: WebviewMessage) => void,
  ) {
    const root = (this.root = document.createElement('section'));
    root.id = 'training';
    root.hidden = true;
    root.setAttribute('aria-label', l10n.t('Training'));
    root.innerHTML = `<div class="gs-training-bar">
  <button class="gs-train" title="${esc(l10n.t('Train the file from its first step (GraphStep: Train)'))}">${esc(l10n.t('Train'))}</button>
  <button class="gs-pause" title="${esc(l10n.t('Pause Training'))}">${esc(l10n.t('Pause'))}</button>
  <button class="gs-resume" title="${esc(l10n.t('Resume Training'))}">${esc(l10n.t('Resume'))}</button>
  <button class="gs-stop" title="${esc(l10n.t('Stop Training'))}">${esc(l10n.t('Stop'))}</button>
  <label class="gs-iteration">${esc(l10n.t('Iteration'))} <input class="gs-iteration-box" type="number" min="0" value="0" aria-label="${esc(l10n.t('Training iteration'))}"></label>
  <input class="gs-iteration-slider" type="range" min="0" max="0" value="0" aria-label="${esc(l10n.t('Training timeline'))}">
  <span class="gs-training-status" aria-live="polite"></span>
  <span class="gs-stale" hidden>${esc(l10n.t('stale — the file changed'))}</span>
</div>
<div class="gs-training-chart"></div>`;
    parent.insertBefore(root, before);
    const q = <T extends HTMLElement>(selector: string): T => root.querySelector(selector) as T;
    this.buttons = { train: q('.gs-train'), pause: q('.gs-pause'), resume: q('.gs-resume'), stop: q('.gs-stop') };
    for (const action of ['train', 'pause', 'resume', 'stop'] as const) this.buttons[action].addEventListener('click', () => post({ type: 'trainingAction', action }));
    this.slider = q('.gs-iteration-slider');
    this.box = q('.gs-iteration-box');
    this.status = q('.gs-training-status');
    this.staleLabel = q('.gs-stale');
    this.chart = new TrainingChart(q('.gs-training-chart'), (k) => this.goTo(k));
    this.slider.addEventListener('input', () => (this.box.value = this.slider.value));
    this.slider.addEventListener('change', () => this.goTo(Number(this.slider.value)));
    this.box.addEventListener('change', () => this.goTo(Number(this.box.value)));
    // The arrows move the training timeline here, not the graph's step.
    this.slider.addEventListener('keydown', (e) => ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'].includes(e.key) && e.stopPropagation());
  }

  show(message: TrainingMessage): void {
    this.root.hidden = !message.trains && !message.run;
    const run = message.run;
    if (!run) {
      this.run = null;
      this.render(null);
      return;
    }
    if (run.from === 0 || this.run?.id !== run.id) this.run = { id: run.id, losses: [], epochs: [], last: run };
    else if (run.from !== this.run.losses.length) return this.post({ type: 'requestTraining' });
    for (const l of run.losses) this.run.losses.push(decodeNumber(l));
    for (const e of run.epochs) this.run.epochs.push({ step: e.step, train: decodeNumber(e.train), test: e.test === null ? null : decodeNumber(e.test) });
    this.run.last = run;
    this.render(run);
  }

  private goTo(k: number): void {
    const last = this.run?.last;
    if (!last || last.stale || !Number.isInteger(k)) return;
    const iteration = Math.max(0, Math.min(this.run!.losses.length, k));
    this.chart.mark(iteration);
    this.post({ type: 'goToIteration', iteration });
  }

  private render(run: Run | null): void {
    const active = run?.state === 'running' || run?.state === 'paused';
    this.buttons.train.hidden = active;
    this.buttons.pause.hidden = run?.state !== 'running';
    this.buttons.resume.hidden = run?.state !== 'paused';
    this.buttons.stop.hidden = !active;
    this.root.classList.toggle('gs-has-run', run !== null);
    this.root.classList.toggle('gs-stale', run?.stale ?? false);
    this.staleLabel.hidden = !run?.stale;
    const history = this.run;
    if (!run || !history) {
      this.status.textContent = l10n.t('Train this file to see its loss and accuracy curves.');
      return;
    }
    const taken = history.losses.length;
    this.slider.max = this.box.max = String(taken);
    this.slider.disabled = this.box.disabled = run.stale;
    const shown = run.iteration ?? taken;
    if (document.activeElement !== this.box) this.box.value = String(shown);
    this.slider.value = String(shown);
    this.status.textContent = statusText(run, history.losses, history.epochs);
    this.root.dataset.state = run.state;
    this.root.dataset.iteration = run.iteration === null ? '' : String(run.iteration);
    this.chart.show({ losses: history.losses, epochs: history.epochs, steps: run.steps }, run.iteration);
  }
}

/** `step 120/2000 · loss 0.4521 · train 91.2% · test 90.1% · 1.6 MiB kept (a checkpoint every 20 steps)`, and why it stopped. */
function statusText(run: Run, losses: readonly number[], epochs: readonly { train: number; test: number | null }[]): string {
  const parts = [l10n.t('step {0}/{1}', losses.length, run.steps)];
  const loss = losses[losses.length - 1];
  if (loss !== undefined) parts.push(l10n.t('loss {0}', loss.toPrecision(5)));
  const epoch = epochs[epochs.length - 1];
  if (epoch) parts.push(l10n.t('train {0}', `${(epoch.train * 100).toFixed(1)}%`));
  if (epoch && epoch.test !== null) parts.push(l10n.t('test {0}', `${(epoch.test * 100).toFixed(1)}%`));
  parts.push(run.checkpointEvery === 1 ? l10n.t('{0} kept (a checkpoint every step)', bytes(run.memoryBytes)) : l10n.t('{0} kept (a checkpoint every {1} steps)', bytes(run.memoryBytes), run.checkpointEvery));
  if (run.state !== 'running') parts.push(STATE_TEXT[run.state]() + (run.message && !run.stale ? `: ${run.message}` : ''));
  if (run.iteration !== null) parts.push(l10n.t('showing iteration {0}', run.iteration));
  return parts.join(' · ');
}

const STATE_TEXT: Record<Run['state'], () => string> = {
  running: () => l10n.t('running'),
  paused: () => l10n.t('paused'),
  done: () => l10n.t('done'),
  stopped: () => l10n.t('stopped'),
  failed: () => l10n.t('failed'),
};

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
