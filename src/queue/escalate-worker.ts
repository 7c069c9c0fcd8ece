// The escalate job: a notification's id and step off the escalate queue, handed to the flow that
// takes the step (deputies, desk, holiday reminder).
export { escalateStep as processEscalation, giveUpEscalation } from '../flows/escalate.js'
