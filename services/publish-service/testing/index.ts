/**
 * @social-bridge/publish-service/testing — publish-service's test kit for other packages (the
 * benchmarks): a whole stack (sandbox, auth-service, webhook relay, a replica), a replica's test
 * config, and the CRM user's identity token. Its own tests import the same from `test/`.
 */
export { asUser, buildStack, type Stack } from '../test/helper.js'
export { testPublishConfig } from '../test/publish-config.js'
