// The one rule for free text (src/domain/text.ts): no control characters; a summary may keep line
// breaks and tabs.
import t from 'tap'
import { z } from 'zod'
import { NO_CONTROLS, NO_CONTROLS_BUT_LINES, plainText } from '../../src/domain/text.js'

t.test('one-line text refuses every control character, including NUL and DEL', async (t) => {
  t.ok(NO_CONTROLS.test('Jo Bloggs – Ysgol Gymraeg'))
  for (const c of ['\u0000', '\t', '\n', '\r', '\u001f', '\u007f']) t.notOk(NO_CONTROLS.test(`a${c}b`), JSON.stringify(c))
})

t.test('a summary keeps line breaks and tabs but no other control character', async (t) => {
  t.ok(NO_CONTROLS_BUT_LINES.test('line one\r\nline two\tindented'))
  for (const c of ['\u0000', '\u0008', '\u000b', '\u000c', '\u001b', '\u007f']) {
    t.notOk(NO_CONTROLS_BUT_LINES.test(`a${c}b`), JSON.stringify(c))
  }
})

t.test('plainText adds the rule, with its message, to a string schema', async (t) => {
  const schema = plainText(z.string())
  t.equal(schema.parse('Example Primary'), 'Example Primary')
  const r = schema.safeParse('Example\nPrimary')
  t.equal(r.success, false)
  t.equal(r.error?.issues[0]?.message, 'must not contain control characters')
})
