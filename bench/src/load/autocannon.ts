// Parent side of a load run: forks the autocannon worker, tells the caller when the measured
// window starts and ends (to sample the server's CPU and memory), and returns the worker's result.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { LoadJob, LoadResult, WorkerMessage } from './load-types.js'

const WORKER_PATH = fileURLToPath(new URL('./autocannon-worker.js', import.meta.url))

export interface WindowHooks {
  readonly onMeasuring: () => void
  readonly onMeasured: () => void
}

export async function runAutocannon (job: LoadJob, hooks: WindowHooks): Promise<LoadResult> {
  const child = fork(WORKER_PATH, [JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  let result: LoadResult | undefined
  let failure: string | undefined
  child.on('message', (message: WorkerMessage) => {
    switch (message.type) {
      case 'measuring': hooks.onMeasuring(); break
      case 'measured': hooks.onMeasured(); break
      case 'result': result = message.result; break
      case 'error': failure = message.message; break
    }
  })
  // 'close' waits for the IPC channel too, so a result sent just before exiting is not lost.
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  if (result !== undefined) return result
  throw new Error(`autocannon worker failed (exit ${code}): ${failure ?? 'no result'}`)
}
