// The match job: a child's id off the match queue, handed to the flow that places it.
export { matchChild as processMatch, giveUpMatch } from '../flows/match-child.js'
