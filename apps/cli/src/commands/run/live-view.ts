import cliProgress from 'cli-progress';
import type { Output } from '../../output/output.js';
import { plainLineDue, plainProgressLine, progressFigures, thresholdState, type Progress } from './progress.js';

/** How a run's progress is shown while it runs. */
export interface LiveView {
  update(progress: Progress): void;
  /** A message between progress updates (a state change, a warning), kept above a redrawn display. */
  note(text: string): void;
  /** Ends the display, leaving its last state on screen, before the summary is printed. */
  stop(): void;
}

/**
 * In a terminal: a bar with the figures, redrawn every second in place (cli-progress), and one line per threshold with its
 * state. cli-progress draws at its own pace; the figures are those of the last window received.
 */
export function terminalView(out: Output): LiveView {
  const { colors } = out;
  let progress: Progress | undefined;
  const multi = new cliProgress.MultiBar(
    {
      stream: out.stream,
      hideCursor: true,
      clearOnComplete: false,
      barsize: 20,
      fps: 4,
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const main = multi.create(
    1,
    0,
    {},
    {
      format: (options, params) => `${cliProgress.Format.BarFormat(params.progress, options)} ${progress ? progressFigures(progress, colors) : 'starting…'}`,
    },
  );
  const thresholdBars: cliProgress.SingleBar[] = [];
  return {
    update(next) {
      progress = next;
      main.setTotal(Math.max(1, next.totalSeconds));
      main.update(Math.min(next.elapsedSeconds, next.totalSeconds));
      next.thresholds.forEach((outcome, index) => {
        const line = () => `  ${thresholdState(progress?.thresholds[index] ?? outcome, colors)}`;
        if (!thresholdBars[index]) thresholdBars[index] = multi.create(1, 0, {}, { format: line });
      });
      multi.update();
    },
    note(text) {
      multi.log(`${text}\n`);
    },
    stop() {
      multi.update();
      multi.stop();
    },
  };
}

/** In a log (no terminal): one plain line on the first window, then one every `everySeconds` of the run. */
export function plainView(out: Output, everySeconds = 10): LiveView {
  let lastPrinted: number | undefined;
  let latest: Progress | undefined;
  return {
    update(progress) {
      latest = progress;
      if (!plainLineDue(lastPrinted, progress.elapsedSeconds, everySeconds)) return;
      lastPrinted = progress.elapsedSeconds;
      out.line(plainProgressLine(progress, out.colors));
    },
    note(text) {
      out.line(text);
    },
    stop() {
      // The last figures, unless they were just printed: the log ends on the run's final state.
      if (latest && lastPrinted !== latest.elapsedSeconds) out.line(plainProgressLine(latest, out.colors));
    },
  };
}
