// The notify job: a notification's id off the notify queue, handed to the flow that delivers it.
export { deliverNotification as processNotify, giveUpNotify } from '../flows/deliver.js'
