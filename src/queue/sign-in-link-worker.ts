// The sign-in-link job: a link's id off its queue, handed to the flow that e-mails it.
export { sendSignInLink as processSignInLink } from '../flows/sign-in.js'
