// `pnpm --filter bench ladder [options]`: runs the cost ladder, prints its table, and writes the
// JSON when asked (--json). Exits 1 when any rung failed in any round.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseLadderOptions, LADDER_USAGE } from './ladder-options.js'
import { formatLadder } from './ladder-table.js'
import { runLadder } from './run-ladder.js'

async function main (argv: readonly string[]): Promise<number> {
  const parsed = parseLadderOptions(argv)
  if (parsed.kind === 'help') { process.stdout.write(LADDER_USAGE + '\n'); return 0 }
  if (parsed.kind === 'invalid') { process.stderr.write(`ladder: ${parsed.problems.join('\n  ')}\n${LADDER_USAGE}\n`); return 2 }
  const options = parsed.options
  const log = (text: string): void => { process.stderr.write(`ladder: ${text}\n`) }
  const command = ['pnpm --filter bench ladder', ...argv.filter((a) => a !== '--')].join(' ')
  const results = await runLadder(options, command, log)
  process.stdout.write(`\n${formatLadder(results)}\n`)
  for (const note of results.notes) process.stdout.write(`note: ${note}\n`)
  if (options.jsonPath !== undefined) {
    mkdirSync(dirname(options.jsonPath), { recursive: true })
    writeFileSync(options.jsonPath, JSON.stringify(results, null, 2) + '\n')
    process.stdout.write(`wrote ${options.jsonPath}\n`)
  }
  return results.rungs.some((rung) => rung.rounds.some((r) => r.failure !== undefined)) ? 1 : 0
}

process.exitCode = await main(process.argv.slice(2))
