/** Training progress: each report carries the fold, epoch and an ETA from the step's pace so far, and the
 * gauges on /metrics follow it; a new step (fold or final model) restarts the clock. */
import { describe, expect, it } from 'vitest';
import { registry } from '../../monitoring/metrics.js';
import { progressLine, trackTraining, type TrainProgress } from '../../src/training/training-progress.js';

const gauge = async (name: string, model: string): Promise<number> => {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name)!;
  return (m.values as Array<{ value: number; labels: Record<string, string> }>).find((v) => v.labels.model === model)!.value;
};

describe('training progress', () => {
  it('works out the ETA from the pace of the current step and keeps the gauges current', async () => {
    let now = 0;
    const seen: TrainProgress[] = [];
    const report = trackTraining((p) => seen.push(p), () => now);
    report('lstm', 1, 0, 100, 1);
    now = 10_000;
    report('lstm', 1, 25, 100, 1); // 25 batches in 10 s: 75 left take 30 s
    expect(seen.at(-1)).toEqual({ model: 'lstm', fold: 2, done: 25, total: 100, epoch: 1, etaSeconds: 30 });
    expect(progressLine(seen.at(-1)!)).toBe('lstm fold 2, epoch 1: 25/100, ETA 30 s');
    expect(await gauge('tiller_training_fold', 'lstm')).toBe(2);
    expect(await gauge('tiller_training_epoch', 'lstm')).toBe(1);
    expect(await gauge('tiller_training_progress_ratio', 'lstm')).toBe(0.25);
    expect(await gauge('tiller_training_eta_seconds', 'lstm')).toBe(30);
    // The final model is a new step: its clock starts at its first report.
    now = 50_000;
    report('lstm', -1, 10, 40, 2);
    now = 54_000;
    report('lstm', -1, 20, 40, 2);
    expect(seen.at(-1)).toMatchObject({ fold: 'final', etaSeconds: 4 });
    expect(await gauge('tiller_training_fold', 'lstm')).toBe(0);
    expect(progressLine(seen.at(-1)!)).toBe('lstm final model, epoch 2: 20/40, ETA 4 s');
  });
});
