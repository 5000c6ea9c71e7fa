// Summarises builds-ab.sh's runs: one line per run, "block req/s-here µs-here req/s-other
// µs-other". Each run of this tree is paired with the other build's run beside it, so the
// machine's drift between seconds cancels in their ratio; blocks (fresh servers each) say
// whether one pair of servers carried the result.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { median } from '../dist/src/ladder/ladder-results.js'

/** Parses the runs; throws on a line that is not five positive numbers, the block a whole one. */
export function parseRuns (text) {
  return text.split('\n').filter((line) => line.trim() !== '').map((line, i) => {
    const fields = line.trim().split(/\s+/).map(Number)
    if (fields.length !== 5 || !fields.every((x) => Number.isFinite(x) && x > 0) || !Number.isInteger(fields[0])) {
      throw new Error(`run ${i + 1}: expected "block req/s µs req/s µs", got ${JSON.stringify(line)}`)
    }
    const [block, hereRps, hereMicros, otherRps, otherMicros] = fields
    return { block, hereRps, hereMicros, otherRps, otherMicros }
  })
}

export function summariseRuns (runs) {
  if (runs.length === 0) throw new Error('no runs to summarise')
  const blocks = new Map()
  for (const run of runs) blocks.set(run.block, [...(blocks.get(run.block) ?? []), Math.log(run.hereRps / run.otherRps)])
  // A block's ratio is the geometric mean of its runs' ratios: ratios multiply, they do not add.
  const blockRatios = [...blocks.values()].map((logs) => Math.exp(logs.reduce((a, b) => a + b, 0) / logs.length))
  return {
    runs: runs.length,
    rpsRatio: median(runs.map((run) => run.hereRps / run.otherRps)),
    runsAhead: runs.filter((run) => run.hereRps > run.otherRps).length,
    blocks: blockRatios.length,
    blocksAhead: blockRatios.filter((ratio) => ratio > 1).length,
    lowestBlock: Math.min(...blockRatios),
    highestBlock: Math.max(...blockRatios),
    mainMicrosRatio: median(runs.map((run) => run.hereMicros / run.otherMicros))
  }
}

export function formatSummary (summary, against, here = 'this tree') {
  const s = summary
  return [
    `${here} against ${against}: req/s ${s.rpsRatio.toFixed(3)}× (median of ${s.runs} paired runs), ahead in ${s.runsAhead} of ${s.runs} runs`,
    `  and in ${s.blocksAhead} of ${s.blocks} blocks (block ratios ${s.lowestBlock.toFixed(3)}-${s.highestBlock.toFixed(3)}); main-thread CPU per request ${s.mainMicrosRatio.toFixed(3)}×`
  ].join('\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, against, here] = process.argv.slice(2)
  if (file === undefined || against === undefined) {
    console.error('usage: builds-ab-summary.mjs <runs-file> <revision> [<this tree\'s label>]')
    process.exit(2)
  }
  console.log(formatSummary(summariseRuns(parseRuns(readFileSync(file, 'utf8'))), against, here))
}
