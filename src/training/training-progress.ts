/** Training progress, shown as it happens: a console line (CLI), log lines at each quarter and at the end
 * of every step (app and workers), and gauges on /metrics (model, fold, epoch, share done, ETA). A step is
 * one walk-forward fold of one family, or its final model (fold -1). */
import { trainingEpoch, trainingEtaSeconds, trainingFold, trainingProgressRatio } from '../../monitoring/metrics.js';

/** Called by the families: `done` of `total` units (trees, or batches over every epoch). */
export type TrainProgressFn = (model: string, fold: number, done: number, total: number, epoch?: number) => void;

/** One progress report, with the ETA worked out. */
export interface TrainProgress {
  model: string;
  /** 1-based fold, or 'final'. */
  fold: number | 'final';
  done: number;
  total: number;
  epoch?: number;
  etaSeconds: number;
}

/** Track the steps, keep the gauges current, and pass each report (with its ETA) to `sink`. */
export function trackTraining(sink: (p: TrainProgress) => void, now: () => number = () => performance.now()): TrainProgressFn {
  let step = '';
  let started = 0;
  return (model, fold, done, total, epoch) => {
    const key = `${model}:${fold}`;
    if (key !== step) {
      step = key;
      started = now();
    }
    const elapsed = (now() - started) / 1000;
    const etaSeconds = done > 0 ? (elapsed / done) * (total - done) : Number.NaN;
    trainingFold.set({ model }, fold < 0 ? 0 : fold + 1);
    trainingProgressRatio.set({ model }, total > 0 ? done / total : 0);
    if (Number.isFinite(etaSeconds)) trainingEtaSeconds.set({ model }, etaSeconds);
    if (epoch !== undefined) trainingEpoch.set({ model }, epoch);
    sink({ model, fold: fold < 0 ? 'final' : fold + 1, done, total, epoch, etaSeconds });
  };
}

/** One line for a console. */
export function progressLine(p: TrainProgress): string {
  const eta = Number.isFinite(p.etaSeconds) ? `, ETA ${Math.ceil(p.etaSeconds)} s` : '';
  return `${p.model} ${p.fold === 'final' ? 'final model' : `fold ${p.fold}`}${p.epoch ? `, epoch ${p.epoch}` : ''}: ${p.done}/${p.total}${eta}`;
}

/** Log sink: a line at each quarter of a step and when it ends. */
export function logTraining(log: { info(o: object, msg: string): void }): (p: TrainProgress) => void {
  let lastQuarter = -1;
  let step = '';
  return (p) => {
    const key = `${p.model}:${p.fold}`;
    if (key !== step) {
      step = key;
      lastQuarter = -1;
    }
    const quarter = Math.floor((4 * p.done) / Math.max(1, p.total));
    if (quarter === lastQuarter) return;
    lastQuarter = quarter;
    log.info({ model: p.model, fold: p.fold, epoch: p.epoch, done: p.done, total: p.total, etaSeconds: Math.round(p.etaSeconds) }, `train ${progressLine(p)}`);
  };
}
