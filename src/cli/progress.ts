/**
 * Progress display: a bar on a terminal (cli-progress), one line every few seconds otherwise (logs, CI).
 */
import cliProgress from 'cli-progress';

export interface ProgressView {
  update(done: number, fields: Record<string, string | number>): void;
  stop(): void;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function createProgress(
  total: number,
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressView {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {info} | ETA {eta_text}`,
        hideCursor: true,
        stream,
        barsize: 24,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { info: '', eta_text: '--' });
    return {
      update(done, fields) {
        const { eta, ...rest } = fields;
        bar.update(done, {
          info: Object.entries(rest)
            .map(([k, v]) => `${k} ${v}`)
            .join(' '),
          eta_text: eta ?? '--',
        });
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update(done, fields) {
      const now = Date.now();
      if (now - last < 5000 && done < total) return;
      last = now;
      const info = Object.entries(fields)
        .map(([k, v]) => `${k} ${v}`)
        .join(' ');
      stream.write(`${label} ${((100 * done) / total).toFixed(0)}% ${info}\n`);
    },
    stop() {},
  };
}
