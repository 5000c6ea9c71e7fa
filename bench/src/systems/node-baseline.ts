// The node:http + readSync baseline (bench/src/baselines), one process or a node:cluster of N.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { stopChild, type RunningSystem } from './running-system.js'

const SERVER_PATH = fileURLToPath(new URL('../baselines/node-readsync-server.js', import.meta.url))

export async function startNodeBaseline (dataPath: string, processes: number): Promise<RunningSystem> {
  const started = performance.now()
  const child = spawn(process.execPath, [SERVER_PATH, dataPath, '--port', '0', '--host', '127.0.0.1', '--processes', String(processes)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (t: string) => { stderr += t })
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve() }))
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string, port?: number }
        if (entry.msg === 'serving' && typeof entry.port === 'number') resolve(entry.port)
      } catch {}
    })
    void exited.then(() => { reject(new Error(`node baseline exited before serving: ${stderr}`)) })
  })
  return {
    name: processes > 1 ? 'node-cluster' : 'node',
    label: processes > 1 ? `node:http ×${processes}` : 'node:http',
    processes,
    pid: child.pid ?? 0,
    url: `http://127.0.0.1:${port}`,
    startSeconds: (performance.now() - started) / 1000,
    stop: async () => { await stopChild(child, exited) }
  }
}
