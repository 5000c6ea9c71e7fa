// --processes N: cluster workers behind one port, metrics summed across them, and a SIGTERM to
// the primary alone (as `docker stop` sends it) stops every process with exit 0.
import test from 'ava'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { expectedLine, generateDataFile } from '@line-server/testkit'
import { fixtureDir } from './helpers/fixtures.js'
import { serveFile } from './helpers/server.js'

function childPids (pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter((l) => l !== '').map(Number)
  } catch {
    return []
  }
}

test('two processes serve every line, sum their counters, and all exit 0 on SIGTERM to the primary', async (t) => {
  const dir = fixtureDir(t)
  const dataPath = join(dir, 'data.txt')
  const spec = { seed: 3 }
  const { lines } = generateDataFile(dataPath, 2 * 1024 * 1024, spec)
  const server = await serveFile(t, dataPath, { args: ['--processes', '2'] })
  const workers = childPids(server.child.pid!)
  t.is(workers.length, 2, 'the primary forked two workers')
  const asked = Array.from({ length: 400 }, (_, i) => 1 + ((i * 7919) % lines))
  const bodies = await Promise.all(asked.map(async (n) => Buffer.from(await (await fetch(`${server.url}/lines/${n}`)).arrayBuffer())))
  asked.forEach((n, i) => { t.deepEqual(bodies[i], expectedLine(n, spec), `line ${n}`) })
  const metrics = await (await fetch(`${server.url}/metrics`)).text()
  t.regex(metrics, new RegExp(`^line_server_index_lines ${lines}$`, 'm'), 'file facts are not multiplied by the process count')
  const served = Number(/^line_server_lines_served_total (\d+)$/m.exec(metrics)?.[1])
  t.is(served, asked.length, 'lines served are summed over both workers')
  t.is(await server.stop(), 0)
  await new Promise((resolve) => setTimeout(resolve, 200))
  const alive = workers.filter((pid) => { try { process.kill(pid, 0); return true } catch { return false } })
  t.deepEqual(alive, [], 'no worker outlives the primary')
})
