import test from 'ava'
import { COMMON_HEADERS, lineHeaders } from '../src/http/common-headers.js'

test('a line\'s headers carry every common header, the text type and the exact length', (t) => {
  const headers = lineHeaders(17)
  for (const [name, value] of Object.entries(COMMON_HEADERS)) t.is(headers[name], value, name)
  t.is(headers['Content-Type'], 'text/plain; charset=utf-8')
  t.is(headers['Content-Length'], 17)
  t.is(lineHeaders(0)['Content-Length'], 0)
})
