// The ladder's wrk script: every request asks for a uniformly random line in [1, lineCount].
// Each wrk thread has its own Lua state, seeded from the run's seed and its thread number.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { WRK_SUMMARY_LUA, WRK_THREAD_ID_LUA } from '../load/wrk-process.js'

const RANDOM_LINES_LUA = `
local lineCount = 1
${WRK_THREAD_ID_LUA}
function init(args)
  lineCount = tonumber(args[1])
  math.randomseed(tonumber(args[2]) * 1000 + (id or 0))
end
function request()
  return wrk.format(nil, "/lines/" .. math.random(1, lineCount))
end
${WRK_SUMMARY_LUA}`

export function writeRandomLinesScript (dir: string): string {
  const path = join(dir, 'random-lines.lua')
  writeFileSync(path, RANDOM_LINES_LUA)
  return path
}

/** The script's `init(args)`: the line count and a seed. */
export function randomLinesArgs (lineCount: number, seed: number): string[] {
  return [String(lineCount), String(seed)]
}
