// The Dockerfile's HEALTHCHECK command, run as Docker would run it, against a real server.
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateDataFile, startServer } from '@line-server/testkit'
import { healthcheckCommand } from '../src/dockerfile.js'
import { DOCKERFILE } from '../src/repo-paths.js'

test('the health check passes for a ready server and fails once it has stopped', async (t) => {
  const [command, ...args] = healthcheckCommand(readFileSync(DOCKERFILE, 'utf8'))
  const dir = mkdtempSync(join(tmpdir(), 'ops-healthcheck-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  generateDataFile(join(dir, 'data.txt'), 64 * 1024, { seed: 5 })
  const server = await startServer(join(dir, 'data.txt'), { args: ['--threads', '1', '--index-threads', '1'] })
  const probe = (): number | null => spawnSync(command === 'node' ? process.execPath : command!, args, {
    env: { ...process.env, PORT: String(server.port) }, timeout: 10_000
  }).status
  try {
    t.is(probe(), 0)
  } finally {
    await server.stop()
  }
  t.is(probe(), 1)
})
