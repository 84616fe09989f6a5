import { restoreSecrets, SECRET_MASK, type Plan } from '@loadtest/protocol';
import { badRequest } from '../http/errors.js';

/**
 * The plan to store from one written to the API: each secret variable given as '***' keeps the value stored under its
 * name. One with no stored secret to keep is a 400: storing the mask itself as the secret would go unnoticed until a run.
 */
export function withStoredSecrets(plan: Plan, stored: Plan | undefined): Plan {
  const restored = restoreSecrets(plan, stored);
  if (restored.unresolved.length > 0)
    throw badRequest(
      `secret variables given as '${SECRET_MASK}' with no stored secret of that name to keep: ${restored.unresolved.join(', ')}; write their values`,
      restored.unresolved.map((name) => ({
        path: `variables.${name}.value`,
        message: `'${SECRET_MASK}' keeps a stored secret, and this plan has none named ${name}`,
      })),
    );
  return restored.plan;
}
