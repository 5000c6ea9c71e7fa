// bench/scripts/thread-shares.sh refuses bad options with exit code 2 before it starts a server
// (its measuring run has a smoke test in thread-shares.heavy.test.ts).
import test from 'ava'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { REPO_ROOT } from '@line-server/testkit'

const run = promisify(execFile)
const SCRIPT = join(REPO_ROOT, 'bench', 'scripts', 'thread-shares.sh')

test('refuses bad options before starting anything', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--rounds', '0'], /positive integers, not 0/],
    [['--seconds', 'two'], /positive integers, not two/],
    [['--options'], /--options needs a value/],
    [['--bogus', '1'], /unknown option --bogus/],
    [['/no/such/file.txt'], /no data file/]
  ]
  for (const [args, message] of cases) {
    const err = await t.throwsAsync(run('bash', [SCRIPT, ...args], { cwd: REPO_ROOT })) as Error & { code: number, stderr: string }
    t.is(err.code, 2, args.join(' '))
    t.regex(err.stderr, message, args.join(' '))
  }
})
