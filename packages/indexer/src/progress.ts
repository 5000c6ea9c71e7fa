// Index-build progress for people: a redrawn bar on a TTY (bytes, GB/s, ETA), nothing until
// the summary line otherwise, so logs and CI output stay one line per build.

export interface ProgressReporter {
  readonly update: (scannedBytes: number, totalBytes: number) => void
  readonly finish: () => void
}

export function createProgressReporter (stream: NodeJS.WriteStream, label: string): ProgressReporter {
  if (stream.isTTY !== true) return { update: () => {}, finish: () => {} }
  const started = process.hrtime.bigint()
  let drawn = false
  return {
    update (scanned, total) {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      const rate = seconds > 0 ? scanned / seconds : 0
      const fraction = total === 0 ? 1 : scanned / total
      const width = 30
      const filled = Math.round(fraction * width)
      const eta = rate > 0 ? (total - scanned) / rate : 0
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${formatGB(scanned)}/${formatGB(total)} GB  ${formatGB(rate)} GB/s  ETA ${eta.toFixed(0)}s `)
      drawn = true
    },
    finish () { if (drawn) stream.write('\n') }
  }
}

function formatGB (bytes: number): string {
  return (bytes / 1e9).toFixed(2)
}
