// The ladder's command line, parsed once into frozen LadderOptions.
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { BENCH_DIR } from '../options.js'
import { RUNG_NAMES, type RungName } from './rungs.js'
import { byteSize, wholeNumber } from '../option-values.js'

export interface LadderOptions {
  /** Data file size in bytes (`--size`, e.g. 256M); default 256 MiB, reused from the data directory. */
  readonly sizeBytes: number
  /** Seed of the generated data and of wrk's random line numbers; default 1. */
  readonly seed: number
  /** Where data files are generated and reused; default bench/.data. */
  readonly dataDir: string
  /** Measured seconds per rung per round (wrk takes whole seconds); default 4. */
  readonly durationSeconds: number
  /** Seconds of the same load before each measurement, not counted; default 1, 0 for none. */
  readonly warmupSeconds: number
  /** Times the whole ladder runs, rungs interleaved within each round; default 3. */
  readonly rounds: number
  /** wrk connections; default 100. */
  readonly connections: number
  /** Rungs to run, in ladder order whatever order they were given in; default all. */
  readonly rungs: readonly RungName[]
  /** Where to write the results JSON; default none. */
  readonly jsonPath: string | undefined
  /** apt-get install wrk when missing; `--no-install` turns it off. */
  readonly install: boolean
  /**
   * Server on CPU 0 and one wrk thread on CPU 1 (`--pin`): each rung then pays for all its
   * threads on one core, and rounds agree within a few percent instead of tens.
   */
  readonly pin: boolean
}

export type ParsedLadderOptions = { readonly kind: 'ok', readonly options: LadderOptions } | { readonly kind: 'help' } | { readonly kind: 'invalid', readonly problems: readonly string[] }

export const LADDER_USAGE = `Usage: pnpm --filter bench ladder [options]
Serves random /lines/<n> through servers that add one layer at a time, each driven by wrk with
the same settings, and prints req/s and main-thread CPU µs per request per rung.
  --size <bytes>        data file size, e.g. 256M, 1G (default 256M; reused from --data-dir)
  --seed <int>          data and request seed (default 1)
  --data-dir <dir>      where data files are made and reused (default bench/.data)
  --duration <s>        measured seconds per rung per round (default 4)
  --warmup <s>          unmeasured seconds of load before each measurement (default 1; 0 for none)
  --rounds <n>          times the whole ladder runs, interleaved (default 3)
  --connections <n>     wrk connections (default 100)
  --rungs <list>        ${RUNG_NAMES.join(',')}
  --json <path>         write the results as JSON to this path
  --pin                 server on CPU 0, one wrk thread on CPU 1 (taskset): less noise, and every
                        thread of the server shares one core
  --no-install          do not apt-get install wrk when it is missing`

function rungList (text: string | undefined, problems: string[]): RungName[] {
  if (text === undefined) return [...RUNG_NAMES]
  const asked = text.split(',').map((s) => s.trim()).filter((s) => s !== '')
  for (const name of asked) if (!(RUNG_NAMES as readonly string[]).includes(name)) problems.push(`--rungs: unknown ${JSON.stringify(name)} (known: ${RUNG_NAMES.join(', ')})`)
  if (asked.length === 0) problems.push('--rungs: name at least one rung')
  return RUNG_NAMES.filter((name) => asked.includes(name))
}

const FLAGS = {
  size: { type: 'string' },
  seed: { type: 'string' },
  'data-dir': { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  rounds: { type: 'string' },
  connections: { type: 'string' },
  rungs: { type: 'string' },
  json: { type: 'string' },
  'no-install': { type: 'boolean' },
  pin: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} as const
type FlagValues = ReturnType<typeof parseArgs<{ args: string[], strict: true, options: typeof FLAGS }>>['values']

function readFlags (argv: readonly string[]): FlagValues | Error {
  try {
    // pnpm may pass the separator through: `pnpm --filter bench ladder -- --rounds 1`.
    return parseArgs({ args: argv.filter((a) => a !== '--'), strict: true, options: FLAGS }).values
  } catch (err) {
    return err as Error
  }
}

export function parseLadderOptions (argv: readonly string[]): ParsedLadderOptions {
  const values = readFlags(argv)
  if (values instanceof Error) return { kind: 'invalid', problems: [values.message] }
  if (values.help === true) return { kind: 'help' }
  const problems: string[] = []
  const sizeBytes = byteSize(values.size ?? '256M', 'size', 1024, problems)
  const cwd = process.env.INIT_CWD ?? process.cwd()
  const options: LadderOptions = {
    sizeBytes,
    seed: wholeNumber(values.seed, 'seed', 1, 0, problems),
    dataDir: resolve(cwd, values['data-dir'] ?? resolve(BENCH_DIR, '.data')),
    durationSeconds: wholeNumber(values.duration, 'duration', 4, 1, problems),
    warmupSeconds: wholeNumber(values.warmup, 'warmup', 1, 0, problems),
    rounds: wholeNumber(values.rounds, 'rounds', 3, 1, problems),
    connections: wholeNumber(values.connections, 'connections', 100, 1, problems),
    rungs: rungList(values.rungs, problems),
    jsonPath: values.json === undefined ? undefined : resolve(cwd, values.json),
    install: values['no-install'] !== true,
    pin: values.pin === true
  }
  if (problems.length > 0) return { kind: 'invalid', problems }
  return { kind: 'ok', options: Object.freeze(options) }
}
