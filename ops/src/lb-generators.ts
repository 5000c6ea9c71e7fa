// Runs the balancer config generators (lb/generate-haproxy.mjs, lb/generate-shards.mjs) as an
// operator would, so tests check their command lines and not only their internals.
import { spawnSync } from 'node:child_process'
import { GENERATE_HAPROXY_BIN, GENERATE_SHARDS_BIN } from './repo-paths.js'

export interface GeneratorRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export function runGenerateHaproxy (args: readonly string[]): GeneratorRun {
  return run(GENERATE_HAPROXY_BIN, args, undefined)
}

/** `shards` is written to the generator's standard input (it reads the list from `-`). */
export function runGenerateShards (shards: unknown, args: readonly string[] = []): GeneratorRun {
  return run(GENERATE_SHARDS_BIN, ['-', ...args], JSON.stringify(shards))
}

/** The config text; throws with the generator's message when it refuses. */
export function generated (result: GeneratorRun): string {
  if (result.code !== 0) throw new Error(`generator exited with ${result.code}: ${result.stderr}`)
  return result.stdout
}

function run (bin: string, args: readonly string[], input: string | undefined): GeneratorRun {
  const result = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', timeout: 30_000 })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}
