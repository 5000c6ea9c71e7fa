// JSON log lines on stdout: one object per line, so any log shipper can read them.
export type LogLevel = 'info' | 'warn' | 'error'

export interface Logger {
  readonly log: (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void
}

export function createLogger (stream: NodeJS.WritableStream = process.stdout): Logger {
  return {
    log (level, msg, fields) {
      stream.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }) + '\n')
    }
  }
}

/** A logger that keeps lines in memory, for tests. */
export function createMemoryLogger (): Logger & { readonly lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = []
  return { lines, log: (level, msg, fields) => { lines.push({ level, msg, ...fields }) } }
}
