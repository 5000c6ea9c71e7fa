// The configs lb/generate-haproxy.mjs writes, and lb/haproxy.cfg being one of them.
import test from 'ava'
import { readFileSync } from 'node:fs'
import { generated, runGenerateHaproxy } from '../src/lb-generators.js'
import { HAPROXY_COMPOSE_CONFIG } from '../src/repo-paths.js'

const loopback = generated(runGenerateHaproxy(['--bind', '127.0.0.1:18080', '--stats', '127.0.0.1:18404', '--server', '127.0.0.1:9001', '--server', '127.0.0.1:9002']))

test('lb/haproxy.cfg is what the generator writes for compose', (t) => {
  t.is(readFileSync(HAPROXY_COMPOSE_CONFIG, 'utf8'), generated(runGenerateHaproxy(['--compose'])),
    'regenerate it: node lb/generate-haproxy.mjs --compose --out lb/haproxy.cfg')
})

test('the compose config resolves replicas through docker dns and serves its own metrics', (t) => {
  const text = readFileSync(HAPROXY_COMPOSE_CONFIG, 'utf8')
  t.regex(text, /^resolvers docker\n {2}nameserver dns1 127\.0\.0\.11:53$/m)
  t.regex(text, /default-server .* resolvers docker init-addr last,libc,none$/m)
  t.regex(text, /^ {2}bind 0\.0\.0\.0:8080$/m)
  t.regex(text, /^ {2}http-request use-service prometheus-exporter if \{ path \/metrics \}$/m)
})

test('servers are health-checked on /readyz and must answer 200', (t) => {
  t.regex(loopback, /^ {2}option httpchk\n {2}http-check send meth GET uri \/readyz\n {2}http-check expect status 200$/m)
  t.regex(loopback, /^ {2}server s1 127\.0\.0\.1:9001 check$/m)
  t.regex(loopback, /^ {2}server s2 127\.0\.0\.1:9002 check$/m)
})

test('requests that died with their server are retried on another one, 5xx answers are not', (t) => {
  t.regex(loopback, /^ {2}retries 3$/m)
  t.regex(loopback, /^ {2}option redispatch 1$/m)
  const retryOn = /^ {2}retry-on (.*)$/m.exec(loopback)?.[1]?.split(' ') ?? []
  t.deepEqual(retryOn.sort(), ['conn-failure', 'empty-response', 'junk-response'])
})

test('the loopback config listens only where it is told', (t) => {
  const binds = [...loopback.matchAll(/^ {2}bind (\S+)$/gm)].map((m) => m[1])
  t.deepEqual(binds, ['127.0.0.1:18080', '127.0.0.1:18404'])
  t.false(loopback.includes('resolvers'))
})

test('the check interval sets inter, fastinter and downinter', (t) => {
  const text = generated(runGenerateHaproxy(['--bind', '127.0.0.1:1', '--server', '127.0.0.1:2', '--check-interval-ms', '300', '--fall', '3']))
  t.regex(text, /default-server inter 300ms fastinter 150ms downinter 1000ms fall 3 rise 2$/m)
})

test('debug headers name the backend and server that answered', (t) => {
  const text = generated(runGenerateHaproxy(['--bind', '127.0.0.1:1', '--server', '127.0.0.1:2', '--debug-headers']))
  t.regex(text, /http-response set-header X-Line-Server-Backend line_servers$/m)
  t.regex(text, /http-response set-header X-Line-Server-Server %\[srv_name\]$/m)
  t.false(loopback.includes('X-Line-Server'))
})

test('the generator refuses bad addresses and reports every problem', (t) => {
  const result = runGenerateHaproxy(['--bind', 'localhost', '--server', '127.0.0.1:1', '--server', 'nope'])
  t.is(result.code, 2)
  t.regex(result.stderr, /bind must be host:port, got "localhost"/)
  t.regex(result.stderr, /server must be host:port, got "nope"/)
  t.is(result.stdout, '')
  t.is(runGenerateHaproxy(['--bind', '127.0.0.1:1']).code, 2, 'no servers')
})
