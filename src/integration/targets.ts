/**
 * The delivery targets this build knows, registered with the delivery worker on import: the webhook
 * target (webhook.ts) and the ERP connectors (src/integration/erp/, registering the 'erp' target).
 * The service imports this module once (src/main.ts); a process that runs a delivery worker imports it too.
 */
import './webhook.ts';
import { registerErpTarget } from './erp/index.ts';

registerErpTarget();
