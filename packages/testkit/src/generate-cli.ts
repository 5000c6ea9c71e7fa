// `generate-data --size 1G --out FILE [--seed N]`: writes a reproducible data file.
import { parseBytes } from './sizes.js'
import { generateDataFile } from './datagen.js'

export async function runGenerateCli (argv: readonly string[]): Promise<number> {
  const args = new Map<string, string>()
  for (let i = 0; i < argv.length; i += 2) args.set(argv[i]!.replace(/^--/, ''), argv[i + 1] ?? '')
  const size = parseBytes(args.get('size') ?? '')
  const out = args.get('out')
  const seed = Number(args.get('seed') ?? '1')
  if (size === undefined || out === undefined || out === '' || !Number.isInteger(seed)) {
    process.stderr.write('usage: generate-data --size <bytes, e.g. 10M, 1G> --out <file> [--seed <int>]\n')
    return 2
  }
  const started = Date.now()
  const result = generateDataFile(out, size, { seed })
  const seconds = (Date.now() - started) / 1000
  process.stdout.write(`wrote ${out}: ${result.lines} lines, ${result.bytes} bytes in ${seconds.toFixed(1)} s (seed ${seed})\n`)
  return 0
}
