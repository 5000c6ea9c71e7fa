// `line-index <file>`: builds (or checks) the index of a data file and prints one summary line.
import { dirname, resolve } from 'node:path'
import { availableParallelism } from 'node:os'
import { accessSync, constants, statSync } from 'node:fs'
import { formatHelp, parseCommandLine, type OptionSpec } from '@line-server/shared'
import { DEFAULT_CHECKPOINT_EVERY_BYTES, DEFAULT_CHECKPOINT_EVERY_LINES, DEFAULT_INDEX_MAX_BYTES } from './build-index.js'
import { ensureIndex } from './ensure-index.js'
import { createProgressReporter } from './progress.js'

export const INDEX_OPTIONS: readonly OptionSpec[] = [
  { flag: 'index-dir', env: 'LINE_SERVER_INDEX_DIR', kind: 'string', description: 'directory for the index file (default: next to the data file)' },
  { flag: 'index-threads', env: 'LINE_SERVER_INDEX_THREADS', kind: 'integer', min: 1, max: 256, default: availableParallelism(), description: 'threads that scan the file when indexing' },
  { flag: 'checkpoint-lines', env: 'LINE_SERVER_CHECKPOINT_LINES', kind: 'integer', min: 1, max: 1_000_000, default: DEFAULT_CHECKPOINT_EVERY_LINES, description: 'index checkpoint at least every this many lines' },
  { flag: 'index-max-bytes', env: 'LINE_SERVER_INDEX_MAX_BYTES', kind: 'bytes', min: 1024 * 1024, default: DEFAULT_INDEX_MAX_BYTES, description: 'most memory the index may take; lines per checkpoint grow to fit' },
  { flag: 'checkpoint-bytes', env: 'LINE_SERVER_CHECKPOINT_BYTES', kind: 'bytes', min: 1024, max: 64 * 1024 * 1024, default: DEFAULT_CHECKPOINT_EVERY_BYTES, description: 'index checkpoint at least every this many bytes (bounds bytes read per lookup)' }
]

export async function runCli (argv: readonly string[]): Promise<number> {
  const parsed = parseCommandLine(INDEX_OPTIONS, argv, process.env)
  if (parsed.help) {
    process.stdout.write(formatHelp('Usage: line-index <file> [options]\nBuilds the line index of <file> unless a valid one exists.', INDEX_OPTIONS))
    return 0
  }
  const problems = [...parsed.problems]
  if (parsed.positionals.length !== 1) problems.push(`expected exactly one data file, got ${parsed.positionals.length}`)
  if (problems.length > 0) {
    process.stderr.write(`line-index: invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`)
    return 2
  }
  const dataPath = resolveUserPath(parsed.positionals[0]!)
  const unreadable = checkReadableFile(dataPath)
  if (unreadable !== undefined) {
    process.stderr.write(`line-index: ${unreadable}\n`)
    return 1
  }
  const progress = createProgressReporter(process.stderr, 'indexing')
  const v = parsed.values
  const result = await ensureIndex({
    dataPath,
    indexDir: v['index-dir'] === undefined ? undefined : resolveUserPath(v['index-dir'] as string),
    threads: v['index-threads'] as number,
    checkpointEveryLines: v['checkpoint-lines'] as number,
    checkpointEveryBytes: v['checkpoint-bytes'] as number,
    indexMaxBytes: v['index-max-bytes'] as number,
    onProgress: progress.update
  })
  progress.finish()
  const { header, build } = result
  const summary = build === undefined
    ? `index ${result.indexPath} is up to date: ${header.lineCount} lines, ${header.dataSizeBytes} bytes, loaded in ${result.loadSeconds.toFixed(3)} s`
    : `indexed ${dataPath}: ${header.lineCount} lines, ${header.dataSizeBytes} bytes in ${build.seconds.toFixed(2)} s ` +
      `(${(header.dataSizeBytes / 1e9 / Math.max(build.seconds, 1e-9)).toFixed(2)} GB/s, ${build.threads} threads), ` +
      `${header.checkpointCount} checkpoints, ${(header.checkpointCount * 16 / Math.max(1, header.lineCount)).toFixed(3)} index bytes/line, ` +
      `written to ${result.indexPath} (previous index: ${result.rebuiltBecause})`
  process.stdout.write(summary + '\n')
  return 0
}

/**
 * Paths are relative to where the user ran the command. Under `pnpm --filter indexer start`,
 * pnpm moves the process into our package directory and leaves the user's directory in
 * INIT_CWD. Every process an npm script starts inherits INIT_CWD, so it counts only when this
 * process runs one of our own package scripts from that package's directory.
 */
export function resolveUserPath (path: string): string {
  const initCwd = process.env.INIT_CWD
  const packageJson = process.env.npm_package_json
  const startedByOurScript = initCwd !== undefined && packageJson !== undefined &&
    process.env.npm_package_name?.startsWith('@line-server/') === true && dirname(packageJson) === process.cwd()
  return resolve(startedByOurScript ? initCwd : process.cwd(), path)
}

/** Undefined when `path` is a readable regular file, else a sentence saying what is wrong. */
export function checkReadableFile (path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return `${path} is not a regular file`
    accessSync(path, constants.R_OK)
    return undefined
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return `${path} does not exist`
    if (code === 'EACCES') return `${path} is not readable (permission denied)`
    return `${path} cannot be read: ${(err as Error).message}`
  }
}
