// Free text that people type into the service. PostgreSQL text cannot hold U+0000, and no name,
// reference or label has any other control character in it either; a summary may keep its line
// breaks and tabs. Every schema that takes such text uses these, so the rule is made once.
import { z } from 'zod'

export const NO_CONTROLS = /^[^\u0000-\u001f\u007f]*$/
export const NO_CONTROLS_BUT_LINES = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/

/** A one-line text field: no control characters at all. */
export const plainText = (s: z.ZodString) => s.regex(NO_CONTROLS, 'must not contain control characters')
